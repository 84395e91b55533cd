package api

import (
	"errors"
	"net/http"
	"strconv"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/httperr"
	"radsup/internal/httplog"
	"radsup/internal/i18n"
	"radsup/internal/registry"
	"radsup/internal/store"
)

// submissionRoutes registers the endpoints of institution submissions
// under review (机构提交需审核).
func (s *server) submissionRoutes() {
	s.handle("GET /api/v1/submissions", auth.RolesFor(auth.Read, auth.Submission), s.handleSubmissions)
	s.handle("POST /api/v1/submissions/approve", auth.RolesFor(auth.Decide, auth.Submission), s.handleSubmissionsApprove)
	s.handle("POST /api/v1/submissions/{id}/reject", auth.RolesFor(auth.Decide, auth.Submission), s.handleSubmissionReject)
	s.handle("GET /api/v1/settings/review", auth.RolesFor(auth.Manage, auth.Submission), s.handleReviewSetting)
	s.handle("PUT /api/v1/settings/review", auth.RolesFor(auth.Manage, auth.Submission), s.handleReviewSettingPut)
}

// heldOr answers 202 Accepted with the submission when a write was held
// for review, and returns err otherwise. "held" says why it waits:
// "review" (the setting is on) or "shared_person" (it changes the name or
// ID number of a person who works at another institution too: always
// reviewed); "message" says so in the caller's language.
func heldOr(w http.ResponseWriter, r *http.Request, err error) error {
	held, ok := errors.AsType[*registry.Submitted](err)
	if !ok {
		return err
	}
	why := "review"
	if held.SharedPerson {
		why = "shared_person"
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"submission_id": held.ID, "state": domain.SubmissionPending,
		"held": why, "message": i18n.T(i18n.Match(r.Header.Get("Accept-Language")), held.Message())})
}

// handleSubmissions answers GET /api/v1/submissions?state=&institution_id=&entity=&from=&to=
// &person_id=&equipment_id=&id= (dates, to inclusive): the submissions the
// caller may see, newest first; person_id and equipment_id select those a
// person's or a device's page shows.
func (s *server) handleSubmissions(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	var f store.SubmissionFilter
	for k, v := range r.URL.Query() {
		switch k {
		case "state":
			f.State = v[0]
		case "entity":
			f.Entity = v[0]
		case "institution_id", "person_id", "equipment_id", "id":
			id, err := strconv.ParseInt(v[0], 10, 64)
			if err != nil || id < 0 {
				return domain.FieldErrors{k: "integer"}.Err()
			}
			switch k {
			case "institution_id":
				f.InstitutionID = id
			case "person_id":
				f.PersonID = id
			case "equipment_id":
				f.EquipmentID = id
			default:
				f.IDs = []int64{id}
			}
		case "from", "to":
			if err := dayBound(k, v[0], &f.From, &f.To); err != nil {
				return err
			}
		default:
			return domain.FieldErrors{k: "unknown_filter"}.Err()
		}
	}
	subs, err := s.reg.Submissions(r.Context(), u, f)
	if err != nil {
		return err
	}
	if subs == nil {
		subs = []*domain.Submission{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": subs, "total": len(subs)})
}

// handleSubmissionsApprove answers POST /api/v1/submissions/approve with
// {ids: [...], reason}: all of them in one transaction, or none.
func (s *server) handleSubmissionsApprove(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		IDs    []int64 `json:"ids"`
		Reason string  `json:"reason"`
	}
	if err := decodeStrict(obj, &in, map[string]bool{"ids": true, "reason": true}); err != nil {
		return err
	}
	if err := s.reg.Approve(r.Context(), actor(r, u), u, in.IDs, in.Reason); err != nil {
		if refused, ok := errors.AsType[*exchange.HeldRefused](err); ok {
			return s.heldRefused(w, r, refused)
		}
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"approved": len(in.IDs)})
}

// heldRefused answers the approval of a held import that no longer applies
// cleanly: 422 EINVALID with the import's problems, row by row, in the
// caller's language.
func (s *server) heldRefused(w http.ResponseWriter, r *http.Request, refused *exchange.HeldRefused) error {
	lang := i18n.Match(r.Header.Get("Accept-Language"))
	s.log.Info("api request refused", "request_id", httplog.ID(r.Context()), "path", r.URL.Path, "status", http.StatusUnprocessableEntity, "err", refused)
	type problem struct {
		Sheet   string `json:"sheet"`
		Row     int    `json:"row,omitempty"`
		Column  string `json:"column,omitempty"`
		Cell    string `json:"cell,omitempty"`
		Value   string `json:"value,omitempty"`
		Message string `json:"message"`
		Warning bool   `json:"warning,omitempty"`
	}
	problems := []problem{}
	for _, p := range refused.Report.Problems {
		problems = append(problems, problem{Sheet: p.Sheet, Row: p.Row, Column: p.Col.Render(lang), Cell: p.Ref, Value: p.Value,
			Message: p.Text(lang), Warning: p.Warning})
	}
	return writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"code": domain.EINVALID, "submission_id": refused.Submission,
		"message": httperr.Of(refused).Text(lang), "problems": problems, "truncated": refused.Report.Truncated})
}

// handleSubmissionReject answers POST /api/v1/submissions/{id}/reject with
// {reason} (required).
func (s *server) handleSubmissionReject(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeStrict(obj, &in, map[string]bool{"reason": true}); err != nil {
		return err
	}
	if err := s.reg.Reject(r.Context(), actor(r, u), u, id, in.Reason); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"id": id, "state": domain.SubmissionRejected})
}

// handleReviewSetting answers GET /api/v1/settings/review: {on}.
func (s *server) handleReviewSetting(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	on, err := s.reg.ReviewOn(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"on": on})
}

// handleReviewSettingPut answers PUT /api/v1/settings/review with {on}.
func (s *server) handleReviewSettingPut(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		On bool `json:"on"`
	}
	if err := decodeStrict(obj, &in, map[string]bool{"on": true}); err != nil {
		return err
	}
	if err := s.reg.SetReview(r.Context(), actor(r, u), u, in.On); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"on": in.On})
}
