package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"radsup/internal/store/storetest"
	"radsup/internal/web"
)

// TestOverdueRectificationOpensACase: past its deadline, the rectification
// page offers a supervisor to open a case, the form comes filled with the
// rectification, the case opens from it, and the page then links to the
// case; a second case from it is refused.
func TestOverdueRectificationOpensACase(t *testing.T) {
	e := newEnv(t)
	rect := "/rectifications/" + id(e.a.rect)
	if page := e.do("supervisor", "GET", rect, nil).Body.String(); strings.Contains(page, `id="rect-case-open"`) {
		t.Errorf("a rectification within its deadline offers a case\n%s", excerpt(page))
	}
	yesterday := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	storetest.Exec(t, e.store, "UPDATE rectifications SET deadline = ? WHERE id = ?", yesterday, e.a.rect)
	page := e.do("supervisor", "GET", rect, nil).Body.String()
	if !strings.Contains(page, `href="/cases/new?rectification=`+id(e.a.rect)+`"`) {
		t.Fatalf("an overdue rectification offers no case\n%s", excerpt(page))
	}
	if page := e.do("inst", "GET", rect, nil).Body.String(); strings.Contains(page, `id="rect-case-open"`) {
		t.Errorf("the institution is offered to open a case\n%s", excerpt(page))
	}
	form := e.do("supervisor", "GET", "/cases/new?rectification="+id(e.a.rect), nil).Body.String()
	if !strings.Contains(form, `value="rectification" selected`) || !strings.Contains(form, `name="rectification" value="`+id(e.a.rect)+`"`) {
		t.Fatalf("the form is not filled with the rectification\n%s", excerpt(form))
	}
	in := url.Values{"source": {"rectification"}, "rectification": {id(e.a.rect)}, "cause": {"逾期未改正"},
		"facts": {"该院未在期限内补做验收检测。"}, "article": {"RDM-41"}, "handler1": {e.users["supervisor"].Username},
		"handler2": {e.partner.Username}}
	w := e.do("supervisor", "POST", "/cases/new", in)
	if w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/cases/") {
		t.Fatalf("open the case: %d %s", w.Code, excerpt(w.Body.String()))
	}
	caseURL := w.Header().Get("Location")
	if page := e.do("supervisor", "GET", rect, nil).Body.String(); !strings.Contains(page, `id="rect-case"`) ||
		!strings.Contains(page, `href="`+caseURL+`"`) || strings.Contains(page, `id="rect-case-open"`) {
		t.Errorf("the rectification does not link to its case\n%s", excerpt(page))
	}
	if page := e.do("inst", "GET", rect, nil).Body.String(); strings.Contains(page, caseURL) {
		t.Errorf("the institution sees the undecided case\n%s", excerpt(page))
	}
	if w := e.do("supervisor", "POST", "/cases/new", in); w.Code != 422 || !strings.Contains(w.Body.String(), "不能重复立案") {
		t.Errorf("a second case: %d %s", w.Code, excerpt(w.Body.String()))
	}
}

// TestDecisionNamesTheConfiguredOffice: the 决定书 is headed and signed
// with the office's configured name.
func TestDecisionNamesTheConfiguredOffice(t *testing.T) {
	e := newEnvWith(t, web.Config{Office: "郑州市中原区卫生健康委员会"})
	body := e.do("supervisor", "GET", "/cases/"+id(e.cases.decided[e.a.inst.ID])+"/decision", nil).Body.String()
	if n := strings.Count(body, "郑州市中原区卫生健康委员会"); n < 2 {
		t.Errorf("the office's name appears %d times in the decision\n%s", n, excerpt(body))
	}
}

// TestCaseRenotifyForm: a notified case offers a supervisor the new
// notice, which records the heavier penalty; a viewer has no such form.
func TestCaseRenotifyForm(t *testing.T) {
	e := newEnv(t)
	page := "/cases/" + id(e.cases.notified)
	if body := e.do("supervisor", "GET", page, nil).Body.String(); !strings.Contains(body, `id="renotify-form"`) {
		t.Fatalf("no new notice on a notified case\n%s", excerpt(body))
	}
	if body := e.do("viewer", "GET", page, nil).Body.String(); strings.Contains(body, `id="renotify-form"`) {
		t.Error("a viewer is offered a new notice")
	}
	if body := e.do("supervisor", "GET", "/cases/"+id(e.cases.open), nil).Body.String(); strings.Contains(body, `id="renotify-form"`) {
		t.Error("a case not yet notified is offered a new notice")
	}
	w := e.do("supervisor", "POST", page+"/step", url.Values{"version": {e.caseVersion(e.cases.notified)}, "to": {"notified"},
		"article": {"RDM-41"}, "warning_RDM-41": {"1"}, "fine_RDM-41": {"5000"}, "note": {"重新告知拟处罚款5000元"}})
	if w.Code != 303 {
		t.Fatalf("the new notice: %d %s", w.Code, excerpt(w.Body.String()))
	}
	if body := e.do("supervisor", "GET", page, nil).Body.String(); !strings.Contains(body, "罚款人民币5000元") ||
		!strings.Contains(body, `data-state="notified"`) {
		t.Errorf("the case after the new notice\n%s", excerpt(body))
	}
}
