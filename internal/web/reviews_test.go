package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"radsup/internal/store"
)

// TestReviewPages: with review on, an institution's edit of its equipment
// goes to the queue, where both sides see it pending with the proposed
// value against the stored one; the institution cannot approve; the
// office approves the checked ones, and a stale one fails the batch with
// a message naming it.
func TestReviewPages(t *testing.T) {
	e := newEnv(t)
	if w := e.do("supervisor", "POST", "/reviews/setting", url.Values{"on": {"1"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("turn review on: %d", w.Code)
	}
	edit := func(room string) {
		t.Helper()
		eq := find(e, store.Equipment, e.a.equip.ID)
		form := formOf("equipment", eq, eq.Version)
		form.Set("room", room)
		w := e.do("inst", "POST", "/equipment/"+id(eq.ID)+"/edit", form)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/reviews?state=pending" {
			t.Fatalf("held edit: %d %s", w.Code, w.Header().Get("Location"))
		}
	}
	before := find(e, store.Equipment, e.a.equip.ID).Room
	edit("待审核的机房")
	if got := find(e, store.Equipment, e.a.equip.ID).Room; got != before {
		t.Fatalf("held edit applied: %q", got)
	}
	for _, role := range []string{"inst", "supervisor"} {
		page := e.do(role, "GET", "/reviews", nil).Body.String()
		if !strings.Contains(page, "待审核的机房") || !strings.Contains(page, before) || !strings.Contains(page, "待审核") {
			t.Errorf("%s does not see the pending change against the stored value: %s", role, page[strings.Index(page, "<main"):])
		}
	}
	subs, err := e.reg.Submissions(t.Context(), e.super(), store.SubmissionFilter{State: "pending"})
	if err != nil || len(subs) != 1 {
		t.Fatalf("pending: %v %d", err, len(subs))
	}
	first := id(subs[0].ID)
	if w := e.do("inst", "POST", "/reviews/approve", url.Values{"id": {first}}); w.Code != http.StatusForbidden {
		t.Errorf("institution approves: %d", w.Code)
	}
	// A second change based on the same version: once the first is
	// approved it is stale, and a batch with it fails whole.
	eq := find(e, store.Equipment, e.a.equip.ID)
	form := formOf("equipment", eq, eq.Version)
	form.Set("room", "第二次修改")
	e.do("inst", "POST", "/equipment/"+id(eq.ID)+"/edit", form)
	subs, _ = e.reg.Submissions(t.Context(), e.super(), store.SubmissionFilter{State: "pending"})
	if len(subs) != 2 {
		t.Fatalf("%d pending, want 2", len(subs))
	}
	second := id(subs[0].ID)
	w := e.do("supervisor", "POST", "/reviews/approve", url.Values{"id": {first, second}})
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "第 "+second+" 号提交") {
		t.Fatalf("stale batch: %d", w.Code)
	}
	if got := find(e, store.Equipment, e.a.equip.ID).Room; got != before {
		t.Fatalf("a failed batch applied a change: %q", got)
	}
	if w := e.do("supervisor", "POST", "/reviews/"+second+"/reject", url.Values{"reason": {"与前次修改冲突"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("reject: %d", w.Code)
	}
	if w := e.do("supervisor", "POST", "/reviews/approve", url.Values{"id": {first}}); w.Code != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", w.Code, w.Body.String())
	}
	if got := find(e, store.Equipment, e.a.equip.ID).Room; got != "待审核的机房" {
		t.Errorf("approved change not applied: %q", got)
	}
	feed := e.do("supervisor", "GET", "/reviews?state=", nil).Body.String()
	if !strings.Contains(feed, "与前次修改冲突") || !strings.Contains(feed, "已通过") {
		t.Errorf("the feed lacks the decisions")
	}
}
