package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/registry"
	"radsup/internal/store"
)

// changeRow is one field of a change request as shown: its label, the
// value when asked, the value asked for, and the record's value now.
type changeRow struct {
	Key, Label, Old, New, Current string
}

// changeView is a change request as the pages show it.
type changeView struct {
	*domain.ChangeRequest
	Institution string
	Rows        []changeRow
}

// changesPage lists change requests.
type changesPage struct {
	base
	Status        string
	InstitutionID int64
	Statuses      []string
	Changes       []changeView
}

// changePage shows one change request, and to the office its decision form.
type changePage struct {
	base
	changeView
	Error string
}

// changeForm is the form of a new change request for a licence (LicenceID
// 0: a new licence).
type changeForm struct {
	base
	LicenceID int64
	Licence   *domain.Licence
	Values    map[string]string
	Items     map[string]bool
	Reason    string
	Errors    map[string]string
	Message   string
	// Inputs are the text and date inputs; ItemsLabel labels the items.
	Inputs     []changeInput
	ItemsLabel string
}

// changeInput is one text or date input of the change form.
type changeInput struct{ Key, Label, Input string }

// view describes a request for the pages: field labels and values shown in
// the reader's language, with the record's current values.
func (s *Server) changeViewOf(r *http.Request, c *domain.ChangeRequest, names map[int64]string) changeView {
	lang := s.lang(r)
	v := changeView{ChangeRequest: c, Institution: names[c.InstitutionID]}
	var cur *domain.Licence
	if c.RecordID != 0 {
		cur, _ = registry.Find(r.Context(), s.cfg.Registry, userOf(r), store.Licences, c.RecordID)
	}
	for _, ch := range c.Changes {
		f, ok := domain.FieldByKey(c.Entity, ch.Field)
		if !ok {
			continue
		}
		row := changeRow{Key: ch.Field, Label: fieldLabel(lang, f), Old: display(lang, f, ch.Old), New: display(lang, f, ch.New)}
		if cur != nil {
			row.Current = display(lang, f, domain.Value(cur, f))
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// requestInstitutions names the institutions of the requests.
func (s *Server) requestInstitutions(r *http.Request, cs []*domain.ChangeRequest) (map[int64]string, error) {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.InstitutionID
	}
	return s.institutionNames(r.Context(), userOf(r), ids)
}

// handleChanges lists change requests, newest first: the office's queue
// (pending by default), an institution's own.
func (s *Server) handleChanges(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := changesPage{base: s.base(r, "changes", i18n.T(s.lang(r), "change.list_title")), Statuses: domain.ChangeStatuses}
	p.Status = q.Get("status")
	if !q.Has("status") && p.OwnInstitution() == 0 {
		p.Status = domain.ChangePending
	}
	p.InstitutionID, _ = strconv.ParseInt(q.Get("institution"), 10, 64)
	cs, err := s.cfg.Registry.ChangeRequests(r.Context(), userOf(r), store.ChangeFilter{Status: p.Status, InstitutionID: p.InstitutionID})
	if err != nil {
		return err
	}
	names, err := s.requestInstitutions(r, cs)
	if err != nil {
		return err
	}
	for _, c := range cs {
		p.Changes = append(p.Changes, s.changeViewOf(r, c, names))
	}
	return s.render(w, r, http.StatusOK, "changes", p)
}

// handleChange shows one change request.
func (s *Server) handleChange(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.renderChange(w, r, http.StatusOK, id, "")
}

func (s *Server) renderChange(w http.ResponseWriter, r *http.Request, status int, id int64, msg string) error {
	c, err := s.cfg.Registry.ChangeRequest(r.Context(), userOf(r), id)
	if err != nil {
		return err
	}
	p := changePage{base: s.base(r, "changes", i18n.T(s.lang(r), "change.title")), Error: msg}
	names, err := s.requestInstitutions(r, []*domain.ChangeRequest{c})
	if err != nil {
		return err
	}
	p.changeView = s.changeViewOf(r, c, names)
	return s.render(w, r, status, "change", p)
}

// handleChangeNew shows the form of a change request for the licence
// ?licence=ID, filled with its values, or of a new licence.
func (s *Server) handleChangeNew(w http.ResponseWriter, r *http.Request) error {
	f := changeForm{Values: map[string]string{}, Items: map[string]bool{}}
	if v := r.URL.Query().Get("licence"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return errNotFound
		}
		l, err := registry.Find(r.Context(), s.cfg.Registry, userOf(r), store.Licences, id)
		if err != nil {
			return err
		}
		f.LicenceID, f.Licence = id, l
		for _, k := range domain.ChangeFields["licence"] {
			fd, _ := domain.FieldByKey("licence", k)
			f.Values[k] = domain.Value(l, fd)
		}
		for _, it := range l.Items {
			f.Items[it] = true
		}
	}
	return s.renderChangeForm(w, r, http.StatusOK, f)
}

func (s *Server) renderChangeForm(w http.ResponseWriter, r *http.Request, status int, f changeForm) error {
	title := "change.new_title"
	if f.LicenceID == 0 {
		title = "change.new_licence_title"
	}
	lang := s.lang(r)
	f.base = s.base(r, "changes", i18n.T(lang, title))
	for _, k := range domain.ChangeFields["licence"] {
		fd, _ := domain.FieldByKey("licence", k)
		switch fd.Type {
		case domain.ListField:
			f.ItemsLabel = fieldLabel(lang, fd)
		case domain.DateField:
			f.Inputs = append(f.Inputs, changeInput{k, fieldLabel(lang, fd), "date"})
		default:
			f.Inputs = append(f.Inputs, changeInput{k, fieldLabel(lang, fd), "text"})
		}
	}
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	return s.render(w, r, status, "change_form", f)
}

// maxChangeUpload bounds a change request's body: its files and fields.
const maxChangeUpload = domain.MaxAttachments*domain.MaxAttachment + 1<<20

// handleChangeCreate files a change request from the form and its files.
// The body is bounded before the multipart form is parsed.
func (s *Server) handleChangeCreate(w http.ResponseWriter, r *http.Request) error {
	lang := s.lang(r)
	r.Body = http.MaxBytesReader(w, r.Body, maxChangeUpload)
	f := changeForm{Values: map[string]string{}, Items: map[string]bool{}, Errors: map[string]string{}}
	err := r.ParseMultipartForm(1 << 20)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm() // a request without files
	}
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			f.Message = i18n.T(lang, "change.error.file_too_large", "10 MiB")
			return s.renderChangeForm(w, r, http.StatusRequestEntityTooLarge, f)
		}
		return errBadRequest
	}
	var uploads []*multipart.FileHeader
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
		uploads = r.MultipartForm.File["files"]
	}
	in := registry.ChangeInput{Entity: "licence", Values: map[string]string{}, Reason: r.FormValue("reason")}
	if v := r.FormValue("licence"); v != "" && v != "0" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return errNotFound
		}
		in.RecordID = id
	}
	for _, k := range domain.ChangeFields["licence"] {
		if k == "items" {
			in.Values[k] = strings.Join(r.Form["items"], ",")
			for _, it := range r.Form["items"] {
				f.Items[it] = true
			}
		} else {
			in.Values[k] = r.FormValue(k)
		}
		f.Values[k] = in.Values[k]
	}
	for _, fh := range uploads {
		file, err := fh.Open()
		if err != nil {
			return errBadRequest
		}
		data, err := io.ReadAll(io.LimitReader(file, domain.MaxAttachment+1))
		file.Close()
		if err != nil {
			return errBadRequest
		}
		in.Files = append(in.Files, registry.Upload{Name: fh.Filename, Data: data})
	}
	f.LicenceID, f.Reason = in.RecordID, in.Reason
	c, err := s.cfg.Registry.RequestChange(r.Context(), actorOf(r), userOf(r), in)
	if err != nil {
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EINVALID {
			return err
		}
		f.Message = errorText(lang, de)
		for k, code := range de.Fields {
			f.Errors[k] = fieldMessage(lang, k, code)
		}
		return s.renderChangeForm(w, r, http.StatusUnprocessableEntity, f)
	}
	http.Redirect(w, r, idURL("/changes/", c.ID), http.StatusSeeOther)
	return nil
}

// handleChangeDecide approves or rejects a request (the office's act).
func (s *Server) handleChangeDecide(approve bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		_, err = s.cfg.Registry.Decide(r.Context(), actorOf(r), userOf(r), id, approve, r.PostForm.Get("decision"))
		return s.afterDecision(w, r, id, err)
	}
}

// handleChangeWithdraw withdraws an institution's own pending request.
func (s *Server) handleChangeWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	_, err = s.cfg.Registry.Withdraw(r.Context(), actorOf(r), userOf(r), id)
	return s.afterDecision(w, r, id, err)
}

// afterDecision shows the request again: after the change, or with why it
// was refused.
func (s *Server) afterDecision(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	if err == nil {
		http.Redirect(w, r, idURL("/changes/", id), http.StatusSeeOther)
		return nil
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID && de.Code != domain.ECONFLICT && de.Code != domain.ESTALE {
		return err
	}
	lang := s.lang(r)
	msg := errorText(lang, de)
	for _, k := range de.Fields.Keys() {
		msg = i18n.T(lang, "change."+k) + "：" + fieldMessage(lang, k, de.Fields[k])
		break
	}
	status := http.StatusUnprocessableEntity
	if de.Code != domain.EINVALID {
		status = http.StatusConflict
	}
	return s.renderChange(w, r, status, id, msg)
}

// handleAttachment sends a file kept with a record as an attachment, never
// to be rendered by the browser; the service checks the reader may see the
// record and audits the download.
func (s *Server) handleAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, data, err := s.cfg.Registry.Attachment(r.Context(), actorOf(r), userOf(r), id)
	if err != nil {
		return err
	}
	sendAttachment(w, a, data)
	return nil
}

// sendAttachment writes a file as a download: its type as judged on
// upload, nosniff, never cached.
func sendAttachment(w http.ResponseWriter, a *domain.Attachment, data []byte) {
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// changeRoutes registers the change requests' pages.
func (s *Server) changeRoutes(mux *http.ServeMux) {
	readers := auth.RolesFor(auth.Read, auth.ChangeRequest)
	s.page(mux, "GET /changes", readers, s.handleChanges)
	s.page(mux, "GET /changes/new", auth.RolesFor(auth.Create, auth.ChangeRequest), s.handleChangeNew)
	s.page(mux, "POST /changes/new", auth.RolesFor(auth.Create, auth.ChangeRequest), s.handleChangeCreate)
	s.page(mux, "GET /changes/{id}", readers, s.handleChange)
	s.page(mux, "POST /changes/{id}/approve", auth.RolesFor(auth.Decide, auth.ChangeRequest), s.handleChangeDecide(true))
	s.page(mux, "POST /changes/{id}/reject", auth.RolesFor(auth.Decide, auth.ChangeRequest), s.handleChangeDecide(false))
	s.page(mux, "POST /changes/{id}/withdraw", auth.RolesFor(auth.Create, auth.ChangeRequest), s.handleChangeWithdraw)
	s.page(mux, "GET /attachments/{id}", auth.Readers, s.handleAttachment)
}
