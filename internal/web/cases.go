package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/i18n"
	"radsup/internal/store"
)

func init() {
	enums[domain.CaseStates.Name] = domain.CaseStates
	enums[domain.CaseSources.Name] = domain.CaseSources
}

// casesPage lists the cases the reader may see.
type casesPage struct {
	base
	Cases []*domain.Case
	State string
}

func (s *Server) handleCases(w http.ResponseWriter, r *http.Request) error {
	state := r.URL.Query().Get("state")
	if state != "" && !domain.CaseStates.Has(state) {
		state = ""
	}
	p := casesPage{base: s.base(r, "cases", i18n.T(s.lang(r), "cases.title")), State: state}
	var err error
	if p.Cases, err = s.cfg.Enforcement.Cases(r.Context(), userOf(r), enforcement.CaseList{State: state, Limit: 1000}); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "cases", p)
}

// caseForm is the form that opens a case.
type caseForm struct {
	base
	Values     map[string]string
	Chosen     map[string]bool // the articles ticked
	Articles   []enforcement.Article
	Inspectors []*domain.Inspector
	Sources    []option
	Slots      []string
	Errors     map[string]string
	Message    string
}

func (s *Server) handleCaseNew(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v := map[string]string{"source": "findings", "opened_on": s.cfg.Registry.Today().String(), "credit_code": q.Get("credit_code"),
		"inspection": q.Get("inspection"), "findings": q.Get("findings"), "rectification": q.Get("rectification")}
	if v["inspection"] != "" {
		v["source"] = "inspection"
	}
	if v["rectification"] != "" {
		v["source"], v["cause"] = "rectification", i18n.T(s.lang(r), "case.cause_rectification")
	}
	return s.renderCaseForm(w, r, http.StatusOK, caseForm{Values: v})
}

func (s *Server) renderCaseForm(w http.ResponseWriter, r *http.Request, status int, f caseForm) error {
	lang := s.lang(r)
	f.base = s.base(r, "cases", i18n.T(lang, "cases.new"))
	f.Articles = enforcement.Articles()
	f.Slots = []string{"handler1", "handler2"}
	f.Sources = options(lang, domain.CaseSources, f.Values["source"])
	if f.Chosen == nil {
		f.Chosen = map[string]bool{}
	}
	ins, err := s.cfg.Enforcement.Inspectors(r.Context(), userOf(r))
	if err != nil {
		return err
	}
	for _, in := range ins {
		if in.Version > 0 && in.Active {
			f.Inspectors = append(f.Inspectors, in)
		}
	}
	return s.render(w, r, status, "case_new", f)
}

// formError turns a refused change into the message of a form and the
// messages of its fields, or returns err when the user cannot correct it.
func formError(lang string, err error) (string, map[string]string, error) {
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID && de.Code != domain.ECONFLICT && de.Code != domain.ESTALE &&
		de.Code != domain.EFORBIDDEN || de.Code == domain.EFORBIDDEN && de.Message == auth.ErrForbidden.Message {
		return "", nil, err
	}
	msgs := map[string]string{}
	for k, code := range de.Fields {
		msgs[k] = fieldMessage(lang, k, code)
	}
	msg := errorText(lang, de)
	if de.Message == "error.invalid" {
		for _, k := range de.Fields.Keys() {
			msg = i18n.T(lang, "case.field."+k) + "：" + msgs[k]
			break
		}
	}
	return msg, msgs, nil
}

func splitIDs(s string) ([]int64, bool) {
	var out []int64
	for f := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id < 1 {
			return nil, false
		}
		out = append(out, id)
	}
	return out, true
}

func (s *Server) handleCaseCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	pf := r.PostForm
	vals := map[string]string{}
	for _, k := range []string{"source", "inspection", "rectification", "findings", "credit_code", "cause", "facts", "handler1", "handler2", "opened_on"} {
		vals[k] = strings.TrimSpace(pf.Get(k))
	}
	in := enforcement.NewCase{Source: vals["source"], CreditCode: vals["credit_code"], Cause: vals["cause"], Facts: vals["facts"],
		Articles: pf["article"], Handlers: [2]string{vals["handler1"], vals["handler2"]}}
	chosen := map[string]bool{}
	for _, a := range in.Articles {
		chosen[a] = true
	}
	lang := s.lang(r)
	fe := domain.FieldErrors{}
	if vals["inspection"] != "" && in.Source == "inspection" {
		id, err := strconv.ParseInt(vals["inspection"], 10, 64)
		if err != nil {
			fe.Add("inspection", "no_inspection")
		}
		in.InspectionID = id
	}
	if vals["rectification"] != "" && in.Source == "rectification" {
		id, err := strconv.ParseInt(vals["rectification"], 10, 64)
		if err != nil {
			fe.Add("rectification", "no_rectification")
		}
		in.RectificationID = id
	}
	if in.Source == "findings" {
		ids, ok := splitIDs(vals["findings"])
		if !ok {
			fe.Add("findings", "integer")
		}
		in.FindingIDs = ids
	}
	if vals["opened_on"] != "" {
		d, err := domain.ParseDate(vals["opened_on"])
		if err != nil {
			fe.Add("opened_on", "inspection_date")
		}
		in.OpenedOn = d
	}
	err := fe.Err()
	if err == nil {
		var c *domain.Case
		if c, err = s.cfg.Enforcement.OpenCase(r.Context(), actorOf(r), userOf(r), in); err == nil {
			http.Redirect(w, r, idURL("/cases/", c.ID), http.StatusSeeOther)
			return nil
		}
	}
	msg, msgs, err := formError(lang, err)
	if err != nil {
		return err
	}
	return s.renderCaseForm(w, r, http.StatusUnprocessableEntity, caseForm{Values: vals, Chosen: chosen, Errors: msgs, Message: msg})
}

// penaltyRow is one cited article on the step form: its catalogue entry and
// the penalty proposed or decided under it.
type penaltyRow struct {
	enforcement.Article `json:"article"`
	Penalty             domain.Penalty `json:"penalty"`
}

// casePage is a case: its record, its steps, and the forms the reader may
// use (the next step, the edit, the report) — offered only when allowed.
type casePage struct {
	base
	*enforcement.CaseView
	Names     map[string]string
	Penalties []penaltyRow
	Catalogue []enforcement.Article
	Today     string
	Error     string
	// Report1Due, Report2Due are the report deadlines (zero: none due).
	Report1Due, Report2Due domain.Date
	Overdue1, Overdue2     bool
	PenaltyText            string
	// Basis is the cited articles' titles, for the 决定书.
	Basis string
	// Findings are the case's findings the reader may open: a viewer sees
	// no health finding.
	Findings map[int64]bool
}

// Cited reports whether the case cites the article.
func (p *casePage) Cited(code string) bool { return slices.Contains(p.Case.Articles, code) }

func (s *Server) handleCase(w http.ResponseWriter, r *http.Request) error {
	return s.renderCase(w, r, http.StatusOK, "")
}

// openable returns which of the findings the user may open.
func (s *Server) openable(r *http.Request, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if !auth.Can(userOf(r), auth.Read, auth.Finding) {
		return out, nil
	}
	for _, id := range ids {
		_, err := s.cfg.Findings.Find(r.Context(), userOf(r), id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, nil
}

func (s *Server) loadCase(r *http.Request) (*casePage, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	p := &casePage{}
	if p.CaseView, err = s.cfg.Enforcement.Case(r.Context(), userOf(r), id); err != nil {
		return nil, err
	}
	c := p.Case
	names := []string{c.Handler1, c.Handler2, c.Reviewer}
	for _, st := range p.Steps {
		names = append(names, st.By)
	}
	if p.Names, err = s.cfg.Auth.DisplayNames(r.Context(), names...); err != nil {
		return nil, err
	}
	for _, a := range p.Articles {
		row := penaltyRow{Article: a, Penalty: domain.Penalty{Article: a.Code}}
		for _, pe := range c.Penalties {
			if pe.Article == a.Code {
				row.Penalty = pe
			}
		}
		p.Penalties = append(p.Penalties, row)
	}
	p.Catalogue = enforcement.Articles()
	if p.Findings, err = s.openable(r, c.FindingIDs); err != nil {
		return nil, err
	}
	today := s.cfg.Registry.Today()
	p.Today = today.String()
	p.Report1Due, p.Report2Due = c.Report1Due(), c.Report2Due()
	p.Overdue1 = !p.Report1Due.IsZero() && c.Report1On.IsZero() && p.Report1Due.Before(today)
	p.Overdue2 = !p.Report2Due.IsZero() && c.Report2On.IsZero() && p.Report2Due.Before(today)
	p.PenaltyText = enforcement.PenaltyText(c.Penalties)
	var titles []string
	for _, a := range p.Articles {
		titles = append(titles, a.Title())
	}
	p.Basis = strings.Join(titles, "、")
	return p, nil
}

func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	p, err := s.loadCase(r)
	if err != nil {
		return err
	}
	p.base = s.base(r, "cases", i18n.T(s.lang(r), "case.title", p.Case.InstitutionName))
	p.Error = msg
	return s.render(w, r, status, "case", p)
}

// refusedCase re-renders the case page with the error of a refused change.
func (s *Server) refusedCase(w http.ResponseWriter, r *http.Request, err error) error {
	msg, _, err := formError(s.lang(r), err)
	if err != nil {
		return err
	}
	return s.renderCase(w, r, http.StatusConflict, msg)
}

// handleCaseStep takes the case to its next state (the form says which).
func (s *Server) handleCaseStep(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	version, err := readVersion(r)
	if err != nil {
		return err
	}
	pf := r.PostForm
	st := enforcement.Step{To: pf.Get("to"), Note: pf.Get("note"), Summary: pf.Get("summary")}
	if v := strings.TrimSpace(pf.Get("on")); v != "" {
		if st.On, err = domain.ParseDate(v); err != nil {
			return s.refusedCase(w, r, domain.FieldErrors{"on": "date"}.Err())
		}
	}
	for _, code := range pf["article"] {
		pe := domain.Penalty{Article: code, Warning: pf.Get("warning_"+code) != "", Revoke: pf.Get("revoke_"+code) != ""}
		if v := strings.TrimSpace(pf.Get("fine_" + code)); v != "" {
			if pe.Fine, err = strconv.ParseInt(v, 10, 64); err != nil {
				return s.refusedCase(w, r, domain.FieldErrors{"fine": "integer"}.Err())
			}
		}
		st.Penalties = append(st.Penalties, pe)
	}
	if _, err := s.cfg.Enforcement.TakeStep(r.Context(), actorOf(r), userOf(r), id, st, version); err != nil {
		return s.refusedCase(w, r, err)
	}
	http.Redirect(w, r, idURL("/cases/", id)+"#steps", http.StatusSeeOther)
	return nil
}

// handleCaseEdit changes the cause, facts and articles before the notice.
func (s *Server) handleCaseEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	version, err := readVersion(r)
	if err != nil {
		return err
	}
	pf := r.PostForm
	e := enforcement.CaseEdit{Cause: pf.Get("cause"), Facts: pf.Get("facts"), Articles: pf["article"]}
	if _, err := s.cfg.Enforcement.EditCase(r.Context(), actorOf(r), userOf(r), id, e, version); err != nil {
		return s.refusedCase(w, r, err)
	}
	http.Redirect(w, r, idURL("/cases/", id), http.StatusSeeOther)
	return nil
}

// handleCaseReport records a report of the case's card.
func (s *Server) handleCaseReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	version, err := readVersion(r)
	if err != nil {
		return err
	}
	which, err := strconv.Atoi(r.PostForm.Get("which"))
	if err != nil {
		return errBadRequest
	}
	var on domain.Date
	if v := strings.TrimSpace(r.PostForm.Get("on")); v != "" {
		if on, err = domain.ParseDate(v); err != nil {
			return s.refusedCase(w, r, domain.FieldErrors{"on": "date"}.Err())
		}
	}
	if _, err := s.cfg.Enforcement.ReportCard(r.Context(), actorOf(r), userOf(r), id, which, on, version); err != nil {
		return s.refusedCase(w, r, err)
	}
	http.Redirect(w, r, idURL("/cases/", id)+"#report", http.StatusSeeOther)
	return nil
}

// handleCaseDecision prints the 行政处罚决定书 (A4) of a decided case.
func (s *Server) handleCaseDecision(w http.ResponseWriter, r *http.Request) error {
	p, err := s.loadCase(r)
	if err != nil {
		return err
	}
	if !p.Case.Decided() {
		return errNotFound
	}
	p.base = s.base(r, "cases", i18n.T(s.lang(r), "decision.title"))
	return s.renderDoc(w, r, "case_decision", p)
}

// handleCaseCards exports the 案件查处信息卡 of the decided cases as xlsx.
func (s *Server) handleCaseCards(w http.ResponseWriter, r *http.Request) error {
	cards, err := s.cfg.Enforcement.CaseCards(r.Context(), userOf(r))
	if err != nil {
		return err
	}
	lang := s.lang(r)
	out := &lazyAttachment{w: w, name: "case-cards-" + time.Now().Format("20060102") + ".xlsx", ctype: xlsxType}
	return out.failed(enforcement.WriteCaseCards(out, cards, lang))
}

// caseTasks is the supervisor's to-do list of cases.
func (s *Server) caseTasks(r *http.Request) ([]enforcement.CaseTask, error) {
	return s.cfg.Enforcement.CaseTasks(r.Context(), userOf(r))
}

// institutionCases are the cases against an institution, for its page.
func (s *Server) institutionCases(r *http.Request, id int64) ([]*domain.Case, error) {
	u := userOf(r)
	if !auth.Can(u, auth.Read, auth.Case) {
		return nil, nil
	}
	return s.cfg.Enforcement.Cases(r.Context(), u, enforcement.CaseList{InstitutionID: id, Limit: 100})
}
