package api

import (
	"net/http"
	"strconv"

	"radsup/internal/domain"
	"radsup/internal/enforcement"
)

// caseResponse is a case with its steps and what the caller may do next.
type caseResponse struct {
	*domain.Case
	Decided    bool              `json:"decided"` // locked
	Steps      []domain.CaseStep `json:"steps"`
	Next       string            `json:"next"`     // "" once closed
	MayStep    bool              `json:"may_step"` // the caller may take it to next
	Report1Due *domain.Date      `json:"report1_due,omitempty"`
	Report2Due *domain.Date      `json:"report2_due,omitempty"`
}

func caseOf(v *enforcement.CaseView) caseResponse {
	out := caseResponse{Case: v.Case, Decided: v.Case.Decided(), Steps: v.Steps, Next: v.Next, MayStep: v.MayStep}
	if out.Steps == nil {
		out.Steps = []domain.CaseStep{}
	}
	if d := v.Case.Report1Due(); !d.IsZero() {
		out.Report1Due = &d
	}
	if d := v.Case.Report2Due(); !d.IsZero() {
		out.Report2Due = &d
	}
	return out
}

// handleArticles answers GET /api/v1/articles: the penalty article
// catalogue with its penalties and fine ranges.
func (s *server) handleArticles(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	arts := enforcement.Articles()
	return writeJSON(w, http.StatusOK, map[string]any{"items": arts, "total": len(arts)})
}

// handleCases answers GET /api/v1/cases[?institution_id=N&state=S&open=1]:
// the cases the caller may see (an institution user its own decided ones).
func (s *server) handleCases(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	var l enforcement.CaseList
	for k, v := range r.URL.Query() {
		var err error
		switch k {
		case "institution_id":
			l.InstitutionID, err = strconv.ParseInt(v[0], 10, 64)
		case "state":
			l.State = v[0]
		case "open":
			l.Open = v[0] == "1" || v[0] == "true"
		case "decided":
			l.Decided = v[0] == "1" || v[0] == "true"
		default:
			return domain.FieldErrors{k: "unknown_filter"}.Err()
		}
		if err != nil {
			return domain.FieldErrors{k: "integer"}.Err()
		}
	}
	l.Limit = 1000
	cs, err := s.enforcement.Cases(r.Context(), u, l)
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []*domain.Case{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": cs, "total": len(cs)})
}

// handleCaseCreate answers POST /api/v1/cases with {"source": "inspection",
// "inspection_id"}, {"source": "findings", "finding_ids", "institution_id"
// or "credit_code"} or {"source": "rectification", "rectification_id"} (an
// overdue rectification not closed: its findings become the case's), and "cause", "facts", "articles", "handlers" (two
// usernames; from an inspection its inspectors by default), "opened_on".
func (s *server) handleCaseCreate(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		Source        string   `json:"source"`
		InspectionID  int64    `json:"inspection_id"`
		Rectification int64    `json:"rectification_id"`
		FindingIDs    []int64  `json:"finding_ids"`
		InstitutionID int64    `json:"institution_id"`
		CreditCode    string   `json:"credit_code"`
		Cause         string   `json:"cause"`
		Facts         string   `json:"facts"`
		Articles      []string `json:"articles"`
		Handlers      []string `json:"handlers"`
		OpenedOn      string   `json:"opened_on"`
	}
	known := map[string]bool{"source": true, "inspection_id": true, "finding_ids": true, "institution_id": true, "credit_code": true,
		"rectification_id": true, "cause": true, "facts": true, "articles": true, "handlers": true, "opened_on": true}
	if err := decodeStrict(obj, &in, known); err != nil {
		return err
	}
	n := enforcement.NewCase{Source: in.Source, InspectionID: in.InspectionID, RectificationID: in.Rectification, FindingIDs: in.FindingIDs, InstitutionID: in.InstitutionID,
		CreditCode: in.CreditCode, Cause: in.Cause, Facts: in.Facts, Articles: in.Articles}
	switch len(in.Handlers) {
	case 0:
	case 2:
		n.Handlers = [2]string{in.Handlers[0], in.Handlers[1]}
	default:
		return domain.FieldErrors{"handlers": "two_inspectors"}.Err()
	}
	if in.OpenedOn != "" {
		if n.OpenedOn, err = domain.ParseDate(in.OpenedOn); err != nil {
			return domain.FieldErrors{"opened_on": "date"}.Err()
		}
	}
	c, err := s.enforcement.OpenCase(r.Context(), actor(r, u), u, n)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+strconv.FormatInt(c.ID, 10))
	v, err := s.enforcement.Case(r.Context(), u, c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, caseOf(v))
}

// handleCase answers GET /api/v1/cases/{id}.
func (s *server) handleCase(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.enforcement.Case(r.Context(), u, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, caseOf(v))
}

// handleCasePut answers PUT /api/v1/cases/{id} with {"version", "cause",
// "facts", "articles"}: refused once the party has been notified, and
// with "locked" once decided.
func (s *server) handleCasePut(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		Version  int      `json:"version"`
		Cause    string   `json:"cause"`
		Facts    string   `json:"facts"`
		Articles []string `json:"articles"`
	}
	if err := decodeStrict(obj, &in, map[string]bool{"version": true, "cause": true, "facts": true, "articles": true}); err != nil {
		return err
	}
	if in.Version < 1 {
		return domain.FieldErrors{"version": domain.CodeRequired}.Err()
	}
	e := enforcement.CaseEdit{Cause: in.Cause, Facts: in.Facts, Articles: in.Articles}
	if _, err := s.enforcement.EditCase(r.Context(), actor(r, u), u, id, e, in.Version); err != nil {
		return err
	}
	return s.handleCase(w, r, u)
}

// handleCaseStep answers POST /api/v1/cases/{id}/steps with {"version",
// "to", "on", "note", "penalties": [{"article", "warning", "fine",
// "revoke"}], "summary"}: the case taken to its next state.
func (s *server) handleCaseStep(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		Version   int              `json:"version"`
		To        string           `json:"to"`
		On        string           `json:"on"`
		Note      string           `json:"note"`
		Penalties []domain.Penalty `json:"penalties"`
		Summary   string           `json:"summary"`
	}
	known := map[string]bool{"version": true, "to": true, "on": true, "note": true, "penalties": true, "summary": true}
	if err := decodeStrict(obj, &in, known); err != nil {
		return err
	}
	if in.Version < 1 {
		return domain.FieldErrors{"version": domain.CodeRequired}.Err()
	}
	if len(in.Penalties) > 10 {
		return domain.FieldErrors{"penalties": domain.CodeTooMany}.Err()
	}
	st := enforcement.Step{To: in.To, Note: in.Note, Penalties: in.Penalties, Summary: in.Summary}
	if in.On != "" {
		if st.On, err = domain.ParseDate(in.On); err != nil {
			return domain.FieldErrors{"on": "date"}.Err()
		}
	}
	if _, err := s.enforcement.TakeStep(r.Context(), actor(r, u), u, id, st, in.Version); err != nil {
		return err
	}
	return s.handleCase(w, r, u)
}

// handleCaseReport answers POST /api/v1/cases/{id}/reports with
// {"version", "which": 1|2, "on"}: a report of the case's card recorded.
func (s *server) handleCaseReport(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		Version int    `json:"version"`
		Which   int    `json:"which"`
		On      string `json:"on"`
	}
	if err := decodeStrict(obj, &in, map[string]bool{"version": true, "which": true, "on": true}); err != nil {
		return err
	}
	if in.Version < 1 {
		return domain.FieldErrors{"version": domain.CodeRequired}.Err()
	}
	var on domain.Date
	if in.On != "" {
		if on, err = domain.ParseDate(in.On); err != nil {
			return domain.FieldErrors{"on": "date"}.Err()
		}
	}
	if _, err := s.enforcement.ReportCard(r.Context(), actor(r, u), u, id, in.Which, on, in.Version); err != nil {
		return err
	}
	return s.handleCase(w, r, u)
}
