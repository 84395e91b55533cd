package exchange

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// Job is an import job as the user who started it sees it.
type Job struct {
	ID          string
	Files       []string // as uploaded
	DryRun      bool
	State       string // store.JobRunning, JobDone or JobFailed
	Phase       string // "check" or "write"
	Rows, Total int    // rows read; rows the files hold, estimated
	StartedAt   time.Time
	EndedAt     time.Time
	Report      *Report // once done
	Failure     string  // why it failed: a message key
	// Annotatable reports that the problems can be marked in the files:
	// there are problems and the files are on this server's disk.
	Annotatable bool
}

// Running reports whether the job has not ended.
func (j *Job) Running() bool { return j.State == store.JobRunning }

// Get returns the job with id, if u started it (and its institution scope
// is still the job's); ErrNotFound otherwise. The progress of a job this
// process runs is its latest, not the last one written.
func (j *Jobs) Get(ctx context.Context, u *domain.User, id string) (*Job, error) {
	if u == nil || !validID(id) {
		return nil, store.ErrNotFound
	}
	var row *store.ImportJob
	err := j.db().View(ctx, func(tx *store.Tx) (err error) {
		row, err = tx.FindImportJob(id, u.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if row.InstitutionID != u.Scope().InstitutionID {
		return nil, store.ErrNotFound
	}
	job := &Job{ID: row.ID, Files: row.Files, DryRun: row.DryRun, State: row.State, Phase: row.Phase, Rows: row.Rows,
		Total: row.Total, StartedAt: row.StartedAt, EndedAt: row.EndedAt, Failure: row.Failure}
	if row.State == store.JobRunning {
		j.mu.Lock()
		p := j.live[id]
		j.mu.Unlock()
		if p != nil {
			job.Phase, job.Rows = p.get()
		}
	}
	if row.Report != nil {
		job.Report = &Report{}
		if err := json.Unmarshal(row.Report, job.Report); err != nil {
			return nil, err
		}
		job.Annotatable = len(job.Report.Problems) > 0 && j.firstFile(job) != ""
	}
	return job, nil
}

// firstFile is the path of the job's first file on this server's disk, or
// "" if it is not here.
func (j *Jobs) firstFile(job *Job) string {
	if len(job.Files) == 0 {
		return ""
	}
	path := filepath.Join(j.folder(job.ID), "00-"+job.Files[0])
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	return path
}

// ErrNotHere is returned for the files of a job that another server ran:
// they are on its disk.
var ErrNotHere = &domain.Error{Code: domain.ENOTFOUND, Message: "import.job.no_files"}

// Annotate writes to w the job's first file with its problems marked and
// commented in lang (xlsx.Annotate), and returns the name to offer it by.
func (j *Jobs) Annotate(ctx context.Context, u *domain.User, id, lang string, w io.Writer) (string, error) {
	job, err := j.Get(ctx, u, id)
	if err != nil {
		return "", err
	}
	if job.Report == nil || len(job.Report.Problems) == 0 {
		return "", store.ErrNotFound
	}
	path := j.firstFile(job)
	if path == "" {
		return "", ErrNotHere
	}
	if err := xlsx.Annotate(path, job.Report.Problems, lang, w); err != nil {
		return "", err
	}
	name := job.Files[0]
	return i18n.T(lang, "import.annotated.file", strings.TrimSuffix(name, filepath.Ext(name))), nil
}

// sweeper sweeps (see sweep) every StaleAfter/2 until Shutdown.
func (j *Jobs) sweeper() {
	defer j.wg.Done()
	t := time.NewTicker(max(j.StaleAfter/2, time.Second))
	defer t.Stop()
	for {
		select {
		case <-j.ctx.Done():
			return
		case <-t.C:
			if err := j.sweep(j.ctx); err != nil && j.ctx.Err() == nil {
				j.Logger.Error("import jobs: sweep", "err", err)
			}
		}
	}
}

// sweep marks failed the jobs stopped processes left running, deletes the
// jobs that ended more than TTL ago, and removes the folders here whose
// jobs need their files no more.
func (j *Jobs) sweep(ctx context.Context) error {
	if err := j.failAbandoned(ctx); err != nil {
		return err
	}
	var gone []string
	err := j.db().WithTx(ctx, domain.Actor{}, func(tx *store.Tx) (err error) {
		gone, err = tx.DeleteImportJobs(j.db().Now().Add(-j.TTL))
		return err
	})
	if err != nil {
		return err
	}
	for _, id := range gone {
		os.RemoveAll(j.folder(id))
	}
	return j.removeOrphans(ctx)
}

// failAbandoned marks failed the running jobs of other processes that
// stopped: an earlier run of this server in the same place (same host and
// process id, as a restarted container has), or any whose progress is
// older than StaleAfter. Nothing of theirs was written: an import is one
// transaction. A process that is in fact still running sets the record
// right when its job ends.
func (j *Jobs) failAbandoned(ctx context.Context) error {
	var running []*store.ImportJob
	if err := j.db().View(ctx, func(tx *store.Tx) (err error) {
		running, err = tx.RunningImportJobs()
		return err
	}); err != nil {
		return err
	}
	stale := j.db().Now().Add(-j.StaleAfter)
	for _, job := range running {
		if job.Owner == j.owner || !samePlace(job.Owner, j.owner) && !job.HeartbeatAt.Before(stale) {
			continue
		}
		var failed bool
		err := j.db().WithTx(ctx, domain.Actor{}, func(tx *store.Tx) (err error) {
			failed, err = tx.FailImportJob(job.ID, job.Beat, "import.job.abandoned")
			return err
		})
		if err != nil {
			return err
		}
		if failed {
			j.Logger.Warn("import job left running by a stopped process: failed", "job", job.ID, "owner", job.Owner)
			os.RemoveAll(j.folder(job.ID))
		}
	}
	return nil
}

// samePlace reports whether two owners are processes with the same host
// and process id (two runs of one server in a container, say).
func samePlace(a, b string) bool {
	i, k := strings.LastIndexByte(a, '/'), strings.LastIndexByte(b, '/')
	return i > 0 && k > 0 && a[:i] == b[:k]
}

// removeOrphans removes the folders here of jobs that are gone (deleted by
// another server) or failed, and of jobs never recorded (a crash between
// saving the files and recording the job), once older than StaleAfter.
func (j *Jobs) removeOrphans(ctx context.Context) error {
	entries, err := os.ReadDir(j.Dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		id := e.Name()
		if !e.IsDir() || !validID(id) || j.isLive(id) {
			continue
		}
		var state string
		err := j.db().View(ctx, func(tx *store.Tx) (err error) {
			state, err = tx.ImportJobState(id)
			return err
		})
		switch {
		case errors.Is(err, store.ErrNotFound):
			if info, ierr := e.Info(); ierr == nil && info.ModTime().After(time.Now().Add(-j.StaleAfter)) {
				continue // being submitted, perhaps
			}
		case err != nil:
			return err
		case state != store.JobFailed:
			continue
		}
		os.RemoveAll(j.folder(id))
	}
	return nil
}

func (j *Jobs) isLive(id string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	_, ok := j.live[id]
	return ok
}
