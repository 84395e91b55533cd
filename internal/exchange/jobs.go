package exchange

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// Jobs runs imports in the background, one job per upload, under its own
// context, so that a large file does not hold a request and the page can
// show progress. A job's state lives in the database (store.ImportJob):
// every server on the database shows its progress and report, progress is
// written at most once per ProgressEvery, and a server starting after a
// crash finds the jobs it left running and marks them failed (nothing was
// written: an import is one transaction). The uploaded files stay in a
// folder per job under Dir, on the disk of the server that runs the job,
// until the job is deleted after TTL.
//
// Make one with NewJobs; Start recovers and keeps the jobs tidy, Shutdown
// stops the running ones.
type Jobs struct {
	Importer      Importer      // how to import; each job sets Progress and BeforeCommit
	Dir           string        // the jobs' folders
	TTL           time.Duration // how long a finished job and its files stay
	StaleAfter    time.Duration // a running job without progress for this long was left by a stopped process
	ProgressEvery time.Duration // the least time between two progress writes of a job
	Logger        *slog.Logger

	owner  string // this process, as the owner of the jobs it runs
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // the jobs being submitted or run, and the sweeper

	mu     sync.Mutex
	live   map[string]*liveProgress // the jobs this process runs
	closed bool

	onProgress func(phase string, rows int) // tests: called with each job's progress
}

// Default settings of Jobs.
const (
	DefaultJobTTL        = time.Hour
	DefaultStaleAfter    = time.Minute
	DefaultProgressEvery = time.Second
)

// NewJobs returns the job service of this process: imports run with im,
// their files are kept under dir ("" for a folder in the system's
// temporary directory).
func NewJobs(im Importer, dir string, logger *slog.Logger) *Jobs {
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "radsup-import")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	host, _ := os.Hostname()
	return &Jobs{Importer: im, Dir: dir, TTL: DefaultJobTTL, StaleAfter: DefaultStaleAfter, ProgressEvery: DefaultProgressEvery,
		Logger: logger, owner: host + "/" + strconv.Itoa(os.Getpid()) + "/" + newID()[:8],
		ctx: ctx, cancel: cancel, live: map[string]*liveProgress{}}
}

// Errors of the job service.
var (
	ErrNoFiles      = errors.New("exchange: no file to import")
	ErrShuttingDown = errors.New("exchange: the import service is shutting down")
)

// newID returns a random job id: 32 hexadecimal digits.
func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// validID reports whether id has the form of a job id (it names a folder).
func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

func (j *Jobs) db() *store.Store { return j.Importer.Store }

// folder is the folder of a job's files.
func (j *Jobs) folder(id string) string { return filepath.Join(j.Dir, id) }

// Start marks failed the jobs a stopped process left running and starts a
// sweeper that does so again as they go stale and deletes finished jobs
// after TTL, with their folders. Shutdown stops it.
func (j *Jobs) Start(ctx context.Context) error {
	if err := os.MkdirAll(j.Dir, 0o700); err != nil {
		return fmt.Errorf("exchange: import jobs: %w", err)
	}
	if err := j.sweep(ctx); err != nil {
		return fmt.Errorf("exchange: import jobs: %w", err)
	}
	if err := j.Importer.Resume(ctx); err != nil {
		return fmt.Errorf("exchange: import jobs: %w", err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrShuttingDown
	}
	j.wg.Add(1)
	go j.sweeper()
	return nil
}

// Shutdown cancels the running jobs and waits until they have recorded
// their end (failed: nothing was written) or ctx is done. No job starts
// after it.
func (j *Jobs) Shutdown(ctx context.Context) error {
	j.mu.Lock()
	j.closed = true
	j.mu.Unlock()
	j.cancel()
	done := make(chan struct{})
	go func() {
		j.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("exchange: import jobs still running: %w", ctx.Err())
	}
}

// JobFile is a file to import: its name as uploaded and its content.
type JobFile struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// Submit saves the files in a new job's folder, records the job and starts
// it in the background on behalf of u (audit events name actor). It
// returns the job's id.
func (j *Jobs) Submit(ctx context.Context, actor domain.Actor, u *domain.User, files []JobFile, opt Options) (string, error) {
	if !mayImport(u) {
		return "", auth.ErrForbidden
	}
	if len(files) == 0 {
		return "", ErrNoFiles
	}
	if err := j.reserve(); err != nil {
		return "", err
	}
	job := &store.ImportJob{ID: newID(), UserID: u.ID, InstitutionID: u.Scope().InstitutionID, Kind: opt.Kind,
		DryRun: opt.DryRun, Owner: j.owner, Phase: "check"}
	paths, err := j.save(job, files)
	if err == nil {
		err = j.db().WithTx(ctx, actor, func(tx *store.Tx) error { return tx.CreateImportJob(job) })
	}
	if err != nil {
		os.RemoveAll(j.folder(job.ID))
		j.wg.Done()
		return "", err
	}
	p := &liveProgress{phase: job.Phase}
	j.mu.Lock()
	j.live[job.ID] = p
	j.mu.Unlock()
	go j.run(actor, u, job, paths, opt, p)
	return job.ID, nil
}

// mayImport reports whether u may import records of any kind.
func mayImport(u *domain.User) bool {
	for _, k := range xlsx.Kinds {
		if auth.Can(u, auth.Import, k.Entity) {
			return true
		}
	}
	return false
}

// reserve counts a job in, unless the service is shutting down.
func (j *Jobs) reserve() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrShuttingDown
	}
	j.wg.Add(1)
	return nil
}

// save copies the files into the job's folder, as NN-name so that the
// report names them and their extensions stay, and estimates their rows.
func (j *Jobs) save(job *store.ImportJob, files []JobFile) ([]string, error) {
	dir := j.folder(job.ID)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	var paths []string
	for i, f := range files {
		name := filepath.Base(strings.ReplaceAll(f.Name, `\`, "/"))
		path := filepath.Join(dir, fmt.Sprintf("%02d-%s", i, name))
		if err := copyFile(path, f); err != nil {
			return nil, err
		}
		paths, job.Files = append(paths, path), append(job.Files, name)
		job.Total += xlsx.RowCount(path)
	}
	return paths, nil
}

func copyFile(path string, f JobFile) error {
	src, err := f.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	return errors.Join(err, dst.Close())
}

// liveProgress is how far a job of this process got: what Importer.Progress
// last said.
type liveProgress struct {
	mu    sync.Mutex
	phase string
	rows  int
}

func (p *liveProgress) set(phase string, rows int) {
	p.mu.Lock()
	p.phase, p.rows = phase, rows
	p.mu.Unlock()
}

func (p *liveProgress) get() (string, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.phase, p.rows
}

// run runs a job to its end and records the end; the request that
// submitted it has long returned.
func (j *Jobs) run(actor domain.Actor, u *domain.User, job *store.ImportJob, paths []string, opt Options, p *liveProgress) {
	defer j.wg.Done()
	defer func() {
		j.mu.Lock()
		delete(j.live, job.ID)
		j.mu.Unlock()
	}()
	stop := j.heartbeat(job, p)
	im := j.Importer
	im.Progress = func(phase string, rows int) {
		p.set(phase, rows)
		if j.onProgress != nil {
			j.onProgress(phase, rows)
		}
	}
	im.BeforeCommit = func(tx *store.Tx, rep *Report) error { return j.ended(tx, job, p, rep, nil) }
	rep, err := im.Import(j.ctx, actor, u, paths, opt)
	stop()
	if err != nil {
		rep = nil
	}
	if rep == nil || !rep.Written && rep.Held == 0 { // a written or held import recorded its end in its transaction
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if werr := j.db().WithTx(ctx, actor, func(tx *store.Tx) error { return j.ended(tx, job, p, rep, err) }); werr != nil {
			j.Logger.Error("import job: recording its end", "job", job.ID, "err", werr)
		}
	}
	if rep == nil || len(rep.Problems) == 0 { // nothing to mark in the files
		os.RemoveAll(j.folder(job.ID))
	}
}

// ended records the end of a job: its report, or why it failed.
func (j *Jobs) ended(tx *store.Tx, job *store.ImportJob, p *liveProgress, rep *Report, err error) error {
	job.Phase, job.Rows = p.get()
	job.State, job.Report, job.Failure = store.JobDone, nil, ""
	if rep == nil {
		job.State, job.Failure = store.JobFailed, j.failure(job, err)
	} else {
		b, merr := json.Marshal(rep)
		if merr != nil {
			return merr
		}
		job.Report = b
	}
	return tx.EndImportJob(job)
}

// failure is why a job failed, as a message key; a failure of the system
// is logged.
func (j *Jobs) failure(job *store.ImportJob, err error) string {
	switch {
	case errors.Is(err, context.Canceled) && j.ctx.Err() != nil:
		return "import.job.cancelled"
	case errors.Is(err, ErrNoSheets):
		return "import.no_sheets"
	case errors.Is(err, xlsx.ErrFormat):
		return "import.bad_type"
	case errors.Is(err, xlsx.ErrDamaged):
		j.Logger.Info("import refused: not a valid workbook", "job", job.ID, "err", err)
		return "import.damaged"
	case errors.Is(err, xlsx.ErrUnsafe):
		j.Logger.Warn("import refused: unsafe workbook", "job", job.ID, "err", err)
		return "import.unsafe"
	case auth.IsForbidden(err):
		return "error.forbidden"
	}
	j.Logger.Error("import failed", "job", job.ID, "err", err)
	return "import.failed"
}

// heartbeat writes the job's progress every ProgressEvery until stop is
// called. A write that cannot be made in time (the database is busy: on
// SQLite, with the import's own transaction) is skipped; ticks meanwhile
// are dropped.
func (j *Jobs) heartbeat(job *store.ImportJob, p *liveProgress) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(j.ProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				j.saveProgress(job, p)
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// progressWait bounds the wait of a progress write for the database.
const progressWait = 5 * time.Second

func (j *Jobs) saveProgress(job *store.ImportJob, p *liveProgress) {
	ctx, cancel := context.WithTimeout(j.ctx, max(j.ProgressEvery, progressWait))
	defer cancel()
	phase, rows := p.get()
	err := j.db().WithTx(ctx, domain.Actor{}, func(tx *store.Tx) error {
		_, err := tx.SaveImportJobProgress(job.ID, job.Owner, phase, rows)
		return err
	})
	if err != nil {
		j.Logger.Debug("import job: progress not written", "job", job.ID, "err", err)
	}
}
