package web

import (
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
	"radsup/internal/screening"
)

// rectificationsPage lists rectifications with a filter: open, overdue,
// answered (waiting for the office) or all.
type rectificationsPage struct {
	base
	Rows    []rectRow
	Filter  string
	Filters []tab
}

// rectRow is a rectification in a list.
type rectRow struct {
	*domain.Rectification
	Overdue bool
}

var rectFilters = []string{"open", "overdue", "responded", "all"}

// rectFilterLabels are the text keys of the filters.
var rectFilterLabels = map[string]string{"open": "rectify.filter_open", "overdue": "rectify.filter_overdue",
	"responded": "rectify.filter_responded", "all": "rectify.filter_all"}

func (s *Server) rectRows(rs []*domain.Rectification) []rectRow {
	today := s.cfg.Registry.Today()
	out := make([]rectRow, 0, len(rs))
	for _, r := range rs {
		out = append(out, rectRow{r, r.Overdue(today)})
	}
	return out
}

func (s *Server) handleRectifications(w http.ResponseWriter, r *http.Request) error {
	lang := s.lang(r)
	p := rectificationsPage{base: s.base(r, "rectifications", i18n.T(lang, "rectify.list")), Filter: r.URL.Query().Get("state")}
	if !contains(rectFilters, p.Filter) {
		p.Filter = "open"
	}
	for _, f := range rectFilters {
		p.Filters = append(p.Filters, tab{Label: i18n.T(lang, rectFilterLabels[f]), URL: "/rectifications?state=" + f, Current: f == p.Filter})
	}
	l := enforcement.RectificationList{Open: p.Filter == "open", Overdue: p.Filter == "overdue", Responded: p.Filter == "responded", Limit: 500}
	rs, err := s.cfg.Enforcement.Rectifications(r.Context(), userOf(r), l)
	if err != nil {
		return err
	}
	p.Rows = s.rectRows(rs)
	return s.render(w, r, http.StatusOK, "rectifications", p)
}

// rectItem is a rectification item as the page shows it.
type rectItem struct {
	domain.RectificationItem
	Title     string // the checklist item's title
	RuleTitle string
	Status    string // open, resolved, dismissed; "" for an item without a rule
}

// rectificationPage is one rectification with its items, files, documents
// and forms.
type rectificationPage struct {
	base
	*enforcement.RectificationView
	Items   []rectItem
	Opinion string // the 意见书's number
	Order   string // the 责令改正通知书's number
	Error   string
	Values  map[string]string
	// CaseID, CaseState: the case opened from it (0: none the reader sees).
	CaseID    int64
	CaseState string
}

func (s *Server) rectificationPage(r *http.Request, id int64) (rectificationPage, error) {
	lang := s.lang(r)
	p := rectificationPage{Values: map[string]string{}}
	v, err := s.cfg.Enforcement.Rectification(r.Context(), userOf(r), id)
	if err != nil {
		return p, err
	}
	p.RectificationView = v
	p.base = s.base(r, "rectifications", i18n.T(lang, "rectify.title")+" "+v.Rectification.InstitutionName)
	p.Opinion, p.Order = v.Document(enforcement.DocOpinion), v.Document(enforcement.DocOrder)
	if p.CaseID, p.CaseState, err = s.cfg.Enforcement.RectificationCase(r.Context(), userOf(r), id); err != nil {
		return p, err
	}
	for _, it := range v.Items {
		ri := rectItem{RectificationItem: it, Status: it.FindingStatus}
		if c, ok := enforcement.ChecklistItem(it.Code); ok {
			ri.Title = c.Title
		}
		if it.Rule != "" {
			ri.RuleTitle = screening.Title(lang, it.Rule)
		}
		p.Items = append(p.Items, ri)
	}
	return p, nil
}

func (s *Server) handleRectification(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.rectificationPage(r, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "rectification", p)
}

// rectRefused shows the rectification again with the refusal's words, or
// returns err when it is not a refusal to explain.
func (s *Server) rectRefused(w http.ResponseWriter, r *http.Request, id int64, err error, values map[string]string) error {
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID && de.Code != domain.ECONFLICT && de.Code != domain.ESTALE {
		return err
	}
	lang := s.lang(r)
	msg := errorText(lang, de)
	if de.Message == "error.invalid" {
		for _, k := range de.Fields.Keys() {
			msg = fieldMessage(lang, k, de.Fields[k])
			break
		}
	}
	p, perr := s.rectificationPage(r, id)
	if perr != nil {
		return perr
	}
	p.Error = msg
	for k, v := range values {
		p.Values[k] = v
	}
	status := http.StatusUnprocessableEntity
	if de.Code == domain.ECONFLICT || de.Code == domain.ESTALE {
		status = http.StatusConflict
	}
	return s.render(w, r, status, "rectification", p)
}

// handleRectificationCreate orders a correction from a signed inspection
// (its 不符合 items) and/or chosen open findings, then shows it.
func (s *Server) handleRectificationCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	v := r.PostForm
	in := enforcement.NewRectification{Opinion: v.Get("opinion"), Basis: v.Get("basis")}
	var err error
	if t := strings.TrimSpace(v.Get("inspection")); t != "" {
		if in.InspectionID, err = strconv.ParseInt(t, 10, 64); err != nil {
			return errBadRequest
		}
	}
	if t := strings.TrimSpace(v.Get("institution")); t != "" {
		if in.InstitutionID, err = strconv.ParseInt(t, 10, 64); err != nil {
			return errBadRequest
		}
	}
	if t := strings.TrimSpace(v.Get("days")); t != "" {
		if in.Days, err = strconv.Atoi(t); err != nil || in.Days == 0 {
			in.Days = -1 // refused by the service with its field message
		}
	}
	if len(v["finding"]) > 500 {
		return errBadRequest
	}
	for _, f := range v["finding"] {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return errBadRequest
		}
		in.FindingIDs = append(in.FindingIDs, id)
	}
	rec, err := s.cfg.Enforcement.CreateRectification(r.Context(), actorOf(r), userOf(r), in)
	if err != nil {
		// A refusal shows on the error page in its own words, the field's
		// for a field error.
		var de *domain.Error
		if errors.As(err, &de) && de.Message == "error.invalid" {
			for _, k := range de.Fields.Keys() {
				return &domain.Error{Code: de.Code, Message: "field." + de.Fields[k]}
			}
		}
		return err
	}
	http.Redirect(w, r, idURL("/rectifications/", rec.ID), http.StatusSeeOther)
	return nil
}

// handleRectificationRespond records the institution's answer.
func (s *Server) handleRectificationRespond(w http.ResponseWriter, r *http.Request) error {
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
	text := r.PostForm.Get("response")
	if _, err := s.cfg.Enforcement.Respond(r.Context(), actorOf(r), userOf(r), id, text, version); err != nil {
		return s.rectRefused(w, r, id, err, map[string]string{"response": text})
	}
	http.Redirect(w, r, idURL("/rectifications/", id)+"#response", http.StatusSeeOther)
	return nil
}

// handleRectificationClose records the supervisor's confirmation.
func (s *Server) handleRectificationClose(w http.ResponseWriter, r *http.Request) error {
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
	note := r.PostForm.Get("note")
	if _, err := s.cfg.Enforcement.CloseRectification(r.Context(), actorOf(r), userOf(r), id, note, version); err != nil {
		return s.rectRefused(w, r, id, err, map[string]string{"note": note})
	}
	http.Redirect(w, r, idURL("/rectifications/", id), http.StatusSeeOther)
	return nil
}

// handleRectificationUpload attaches an evidence file; the body is bounded
// before the multipart form is parsed.
func (s *Server) handleRectificationUpload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, enforcement.MaxEvidence+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return s.rectRefused(w, r, id, &domain.Error{Code: domain.EINVALID, Message: "enforcement.error.file_too_large",
				Args: []string{"10 MiB"}}, nil)
		}
		return errBadRequest
	}
	defer r.MultipartForm.RemoveAll()
	f, fh, err := r.FormFile("file")
	if err != nil {
		return s.rectRefused(w, r, id, &domain.Error{Code: domain.EINVALID, Message: "error.invalid",
			Fields: domain.FieldErrors{"file": "file_empty"}}, nil)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, enforcement.MaxEvidence+1))
	if err != nil {
		return errBadRequest
	}
	if _, err := s.cfg.Enforcement.AddRectificationFile(r.Context(), actorOf(r), userOf(r), id, fh.Filename, data); err != nil {
		return s.rectRefused(w, r, id, err, nil)
	}
	http.Redirect(w, r, idURL("/rectifications/", id)+"#files", http.StatusSeeOther)
	return nil
}

// handleRectificationFile sends an evidence file as an attachment.
func (s *Server) handleRectificationFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	fileID, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil || fileID < 1 {
		return errNotFound
	}
	e, data, err := s.cfg.Enforcement.RectificationFile(r.Context(), userOf(r), id, fileID)
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

// rectDocPage is a printed document of a rectification.
type rectDocPage struct {
	rectificationPage
	Number string
	Parts  []string // the parts printed, each on its own sheet
	Names  map[string]string
}

// handleRectificationDoc prints the 卫生监督意见书 (two parts: for the file
// and for the party) or the 责令改正通知书 (A4).
func (s *Server) handleRectificationDoc(doc enforcement.DocType) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		p := rectDocPage{}
		if p.rectificationPage, err = s.rectificationPage(r, id); err != nil {
			return err
		}
		p.Number = p.Document(doc)
		name := "rect_order"
		p.Parts = []string{""}
		if doc == enforcement.DocOpinion {
			name, p.Parts = "rect_opinion", []string{"doc.part_file", "doc.part_party"}
		}
		return s.renderDoc(w, r, name, p)
	}
}

// institutionRectifications are the rectifications of an institution for
// its page (an institution user's scope limits them to its own).
func (s *Server) institutionRectifications(r *http.Request, id int64) ([]rectRow, error) {
	u := userOf(r)
	if !auth.Can(u, auth.Read, auth.Rectification) {
		return nil, nil
	}
	rs, err := s.cfg.Enforcement.Rectifications(r.Context(), u, enforcement.RectificationList{InstitutionID: id, Limit: 100})
	return s.rectRows(rs), err
}

// rectToDo is a supervisor's rectifications to follow: overdue ones, and
// answered ones waiting for confirmation.
type rectToDo struct {
	Overdue, Responded []rectRow
}

func (s *Server) rectToDo(r *http.Request) (*rectToDo, error) {
	u := userOf(r)
	if !auth.Can(u, auth.Update, auth.Rectification) {
		return nil, nil
	}
	over, err := s.cfg.Enforcement.Rectifications(r.Context(), u, enforcement.RectificationList{Overdue: true, Limit: 200})
	if err != nil {
		return nil, err
	}
	resp, err := s.cfg.Enforcement.Rectifications(r.Context(), u, enforcement.RectificationList{Responded: true, Limit: 200})
	return &rectToDo{s.rectRows(over), s.rectRows(resp)}, err
}

// inspectionRectifications are the rectifications that followed an
// inspection.
func (s *Server) inspectionRectifications(r *http.Request, id int64) ([]rectRow, error) {
	u := userOf(r)
	if !auth.Can(u, auth.Read, auth.Rectification) {
		return nil, nil
	}
	rs, err := s.cfg.Enforcement.Rectifications(r.Context(), u, enforcement.RectificationList{InspectionID: id, Limit: 100})
	return s.rectRows(rs), err
}

// rectOwn are an institution user's rectifications not yet closed: what it
// has to answer, with the deadlines.
func (s *Server) rectOwn(r *http.Request) ([]rectRow, error) {
	u := userOf(r)
	if !auth.Can(u, auth.Respond, auth.Rectification) {
		return nil, nil
	}
	rs, err := s.cfg.Enforcement.Rectifications(r.Context(), u, enforcement.RectificationList{Open: true, Limit: 100})
	return s.rectRows(rs), err
}
