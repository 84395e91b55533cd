package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/registry"
	"radsup/internal/store"
)

// maxChangeBody bounds a change request's body: its files in base64 and
// its fields.
const maxChangeBody = domain.MaxAttachments*domain.MaxAttachment*4/3 + maxBody

// changeRoutes registers the change requests' endpoints.
func (s *server) changeRoutes() {
	readers := auth.RolesFor(auth.Read, auth.ChangeRequest)
	s.handle("GET /api/v1/change-requests", readers, s.handleChanges)
	s.handle("POST /api/v1/change-requests", auth.RolesFor(auth.Create, auth.ChangeRequest), s.handleChangeCreate)
	s.handle("GET /api/v1/change-requests/{id}", readers, s.handleChange)
	s.handle("POST /api/v1/change-requests/{id}/approve", auth.RolesFor(auth.Decide, auth.ChangeRequest), s.handleChangeDecide(true))
	s.handle("POST /api/v1/change-requests/{id}/reject", auth.RolesFor(auth.Decide, auth.ChangeRequest), s.handleChangeDecide(false))
	s.handle("POST /api/v1/change-requests/{id}/withdraw", auth.RolesFor(auth.Create, auth.ChangeRequest), s.handleChangeWithdraw)
	s.handle("GET /api/v1/attachments/{id}", auth.Readers, s.handleAttachment)
	s.handle("GET /api/v1/files/{entity}/{id}", auth.Readers, s.handleFiles)
	s.handle("POST /api/v1/files/{entity}/{id}", auth.Filers, s.handleFileUpload)
	s.handle("GET /api/v1/licences/{id}/acts", auth.RolesFor(auth.Read, "licence"), s.handleLicenceActs)
	s.handle("POST /api/v1/licences/{id}/acts", auth.RolesFor(auth.Update, "licence"), s.handleLicenceActCreate)
}

// handleChanges answers GET /api/v1/change-requests?status=&institution_id=:
// the requests the caller may see, newest first.
func (s *server) handleChanges(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	var f store.ChangeFilter
	for k, v := range r.URL.Query() {
		switch k {
		case "status":
			f.Status = v[0]
		case "institution_id":
			id, err := strconv.ParseInt(v[0], 10, 64)
			if err != nil {
				return domain.FieldErrors{k: "integer"}.Err()
			}
			f.InstitutionID = id
		default:
			return domain.FieldErrors{k: "unknown_filter"}.Err()
		}
	}
	cs, err := s.reg.ChangeRequests(r.Context(), u, f)
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []*domain.ChangeRequest{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": cs, "total": len(cs)})
}

// handleChange answers GET /api/v1/change-requests/{id} with its files.
func (s *server) handleChange(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.reg.ChangeRequest(r.Context(), u, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

// changeBody is the body of POST /api/v1/change-requests: files' data in
// base64.
type changeBody struct {
	Entity   string            `json:"entity"`
	RecordID int64             `json:"record_id"`
	Values   map[string]string `json:"values"`
	Reason   string            `json:"reason"`
	Files    []struct {
		Name string `json:"name"`
		Data []byte `json:"data"`
	} `json:"files"`
}

// handleChangeCreate answers POST /api/v1/change-requests.
func (s *server) handleChangeCreate(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxChangeBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return errTooLarge
		}
		return errBadRequest
	}
	if b = bytes.TrimSpace(b); len(b) == 0 || b[0] != '{' {
		return errBadRequest
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return errBadRequest
	}
	var in changeBody
	known := map[string]bool{"entity": true, "record_id": true, "values": true, "reason": true, "files": true}
	if err := decodeStrict(obj, &in, known); err != nil {
		return err
	}
	ci := registry.ChangeInput{Entity: in.Entity, RecordID: in.RecordID, Values: in.Values, Reason: in.Reason}
	for _, f := range in.Files {
		ci.Files = append(ci.Files, registry.Upload{Name: f.Name, Data: f.Data})
	}
	c, err := s.reg.RequestChange(r.Context(), actor(r, u), u, ci)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, c)
}

// handleChangeDecide answers POST …/{id}/approve and …/{id}/reject with
// {"decision": reason} (required to reject).
func (s *server) handleChangeDecide(approve bool) handler {
	return func(w http.ResponseWriter, r *http.Request, u *domain.User) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		obj, err := readObject(w, r)
		if err != nil {
			return err
		}
		var in struct {
			Decision string `json:"decision"`
		}
		if err := decodeStrict(obj, &in, map[string]bool{"decision": true}); err != nil {
			return err
		}
		c, err := s.reg.Decide(r.Context(), actor(r, u), u, id, approve, in.Decision)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, c)
	}
}

// handleChangeWithdraw answers POST …/{id}/withdraw.
func (s *server) handleChangeWithdraw(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.reg.Withdraw(r.Context(), actor(r, u), u, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

// handleAttachment answers GET /api/v1/attachments/{id}: the file as an
// attachment, if the caller may see its record; audited.
func (s *server) handleAttachment(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, data, err := s.reg.Attachment(r.Context(), actor(r, u), u, id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Content-SHA256", a.SHA256)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	_, err = w.Write(data)
	return err
}

// handleFiles answers GET /api/v1/files/{entity}/{id}: the files kept with
// a record (licence, training, exam, dose, test), without content.
func (s *server) handleFiles(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	fs, err := s.reg.Files(r.Context(), u, r.PathValue("entity"), id)
	if err != nil {
		return err
	}
	if fs == nil {
		fs = []domain.Attachment{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": fs, "total": len(fs)})
}

// handleFileUpload answers POST /api/v1/files/{entity}/{id}?name=report.pdf
// with the file as the body (at most 10 MiB).
func (s *server) handleFileUpload(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, domain.MaxAttachment))
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return &domain.Error{Code: domain.EINVALID, Message: "change.error.file_too_large", Args: []string{"10 MiB"},
			Fields: domain.FieldErrors{"files": "file_too_large"}}
	}
	if err != nil {
		return errBadRequest
	}
	a, err := s.reg.Attach(r.Context(), actor(r, u), u, r.PathValue("entity"), id, registry.Upload{Name: r.URL.Query().Get("name"), Data: data})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, a)
}

// handleLicenceActs answers GET /api/v1/licences/{id}/acts: the licence
// with its acts, newest first, whether it stands today, its 校验期 and the
// next due date proposed for a check today.
func (s *server) handleLicenceActs(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	h, err := s.reg.LicenceHistory(r.Context(), u, id)
	if err != nil {
		return err
	}
	if h.Acts == nil {
		h.Acts = []*domain.LicenceAct{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"licence": h.Licence, "in_force": h.InForce, "acts": h.Acts,
		"check_years": h.CheckYears, "proposed_next_due": h.ProposedNextDue})
}

// handleLicenceActCreate answers POST /api/v1/licences/{id}/acts with
// {kind, on, result, next_due, until, document_no, note}.
func (s *server) handleLicenceActCreate(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		Kind       string `json:"kind"`
		On         string `json:"on"`
		Result     string `json:"result"`
		NextDue    string `json:"next_due"`
		Until      string `json:"until"`
		DocumentNo string `json:"document_no"`
		Note       string `json:"note"`
	}
	known := map[string]bool{"kind": true, "on": true, "result": true, "next_due": true, "until": true, "document_no": true, "note": true}
	if err := decodeStrict(obj, &in, known); err != nil {
		return err
	}
	a := &domain.LicenceAct{LicenceID: id, Kind: in.Kind, Result: in.Result, DocumentNo: in.DocumentNo, Note: in.Note}
	fe := domain.FieldErrors{}
	for key, p := range map[string]struct {
		raw string
		d   *domain.Date
	}{"on": {in.On, &a.On}, "next_due": {in.NextDue, &a.NextDue}, "until": {in.Until, &a.Until}} {
		if p.raw == "" {
			continue
		}
		if *p.d, err = domain.ParseDate(p.raw); err != nil {
			fe.Add(key, "date")
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if err := s.reg.RecordLicenceAct(r.Context(), actor(r, u), u, a); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, a)
}
