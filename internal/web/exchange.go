package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"radsup/internal/domain"

	"radsup/internal/exchange"
	"radsup/internal/i18n"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// maxUpload bounds one upload (all its files); a quarterly dose report of a
// province is a few megabytes.
const maxUpload = 64 << 20

// jobTTL is how long a finished import's report stays available.
const jobTTL = time.Hour

// importJob is one import running or done in the background, so that a
// large file does not hold the request and the page can show progress.
type importJob struct {
	ID      string
	UserID  int64
	Names   []string // the files as uploaded
	DryRun  bool
	Started time.Time
	dir     string
	paths   []string

	mu     sync.Mutex
	phase  string
	rows   int
	total  int // rows the files hold, estimated (xlsx.RowCount)
	done   bool
	report *exchange.Report
	err    error
	ended  time.Time
}

// jobs holds the imports of this server process.
type jobs struct {
	mu   sync.Mutex
	byID map[string]*importJob
}

func (j *jobs) add(job *importJob) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.byID == nil {
		j.byID = map[string]*importJob{}
	}
	for id, old := range j.byID { // forget the reports nobody came back for
		old.mu.Lock()
		stale := old.done && time.Since(old.ended) > jobTTL
		old.mu.Unlock()
		if stale {
			os.RemoveAll(old.dir)
			delete(j.byID, id)
		}
	}
	j.byID[job.ID] = job
}

func (j *jobs) get(id string, u *domain.User) (*importJob, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job, ok := j.byID[id]
	if !ok || job.UserID != u.ID {
		return nil, errNotFound
	}
	return job, nil
}

// importPage is the data of the upload page and of a job's page.
type importPage struct {
	base
	Kinds   []kindLink
	Job     *jobView
	Message string
}

type kindLink struct{ Name, Sheet string }

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
		out[i] = kindLink{k.Name, k.Sheet}
	}
	return out
}

// handleImportForm shows the upload form and the template downloads.
func (s *Server) handleImportForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "import", importPage{base: s.base(r, "import", i18n.T(s.lang(r), "nav.import")), Kinds: kindLinks()})
}

// handleImport saves the uploaded files and starts the import in the background.
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
	files := r.MultipartForm.File["files"]
	if len(files) == 0 {
		return s.importRefused(w, r, http.StatusBadRequest, "import.no_file")
	}
	id := make([]byte, 8)
	rand.Read(id)
	job := &importJob{ID: hex.EncodeToString(id), UserID: userOf(r).ID, DryRun: r.PostFormValue("dry_run") != "", Started: time.Now()}
	dir, err := os.MkdirTemp("", "radsup-import-")
	if err != nil {
		return err
	}
	job.dir = dir
	for i, fh := range files {
		ext := strings.ToLower(filepath.Ext(fh.Filename))
		if ext != ".xlsx" && ext != ".xlsm" && ext != ".csv" {
			os.RemoveAll(dir)
			return s.importRefused(w, r, http.StatusBadRequest, "import.bad_type")
		}
		src, err := fh.Open()
		if err != nil {
			os.RemoveAll(dir)
			return err
		}
		// The stored name keeps the extension and the original name, for the report.
		path := filepath.Join(dir, fmt.Sprintf("%02d-%s", i, filepath.Base(fh.Filename)))
		dst, err := os.Create(path)
		if err == nil {
			_, err = io.Copy(dst, src)
			err = errors.Join(err, dst.Close())
		}
		src.Close()
		if err != nil {
			os.RemoveAll(dir)
			return err
		}
		job.paths, job.Names = append(job.paths, path), append(job.Names, filepath.Base(fh.Filename))
	}
	s.jobs.add(job)
	actor, u := actorOf(r), userOf(r)
	go s.runImport(job, actor, u, r.PostFormValue("kind"))
	http.Redirect(w, r, "/import/jobs/"+job.ID, http.StatusSeeOther)
	return nil
}

func (s *Server) importRefused(w http.ResponseWriter, r *http.Request, status int, key string) error {
	lang := s.lang(r)
	return s.render(w, r, status, "import", importPage{base: s.base(r, "import", i18n.T(lang, "nav.import")),
		Kinds: kindLinks(), Message: i18n.T(lang, key)})
}

// runImport runs a job to its end; the request that started it has long returned.
func (s *Server) runImport(job *importJob, actor domain.Actor, u *domain.User, kind string) {
	im := &exchange.Importer{Store: s.cfg.Store, Findings: s.cfg.Findings, Today: s.cfg.Registry.Today,
		Progress: func(phase string, rows int) {
			job.mu.Lock()
			job.phase, job.rows = phase, rows
			job.mu.Unlock()
		}}
	total := 0
	for _, p := range job.paths {
		total += xlsx.RowCount(p)
	}
	job.mu.Lock()
	job.total = total
	job.mu.Unlock()
	rep, err := im.Import(context.Background(), actor, u, job.paths, exchange.Options{DryRun: job.DryRun, Kind: kind})
	if err != nil {
		s.log.Error("import failed", "request_id", actor.RequestID, "err", err)
	}
	job.mu.Lock()
	job.done, job.report, job.err, job.ended = true, rep, err, time.Now()
	job.mu.Unlock()
}

// handleImportJob shows a job's progress, and its report once done.
func (s *Server) handleImportJob(w http.ResponseWriter, r *http.Request) error {
	job, err := s.jobs.get(r.PathValue("id"), userOf(r))
	if err != nil {
		return err
	}
	lang := s.lang(r)
	job.mu.Lock()
	v := &jobView{ID: job.ID, Names: strings.Join(job.Names, "、"), DryRun: job.DryRun, Done: job.done,
		Phase: job.phase, Rows: job.rows, Report: job.report}
	if job.total > 0 {
		v.Percent = min(99, job.rows*100/job.total)
	}
	if job.err != nil {
		v.Failed = i18n.T(lang, "import.failed")
		if errors.Is(job.err, exchange.ErrNoSheets) {
			v.Failed = i18n.T(lang, "import.no_sheets")
		}
	}
	job.mu.Unlock()
	if v.Report != nil {
		v.Errors = v.Report.Errors()
		v.HasAnnotation = len(v.Report.Problems) > 0
		v.Problems = problemViews(v.Report, lang)
	}
	return s.render(w, r, http.StatusOK, "import_job", importPage{base: s.base(r, "import", i18n.T(lang, "nav.import")), Job: v})
}

// handleImportAnnotated sends the uploaded workbook with the problem cells
// marked and commented.
func (s *Server) handleImportAnnotated(w http.ResponseWriter, r *http.Request) error {
	job, err := s.jobs.get(r.PathValue("id"), userOf(r))
	if err != nil {
		return err
	}
	job.mu.Lock()
	rep := job.report
	job.mu.Unlock()
	if rep == nil || len(rep.Problems) == 0 {
		return errNotFound
	}
	lang := s.lang(r)
	var buf bytes.Buffer
	if err := xlsx.Annotate(job.paths[0], rep.Problems, lang, &buf); err != nil {
		return err
	}
	name := i18n.T(lang, "import.annotated.file", strings.TrimSuffix(job.Names[0], filepath.Ext(job.Names[0])))
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
	if err := xlsx.WriteTemplate(&buf, kinds...); err != nil {
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
	name := kind + "-" + time.Now().Format("20060102") + ".xlsx"
	attachment(w, name, xlsxType)
	var err error
	if kind == "findings" {
		_, err = exchange.ExportFindings(r.Context(), s.cfg.Store, actorOf(r), u, ff, w, exchange.XLSX)
	} else {
		lq := readList(r, names...)
		_, err = exchange.Export(r.Context(), s.cfg.Store, actorOf(r), u, kind, store.Filter{Values: lq.Values, Retired: lq.Retired}, w, exchange.XLSX)
	}
	if err != nil {
		// Part of the file may be sent already: log it; the download fails.
		s.log.Error("export failed", "kind", kind, "err", err)
	}
	return nil
}
