package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// stored reads a finding as it is stored now.
func (e *env) stored(id int64) *domain.Finding {
	e.t.Helper()
	var f *domain.Finding
	err := e.store.View(context.Background(), func(tx *store.Tx) error {
		var err error
		f, err = tx.FindFinding(domain.Scope{}, id)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

// TestFixingResolvesInTheSameRequest files the missing acceptance test of a
// device: its finding is resolved by the time the device page loads.
func TestFixingResolvesInTheSameRequest(t *testing.T) {
	e := newEnv(t)
	dev := "/equipment/" + id(e.a.flawed.ID)
	finding := `id="finding-` + id(e.a.finding.ID) + `"`
	if body := e.do("inst", "GET", dev, nil).Body.String(); !strings.Contains(body, finding) {
		t.Fatalf("device page does not list its finding\n%s", excerpt(body))
	}
	today := time.Now().Format(time.DateOnly)
	w := e.do("inst", "POST", dev+"/tests/new", url.Values{"kind": {"acceptance"}, "tested_on": {today}, "result": {"pass"}})
	if w.Code != 303 {
		t.Fatalf("file test: %d\n%s", w.Code, excerpt(w.Body.String()))
	}
	if f := e.stored(e.a.finding.ID); f.Status != domain.FindingResolved {
		t.Errorf("finding status %q after the acceptance test, want resolved", f.Status)
	}
	if body := e.do("inst", "GET", dev, nil).Body.String(); strings.Contains(body, finding) {
		t.Errorf("device page still lists the resolved finding")
	}
}

// TestHighDoseOpensFinding enters an annual dose over 20 mSv: the person
// page shows the new warning right after.
func TestHighDoseOpensFinding(t *testing.T) {
	e := newEnv(t)
	person := "/people/" + id(e.a.person.ID)
	year := time.Now().Year() - 1
	w := e.do("supervisor", "POST", person+"/doses/new", url.Values{"institution_id": {id(e.a.inst.ID)},
		"period_start": {fmt.Sprintf("%d-01-01", year)}, "period_end": {fmt.Sprintf("%d-03-31", year)}, "hp10": {"25.000"}})
	if w.Code != 303 {
		t.Fatalf("file dose: %d\n%s", w.Code, excerpt(w.Body.String()))
	}
	body := e.do("inst", "GET", person, nil).Body.String()
	if !strings.Contains(body, screening.PerDoseAnnualHigh) || !strings.Contains(body, "25.000") {
		t.Errorf("person page lacks the annual dose finding with the dose\n%s", excerpt(body))
	}
	// And it is on the institution user's to-do list.
	if home := e.do("inst", "GET", "/", nil).Body.String(); !strings.Contains(home, screening.PerDoseAnnualHigh) {
		t.Errorf("home page to-do list lacks the finding")
	}
	// The finding names the person by a masked ID number, on its page and in
	// the list; a viewer does not see it at all (it derives from a dose).
	list := e.do("supervisor", "GET", "/findings?rule="+screening.PerDoseAnnualHigh, nil).Body.String()
	ids := rowIDs(list, "findings")
	if len(ids) == 0 {
		t.Fatalf("the finding is not listed\n%s", excerpt(list))
	}
	page := e.do("supervisor", "GET", "/findings/"+strings.TrimPrefix(ids[0], "finding-"), nil).Body.String()
	for _, b := range []string{list, page} {
		if strings.Contains(b, e.a.person.IDNumber) || !strings.Contains(page, domain.MaskIDNumber(e.a.person.IDNumber)) {
			t.Errorf("a finding shows a whole ID number or not the masked one\n%s", excerpt(b))
		}
	}
	if w := e.do("viewer", "GET", "/findings/"+strings.TrimPrefix(ids[0], "finding-"), nil); w.Code != 404 {
		t.Errorf("a viewer reads a dose finding: %d", w.Code)
	}
}

func TestDismissFinding(t *testing.T) {
	e := newEnv(t)
	f := e.a.finding
	path := "/findings/" + id(f.ID)
	version := id(int64(f.Version))

	// No reason: the form comes back with the message at the field.
	w := e.do("supervisor", "POST", path+"/dismiss", url.Values{"version": {version}, "reason": {"  "}})
	if w.Code != 400 || !strings.Contains(w.Body.String(), `id="form-message"`) || !strings.Contains(w.Body.String(), `name="reason"`) {
		t.Errorf("no reason: %d\n%s", w.Code, excerpt(w.Body.String()))
	}
	if got := e.stored(f.ID); got.Status != domain.FindingOpen {
		t.Fatalf("dismissed without a reason: %s", got.Status)
	}

	// A stale version: 409 and the finding unchanged.
	w = e.do("supervisor", "POST", path+"/dismiss", url.Values{"version": {id(int64(f.Version + 7))}, "reason": {"已核实"}})
	if w.Code != 409 || !strings.Contains(w.Body.String(), "已核实") {
		t.Errorf("stale version: %d, want 409 with the typed reason kept", w.Code)
	}
	if got := e.stored(f.ID); got.Status != domain.FindingOpen || got.Version != f.Version {
		t.Fatalf("stale dismissal changed the finding: %+v", got)
	}

	reason := "经现场核实，该设备已于上月完成验收检测，报告编号 ZY-2026-001"
	w = e.do("supervisor", "POST", path+"/dismiss", url.Values{"version": {version}, "reason": {reason}})
	if w.Code != 303 {
		t.Fatalf("dismiss: %d\n%s", w.Code, excerpt(w.Body.String()))
	}
	got := e.stored(f.ID)
	if got.Status != domain.FindingDismissed || got.DismissReason != reason || got.DismissedBy != e.users["supervisor"].Username {
		t.Errorf("after dismissal: %+v", got)
	}
	body := e.do("inst", "GET", path, nil).Body.String()
	if !strings.Contains(body, reason) || !strings.Contains(body, "已核销") || strings.Contains(body, `action="`+path+`/dismiss"`) {
		t.Errorf("dismissed finding page\n%s", excerpt(body))
	}
	who := e.users["supervisor"]
	if dismissal := fieldText(body, "dismissal"); !strings.Contains(dismissal, who.DisplayName) || strings.Contains(dismissal, who.Username) {
		t.Errorf("the dismissal names %q, want the display name %q", dismissal, who.DisplayName)
	}
	if _, ok := startTag(body, "form", "action", path+"/reopen"); ok {
		t.Error("an institution user is offered to undo a dismissal")
	}
	page := e.do("supervisor", "GET", path, nil).Body.String()
	if form, ok := startTag(page, "form", "action", path+"/reopen"); !ok || attrOf(form, "data-confirm") == "" {
		t.Error("the supervisor is not offered to undo the dismissal, with a confirmation")
	}
	if audited := storetest.Count(t, e.store, "audit_events WHERE action = 'dismiss' AND entity = 'finding' AND entity_id = ?", f.ID); audited != 1 {
		t.Errorf("%d audit events for the dismissal, want 1", audited)
	}

	// Not open any more: a second dismissal is a conflict.
	w = e.do("supervisor", "POST", path+"/dismiss", url.Values{"version": {id(int64(got.Version))}, "reason": {"重复"}})
	if w.Code != 409 {
		t.Errorf("second dismissal: %d, want 409", w.Code)
	}
	// The open list no longer has it; the dismissed list has.
	if body := e.do("supervisor", "GET", "/findings", nil).Body.String(); strings.Contains(body, `id="finding-`+id(f.ID)+`"`) {
		t.Errorf("dismissed finding in the open list")
	}
	if body := e.do("supervisor", "GET", "/findings?status=dismissed", nil).Body.String(); !strings.Contains(body, `id="finding-`+id(f.ID)+`"`) {
		t.Errorf("dismissed finding not in the dismissed list")
	}
}

func TestFindingsListScopeAndCounts(t *testing.T) {
	e := newEnv(t)
	own, other := `id="finding-`+id(e.a.finding.ID)+`"`, `id="finding-`+id(e.b.finding.ID)+`"`
	body := e.do("inst", "GET", "/findings?status=all", nil).Body.String()
	if !strings.Contains(body, own) || strings.Contains(body, other) || strings.Contains(body, e.b.inst.Name) {
		t.Errorf("institution user's list: own %v, other %v", strings.Contains(body, own), strings.Contains(body, other))
	}
	body = e.do("supervisor", "GET", "/findings?institution_id="+id(e.b.inst.ID), nil).Body.String()
	if strings.Contains(body, own) || !strings.Contains(body, other) {
		t.Errorf("institution filter: own %v, other %v", strings.Contains(body, own), strings.Contains(body, other))
	}
	if got := text(mustElement(t, body, "p", "id", "scoped")); !strings.Contains(got, e.b.inst.Name) {
		t.Errorf("the list does not say it is limited to %s: %q", e.b.inst.Name, got)
	}
	// Both devices of each institution lack an acceptance test.
	body = e.do("supervisor", "GET", "/findings", nil).Body.String()
	if got := cells(body, "rule-"+screening.EqpAcceptanceMissing); len(got) != 3 || got[2] != "4" {
		t.Errorf("count of %s: %q, want 4", screening.EqpAcceptanceMissing, got)
	}
	if w := e.do("supervisor", "GET", "/findings?institution_id=x", nil); w.Code != 400 {
		t.Errorf("bad institution_id: %d", w.Code)
	}
}

// doIn is do for a reader who chose a language (the language switch's cookie).
func (e *env) doIn(lang, role, target string) string {
	e.t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.AddCookie(&http.Cookie{Name: "radsup_session", Value: e.tokens[role]})
	r.AddCookie(&http.Cookie{Name: "radsup_lang", Value: lang})
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		e.t.Fatalf("GET %s in %s: %d\n%s", target, lang, w.Code, excerpt(w.Body.String()))
	}
	return w.Body.String()
}

// TestFindingsInTheReadersLanguage reads the list and a finding's page in
// English and in Chinese: the message, title, basis, action, labels and
// facts are in the reader's language, enumeration keys never shown raw.
func TestFindingsInTheReadersLanguage(t *testing.T) {
	e := newEnv(t)
	f := e.a.finding
	row := "finding-" + id(f.ID)
	for _, lang := range []string{"en", "zh-CN"} {
		msg := screening.Message(lang, f.Template, f.Evidence, f.DueOn)
		list := e.doIn(lang, "supervisor", "/findings")
		got := cells(list, row)
		if len(got) != 6 || got[0] != screening.SeverityLabel(lang, domain.Violation) ||
			!strings.Contains(got[1], screening.Title(lang, f.Template)) || !strings.HasPrefix(got[2], msg) {
			t.Errorf("%s list row: %q\nwant message %q", lang, got, msg)
		}
		page := e.doIn(lang, "supervisor", "/findings/"+id(f.ID))
		for elem, want := range map[string]string{"p#message": msg, "dd#basis": screening.Basis(lang, f.Rule),
			"dd#action": screening.Action(lang, f.Rule), "dd#detail-type": map[string]string{"en": "DR", "zh-CN": "DR (数字化X射线摄影)"}[lang]} {
			name, elemID, _ := strings.Cut(elem, "#")
			if got := text(mustElement(t, page, name, "id", elemID)); got != want {
				t.Errorf("%s page #%s: %q, want %q", lang, elem, got, want)
			}
		}
	}
	en := text(mustElement(t, e.doIn("en", "supervisor", "/findings/"+id(f.ID)), "p", "id", "message"))
	if !strings.Contains(en, "no passed acceptance test on record") || !strings.Contains(en, "This breaches Article 20(1)") ||
		strings.Contains(en, "违反") || strings.Contains(en, "设备") {
		t.Errorf("English message: %q", en)
	}
}
