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

// inspectionItem is one checklist item of an inspection in the API.
type inspectionItem struct {
	enforcement.Item
	Result    string                `json:"result"`
	Note      string                `json:"note"`
	Version   int                   `json:"version"`
	UpdatedBy string                `json:"updated_by"`
	Findings  []int64               `json:"findings"` // ids of the open findings listed under it
	Evidence  []domain.EvidenceFile `json:"evidence"`
	Amendment *domain.Amendment     `json:"amendment,omitempty"`
}

// inspectionResponse is an inspection with its items and amendments.
type inspectionResponse struct {
	*domain.Inspection
	Locked     bool               `json:"locked"`
	Items      []inspectionItem   `json:"items"`
	Amendments []domain.Amendment `json:"amendments"`
}

func inspectionOf(v *enforcement.InspectionView) inspectionResponse {
	out := inspectionResponse{Inspection: v.Inspection, Locked: v.Inspection.Locked(), Amendments: v.Amendments}
	if out.Amendments == nil {
		out.Amendments = []domain.Amendment{}
	}
	for _, it := range v.Items {
		x := inspectionItem{Item: it.Item, Result: it.Row.Result, Note: it.Row.Note, Version: it.Row.Version, UpdatedBy: it.Row.UpdatedBy,
			Findings: []int64{}, Evidence: it.Evidence, Amendment: it.Amendment}
		for _, f := range it.Findings {
			x.Findings = append(x.Findings, f.ID)
		}
		if x.Evidence == nil {
			x.Evidence = []domain.EvidenceFile{}
		}
		out.Items = append(out.Items, x)
	}
	return out
}

// handleInspections answers GET /api/v1/inspections[?institution_id=N&
// plan_id=N&mine=1&signed=1|0]: the inspections the caller may see.
func (s *server) handleInspections(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	var l enforcement.InspectionList
	for k, v := range r.URL.Query() {
		var err error
		switch k {
		case "institution_id":
			l.InstitutionID, err = strconv.ParseInt(v[0], 10, 64)
		case "plan_id":
			l.PlanID, err = strconv.ParseInt(v[0], 10, 64)
		case "mine":
			l.Mine = v[0] == "1" || v[0] == "true"
		case "signed":
			l.Signed, l.Unsigned = v[0] == "1" || v[0] == "true", v[0] == "0" || v[0] == "false"
		default:
			return domain.FieldErrors{k: "unknown_filter"}.Err()
		}
		if err != nil {
			return domain.FieldErrors{k: "integer"}.Err()
		}
	}
	l.Limit = 1000
	xs, err := s.enforcement.Inspections(r.Context(), u, l)
	if err != nil {
		return err
	}
	if xs == nil {
		xs = []*domain.Inspection{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": xs, "total": len(xs)})
}

// handleInspectionCreate answers POST /api/v1/inspections with {"plan_id":
// N, "order": N} for a drawn unit, or {"type", "institution_id" or
// "credit_code", "inspectors": [a, b]} ad hoc; both with "date" and "place".
func (s *server) handleInspectionCreate(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		PlanID        int64    `json:"plan_id"`
		Order         int      `json:"order"`
		Type          string   `json:"type"`
		InstitutionID int64    `json:"institution_id"`
		CreditCode    string   `json:"credit_code"`
		Inspectors    []string `json:"inspectors"`
		Date          string   `json:"date"`
		Place         string   `json:"place"`
	}
	known := map[string]bool{"plan_id": true, "order": true, "type": true, "institution_id": true, "credit_code": true,
		"inspectors": true, "date": true, "place": true}
	if err := decodeStrict(obj, &in, known); err != nil {
		return err
	}
	n := enforcement.NewInspection{PlanID: in.PlanID, PlanOrder: in.Order, Type: in.Type, InstitutionID: in.InstitutionID,
		CreditCode: in.CreditCode, Place: in.Place}
	if in.PlanID == 0 && len(in.Inspectors) != 2 {
		return domain.FieldErrors{"inspectors": "two_inspectors"}.Err()
	}
	if len(in.Inspectors) == 2 {
		n.Inspectors = [2]string{in.Inspectors[0], in.Inspectors[1]}
	}
	if n.Date, err = domain.ParseDate(in.Date); err != nil {
		return domain.FieldErrors{"date": "inspection_date"}.Err()
	}
	x, err := s.enforcement.CreateInspection(r.Context(), actor(r, u), u, n)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/inspections/"+strconv.FormatInt(x.ID, 10))
	v, err := s.enforcement.Inspection(r.Context(), u, x.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, inspectionOf(v))
}

// handleInspection answers GET /api/v1/inspections/{id}.
func (s *server) handleInspection(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.enforcement.Inspection(r.Context(), u, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, inspectionOf(v))
}

// handleInspectionPut answers PUT /api/v1/inspections/{id} with {"version",
// "date", "place", "outcome"}.
func (s *server) handleInspectionPut(w http.ResponseWriter, r *http.Request, u *domain.User) error {
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
		Date    string `json:"date"`
		Place   string `json:"place"`
		Outcome string `json:"outcome"`
	}
	if err := decodeStrict(obj, &in, map[string]bool{"version": true, "date": true, "place": true, "outcome": true}); err != nil {
		return err
	}
	if in.Version < 1 {
		return domain.FieldErrors{"version": domain.CodeRequired}.Err()
	}
	o := enforcement.Outcome{Place: in.Place, Outcome: in.Outcome}
	if o.Date, err = domain.ParseDate(in.Date); err != nil {
		return domain.FieldErrors{"date": "inspection_date"}.Err()
	}
	if _, err := s.enforcement.SetOutcome(r.Context(), actor(r, u), u, id, o, in.Version); err != nil {
		return err
	}
	return s.handleInspection(w, r, u)
}

// handleInspectionItem answers PUT /api/v1/inspections/{id}/items/{code}
// with {"version", "result", "note"}: the item as saved.
func (s *server) handleInspectionItem(w http.ResponseWriter, r *http.Request, u *domain.User) error {
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
		Result  string `json:"result"`
		Note    string `json:"note"`
	}
	if err := decodeStrict(obj, &in, map[string]bool{"version": true, "result": true, "note": true}); err != nil {
		return err
	}
	if in.Version < 1 {
		return domain.FieldErrors{"version": domain.CodeRequired}.Err()
	}
	it, err := s.enforcement.SaveItem(r.Context(), actor(r, u), u, id, r.PathValue("code"), in.Result, in.Note, in.Version)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, it)
}

// handleInspectionSign answers POST /api/v1/inspections/{id}/sign with
// {"version"}: the caller's signature as one of the two inspectors.
func (s *server) handleInspectionSign(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		Version int `json:"version"`
	}
	if err := decodeStrict(obj, &in, map[string]bool{"version": true}); err != nil {
		return err
	}
	if in.Version < 1 {
		return domain.FieldErrors{"version": domain.CodeRequired}.Err()
	}
	if _, err := s.enforcement.Sign(r.Context(), actor(r, u), u, id, in.Version); err != nil {
		return err
	}
	return s.handleInspection(w, r, u)
}

// handleInspectionAmend answers POST /api/v1/inspections/{id}/amendments
// with {"code", "result", "note", "reason"}.
func (s *server) handleInspectionAmend(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	a := &domain.Amendment{InspectionID: id}
	if err := decodeStrict(obj, a, map[string]bool{"code": true, "result": true, "note": true, "reason": true}); err != nil {
		return err
	}
	a.InspectionID = id
	if err := s.enforcement.Amend(r.Context(), actor(r, u), u, a); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, a)
}

// handleEvidenceUpload answers POST /api/v1/inspections/{id}/evidence?
// code=JC-14&name=photo.jpg with the file as the body (at most 10 MiB).
func (s *server) handleEvidenceUpload(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, enforcement.MaxEvidence))
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return &domain.Error{Code: domain.EINVALID, Message: "enforcement.error.file_too_large", Args: []string{"10 MiB"},
			Fields: domain.FieldErrors{"file": "file_too_large"}}
	}
	if err != nil {
		return errBadRequest
	}
	e, err := s.enforcement.AddEvidence(r.Context(), actor(r, u), u, id, q.Get("code"), q.Get("name"), data)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, e)
}

// handleEvidence answers GET /api/v1/inspections/{id}/evidence/{file}:
// the file as an attachment.
func (s *server) handleEvidence(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	fileID, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil || fileID < 1 {
		return domain.FieldErrors{"file": "integer"}.Err()
	}
	e, data, err := s.enforcement.Evidence(r.Context(), u, id, fileID)
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
