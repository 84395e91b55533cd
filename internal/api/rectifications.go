package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"radsup/internal/domain"
	"radsup/internal/enforcement"
)

// rectificationResponse is a rectification with its items, evidence files
// and numbered documents.
type rectificationResponse struct {
	*domain.Rectification
	Overdue   bool                       `json:"overdue"`
	Items     []domain.RectificationItem `json:"items"`
	Files     []domain.RectificationFile `json:"files"`
	Documents []*domain.Document         `json:"documents"`
	// OpenFindings are the linked findings still open: while any is, it
	// cannot close.
	OpenFindings []int64 `json:"open_findings"`
}

func rectificationOf(v *enforcement.RectificationView) rectificationResponse {
	out := rectificationResponse{Rectification: v.Rectification, Overdue: v.Overdue, Items: v.Items, Files: v.Files,
		Documents: v.Documents, OpenFindings: enforcement.OpenFindingIDs(v.Items)}
	if out.Items == nil {
		out.Items = []domain.RectificationItem{}
	}
	if out.Files == nil {
		out.Files = []domain.RectificationFile{}
	}
	if out.Documents == nil {
		out.Documents = []*domain.Document{}
	}
	if out.OpenFindings == nil {
		out.OpenFindings = []int64{}
	}
	return out
}

// handleRectifications answers GET /api/v1/rectifications[?institution_id=N&
// inspection_id=N&state=open|overdue|responded]: the rectifications the
// caller may see (an institution its own), newest first.
func (s *server) handleRectifications(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	var l enforcement.RectificationList
	for k, v := range r.URL.Query() {
		var err error
		switch k {
		case "institution_id":
			l.InstitutionID, err = strconv.ParseInt(v[0], 10, 64)
		case "inspection_id":
			l.InspectionID, err = strconv.ParseInt(v[0], 10, 64)
		case "state":
			switch v[0] {
			case "open":
				l.Open = true
			case "overdue":
				l.Overdue = true
			case "responded":
				l.Responded = true
			case "", "all":
			default:
				return domain.FieldErrors{k: domain.CodeEnum}.Err()
			}
		default:
			return domain.FieldErrors{k: "unknown_filter"}.Err()
		}
		if err != nil {
			return domain.FieldErrors{k: "integer"}.Err()
		}
	}
	l.Limit = 1000
	rs, err := s.enforcement.Rectifications(r.Context(), u, l)
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []*domain.Rectification{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": rs, "total": len(rs)})
}

// handleRectificationCreate answers POST /api/v1/rectifications with
// {"inspection_id", "institution_id", "finding_ids": [...], "opinion",
// "basis", "days"}.
func (s *server) handleRectificationCreate(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		InspectionID  int64   `json:"inspection_id"`
		InstitutionID int64   `json:"institution_id"`
		FindingIDs    []int64 `json:"finding_ids"`
		Opinion       string  `json:"opinion"`
		Basis         string  `json:"basis"`
		Days          int     `json:"days"`
	}
	known := map[string]bool{"inspection_id": true, "institution_id": true, "finding_ids": true, "opinion": true, "basis": true, "days": true}
	if err := decodeStrict(obj, &in, known); err != nil {
		return err
	}
	rec, err := s.enforcement.CreateRectification(r.Context(), actor(r, u), u, enforcement.NewRectification{
		InspectionID: in.InspectionID, InstitutionID: in.InstitutionID, FindingIDs: in.FindingIDs,
		Opinion: in.Opinion, Basis: in.Basis, Days: in.Days})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/rectifications/"+strconv.FormatInt(rec.ID, 10))
	return s.writeRectification(w, r, u, rec.ID, http.StatusCreated)
}

func (s *server) writeRectification(w http.ResponseWriter, r *http.Request, u *domain.User, id int64, status int) error {
	v, err := s.enforcement.Rectification(r.Context(), u, id)
	if err != nil {
		return err
	}
	return writeJSON(w, status, rectificationOf(v))
}

// handleRectification answers GET /api/v1/rectifications/{id}.
func (s *server) handleRectification(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.writeRectification(w, r, u, id, http.StatusOK)
}

// handleRectificationRespond answers POST /api/v1/rectifications/{id}/respond
// with {"version", "response"}: the institution's answer.
func (s *server) handleRectificationRespond(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	return s.rectificationStep(w, r, u, "response", func(id int64, text string, version int) error {
		_, err := s.enforcement.Respond(r.Context(), actor(r, u), u, id, text, version)
		return err
	})
}

// handleRectificationClose answers POST /api/v1/rectifications/{id}/close
// with {"version", "note"}: the supervisor's confirmation, refused while a
// linked finding is open.
func (s *server) handleRectificationClose(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	return s.rectificationStep(w, r, u, "note", func(id int64, text string, version int) error {
		_, err := s.enforcement.CloseRectification(r.Context(), actor(r, u), u, id, text, version)
		return err
	})
}

// rectificationStep reads {"version", field} and runs step, then answers
// with the rectification.
func (s *server) rectificationStep(w http.ResponseWriter, r *http.Request, u *domain.User, field string, step func(int64, string, int) error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		Version  int    `json:"version"`
		Response string `json:"response"`
		Note     string `json:"note"`
	}
	if err := decodeStrict(obj, &in, map[string]bool{"version": true, field: true}); err != nil {
		return err
	}
	text := in.Note
	if field == "response" {
		text = in.Response
	}
	if in.Version < 1 {
		return domain.FieldErrors{"version": domain.CodeRequired}.Err()
	}
	if err := step(id, text, in.Version); err != nil {
		return err
	}
	return s.writeRectification(w, r, u, id, http.StatusOK)
}

// handleRectificationUpload answers POST /api/v1/rectifications/{id}/files?
// name=report.pdf with the file as the body (at most 10 MiB).
func (s *server) handleRectificationUpload(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, enforcement.MaxEvidence))
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return &domain.Error{Code: domain.EINVALID, Message: "enforcement.error.file_too_large", Args: []string{"10 MiB"},
			Fields: domain.FieldErrors{"file": "file_too_large"}}
	}
	if err != nil {
		return errBadRequest
	}
	e, err := s.enforcement.AddRectificationFile(r.Context(), actor(r, u), u, id, r.URL.Query().Get("name"), data)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, e)
}

// handleRectificationFile answers GET /api/v1/rectifications/{id}/files/{file}:
// the file as an attachment.
func (s *server) handleRectificationFile(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	fileID, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil || fileID < 1 {
		return domain.FieldErrors{"file": "integer"}.Err()
	}
	e, data, err := s.enforcement.RectificationFile(r.Context(), u, id, fileID)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", e.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": e.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Content-SHA256", e.SHA256)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	_, err = w.Write(data)
	return err
}
