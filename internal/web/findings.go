package web

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/i18n"
	"radsup/internal/screening"
	"radsup/internal/store"
)

// findingRow is a finding as the lists show it. It is flat, with the
// rule's title and the links resolved, so that templates read direct fields.
type findingRow struct {
	ID, SubjectID     int64
	Version           int
	Severity          string
	SeverityLabel     string
	Rule, RuleTitle   string
	Message           string
	SubjectType       string
	SubjectLabel      string
	SubjectKey        string
	SubjectURL        string
	InstitutionName   string
	InstitutionURL    string
	DueOn             domain.Date
	Overdue           bool
	Status            string
	StatusLabel       string
	FirstSeen         domain.Date
	DismissedBy       string
	DismissReason     string
	DismissedAt       string
	ResolvedAt        string
	Evidence          []detail
	Basis, RuleAction string
}

// subjectURL is the page of a finding's subject.
func subjectURL(subjectType string, id int64) string {
	switch subjectType {
	case screening.SubjectInstitution:
		return idURL("/institutions/", id)
	case screening.SubjectEquipment:
		return idURL("/equipment/", id)
	case screening.SubjectPerson:
		return idURL("/people/", id)
	}
	return ""
}

// findingRows turns stored findings into rows, naming their institutions.
func (s *Server) findingRows(ctx context.Context, u *domain.User, lang string, fs []*domain.Finding, today domain.Date) ([]findingRow, error) {
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.InstitutionID
	}
	names, err := s.institutionNames(ctx, u, ids)
	if err != nil {
		return nil, err
	}
	rows := make([]findingRow, len(fs))
	for i, f := range fs {
		rows[i] = findingRow{
			ID: f.ID, SubjectID: f.SubjectID, Version: f.Version,
			Severity: string(f.Severity), SeverityLabel: screening.SeverityLabel(lang, f.Severity),
			Rule: f.Rule, RuleTitle: screening.Title(lang, f.Template), Message: screening.Message(lang, f.Template, f.Evidence, f.DueOn),
			SubjectType: f.SubjectType, SubjectLabel: screening.SubjectLabel(lang, f.SubjectType), SubjectKey: subjectKey(f),
			SubjectURL: subjectURL(f.SubjectType, f.SubjectID), InstitutionName: names[f.InstitutionID],
			DueOn: f.DueOn, Overdue: f.Status == domain.FindingOpen && !f.DueOn.IsZero() && f.DueOn.Before(today),
			Status: f.Status, StatusLabel: screening.StatusLabel(lang, f.Status), FirstSeen: f.FirstSeen,
			DismissedBy: f.DismissedBy, DismissReason: f.DismissReason,
			DismissedAt: formatTime(f.DismissedAt), ResolvedAt: formatTime(f.ResolvedAt),
			Basis: screening.Basis(lang, f.Rule), RuleAction: screening.Action(lang, f.Rule),
		}
		if names[f.InstitutionID] != "" {
			rows[i].InstitutionURL = idURL("/institutions/", f.InstitutionID)
		}
	}
	return rows, nil
}

// findingFilterNames are the filters of the findings list, as URL parameters.
var findingFilterNames = []string{"rule", "severity", "status", "street", "institution_id", "subject_type", "subject_id"}

// findingFilter reads the list's filter from the URL. The status filter
// defaults to open findings; status=all shows every status.
func findingFilter(lq listQuery) (store.FindingFilter, error) {
	f := store.FindingFilter{Rule: lq.Get("rule"), Severity: domain.Severity(lq.Get("severity")),
		Status: cmp.Or(lq.Get("status"), domain.FindingOpen), Street: lq.Get("street"), SubjectType: lq.Get("subject_type"),
		Limit: perPage, Offset: (lq.Page - 1) * perPage}
	if f.Status == "all" {
		f.Status = ""
	}
	for name, dst := range map[string]*int64{"institution_id": &f.InstitutionID, "subject_id": &f.SubjectID} {
		if v := lq.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				return f, errBadRequest
			}
			*dst = n
		}
	}
	return f, nil
}

// countLink is one count of the findings list's summary, linking to the
// list filtered on it.
type countLink struct {
	Key, Label, Title string
	Count             int
	URL               string
	Current           bool
}

// findingsPage is the data of 初筛结果.
type findingsPage struct {
	base
	Q          listQuery
	Status     string
	Hidden     int // findings from health data the user may not see
	Rows       []findingRow
	Filtered   bool // a filter narrows the list: an empty list says none match
	Pager      pager
	Total      int
	BySeverity []countLink
	ByRule     []countLink
	Rules      []option
	Statuses   []option
	Severities []option
	LastRun    string
	// Scoped names the institution or record the list is limited to, with
	// the URL of the list without that limit.
	Scoped, Unscope string
}

// filtered reports whether the findings list is narrowed by a filter the
// reader chose: a rule, a severity, a street or a status other than open.
// Being limited to one record is not a filter but the list's subject.
func filtered(lq listQuery) bool {
	for k, v := range lq.Values {
		switch {
		case k == "status" && v == domain.FindingOpen, k == "institution_id", k == "subject_type", k == "subject_id":
		default:
			return true
		}
	}
	return false
}

// handleFindings lists the findings the user may see with filters, counts
// per severity and per rule, most serious and most urgent first.
func (s *Server) handleFindings(w http.ResponseWriter, r *http.Request) error {
	u, lang := userOf(r), s.lang(r)
	lq := readList(r, findingFilterNames...)
	f, err := findingFilter(lq)
	if err != nil {
		return err
	}
	page, err := s.cfg.Findings.List(r.Context(), u, f)
	if err != nil {
		return err
	}
	last, err := s.cfg.Findings.LastRun(r.Context())
	if err != nil {
		return err
	}
	rows, err := s.findingRows(r.Context(), u, lang, page.Findings, domain.DateOf(s.cfg.Store.Now()))
	if err != nil {
		return err
	}
	p := findingsPage{
		base: s.base(r, "findings", i18n.T(lang, "nav.findings")),
		Q:    lq, Status: cmp.Or(lq.Get("status"), domain.FindingOpen), Rows: rows, Total: page.Total,
		Filtered: filtered(lq),
		Pager:    newPager(r.URL, lq.Page, page.Total, len(rows)),
	}
	p.counts(r.URL, lang, f, page)
	if p.Hidden, err = s.cfg.Findings.Hidden(r.Context(), u, f); err != nil {
		return err
	}
	if err := s.scoped(r, &p, lang, f); err != nil {
		return err
	}
	if last != nil && !last.FinishedAt.IsZero() {
		p.LastRun = i18n.T(lang, "findings.last_run", last.AsOf.String(), formatTime(last.FinishedAt))
	}
	return s.render(w, r, http.StatusOK, "findings", p)
}

// counts fills the list's filter options and its counts by severity and by
// rule, each a link to the list filtered on it.
func (p *findingsPage) counts(u *url.URL, lang string, f store.FindingFilter, page *store.FindingPage) {
	for _, sev := range domain.Severities {
		label := screening.SeverityLabel(lang, sev)
		p.BySeverity = append(p.BySeverity, countLink{Key: string(sev), Label: label,
			Count: page.BySeverity[sev], URL: withParam(u, "severity", string(sev)), Current: f.Severity == sev})
		p.Severities = append(p.Severities, option{Value: string(sev), Label: label, Selected: f.Severity == sev})
	}
	for _, rule := range screening.Catalog() {
		title := screening.Title(lang, rule.ID)
		p.Rules = append(p.Rules, option{Value: rule.ID, Label: rule.ID + " " + title, Selected: rule.ID == f.Rule})
		if n := page.ByRule[rule.ID]; n > 0 {
			p.ByRule = append(p.ByRule, countLink{Key: rule.ID, Label: screening.SeverityLabel(lang, rule.Severity), Title: title,
				Count: n, URL: withParam(u, "rule", rule.ID), Current: rule.ID == f.Rule})
		}
	}
	slices.SortStableFunc(p.ByRule, func(a, b countLink) int { return b.Count - a.Count })
	for _, st := range []string{domain.FindingOpen, domain.FindingResolved, domain.FindingDismissed, "all"} {
		p.Statuses = append(p.Statuses, option{Value: st, Label: screening.StatusLabel(lang, st), Selected: st == p.Status})
	}
}

// scoped names the institution or record the list is limited to, if any.
func (s *Server) scoped(r *http.Request, p *findingsPage, lang string, f store.FindingFilter) error {
	if f.InstitutionID != 0 {
		names, err := s.institutionNames(r.Context(), userOf(r), []int64{f.InstitutionID})
		if err != nil {
			return err
		}
		p.Scoped = i18n.T(lang, "findings.scoped_institution", cmp.Or(names[f.InstitutionID], strconv.FormatInt(f.InstitutionID, 10)))
		p.Unscope = without(r.URL, "institution_id")
	} else if f.SubjectType != "" && f.SubjectID != 0 {
		p.Scoped = i18n.T(lang, "findings.scoped_subject", screening.SubjectLabel(lang, f.SubjectType))
		p.Unscope = without(r.URL, "subject_type", "subject_id")
	}
	return nil
}

// findingPage is the data of one finding's page.
type findingPage struct {
	base
	F          findingRow
	CanDismiss bool
	CanReopen  bool
	Reason     string // the typed reason, kept when the form comes back
	Error      string // the reason's error
}

// findFinding returns the finding in the URL if the user may see it.
func (s *Server) findFinding(r *http.Request) (*domain.Finding, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.cfg.Findings.Find(r.Context(), userOf(r), id)
}

// renderFinding shows a finding with its facts, legal basis and, for
// those who may dismiss it, the dismissal form.
func (s *Server) renderFinding(w http.ResponseWriter, r *http.Request, status int, f *domain.Finding, reason, errKey string) error {
	u, lang := userOf(r), s.lang(r)
	rows, err := s.findingRows(r.Context(), u, lang, []*domain.Finding{f}, domain.DateOf(s.cfg.Store.Now()))
	if err != nil {
		return err
	}
	row := rows[0]
	for _, d := range screening.Details(lang, f.Template, f.Evidence) {
		row.Evidence = append(row.Evidence, detail{Key: d.Key, Label: d.Label, Value: d.Value})
	}
	p := findingPage{base: s.base(r, "findings", row.RuleTitle), F: row, Reason: reason,
		CanDismiss: f.Status == domain.FindingOpen && findings.CanDismiss(u, f),
		CanReopen:  f.Status == domain.FindingDismissed && findings.CanDismiss(u, f)}
	if f.DismissedBy != "" {
		names, err := s.cfg.Auth.DisplayNames(r.Context(), f.DismissedBy)
		if err != nil {
			return err
		}
		p.F.DismissedBy = cmp.Or(names[f.DismissedBy], f.DismissedBy)
	}
	if errKey != "" {
		p.Error = i18n.T(lang, errKey)
	}
	return s.render(w, r, status, "finding", p)
}

// handleFinding shows one finding.
func (s *Server) handleFinding(w http.ResponseWriter, r *http.Request) error {
	f, err := s.findFinding(r)
	if err != nil {
		return err
	}
	return s.renderFinding(w, r, http.StatusOK, f, "", "")
}

// handleFindingDismiss dismisses (核销) a finding with the written reason;
// without one the page comes back with the message at the field.
func (s *Server) handleFindingDismiss(w http.ResponseWriter, r *http.Request) error {
	return s.judgeFinding(w, r, s.cfg.Findings.Dismiss)
}

// handleFindingReopen undoes a dismissal, with the written reason.
func (s *Server) handleFindingReopen(w http.ResponseWriter, r *http.Request) error {
	return s.judgeFinding(w, r, s.cfg.Findings.Reopen)
}

// judgeFinding dismisses or reopens the finding in the URL with act; a
// missing reason brings the page back with the message at the field, a
// finding changed meanwhile with its new state.
func (s *Server) judgeFinding(w http.ResponseWriter, r *http.Request,
	act func(context.Context, domain.Actor, *domain.User, int64, int, string) error) error {
	f, err := s.findFinding(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	reason := r.PostFormValue("reason")
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		return errBadRequest
	}
	err = act(r.Context(), actorOf(r), userOf(r), f.ID, version, reason)
	var de *domain.Error
	switch {
	case errors.As(err, &de) && de.Fields["reason"] != "":
		return s.renderFinding(w, r, http.StatusBadRequest, f, reason, "field."+de.Fields["reason"])
	case domain.ErrorCode(err) == domain.ESTALE || domain.ErrorCode(err) == domain.ECONFLICT:
		if f, err = s.findFinding(r); err != nil {
			return err
		}
		return s.renderFinding(w, r, http.StatusConflict, f, reason, "findings.dismiss_conflict")
	case err != nil:
		return err
	}
	http.Redirect(w, r, idURL("/findings/", f.ID), http.StatusSeeOther)
	return nil
}

// recordFindings are the open findings shown on a record page, up to
// recordFindingsMax of them, with the total and the link to all of them.
type recordFindings struct {
	Rows   []findingRow
	Total  int
	Hidden int // open findings from health data the user may not see
	URL    string
}

const recordFindingsMax = 20

// recordFindings returns the open findings of a record page: those of the
// subject, or with subjectType "" every finding addressed to institution id
// (every finding the user may see if id is 0).
func (s *Server) recordFindings(r *http.Request, subjectType string, id int64) (recordFindings, error) {
	u := userOf(r)
	out := recordFindings{URL: findingsURL("subject_type", subjectType, "subject_id", strconv.FormatInt(id, 10))}
	switch {
	case subjectType == "" && id == 0:
		out.URL = "/findings"
	case subjectType == "":
		out.URL = findingsURL("institution_id", strconv.FormatInt(id, 10))
	}
	page, err := s.cfg.Findings.RecordFindings(r.Context(), u, subjectType, id, recordFindingsMax)
	if err != nil {
		return out, err
	}
	out.Total = page.Total
	f := store.FindingFilter{Status: domain.FindingOpen, SubjectType: subjectType, SubjectID: id}
	if subjectType == "" {
		f.SubjectID, f.InstitutionID = 0, id
	}
	if out.Hidden, err = s.cfg.Findings.Hidden(r.Context(), u, f); err != nil {
		return out, err
	}
	out.Rows, err = s.findingRows(r.Context(), u, s.lang(r), page.Findings, domain.DateOf(s.cfg.Store.Now()))
	return out, err
}

// findingsURL is the findings list of a record, every status.
func findingsURL(params ...string) string {
	q := url.Values{"status": {"all"}}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	return "/findings?" + q.Encode()
}

// subjectKey is how a finding names its subject on a page: a person by a
// masked ID number (the person's page reveals it, audited).
func subjectKey(f *domain.Finding) string {
	if f.SubjectType == screening.SubjectPerson {
		return domain.MaskIDNumber(f.SubjectKey)
	}
	return f.SubjectKey
}
