package api

import (
	"net/http"
	"strconv"

	"radsup/internal/domain"
	"radsup/internal/notices"
	"radsup/internal/store"
)

// handleNotices answers GET /api/v1/notices[?unread=1&limit=N&offset=N]:
// the notices the caller may read, newest first, with their deliveries.
func (s *server) handleNotices(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	var f store.NoticeFilter
	for k, v := range r.URL.Query() {
		switch k {
		case "unread":
			f.Unread = v[0] == "1" || v[0] == "true"
		case "limit", "offset":
			n, err := strconv.Atoi(v[0])
			if err != nil || n < 0 || k == "limit" && n > 500 {
				return domain.FieldErrors{k: "integer"}.Err()
			}
			if k == "limit" {
				f.Limit = n
			} else {
				f.Offset = n
			}
		default:
			return domain.FieldErrors{k: "unknown_filter"}.Err()
		}
	}
	ns, total, err := s.notices.List(r.Context(), u, f)
	if err != nil {
		return err
	}
	if ns == nil {
		ns = []*domain.NoticeMessage{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": ns, "total": total})
}

var noticeKeys = map[string]bool{"credit_codes": true, "all_open": true, "subject": true, "body": true}

// handleNoticeSend answers POST /api/v1/notices with {"credit_codes":
// [...], "all_open": false, "subject": "…", "body": "…"}: the notices
// written, one per institution.
func (s *server) handleNoticeSend(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		notices.Recipients
		Subject string `json:"subject"`
		Body    string `json:"body"`
	}
	if err := decodeStrict(obj, &in, noticeKeys); err != nil {
		return err
	}
	ns, err := s.notices.Send(r.Context(), actor(r, u), u, in.Recipients, in.Subject, in.Body)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"items": ns, "total": len(ns)})
}

// handleNoticeRead answers POST /api/v1/notices/{id}/read: the notice,
// marked read by the caller's institution.
func (s *server) handleNoticeRead(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := s.notices.MarkRead(r.Context(), actor(r, u), u, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, n)
}

// handleNoticeContact answers PUT /api/v1/notices/contact with {"email":
// "…", "phone": "…"}: where the caller's institution wants its notices.
func (s *server) handleNoticeContact(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		Email string `json:"email"`
		Phone string `json:"phone"`
	}
	if err := decodeStrict(obj, &in, map[string]bool{"email": true, "phone": true}); err != nil {
		return err
	}
	c, err := s.notices.SetContact(r.Context(), actor(r, u), u,
		domain.NoticeContact{InstitutionID: u.Scope().InstitutionID, Email: in.Email, Phone: in.Phone})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}
