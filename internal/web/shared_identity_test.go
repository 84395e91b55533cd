package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestSharedIdentityForm: with review off, the institution renames its own
// worker at once; once the worker also works at B, a rename through the
// form goes to the queue with a message saying why (naming neither B nor
// any other institution) and changes nothing until the office approves it
// there.
func TestSharedIdentityForm(t *testing.T) {
	e := newEnv(t)
	p := e.a.person
	rename := func(name string) *http.Response {
		t.Helper()
		cur := find(e, store.People, p.ID)
		form := formOf("person", cur, cur.Version)
		form.Set("name", name)
		return e.do("inst", "POST", "/people/"+id(p.ID)+"/edit", form).Result()
	}
	if r := rename("本机构改名"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/people/"+id(p.ID) {
		t.Fatalf("rename of an own-only worker: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if got := find(e, store.People, p.ID).Name; got != "本机构改名" {
		t.Fatalf("rename not applied: %q", got)
	}
	if err := e.store.WithTx(t.Context(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		storetest.Employment(t, tx, p.ID, e.b.inst.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r := rename("共享人员改名")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/reviews?state=pending&held=shared_person" {
		t.Fatalf("rename of a shared worker: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if got := find(e, store.People, p.ID).Name; got != "本机构改名" {
		t.Fatalf("held rename applied: %q", got)
	}
	page := e.do("inst", "GET", r.Header.Get("Location"), nil).Body.String()
	main := page[strings.Index(page, "<main"):]
	if !strings.Contains(main, `id="review-held"`) || !strings.Contains(main, "同时在其他机构从事放射工作") || !strings.Contains(main, "共享人员改名") {
		t.Errorf("the queue does not say why the rename waits: %s", main)
	}
	if strings.Contains(main, e.b.inst.Name) {
		t.Errorf("the queue names the other employer %q", e.b.inst.Name)
	}
	subs, err := e.reg.Submissions(t.Context(), e.super(), store.SubmissionFilter{State: domain.SubmissionPending})
	if err != nil || len(subs) != 1 {
		t.Fatalf("pending: %v %d", err, len(subs))
	}
	if page := e.do("inst", "GET", "/people/"+id(p.ID), nil).Body.String(); !strings.Contains(page, `href="/reviews?id=`+id(subs[0].ID)+`"`) {
		t.Errorf("the person page shows no pending badge for the held rename")
	}
	if w := e.do("supervisor", "POST", "/reviews/approve", url.Values{"id": {id(subs[0].ID)}}); w.Code != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", w.Code, w.Body.String())
	}
	if got := find(e, store.People, p.ID).Name; got != "共享人员改名" {
		t.Errorf("approved rename not applied: %q", got)
	}
	if page := e.do("inst", "GET", "/people/"+id(p.ID), nil).Body.String(); !strings.Contains(page, "共享人员改名") {
		t.Errorf("the institution's person page lacks the approved name")
	}
}
