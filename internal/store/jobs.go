package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// The states of an import job.
const (
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// ImportJob is an import run in the background, as stored: who started it,
// on which files, how far it got and how it ended. Its files are on the
// disk of the server that runs it, not here.
type ImportJob struct {
	ID            string
	UserID        int64
	InstitutionID int64    // the user's institution scope when it started; 0 for none
	Files         []string // the files as uploaded
	Kind          string   // the kind named for CSV files, or ""
	DryRun        bool
	State         string // JobRunning, JobDone or JobFailed
	Phase         string // "check" or "write"
	Rows, Total   int    // rows read; rows the files hold, estimated
	Owner         string // the server process that runs it
	Beat          int64  // counts the progress writes
	StartedAt     time.Time
	HeartbeatAt   time.Time // the last progress write
	EndedAt       time.Time
	Failure       string // why it failed: a message key
	Report        []byte // the report as JSON, once done
}

const importJobCols = "id, user_id, institution_id, files, kind, dry_run, state, phase, rows_done, rows_total, owner, beat, " +
	"started_at, heartbeat_at, ended_at, failure, report"

func scanImportJob(row interface{ Scan(...any) error }) (*ImportJob, error) {
	j := &ImportJob{}
	var inst sql.NullInt64
	var files string
	var report sql.NullString
	err := row.Scan(&j.ID, &j.UserID, &inst, &files, &j.Kind, &j.DryRun, &j.State, &j.Phase, &j.Rows, &j.Total, &j.Owner, &j.Beat,
		timeCol{&j.StartedAt}, timeCol{&j.HeartbeatAt}, timeCol{&j.EndedAt}, &j.Failure, &report)
	if err != nil {
		return nil, err
	}
	j.InstitutionID = inst.Int64
	if report.Valid {
		j.Report = []byte(report.String)
	}
	if err := json.Unmarshal([]byte(files), &j.Files); err != nil {
		return nil, fmt.Errorf("import job %s: files: %w", j.ID, err)
	}
	return j, nil
}

// CreateImportJob stores a new running job; its start and heartbeat are now.
func (tx *Tx) CreateImportJob(j *ImportJob) error {
	files, err := json.Marshal(j.Files)
	if err != nil {
		return err
	}
	j.State, j.StartedAt, j.HeartbeatAt = JobRunning, tx.now, tx.now
	_, err = tx.exec(`INSERT INTO import_jobs (id, user_id, institution_id, files, kind, dry_run, state, phase, rows_done, rows_total,
		owner, beat, started_at, heartbeat_at, failure) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, '')`,
		j.ID, j.UserID, nullID(j.InstitutionID), string(files), j.Kind, j.DryRun, j.State, j.Phase, j.Rows, j.Total,
		j.Owner, tx.now, tx.now)
	return mapError("create import job", err)
}

// FindImportJob returns the job with id that the user started, or
// ErrNotFound.
func (tx *Tx) FindImportJob(id string, userID int64) (*ImportJob, error) {
	j, err := scanImportJob(tx.queryRow("SELECT "+importJobCols+" FROM import_jobs WHERE id = ? AND user_id = ?", id, userID))
	return j, mapError("find import job", err)
}

// ImportJobState returns the state of the job with id, or ErrNotFound.
func (tx *Tx) ImportJobState(id string) (string, error) {
	var state string
	err := tx.queryRow("SELECT state FROM import_jobs WHERE id = ?", id).Scan(&state)
	return state, mapError("import job state", err)
}

// RunningImportJobs returns the jobs running, by any process.
func (tx *Tx) RunningImportJobs() ([]*ImportJob, error) {
	rows, err := tx.query("SELECT "+importJobCols+" FROM import_jobs WHERE state = ? ORDER BY started_at", JobRunning)
	if err != nil {
		return nil, mapError("running import jobs", err)
	}
	defer rows.Close()
	var out []*ImportJob
	for rows.Next() {
		j, err := scanImportJob(rows)
		if err != nil {
			return nil, mapError("running import jobs", err)
		}
		out = append(out, j)
	}
	return out, mapError("running import jobs", rows.Err())
}

// SaveImportJobProgress records how far the owner's running job got, as its
// heartbeat. It reports whether the job is still running as the owner's.
func (tx *Tx) SaveImportJobProgress(id, owner, phase string, rows int) (bool, error) {
	res, err := tx.exec(`UPDATE import_jobs SET phase = ?, rows_done = ?, beat = beat + 1, heartbeat_at = ?
		WHERE id = ? AND owner = ? AND state = ?`, phase, rows, tx.now, id, owner, JobRunning)
	if err != nil {
		return false, mapError("import job progress", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// EndImportJob records the end of the owner's job: its state, phase, rows,
// failure and report; the end is now. The owner's word is final: a job
// another process took for abandoned is set right. ErrNotFound if the job
// is not the owner's (or no longer stored).
func (tx *Tx) EndImportJob(j *ImportJob) error {
	var report any
	if j.Report != nil {
		report = string(j.Report)
	}
	j.EndedAt = tx.now
	res, err := tx.exec(`UPDATE import_jobs SET state = ?, phase = ?, rows_done = ?, ended_at = ?, heartbeat_at = ?, failure = ?, report = ?
		WHERE id = ? AND owner = ?`, j.State, j.Phase, j.Rows, tx.now, tx.now, j.Failure, report, j.ID, j.Owner)
	if err != nil {
		return mapError("end import job", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("end import job %s: %w", j.ID, ErrNotFound)
	}
	return nil
}

// FailImportJob marks a running job failed for the reason failure (a
// message key) if it has not moved since beat; it reports whether it did.
// A server uses it for the jobs a stopped process left running.
func (tx *Tx) FailImportJob(id string, beat int64, failure string) (bool, error) {
	res, err := tx.exec(`UPDATE import_jobs SET state = ?, ended_at = ?, failure = ? WHERE id = ? AND state = ? AND beat = ?`,
		JobFailed, tx.now, failure, id, JobRunning, beat)
	if err != nil {
		return false, mapError("fail import job", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// DeleteImportJobs deletes the jobs that ended before t and returns their ids.
func (tx *Tx) DeleteImportJobs(endedBefore time.Time) ([]string, error) {
	rows, err := tx.query("DELETE FROM import_jobs WHERE state <> ? AND ended_at < ? RETURNING id", JobRunning, endedBefore.UTC())
	if err != nil {
		return nil, mapError("delete import jobs", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, mapError("delete import jobs", err)
		}
		ids = append(ids, id)
	}
	return ids, mapError("delete import jobs", rows.Err())
}
