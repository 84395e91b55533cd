package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/screening"
	"radsup/internal/store"
)

// rulesResponse is the body of GET /api/v1/rules.
type rulesResponse struct {
	Items []screening.RuleText `json:"items"`
	Total int                  `json:"total"`
}

// handleRules answers GET /api/v1/rules: the rule catalogue, in its order,
// in the reader's language (see language), with the thresholds in force.
func (s *server) handleRules(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	lang, err := language(r)
	if err != nil {
		return err
	}
	var rules []screening.RuleText
	for _, x := range screening.Catalog() {
		rules = append(rules, screening.Describe(lang, x, s.findings.CurrentThresholds()))
	}
	return writeJSON(w, http.StatusOK, rulesResponse{Items: rules, Total: len(rules)})
}

// language is the language findings and rules are rendered in: that of the
// query parameter lang ("zh-CN", "zh", "en", "en-US" …), or else of the
// Accept-Language header; Chinese by default. Another lang is EINVALID.
func language(r *http.Request) (string, error) {
	v := strings.TrimSpace(r.URL.Query().Get("lang"))
	if v == "" {
		return i18n.Match(r.Header.Get("Accept-Language")), nil
	}
	if l := strings.ToLower(v); !strings.HasPrefix(l, "en") && !strings.HasPrefix(l, "zh") {
		return "", domain.FieldErrors{"lang": domain.CodeEnum}.Err()
	}
	return i18n.Match(v), nil
}

// findingView is a finding as the API answers it: the stored finding (with
// its template and its evidence in no language) and its message and rule
// title rendered in the reader's language.
type findingView struct {
	*domain.Finding
	Message string `json:"message"`
	Title   string `json:"title"`
}

func viewOf(lang string, f *domain.Finding) *findingView {
	return &findingView{Finding: f, Message: screening.Message(lang, f.Template, f.Evidence, f.DueOn),
		Title: screening.Title(lang, f.Template)}
}

// findingsResponse is the body of GET /api/v1/findings: a list page with the
// counts by rule and by severity (each ignoring its own filter).
type findingsResponse struct {
	listResponse[findingView]
	ByRule     map[string]int          `json:"by_rule"`
	BySeverity map[domain.Severity]int `json:"by_severity"`
}

// The values the enumerated findings filters accept.
var (
	ruleIDs = func() []string {
		var ids []string
		for _, x := range screening.Catalog() {
			ids = append(ids, x.ID)
		}
		return ids
	}()
	severities     = []string{string(domain.Violation), string(domain.Warning), string(domain.Notice)}
	findingStatus  = []string{domain.FindingOpen, domain.FindingResolved, domain.FindingDismissed, "all"}
	findingSubject = []string{screening.SubjectInstitution, screening.SubjectEquipment, screening.SubjectPerson}
)

// parseFindingFilter reads the query of the findings list: rule, severity,
// status, institution_id, street, subject_type, subject_id, limit and
// offset (and lang, read by language). An empty value does not filter; any
// other parameter, or a value that cannot be read, is a field error.
func parseFindingFilter(q url.Values) (store.FindingFilter, error) {
	f := store.FindingFilter{Limit: defaultLimit}
	errs := domain.FieldErrors{}
	for key := range q {
		v := strings.TrimSpace(q.Get(key))
		switch key {
		case "lang":
		case "limit":
			f.Limit = readInt(key, v, 1, errs)
		case "offset":
			f.Offset = readInt(key, v, 0, errs)
		case "rule":
			f.Rule = oneOf(key, v, ruleIDs, errs)
		case "severity":
			f.Severity = domain.Severity(oneOf(key, v, severities, errs))
		case "status":
			if f.Status = oneOf(key, v, findingStatus, errs); v == "all" {
				f.Status = "" // as on the page: every status, the default here
			}
		case "subject_type":
			f.SubjectType = oneOf(key, v, findingSubject, errs)
		case "street":
			if _, err := strconv.ParseUint(v, 10, 64); v != "" && (len(v) != 9 || err != nil) {
				errs.Add(key, "invalid")
			}
			f.Street = v
		case "institution_id", "subject_id":
			checkFilterValue(key, v, errs)
			n, _ := strconv.ParseInt(v, 10, 64)
			if key == "institution_id" {
				f.InstitutionID = n
			} else {
				f.SubjectID = n
			}
		default:
			errs.Add(key, "unknown_field")
		}
	}
	f.Limit = min(f.Limit, maxLimit)
	return f, errs.Err()
}

// oneOf returns v, reporting it unless it is empty or one of values.
func oneOf(key, v string, values []string, errs domain.FieldErrors) string {
	if v != "" && !slices.Contains(values, v) {
		errs.Add(key, domain.CodeEnum)
	}
	return v
}

// handleFindings answers GET /api/v1/findings: a page of the findings the
// user may see, most serious first, then by due date, in the reader's language.
func (s *server) handleFindings(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	f, err := parseFindingFilter(r.URL.Query())
	if err != nil {
		return err
	}
	lang, err := language(r)
	if err != nil {
		return err
	}
	page, err := s.findings.List(r.Context(), u, f)
	if err != nil {
		return err
	}
	items := make([]*findingView, len(page.Findings))
	for i, x := range page.Findings {
		items[i] = viewOf(lang, x)
	}
	return writeJSON(w, http.StatusOK, findingsResponse{
		listResponse: listResponse[findingView]{Items: items, Total: page.Total, Limit: f.Limit, Offset: f.Offset},
		ByRule:       page.ByRule, BySeverity: page.BySeverity,
	})
}

// handleFinding answers GET /api/v1/findings/{id}, in the reader's language.
func (s *server) handleFinding(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	lang, err := language(r)
	if err != nil {
		return err
	}
	f, err := s.findings.Find(r.Context(), u, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, viewOf(lang, f))
}

// readDismissal reads the body of a dismissal: {"version": N, "reason": "…"}.
func readDismissal(w http.ResponseWriter, r *http.Request) (version int, reason string, err error) {
	obj, err := readObject(w, r)
	if err != nil {
		return 0, "", err
	}
	errs := domain.FieldErrors{}
	version = readVersion(obj, errs)
	for key, raw := range obj {
		switch key {
		case "version":
		case "reason":
			if json.Unmarshal(raw, &reason) != nil {
				errs.Add(key, "invalid")
			}
		default:
			errs.Add(key, "unknown_field")
		}
	}
	// A body with other errors also names a missing reason; otherwise the
	// use case checks the reason.
	if len(errs) > 0 && strings.TrimSpace(reason) == "" {
		errs.Add("reason", domain.CodeRequired)
	}
	return version, reason, errs.Err()
}

// errNotOpen answers the dismissal of a finding that is resolved or
// already dismissed.
var errNotOpen = &domain.Error{Code: domain.ECONFLICT, Message: "error.finding_not_open"}

// errNotDismissed answers the reopening of a finding that is not dismissed.
var errNotDismissed = &domain.Error{Code: domain.ECONFLICT, Message: "error.finding_not_dismissed"}

// handleFindingDismiss answers POST /api/v1/findings/{id}/dismiss: the body
// is {"version": N, "reason": "…"}; the answer is the dismissed finding.
func (s *server) handleFindingDismiss(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	return s.judgeFinding(w, r, u, s.findings.Dismiss, errNotOpen)
}

// handleFindingReopen answers POST /api/v1/findings/{id}/reopen: the body is
// {"version": N, "reason": "…"}; the answer is the finding, open again.
func (s *server) handleFindingReopen(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	return s.judgeFinding(w, r, u, s.findings.Reopen, errNotDismissed)
}

// judgeFinding dismisses or reopens the finding in the path with act; a
// finding in the wrong state is answered with conflict.
func (s *server) judgeFinding(w http.ResponseWriter, r *http.Request, u *domain.User,
	act func(context.Context, domain.Actor, *domain.User, int64, int, string) error, conflict error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, reason, err := readDismissal(w, r)
	if err != nil {
		return err
	}
	lang, err := language(r)
	if err != nil {
		return err
	}
	// Find first, so that a finding the user cannot see is ENOTFOUND even
	// where dismissing is forbidden to the role.
	if _, err := s.findings.Find(r.Context(), u, id); err != nil {
		return err
	}
	if err := act(r.Context(), actor(r, u), u, id, version, reason); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("%w (%w)", conflict, err)
		}
		return err
	}
	f, err := s.findings.Find(r.Context(), u, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, viewOf(lang, f))
}
