package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestRectificationClosesAfterTheRegisterIsFixed: the institution answers;
// the supervisor's confirmation is refused, naming the finding, while the
// register still shows the device without its acceptance test; once the
// institution files the test, screening resolves the finding and the
// supervisor closes it. The institution and home pages show it.
func TestRectificationClosesAfterTheRegisterIsFixed(t *testing.T) {
	e := newEnv(t)
	rect := "/rectifications/" + id(e.a.rect)
	if home := e.do("inst", "GET", "/", nil).Body.String(); !strings.Contains(home, `id="rectification-own"`) ||
		!strings.Contains(home, `id="rectification-`+id(e.a.rect)+`"`) || strings.Contains(home, `id="rectification-`+id(e.b.rect)+`"`) {
		t.Errorf("the institution's home does not list its own open rectification alone\n%s", excerpt(home))
	}
	if w := e.do("inst", "POST", rect+"/respond", url.Values{"response": {"已补做验收检测"}, "version": {e.rectVersion(e.a.rect)}}); w.Code != 303 {
		t.Fatalf("answer: %d %s", w.Code, excerpt(w.Body.String()))
	}
	home := e.do("supervisor", "GET", "/", nil).Body.String()
	if !strings.Contains(home, `id="rectification-todo"`) || !strings.Contains(home, `id="rectification-`+id(e.a.rect)+`"`) {
		t.Errorf("the answered rectification is not on the supervisor's to-do list\n%s", excerpt(home))
	}
	w := e.do("supervisor", "POST", rect+"/close", url.Values{"version": {e.rectVersion(e.a.rect)}})
	body := w.Body.String()
	if w.Code != 422 || !strings.Contains(body, "#"+id(e.a.finding.ID)) || !strings.Contains(body, "EQP-ACCEPTANCE-MISSING") || !strings.Contains(body, "仍未整改") {
		t.Fatalf("closing with the finding open: %d %s", w.Code, excerpt(body))
	}
	today := time.Now().Format(time.DateOnly)
	if w := e.do("inst", "POST", "/equipment/"+id(e.a.flawed.ID)+"/tests/new", url.Values{"kind": {"acceptance"}, "tested_on": {today}, "result": {"pass"}}); w.Code != 303 {
		t.Fatalf("file the acceptance test: %d %s", w.Code, excerpt(w.Body.String()))
	}
	if page := e.do("supervisor", "GET", rect, nil).Body.String(); !strings.Contains(page, "初筛确认已整改") || strings.Contains(page, `id="rect-open"`) {
		t.Errorf("the rectification page does not show the finding resolved\n%s", excerpt(page))
	}
	if w := e.do("supervisor", "POST", rect+"/close", url.Values{"version": {e.rectVersion(e.a.rect)}, "note": {"复核无误"}}); w.Code != 303 {
		t.Fatalf("close: %d %s", w.Code, excerpt(w.Body.String()))
	}
	inst := e.do("inst", "GET", "/institutions/"+id(e.a.inst.ID), nil).Body.String()
	if !strings.Contains(inst, `id="rectification-history"`) || !strings.Contains(inst, `id="rectification-`+id(e.a.rect)+`"`) || !strings.Contains(inst, "已完成") {
		t.Errorf("the institution page lacks its closed rectification\n%s", excerpt(inst))
	}
	if strings.Contains(inst, `id="rectification-`+id(e.b.rect)+`"`) {
		t.Error("the institution page shows another institution's rectification")
	}
	list := e.do("inst", "GET", "/rectifications?state=all", nil).Body.String()
	if !strings.Contains(list, `id="rectification-`+id(e.a.rect)+`"`) || strings.Contains(list, `id="rectification-`+id(e.b.rect)+`"`) {
		t.Errorf("the institution's list is not its own\n%s", excerpt(list))
	}
}

// TestRectificationFromAnInspection: a signed inspection page offers the
// order; a compliant one has no 不符合 item, and ordering from it is refused.
func TestRectificationFromAnInspection(t *testing.T) {
	e := newEnv(t)
	insp := "/inspections/" + id(e.a.signed)
	if body := e.do("supervisor", "GET", insp, nil).Body.String(); strings.Contains(body, `id="rectify-form"`) {
		t.Error("a compliant inspection offers an order to correct")
	}
	w := e.do("supervisor", "POST", "/rectifications", url.Values{"inspection": {id(e.a.signed)}, "days": {"30"}})
	if w.Code != 400 || !strings.Contains(w.Body.String(), "没有需要整改的内容") {
		t.Errorf("an order from a compliant inspection: %d %s", w.Code, excerpt(w.Body.String()))
	}
	w = e.do("supervisor", "POST", "/rectifications", url.Values{"institution": {id(e.a.inst.ID)}, "finding": {id(e.a.finding.ID)}, "days": {"400"}})
	if w.Code != 400 || !strings.Contains(w.Body.String(), "1 至 365 天") {
		t.Errorf("a deadline of 400 days: %d %s", w.Code, excerpt(w.Body.String()))
	}
	w = e.do("supervisor", "POST", "/rectifications", url.Values{"institution": {id(e.a.inst.ID)}, "finding": {id(e.b.finding.ID)}})
	if w.Code != 400 {
		t.Errorf("an order of A for B's finding: %d", w.Code)
	}
	if body := e.do("supervisor", "GET", "/institutions/"+id(e.a.inst.ID), nil).Body.String(); !strings.Contains(body, `id="rectify-findings-form"`) {
		t.Error("the institution page offers no order from its findings")
	}
	if body := e.do("inst", "GET", "/institutions/"+id(e.a.inst.ID), nil).Body.String(); strings.Contains(body, `id="rectify-findings-form"`) {
		t.Error("an institution user is offered to order itself")
	}
}
