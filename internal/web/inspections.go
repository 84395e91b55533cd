package web

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/i18n"
)

// inspectionsPage lists inspections: the reader's own to do and to sign,
// then every inspection the reader may see.
type inspectionsPage struct {
	base
	ToDo, ToSign []*domain.Inspection
	All          []*domain.Inspection
	Names        map[string]string
}

func (s *Server) handleInspections(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	p := inspectionsPage{base: s.base(r, "inspections", i18n.T(s.lang(r), "nav.inspections"))}
	var err error
	if p.ToDo, p.ToSign, err = s.myInspections(r); err != nil {
		return err
	}
	if p.All, err = s.cfg.Enforcement.Inspections(r.Context(), u, enforcement.InspectionList{Limit: 500}); err != nil {
		return err
	}
	if p.Names, err = s.inspectorNames(r, p.All); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "inspections", p)
}

// myInspections are the reader's unsigned inspections: those without an
// outcome yet (to do) and those waiting for the reader's signature.
func (s *Server) myInspections(r *http.Request) (todo, sign []*domain.Inspection, err error) {
	u := userOf(r)
	if !auth.Can(u, auth.Sign, auth.Inspection) {
		return nil, nil, nil
	}
	mine, err := s.cfg.Enforcement.Inspections(r.Context(), u, enforcement.InspectionList{Mine: true, Unsigned: true, Limit: 200})
	for _, x := range mine {
		switch {
		case x.Outcome == "":
			todo = append(todo, x)
		case !x.SignedBy(u.Username):
			sign = append(sign, x)
		}
	}
	return todo, sign, err
}

func (s *Server) inspectorNames(r *http.Request, xs []*domain.Inspection) (map[string]string, error) {
	var names []string
	for _, x := range xs {
		names = append(names, x.Inspector1, x.Inspector2)
	}
	return s.cfg.Auth.DisplayNames(r.Context(), names...)
}

// inspectionForm is the form of an ad hoc inspection.
type inspectionForm struct {
	base
	Values     map[string]string
	Inspectors []*domain.Inspector
	Types      []option
	Slots      []string
	Errors     map[string]string
	Message    string
}

func (s *Server) handleInspectionNew(w http.ResponseWriter, r *http.Request) error {
	v := map[string]string{"date": s.cfg.Registry.Today().String(), "type": "special", "credit_code": r.URL.Query().Get("credit_code")}
	return s.renderInspectionForm(w, r, http.StatusOK, inspectionForm{Values: v})
}

func (s *Server) renderInspectionForm(w http.ResponseWriter, r *http.Request, status int, f inspectionForm) error {
	f.base = s.base(r, "inspections", i18n.T(s.lang(r), "inspection.new"))
	f.Slots = []string{"inspector1", "inspector2"}
	for _, o := range options(s.lang(r), domain.PlanTypes, f.Values["type"]) {
		if o.Value != "random" {
			f.Types = append(f.Types, o)
		}
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
	return s.render(w, r, status, "inspection_new", f)
}

// handleInspectionCreate creates an inspection of a drawn unit (plan and
// order, from the plan page) or an ad hoc one.
func (s *Server) handleInspectionCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	v := r.PostForm
	vals := map[string]string{}
	for _, k := range []string{"plan", "order", "type", "credit_code", "inspector1", "inspector2", "date", "place"} {
		vals[k] = strings.TrimSpace(v.Get(k))
	}
	in := enforcement.NewInspection{Type: vals["type"], CreditCode: vals["credit_code"],
		Inspectors: [2]string{vals["inspector1"], vals["inspector2"]}, Place: vals["place"]}
	lang := s.lang(r)
	fe := domain.FieldErrors{}
	if vals["plan"] != "" {
		var err1, err2 error
		in.PlanID, err1 = strconv.ParseInt(vals["plan"], 10, 64)
		in.PlanOrder, err2 = strconv.Atoi(vals["order"])
		if err1 != nil || err2 != nil {
			return errBadRequest
		}
	}
	if vals["date"] == "" {
		in.Date = s.cfg.Registry.Today()
	} else if d, err := domain.ParseDate(vals["date"]); err != nil {
		fe.Add("date", "inspection_date")
	} else {
		in.Date = d
	}
	var msg string
	if len(fe) == 0 {
		x, err := s.cfg.Enforcement.CreateInspection(r.Context(), actorOf(r), userOf(r), in)
		if err == nil {
			http.Redirect(w, r, idURL("/inspections/", x.ID), http.StatusSeeOther)
			return nil
		}
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EINVALID && de.Code != domain.ECONFLICT {
			return err
		}
		for k, code := range de.Fields {
			fe.Add(k, code)
		}
		msg = errorText(lang, de)
	}
	msgs := map[string]string{}
	for k, code := range fe {
		msgs[k] = fieldMessage(lang, k, code)
	}
	if msg == "" || msg == i18n.T(lang, "error.invalid") {
		msg = i18n.T(lang, "error.invalid")
		for _, k := range fe.Keys() {
			msg = i18n.T(lang, "inspection.field."+k) + "：" + msgs[k]
			break
		}
	}
	return s.renderInspectionForm(w, r, http.StatusUnprocessableEntity, inspectionForm{Values: vals, Errors: msgs, Message: msg})
}

// inspectionPage is an inspection: the form its inspectors fill in on
// site, one small form per item, or the signed record with amendments.
type inspectionPage struct {
	base
	*enforcement.InspectionView
	Names    map[string]string
	Item     string // the item whose form failed
	Error    string
	Head     string // the error of the outcome, sign or amendment form
	Results  []option
	Outcomes []option
	Findings map[string][]findingRow // by item code
	// Rectifications are the orders to correct that followed the inspection.
	Rectifications []rectRow
}

func (s *Server) handleInspection(w http.ResponseWriter, r *http.Request) error {
	return s.renderInspection(w, r, http.StatusOK, inspectionPage{})
}

func (s *Server) renderInspection(w http.ResponseWriter, r *http.Request, status int, p inspectionPage) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if p.InspectionView, err = s.cfg.Enforcement.Inspection(r.Context(), userOf(r), id); err != nil {
		return err
	}
	x := p.Inspection
	p.base = s.base(r, "inspections", i18n.T(s.lang(r), "inspection.title", x.InstitutionName))
	if p.Names, err = s.inspectorNames(r, []*domain.Inspection{x}); err != nil {
		return err
	}
	lang := s.lang(r)
	p.Results = options(lang, domain.InspectionResults)
	p.Outcomes = options(lang, domain.InspectionOutcomes, x.Outcome)
	var fs []*domain.Finding
	for _, it := range p.Items {
		fs = append(fs, it.Findings...)
	}
	rows, err := s.findingRows(r.Context(), userOf(r), lang, fs, domain.DateOf(s.cfg.Store.Now()))
	if err != nil {
		return err
	}
	p.Findings = map[string][]findingRow{}
	for _, row := range rows {
		code := enforcement.RuleItem(row.Rule)
		p.Findings[code] = append(p.Findings[code], row)
	}
	if p.Rectifications, err = s.inspectionRectifications(r, id); err != nil {
		return err
	}
	return s.render(w, r, status, "inspection", p)
}

// refused re-renders the inspection page with the error of a refused
// change, or returns err when it is not one the user can correct.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, err error, item string) error {
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID && de.Code != domain.ECONFLICT && de.Code != domain.ESTALE {
		return err
	}
	lang := s.lang(r)
	msg := errorText(lang, de)
	if de.Message == "error.invalid" {
		for _, k := range de.Fields.Keys() {
			msg = i18n.T(lang, "inspection.field."+k) + "：" + fieldMessage(lang, k, de.Fields[k])
			break
		}
	}
	p := inspectionPage{Item: item, Error: msg}
	if item == "" {
		p.Head = msg
	}
	status := http.StatusUnprocessableEntity
	if de.Code == domain.ECONFLICT || de.Code == domain.ESTALE {
		status = http.StatusConflict
	}
	return s.renderInspection(w, r, status, p)
}

func (s *Server) afterChange(w http.ResponseWriter, r *http.Request, id int64, anchor string) error {
	http.Redirect(w, r, idURL("/inspections/", id)+anchor, http.StatusSeeOther)
	return nil
}

// handleInspectionItem saves one checklist item.
func (s *Server) handleInspectionItem(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	code := r.PathValue("code")
	version, err := readVersion(r)
	if err != nil {
		return err
	}
	_, err = s.cfg.Enforcement.SaveItem(r.Context(), actorOf(r), userOf(r), id, code, r.PostForm.Get("result"), r.PostForm.Get("note"), version)
	if err != nil {
		return s.refused(w, r, err, code)
	}
	return s.afterChange(w, r, id, "#"+code)
}

// handleInspectionOutcome saves the date, place and outcome.
func (s *Server) handleInspectionOutcome(w http.ResponseWriter, r *http.Request) error {
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
	o := enforcement.Outcome{Place: r.PostForm.Get("place"), Outcome: r.PostForm.Get("outcome")}
	if o.Date, err = domain.ParseDate(strings.TrimSpace(r.PostForm.Get("date"))); err != nil {
		return s.refused(w, r, &domain.Error{Code: domain.EINVALID, Message: "error.invalid", Fields: domain.FieldErrors{"date": "inspection_date"}}, "")
	}
	if _, err := s.cfg.Enforcement.SetOutcome(r.Context(), actorOf(r), userOf(r), id, o, version); err != nil {
		return s.refused(w, r, err, "")
	}
	return s.afterChange(w, r, id, "#outcome")
}

// handleInspectionSign signs as the reader, one of the two inspectors.
func (s *Server) handleInspectionSign(w http.ResponseWriter, r *http.Request) error {
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
	if _, err := s.cfg.Enforcement.Sign(r.Context(), actorOf(r), userOf(r), id, version); err != nil {
		return s.refused(w, r, err, "")
	}
	return s.afterChange(w, r, id, "#signatures")
}

// handleInspectionAmend records a correction of a signed record.
func (s *Server) handleInspectionAmend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	v := r.PostForm
	a := &domain.Amendment{InspectionID: id, Code: v.Get("code"), Result: v.Get("result"), Note: v.Get("note"), Reason: v.Get("reason")}
	if err := s.cfg.Enforcement.Amend(r.Context(), actorOf(r), userOf(r), a); err != nil {
		return s.refused(w, r, err, "")
	}
	return s.afterChange(w, r, id, "#amendments")
}

// handleEvidenceUpload attaches a file to an item. The body is bounded
// before the multipart form is parsed.
func (s *Server) handleEvidenceUpload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, enforcement.MaxEvidence+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return s.refusedUpload(w, r, r.URL.Query().Get("code"))
		}
		return errBadRequest
	}
	defer r.MultipartForm.RemoveAll()
	code := r.FormValue("code")
	f, fh, err := r.FormFile("file")
	if err != nil {
		return s.refused(w, r, &domain.Error{Code: domain.EINVALID, Message: "error.invalid", Fields: domain.FieldErrors{"file": "file_empty"}}, code)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, enforcement.MaxEvidence+1))
	if err != nil {
		return errBadRequest
	}
	if _, err := s.cfg.Enforcement.AddEvidence(r.Context(), actorOf(r), userOf(r), id, code, fh.Filename, data); err != nil {
		return s.refused(w, r, err, code)
	}
	return s.afterChange(w, r, id, "#"+code)
}

func (s *Server) refusedUpload(w http.ResponseWriter, r *http.Request, code string) error {
	lang := s.lang(r)
	p := inspectionPage{Item: code, Error: i18n.T(lang, "enforcement.error.file_too_large", "10 MiB")}
	if code == "" {
		p.Head = p.Error
	}
	return s.renderInspection(w, r, http.StatusRequestEntityTooLarge, p)
}

// handleEvidence sends an evidence file as an attachment, never to be
// rendered by the browser.
func (s *Server) handleEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	fileID, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil || fileID < 1 {
		return errNotFound
	}
	e, data, err := s.cfg.Enforcement.Evidence(r.Context(), userOf(r), id, fileID)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", e.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": e.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	_, err = w.Write(data)
	return err
}

// handleInspectionRecord prints the 现场检查笔录 (A4).
func (s *Server) handleInspectionRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := inspectionPage{}
	if p.InspectionView, err = s.cfg.Enforcement.Inspection(r.Context(), userOf(r), id); err != nil {
		return err
	}
	p.base = s.base(r, "inspections", i18n.T(s.lang(r), "record.title"))
	if p.Names, err = s.inspectorNames(r, []*domain.Inspection{p.Inspection}); err != nil {
		return err
	}
	return s.renderDoc(w, r, "inspection_record", p)
}

// renderDoc renders a printable document: its own page without the
// site's layout (template "doc").
func (s *Server) renderDoc(w http.ResponseWriter, r *http.Request, name string, data any) error {
	t := s.pages[s.lang(r)][name]
	if t == nil {
		return errors.New("render: no document " + name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "doc", data); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	_, err := w.Write(buf.Bytes())
	return err
}

// institutionInspections are the signed inspections of an institution, for
// its page (an institution user's scope limits it to its own).
func (s *Server) institutionInspections(r *http.Request, id int64) ([]*domain.Inspection, error) {
	u := userOf(r)
	if !auth.Can(u, auth.Read, auth.Inspection) {
		return nil, nil
	}
	return s.cfg.Enforcement.Inspections(r.Context(), u, enforcement.InspectionList{InstitutionID: id, Signed: true, Limit: 100})
}

// unitInspections maps a drawn plan's unit orders to their inspections.
func (s *Server) unitInspections(r *http.Request, planID int64) (map[int]int64, error) {
	u := userOf(r)
	out := map[int]int64{}
	if !auth.Can(u, auth.Read, auth.Inspection) {
		return out, nil
	}
	xs, err := s.cfg.Enforcement.Inspections(r.Context(), u, enforcement.InspectionList{PlanID: planID})
	for _, x := range xs {
		out[x.PlanOrder] = x.ID
	}
	return out, err
}
