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
	"radsup/internal/exchange"
	"radsup/internal/i18n"
	"radsup/internal/registry"
	"radsup/internal/store"
)

// reviewRow is one field of a submission as shown: its key and label, the
// stored value and the proposed one.
type reviewRow struct{ Key, Label, Current, Proposed string }

// reviewView is a submission as the review page shows it, with the page of
// the record it is about ("" for a new one not filed yet).
type reviewView struct {
	*domain.Submission
	Institution string
	Rows        []reviewRow
	Link        string
	Import      *exchange.HeldSummary // a held import: what it would do, its first rows
}

// recordLink is the page that shows a submission's record: the person's or
// the device's, or the record's own.
func recordLink(s *domain.Submission) string {
	switch {
	case s.Action == domain.SubmitHire && s.State == domain.SubmissionPending:
		return "" // the person may not be the institution's to see yet
	case s.PersonID != 0:
		return idURL("/people/", s.PersonID)
	case s.EquipmentID != 0:
		return idURL("/equipment/", s.EquipmentID)
	case s.Entity == "institution" && s.RecordID != 0:
		return idURL("/institutions/", s.RecordID)
	}
	return ""
}

// reviewsPage is the review queue (待审核) and the feed of what
// institutions changed, newest first.
type reviewsPage struct {
	base
	State, Entity, From, To string
	InstitutionID           int64
	ID                      int64 // one submission asked for by id; 0: the filters
	States, Entities        []string
	ReviewOn                bool
	Items                   []reviewView
	Error                   string
	Problems                []problemView // why a held import's approval was refused, row by row
	// Held says why the change just made waits for review ("": nothing said).
	Held string
}

// handleReviews lists submissions: by default the pending ones.
func (s *Server) handleReviews(w http.ResponseWriter, r *http.Request) error {
	return s.renderReviews(w, r, http.StatusOK, "", nil)
}

func (s *Server) renderReviews(w http.ResponseWriter, r *http.Request, status int, msg string, problems []problemView) error {
	q, lang, u := r.URL.Query(), s.lang(r), userOf(r)
	p := reviewsPage{base: s.base(r, "reviews", i18n.T(lang, "review.title")), Error: msg, Problems: problems,
		States:   []string{domain.SubmissionPending, domain.SubmissionApproved, domain.SubmissionRejected},
		Entities: append(slices.Clip(domain.SubmissionReviewed), domain.SubmissionImport)}
	p.State, p.Entity, p.From, p.To = domain.SubmissionPending, q.Get("entity"), q.Get("from"), q.Get("to")
	if q.Has("state") {
		p.State = q.Get("state")
	}
	if q.Get("held") == heldShared {
		p.Held = i18n.T(lang, (&registry.Submitted{SharedPerson: true}).Message())
	}
	p.InstitutionID, _ = strconv.ParseInt(q.Get("institution"), 10, 64)
	f := store.SubmissionFilter{State: p.State, Entity: p.Entity, InstitutionID: p.InstitutionID}
	if q.Has("id") { // one submission, as a record page's badge links to it, whatever its state
		p.ID, _ = strconv.ParseInt(q.Get("id"), 10, 64)
		f.IDs = []int64{p.ID}
		if !q.Has("state") {
			p.State, f.State = "", ""
		}
	}
	if d, err := domain.ParseDate(p.From); err == nil && !d.IsZero() {
		f.From = d.Start(time.Local)
	}
	if d, err := domain.ParseDate(p.To); err == nil && !d.IsZero() {
		f.To = d.AddDate(0, 0, 1).Start(time.Local)
	}
	if auth.Can(u, auth.Manage, auth.Submission) {
		on, err := s.cfg.Registry.ReviewOn(r.Context())
		if err != nil {
			return err
		}
		p.ReviewOn = on
	}
	subs, err := s.cfg.Registry.Submissions(r.Context(), u, f)
	if err != nil {
		return err
	}
	changes, err := s.cfg.Registry.Changes(r.Context(), u, subs)
	if err != nil {
		return err
	}
	ids := make([]int64, len(subs))
	for i, sub := range subs {
		ids[i] = sub.InstitutionID
	}
	names, err := s.institutionNames(r.Context(), u, ids)
	if err != nil {
		return err
	}
	for _, sub := range subs {
		v := reviewView{Submission: sub, Institution: names[sub.InstitutionID], Link: recordLink(sub)}
		if v.Import, err = exchange.Summarize(u, sub); err != nil {
			return err
		}
		for _, fc := range changes[sub.ID] {
			v.Rows = append(v.Rows, reviewRow{Key: fc.Field.Key, Label: fieldLabel(lang, fc.Field), Current: display(lang, fc.Field, fc.Current),
				Proposed: display(lang, fc.Field, fc.Proposed)})
		}
		p.Items = append(p.Items, v)
	}
	return s.render(w, r, status, "reviews", p)
}

// handleReviewsApprove approves the checked submissions (id=…) in one
// transaction: all of them or none.
func (s *Server) handleReviewsApprove(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	var ids []int64
	for _, v := range r.PostForm["id"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return errBadRequest
		}
		ids = append(ids, id)
	}
	err := s.cfg.Registry.Approve(r.Context(), actorOf(r), userOf(r), ids, strings.TrimSpace(r.PostForm.Get("reason")))
	return s.reviewed(w, r, err)
}

// handleReviewReject rejects one submission with the reason given.
func (s *Server) handleReviewReject(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	err = s.cfg.Registry.Reject(r.Context(), actorOf(r), userOf(r), id, r.PostFormValue("reason"))
	return s.reviewed(w, r, err)
}

// handleReviewSetting turns review of institution submissions on or off.
func (s *Server) handleReviewSetting(w http.ResponseWriter, r *http.Request) error {
	err := s.cfg.Registry.SetReview(r.Context(), actorOf(r), userOf(r), r.PostFormValue("on") == "1")
	return s.reviewed(w, r, err)
}

// reviewed redirects back to the queue, or shows it with the refusal.
func (s *Server) reviewed(w http.ResponseWriter, r *http.Request, err error) error {
	if err == nil {
		http.Redirect(w, r, "/reviews", http.StatusSeeOther)
		return nil
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID && de.Code != domain.ECONFLICT && de.Code != domain.ESTALE {
		return err
	}
	status := http.StatusUnprocessableEntity
	if de.Code != domain.EINVALID {
		status = http.StatusConflict
	}
	var problems []problemView
	if refused, ok := errors.AsType[*exchange.HeldRefused](err); ok {
		problems = problemViews(refused.Report, s.lang(r))
	}
	return s.renderReviews(w, r, status, errorText(s.lang(r), de), problems)
}

// heldForReview answers a write held for review with the queue, where the
// institution sees it pending; it reports whether it did. A change of a
// shared person's identity, held whatever the setting, says why.
func heldForReview(w http.ResponseWriter, r *http.Request, err error) bool {
	held, ok := errors.AsType[*registry.Submitted](err)
	if !ok {
		return false
	}
	to := "/reviews?state=pending"
	if held.SharedPerson {
		to += "&held=" + heldShared
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return true
}

// heldShared is the queue's held= value after a change of a shared
// person's identity was submitted.
const heldShared = "shared_person"

// reviewRoutes registers the review pages.
func (s *Server) reviewRoutes(mux *http.ServeMux) {
	s.page(mux, "GET /reviews", auth.RolesFor(auth.Read, auth.Submission), s.handleReviews)
	s.page(mux, "POST /reviews/approve", auth.RolesFor(auth.Decide, auth.Submission), s.handleReviewsApprove)
	s.page(mux, "POST /reviews/{id}/reject", auth.RolesFor(auth.Decide, auth.Submission), s.handleReviewReject)
	s.page(mux, "POST /reviews/setting", auth.RolesFor(auth.Manage, auth.Submission), s.handleReviewSetting)
}
