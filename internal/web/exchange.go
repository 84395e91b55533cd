package web

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"radsup/internal/exchange"
	"radsup/internal/i18n"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// maxUpload bounds one upload (all its files); a quarterly dose report of a
// province is a few megabytes.
const maxUpload = 64 << 20

// importPage is the data of the upload page and of a job's page.
type importPage struct {
	base
	Kinds   []kindLink
	Job     *jobView
	Message string
}

// kindLink is a kind of workbook: its name in URLs, its sheet and its entity.
type kindLink struct{ Name, Sheet, Entity string }

// jobView is a job as its page shows it.
type jobView struct {
	ID, Names     string
	DryRun, Done  bool
	Phase         string
	Rows          int
	Percent       int // of the rows the files hold (estimated); 0 if unknown
	Report        *exchange.Report
	Problems      []problemView // the report's problems in the reader's language
	Errors        int
	Failed        string
	HasAnnotation bool
	ElsewhereNote bool // the problems cannot be marked here: the files are on another server
}

// problemView is a problem as the job page shows it.
type problemView struct {
	Warning                    bool
	Sheet, Col, Value, Message string
	Row                        int
}

// problemViews renders a report's problems in lang.
func problemViews(rep *exchange.Report, lang string) []problemView {
	out := make([]problemView, len(rep.Problems))
	for i, p := range rep.Problems {
		out[i] = problemView{Warning: p.Warning, Sheet: p.Sheet, Row: p.Row, Col: p.Col.Render(lang), Value: p.Value, Message: p.Text(lang)}
	}
	return out
}

func kindLinks() []kindLink {
	out := make([]kindLink, len(xlsx.Kinds))
	for i, k := range xlsx.Kinds {
		out[i] = kindLink{k.Name, k.Sheet, k.Entity}
	}
	return out
}

// handleImportForm shows the upload form and the template downloads.
func (s *Server) handleImportForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "import", importPage{base: s.base(r, "import", i18n.T(s.lang(r), "nav.import")), Kinds: kindLinks()})
}

// handleImport hands the uploaded files to a new import job and shows its page.
func (s *Server) handleImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return s.importRefused(w, r, http.StatusRequestEntityTooLarge, "import.too_large")
		}
		return errBadRequest
	}
	defer r.MultipartForm.RemoveAll()
	uploads := r.MultipartForm.File["files"]
	if len(uploads) == 0 {
		return s.importRefused(w, r, http.StatusBadRequest, "import.no_file")
	}
	files := make([]exchange.JobFile, len(uploads))
	for i, fh := range uploads {
		ext := strings.ToLower(filepath.Ext(fh.Filename))
		if ext != ".xlsx" && ext != ".xlsm" && ext != ".csv" {
			return s.importRefused(w, r, http.StatusBadRequest, "import.bad_type")
		}
		files[i] = exchange.JobFile{Name: fh.Filename, Open: func() (io.ReadCloser, error) { return fh.Open() }}
	}
	opt := exchange.Options{DryRun: r.PostFormValue("dry_run") != "", Kind: r.PostFormValue("kind")}
	id, err := s.cfg.Imports.Submit(r.Context(), actorOf(r), userOf(r), files, opt)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/import/jobs/"+id, http.StatusSeeOther)
	return nil
}

func (s *Server) importRefused(w http.ResponseWriter, r *http.Request, status int, key string) error {
	lang := s.lang(r)
	return s.render(w, r, status, "import", importPage{base: s.base(r, "import", i18n.T(lang, "nav.import")),
		Kinds: kindLinks(), Message: i18n.T(lang, key)})
}

// handleImportJob shows a job's progress, and its report once done.
func (s *Server) handleImportJob(w http.ResponseWriter, r *http.Request) error {
	job, err := s.cfg.Imports.Get(r.Context(), userOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	lang := s.lang(r)
	v := &jobView{ID: job.ID, Names: strings.Join(job.Files, "、"), DryRun: job.DryRun, Done: !job.Running(),
		Phase: job.Phase, Rows: job.Rows, Report: job.Report}
	if job.Total > 0 {
		v.Percent = min(99, job.Rows*100/job.Total)
	}
	if job.Failure != "" {
		v.Failed = i18n.T(lang, job.Failure)
	}
	if v.Report != nil {
		v.Errors = v.Report.Errors()
		v.Problems = problemViews(v.Report, lang)
		v.HasAnnotation = job.Annotatable
		v.ElsewhereNote = len(v.Problems) > 0 && !job.Annotatable
	}
	return s.render(w, r, http.StatusOK, "import_job", importPage{base: s.base(r, "import", i18n.T(lang, "nav.import")), Job: v})
}

// handleImportAnnotated sends the uploaded workbook with the problem cells
// marked and commented in the reader's language.
func (s *Server) handleImportAnnotated(w http.ResponseWriter, r *http.Request) error {
	var buf bytes.Buffer
	name, err := s.cfg.Imports.Annotate(r.Context(), userOf(r), r.PathValue("id"), s.lang(r), &buf)
	if err != nil {
		return err
	}
	sendFile(w, name, xlsxType, buf.Bytes())
	return nil
}

// xlsxType is the media type of a workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// attachment makes the answer a download named name (Chinese names are
// encoded as RFC 2231 asks).
func attachment(w http.ResponseWriter, name, ctype string) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
}

// sendFile answers with a download of body.
func sendFile(w http.ResponseWriter, name, ctype string, body []byte) {
	attachment(w, name, ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// handleTemplate sends the import template of a kind, or of all kinds.
func (s *Server) handleTemplate(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimSuffix(r.PathValue("file"), ".xlsx")
	var kinds []*xlsx.Kind
	file := "radsup-导入模板.xlsx"
	if name != "all" {
		k := xlsx.KindByName(name)
		if k == nil {
			return errNotFound
		}
		kinds, file = []*xlsx.Kind{k}, "radsup-"+k.Sheet+"-导入模板.xlsx"
	}
	var buf bytes.Buffer
	if err := exchange.Template(r.Context(), s.cfg.Store, userOf(r), &buf, kinds...); err != nil {
		return err
	}
	sendFile(w, file, xlsxType, buf.Bytes())
	return nil
}

// exportFilters are the list filters each export accepts, as on its page.
var exportFilters = map[string][]string{
	"institutions": {"q", "kind", "street", "status"},
	"people":       {"q", "institution_id", "occupation"},
	"equipment":    {"q", "institution_id", "type", "status"},
	"doses":        {"institution_id", "person_id", "from", "to"},
	"licences":     {"institution_id"},
	"licence_acts": {"institution_id"},
	"employments":  {"institution_id", "person_id"},
	"trainings":    {"person_id"},
	"exams":        {"person_id"},
	"tests":        {"equipment_id"},
}

// handleExport sends a list, with its page's filters, as a workbook.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) error {
	kind := strings.TrimSuffix(r.PathValue("file"), ".xlsx")
	u := userOf(r)
	names, ok := exportFilters[kind]
	if !ok && kind != "findings" {
		return errNotFound
	}
	var ff store.FindingFilter
	if kind == "findings" {
		f, err := findingFilter(readList(r, findingFilterNames...))
		if err != nil {
			return err
		}
		ff = f
	}
	// Streamed as it is written: an export of any size takes little memory.
	// Until its first byte a failure (a refusal, say) is an error page.
	out := &lazyAttachment{w: w, name: kind + "-" + time.Now().Format("20060102") + ".xlsx", ctype: xlsxType}
	var err error
	if kind == "findings" {
		_, err = exchange.ExportFindings(r.Context(), s.cfg.Store, actorOf(r), u, ff, out, exchange.XLSX, s.lang(r))
	} else {
		lq := readList(r, names...)
		var whole []exchange.Whole
		if r.URL.Query().Get("whole") == "1" {
			whole = append(whole, exchange.Whole{Purpose: r.URL.Query().Get("purpose")})
		}
		_, err = exchange.Export(r.Context(), s.cfg.Store, actorOf(r), u, kind, store.Filter{Values: lq.Values, Retired: lq.Retired}, out, exchange.XLSX, whole...)
	}
	return out.failed(err)
}
