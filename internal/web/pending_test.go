package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/htmltest"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// badge returns the link of the pending badge (待审核) inside the element
// with the id on the page (inside the elements with the ids, outermost
// first), and its text; "" if it has none.
func badge(body string, elemIDs ...string) (href, label string) {
	scope := htmltest.Parse(body)
	for _, elemID := range elemIDs {
		if scope = htmltest.Find(scope, "", "id", elemID); scope == nil {
			return "", ""
		}
	}
	a := htmltest.Find(scope, "a", "class", "tag pending")
	if a == nil {
		return "", ""
	}
	return attrOf(a, "href"), htmltest.Text(a)
}

// h1 returns the page's heading element's inner HTML, wrapped so that badge
// can look inside it.
func h1(body string) string {
	inner, _ := element(body, "h1", "", "")
	return `<div id="h1">` + inner + `</div>`
}

// TestPendingOnRecordPages: with review on, what an institution user
// changes, adds, retires or files shows as pending (待审核) on the record
// pages, to the institution and to the office alike, each badge linking to
// its submission in the queue: a changed device in its heading and its row
// on the institution's equipment tab, a new training as a row of its own on
// the person's page, a retired test on its row, a new person on the
// institution's people tab. A viewer sees none of it. Once approved the
// pages show the records as stored, without badges.
func TestPendingOnRecordPages(t *testing.T) {
	e := newEnv(t)
	if w := e.do("supervisor", "POST", "/reviews/setting", url.Values{"on": {"1"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("review on: %d", w.Code)
	}
	held := func(w interface{ Header() http.Header }, code int, what string) {
		t.Helper()
		if code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/reviews") {
			t.Fatalf("%s: %d %s, want held for review", what, code, w.Header().Get("Location"))
		}
	}
	eq := find(e, store.Equipment, e.a.equip.ID)
	form := formOf("equipment", eq, eq.Version)
	form.Set("room", "待审核的机房")
	w := e.do("inst", "POST", "/equipment/"+id(eq.ID)+"/edit", form)
	held(w, w.Code, "equipment edit")
	w = e.do("inst", "POST", "/people/"+id(e.a.person.ID)+"/trainings/new", url.Values{"taken_on": {"2024-06-01"}, "kind": {"periodic"},
		"days": {"2"}, "passed": {"pass"}, "certificate_no": {"PX-PENDING-1"}, "provider": {"河南省职业病防治研究院"}})
	held(w, w.Code, "new training")
	test := find(e, store.Tests, e.a.test.ID)
	w = e.do("inst", "POST", "/tests/"+id(test.ID)+"/retire", url.Values{"version": {id(int64(test.Version))}})
	held(w, w.Code, "test retirement")
	w = e.do("inst", "POST", "/institutions/"+id(e.a.inst.ID)+"/people/new", url.Values{"id_number": {storetest.IDNumber()},
		"name": {"待审核新人"}, "occupation": {"2A"}, "job": {"技师"}, "started_on": {"2024-01-02"}})
	held(w, w.Code, "new person")
	if find(e, store.Tests, test.ID).Retired || find(e, store.Equipment, eq.ID).Room == "待审核的机房" {
		t.Fatal("a held change took effect")
	}
	subs, err := e.reg.Submissions(t.Context(), e.super(), store.SubmissionFilter{State: domain.SubmissionPending})
	if err != nil || len(subs) != 4 {
		t.Fatalf("pending: %v %d", err, len(subs))
	}
	link := map[string]string{} // entity/action → the badge's link
	for _, s := range subs {
		link[s.Entity+"/"+s.Action] = "/reviews?id=" + id(s.ID)
	}

	for _, role := range []string{"inst", "supervisor"} {
		page := e.do(role, "GET", "/equipment/"+id(eq.ID), nil).Body.String()
		if href, _ := badge(h1(page), "h1"); href != link["equipment/save"] {
			t.Errorf("%s: the device's heading badge links to %q, want %q", role, href, link["equipment/save"])
		}
		if href, label := badge(page, "tests", "test-"+id(test.ID)); href != link["test/retire"] || !strings.Contains(label, "停用") {
			t.Errorf("%s: the retired test's badge %q %q", role, href, label)
		}
		page = e.do(role, "GET", "/people/"+id(e.a.person.ID), nil).Body.String()
		row := cells(page, "pending-"+strings.TrimPrefix(link["training/save"], "/reviews?id="))
		if len(row) == 0 || !strings.Contains(strings.Join(row, " "), "PX-PENDING-1") {
			t.Errorf("%s: the person's page has no pending training row: %v", role, row)
		}
		if href, _ := badge(page, "trainings"); href != link["training/save"] {
			t.Errorf("%s: the new training's badge links to %q", role, href)
		}
		page = e.do(role, "GET", "/institutions/"+id(e.a.inst.ID)+"?tab=equipment", nil).Body.String()
		if href, _ := badge(page, "equipment", "equipment-"+id(eq.ID)); href == "" {
			t.Errorf("%s: the equipment tab's row has no badge", role)
		}
		page = e.do(role, "GET", "/institutions/"+id(e.a.inst.ID)+"?tab=people", nil).Body.String()
		hire := "pending-" + strings.TrimPrefix(link["person/hire"], "/reviews?id=")
		if row := cells(page, hire); len(row) == 0 || !strings.Contains(row[0], "待审核新人") {
			t.Errorf("%s: the people tab has no pending new person: %v", role, row)
		}
		if href, _ := badge(page, "people", "person-"+id(e.a.person.ID)); href != link["training/save"] {
			t.Errorf("%s: the person's row badge links to %q", role, href)
		}
		queue := e.do(role, "GET", link["test/retire"], nil).Body.String()
		if rows := htmltest.FindAll(htmltest.Parse(queue), "tr", "", ""); !strings.Contains(queue, `id="review-action-`) || len(rows) == 0 {
			t.Errorf("%s: the queue item of the retirement does not say what it does", role)
		}
	}
	if page := e.do("viewer", "GET", "/equipment/"+id(eq.ID), nil).Body.String(); strings.Contains(page, `class="tag pending"`) {
		t.Error("a viewer sees pending submissions")
	}
	if page := e.do("inst", "GET", "/equipment/"+id(e.b.equip.ID), nil); page.Code != http.StatusNotFound {
		t.Errorf("another institution's device: %d", page.Code)
	}

	var ids url.Values = url.Values{}
	for _, s := range subs {
		ids.Add("id", id(s.ID))
	}
	if w := e.do("supervisor", "POST", "/reviews/approve", ids); w.Code != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", w.Code, w.Body.String())
	}
	for _, role := range []string{"inst", "supervisor"} {
		page := e.do(role, "GET", "/equipment/"+id(eq.ID), nil).Body.String()
		if strings.Contains(page, `class="tag pending"`) || !strings.Contains(page, "待审核的机房") {
			t.Errorf("%s: after approval the device page still shows a badge or lacks the new room", role)
		}
		page = e.do(role, "GET", "/institutions/"+id(e.a.inst.ID)+"?tab=people", nil).Body.String()
		if strings.Contains(page, `class="tag pending"`) || !strings.Contains(page, "待审核新人") {
			t.Errorf("%s: after approval the people tab still shows a badge or lacks the new person", role)
		}
	}
	if !find(e, store.Tests, test.ID).Retired {
		t.Error("the approved retirement was not applied")
	}
}

// TestInstitutionChangesPage: the office's feed page lists an institution
// user's change with the field before and after, linked to the record,
// and a change submitted for review with its state and queue link;
// filtered by another institution it is empty.
func TestInstitutionChangesPage(t *testing.T) {
	e := newEnv(t)
	eq := find(e, store.Equipment, e.a.equip.ID)
	form := formOf("equipment", eq, eq.Version)
	form.Set("room", "动态机房")
	if w := e.do("inst", "POST", "/equipment/"+id(eq.ID)+"/edit", form); w.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d", w.Code)
	}
	e.do("supervisor", "POST", "/reviews/setting", url.Values{"on": {"1"}})
	eq = find(e, store.Equipment, e.a.equip.ID)
	form = formOf("equipment", eq, eq.Version)
	form.Set("room", "动态待审机房")
	e.do("inst", "POST", "/equipment/"+id(eq.ID)+"/edit", form)

	page := e.do("supervisor", "GET", "/institution-changes?institution="+id(e.a.inst.ID), nil)
	if page.Code != http.StatusOK {
		t.Fatalf("feed: %d", page.Code)
	}
	body := page.Body.String()
	doc := htmltest.Parse(body)
	rows := htmltest.FindAll(htmltest.Find(doc, "table", "id", "feed"), "tr", "", "")
	var lines []string
	for _, r := range rows {
		if id, _ := attr(r, "id"); strings.HasPrefix(id, "feed-") {
			lines = append(lines, htmltest.Text(r))
		}
	}
	if len(lines) != 2 {
		t.Fatalf("feed lines %q, want the submission and the update", lines)
	}
	if !strings.Contains(lines[0], "提交审核") || !strings.Contains(lines[0], "待审核") || !strings.Contains(lines[1], "动态机房") ||
		!strings.Contains(lines[1], e.a.inst.Name) {
		t.Errorf("feed lines %q", lines)
	}
	if a := htmltest.Find(doc, "a", "href", "/equipment/"+id(eq.ID)); a == nil {
		t.Error("the update does not link to the device")
	}
	if nav := htmltest.Find(doc, "a", "id", "nav-feed"); nav == nil {
		t.Error("the supervisor's navigation has no link to the feed")
	}
	other := e.do("supervisor", "GET", "/institution-changes?institution="+id(e.b.inst.ID), nil).Body.String()
	if strings.Contains(other, "动态机房") {
		t.Error("B's feed lists A's change")
	}
	if home := e.do("inst", "GET", "/", nil).Body.String(); strings.Contains(home, `id="nav-feed"`) {
		t.Error("an institution user's navigation links to the office's feed")
	}
}
