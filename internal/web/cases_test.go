package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// caseIDs are the env's cases: of A, one opened, one notified and one
// served; one decided case of A and one of B (decided, by institution);
// reviewer is the supervisor who reviewed them (neither handler).
type caseIDs struct {
	open, notified, served int64
	decided                map[int64]int64
	reviewer               *domain.User
}

// caseFacts begins like a formula: the card export must show it as text.
const caseFacts = "=HYPERLINK(\"http://example.com\") 该院CT机逾期未进行年度状态检测仍在使用。"

// caseSummary is the decided cases' public sentence.
const caseSummary = "该院CT机逾期未进行年度状态检测仍在使用"

// openCases files the env's cases, handled by the supervisor and its
// partner and reviewed by a third supervisor.
func (e *env) openCases(enf *enforcement.Service) {
	t, ctx, sup := e.t, context.Background(), e.users["supervisor"]
	err := e.store.WithTx(ctx, domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		e.cases.reviewer = storetest.User(t, tx, domain.RoleSupervisor, 0, func(u *domain.User) { u.DisplayName = "审核监督员" })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e.cases.decided = map[int64]int64{}
	open := func(f fixture) *domain.Case {
		c, err := enf.OpenCase(ctx, domain.Actor{Username: sup.Username}, sup, enforcement.NewCase{Source: "findings",
			InstitutionID: f.inst.ID, FindingIDs: []int64{f.finding.ID}, Cause: "未按规定对放射诊疗设备进行检测", Facts: caseFacts,
			Articles: []string{"RDM-41"}, Handlers: [2]string{sup.Username, e.partner.Username}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	advance := func(c *domain.Case, state string) *domain.Case {
		for c.State != state {
			next, u := domain.CaseNext(c.State), sup
			if next == "reviewed" {
				u = e.cases.reviewer
			}
			st := enforcement.Step{To: next, Note: "依法办理", Summary: caseSummary,
				Penalties: []domain.Penalty{{Article: "RDM-41", Warning: true, Fine: 3000}}}
			var err error
			if c, err = enf.TakeStep(ctx, domain.Actor{Username: u.Username}, u, c.ID, st, c.Version); err != nil {
				t.Fatalf("case to %s: %v", next, err)
			}
		}
		return c
	}
	e.cases.open = open(e.a).ID
	e.cases.notified = advance(open(e.a), "notified").ID
	e.cases.served = advance(open(e.a), "served").ID
	for _, f := range []fixture{e.a, e.b} {
		e.cases.decided[f.inst.ID] = advance(open(f), "decided").ID
	}
}

// expandCases fills the case placeholders: {case} the opened case of A,
// {served} the served one, {decided} the decided case of f's institution.
func (e *env) expandCases(s string, f fixture) string {
	return strings.NewReplacer("{case}", id(e.cases.open), "{served}", id(e.cases.served),
		"{decided}", id(e.cases.decided[f.inst.ID])).Replace(s)
}

func (e *env) caseVersion(caseID int64) string {
	var v int
	if err := storetest.Row(e.t, e.store, "SELECT version FROM cases WHERE id = ?", caseID).Scan(&v); err != nil {
		e.t.Fatal(err)
	}
	return id(int64(v))
}

// TestCasePageOffersOnlyAllowedSteps: the step form appears only for whom
// may take the step: the review not for a handler, for the independent
// reviewer; no form for a viewer; none to edit a decided case.
func TestCasePageOffersOnlyAllowedSteps(t *testing.T) {
	e := newEnv(t)
	e.tokens["reviewer"] = e.login(e.cases.reviewer.Username)
	page := func(role string, caseID int64) string {
		w := e.do(role, "GET", "/cases/"+id(caseID), nil)
		if w.Code != 200 {
			t.Fatalf("%s: status %d", role, w.Code)
		}
		return w.Body.String()
	}
	body := page("supervisor", e.cases.notified)
	if strings.Contains(body, `id="step-form"`) || !strings.Contains(body, `id="review-not-you"`) {
		t.Error("a handler is offered the legal review")
	}
	body = page("reviewer", e.cases.notified)
	if !strings.Contains(body, `data-to="reviewed"`) {
		t.Error("the independent reviewer is not offered the review")
	}
	if strings.Contains(page("viewer", e.cases.notified), `id="step-form"`) {
		t.Error("a viewer is offered a step")
	}
	body = page("supervisor", e.cases.open)
	if !strings.Contains(body, `data-to="investigated"`) || !strings.Contains(body, `id="case-edit"`) {
		t.Error("the opened case offers neither the next step nor the edit")
	}
	body = page("supervisor", e.cases.decided[e.a.inst.ID])
	if strings.Contains(body, `id="case-edit"`) || !strings.Contains(body, `id="case-locked"`) || !strings.Contains(body, `data-to="served"`) {
		t.Error("the decided case page is not locked with only the next step")
	}
	// A handler posting the review is refused with the reason.
	w := e.do("supervisor", "POST", "/cases/"+id(e.cases.notified)+"/step", url.Values{"to": {"reviewed"},
		"note": {"同意"}, "version": {e.caseVersion(e.cases.notified)}})
	if w.Code != 409 || !strings.Contains(w.Body.String(), "不能进行法制审核") {
		t.Errorf("handler's review: %d %s", w.Code, excerpt(w.Body.String()))
	}
	// Skipping to the decision is refused.
	w = e.do("reviewer", "POST", "/cases/"+id(e.cases.notified)+"/step", url.Values{"to": {"decided"},
		"summary": {caseSummary}, "article": {"RDM-41"}, "fine_RDM-41": {"100"}, "version": {e.caseVersion(e.cases.notified)}})
	if w.Code != 409 || !strings.Contains(w.Body.String(), "未经法制审核，不得作出行政处罚决定") {
		t.Errorf("decision without review: %d %s", w.Code, excerpt(w.Body.String()))
	}
}

// TestDecisionPrints: the 决定书 carries its number, the party, the facts,
// the basis, the penalty, the remedies and the seal placeholder.
func TestDecisionPrints(t *testing.T) {
	e := newEnv(t)
	w := e.do("supervisor", "GET", "/cases/"+id(e.cases.decided[e.a.inst.ID])+"/decision", nil)
	body := w.Body.String()
	for _, s := range []string{"行政处罚决定书", "中原卫放罚〔", e.a.inst.Name, e.a.inst.CreditCode, "《放射诊疗管理规定》第四十一条",
		"警告，罚款人民币3000元", "行政复议", `id="seal"`, "size: A4"} {
		if !strings.Contains(body, s) && !(s == "size: A4" && strings.Contains(body, "record.css")) {
			t.Errorf("the decision lacks %q", s)
		}
	}
	if w := e.do("supervisor", "GET", "/cases/"+id(e.cases.open)+"/decision", nil); w.Code != 404 {
		t.Errorf("an undecided case's decision: %d", w.Code)
	}
}

var idNumberRe = regexp.MustCompile(`[1-9][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]`)

// TestPublicPenaltiesHaveNoPersonalData: the public page and its JSON list
// the decided penalties, and neither holds an ID number nor the name of
// any natural person of the fixture (staff, legal representatives,
// handlers, reviewer).
func TestPublicPenaltiesHaveNoPersonalData(t *testing.T) {
	e := newEnv(t)
	var names []string
	for _, f := range []fixture{e.a, e.b} {
		names = append(names, f.person.Name, f.inst.LegalRep, f.inst.RadiationOfficer)
	}
	for _, u := range []*domain.User{e.users["supervisor"], e.partner, e.cases.reviewer} {
		names = append(names, u.DisplayName, u.Username)
	}
	req := httptest.NewRequest("GET", "/public", nil)
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	html := w.Body.String()
	req = httptest.NewRequest("GET", "/public", nil)
	req.Header.Set("Accept", "application/json")
	w = httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	js := w.Body.String()
	var doc struct {
		Penalties []enforcement.PublicPenalty `json:"penalties"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Penalties) != 3 || doc.Penalties[0].Facts != caseSummary || doc.Penalties[0].Penalty != "警告，罚款人民币3000元" {
		t.Errorf("public penalties %+v", doc.Penalties)
	}
	if !strings.Contains(html, `id="penalties"`) || !strings.Contains(html, caseSummary) {
		t.Error("the public page does not list the penalties")
	}
	for what, body := range map[string]string{"page": html, "JSON": js} {
		if m := idNumberRe.FindString(body); m != "" {
			t.Errorf("the public %s shows an ID number %s", what, m)
		}
		for _, n := range names {
			if n != "" && strings.Contains(body, n) {
				t.Errorf("the public %s names %q", what, n)
			}
		}
	}
}

// TestCaseCardsExport: the cards of the decided cases, with the §5 fields,
// every cell a value: a fact that looks like a formula stays text.
func TestCaseCardsExport(t *testing.T) {
	e := newEnv(t)
	w := e.do("supervisor", "GET", "/cases/cards.xlsx", nil)
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(rows[0], "|")
	for _, c := range []string{"被查处单位", "地址", "行政区划代码", "统一社会信用代码/组织机构代码", "经济类型", "法定代表人", "单位类别",
		"医疗机构执业许可证号", "案由", "违法事实", "法律依据", "处罚种类与金额", "决定日期", "送达日期", "执行情况", "结案日期"} {
		if !strings.Contains(head, c) {
			t.Errorf("the card lacks %s", c)
		}
	}
	if len(rows) != 4 { // header, the served case and the two decided ones
		t.Fatalf("%d rows", len(rows))
	}
	for r := 2; r <= len(rows); r++ {
		cell, _ := excelize.CoordinatesToCellName(11, r)
		v, _ := f.GetCellValue(sheet, cell)
		formula, _ := f.GetCellFormula(sheet, cell)
		if v != caseFacts || formula != "" {
			t.Errorf("facts cell %s = %q (formula %q)", cell, v, formula)
		}
	}
}

// TestCaseToDo: the supervisor's home lists the cases waiting for a step
// and the card reports due.
func TestCaseToDo(t *testing.T) {
	e := newEnv(t)
	body := e.do("supervisor", "GET", "/", nil).Body.String()
	if !strings.Contains(body, `id="case-todo"`) || !strings.Contains(body, "第 1 次报告信息卡") || !strings.Contains(body, "/cases/"+id(e.cases.open)) {
		t.Errorf("the home page's case to-do: %s", excerpt(body))
	}
	if strings.Contains(e.do("inst", "GET", "/", nil).Body.String(), `id="case-todo"`) {
		t.Error("an institution user sees the case to-do")
	}
}

// TestInstitutionPageListsCases: the institution page lists its cases; an
// institution user sees only its own decided ones there.
func TestInstitutionPageListsCases(t *testing.T) {
	e := newEnv(t)
	page := "/institutions/" + id(e.a.inst.ID)
	body := e.do("supervisor", "GET", page, nil).Body.String()
	for _, c := range []int64{e.cases.open, e.cases.notified, e.cases.decided[e.a.inst.ID]} {
		if !strings.Contains(body, `href="/cases/`+id(c)+`"`) {
			t.Errorf("the supervisor's institution page lacks case %d", c)
		}
	}
	body = e.do("inst", "GET", page, nil).Body.String()
	if !strings.Contains(body, `id="case-history"`) || !strings.Contains(body, `href="/cases/`+id(e.cases.decided[e.a.inst.ID])+`"`) ||
		strings.Contains(body, `href="/cases/`+id(e.cases.open)+`"`) {
		t.Error("the institution user's page shows other than its decided cases")
	}
}
