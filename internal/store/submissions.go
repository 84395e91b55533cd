package store

import (
	"database/sql"
	"strings"
	"time"

	"radsup/internal/domain"
)

const submissionCols = `id, institution_id, entity, action, record_id, data, base_version, state, submitted_by, submitted_at,
	decided_by, decided_at, reason, person_id, equipment_id`

func scanSubmission(row interface{ Scan(...any) error }) (*domain.Submission, error) {
	s := &domain.Submission{}
	var rec, person, equip sql.NullInt64
	err := row.Scan(&s.ID, &s.InstitutionID, &s.Entity, &s.Action, &rec, &s.Data, &s.BaseVersion, &s.State, &s.SubmittedBy,
		timeCol{&s.SubmittedAt}, &s.DecidedBy, timeCol{&s.DecidedAt}, &s.Reason, &person, &equip)
	s.RecordID, s.PersonID, s.EquipmentID = rec.Int64, person.Int64, equip.Int64
	return s, err
}

// AddSubmission files a pending submission by the transaction's actor,
// audited; an empty action is SubmitSave.
func (tx *Tx) AddSubmission(s *domain.Submission) error {
	s.State, s.SubmittedBy, s.SubmittedAt = domain.SubmissionPending, tx.actor.Username, tx.now
	if s.Action == "" {
		s.Action = domain.SubmitSave
	}
	id, err := tx.insertID(`INSERT INTO submissions (institution_id, entity, action, record_id, data, base_version, state, submitted_by,
		submitted_at, person_id, equipment_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.InstitutionID, s.Entity, s.Action,
		nullID(s.RecordID), s.Data, s.BaseVersion, s.State, s.SubmittedBy, s.SubmittedAt, nullID(s.PersonID), nullID(s.EquipmentID))
	if err != nil {
		return mapError("add submission", err)
	}
	s.ID = id
	return tx.audit(domain.AuditCreate, "submission", id, nil, s)
}

// Submission returns one submission in scope (an institution its own);
// lock holds it until the transaction ends where the engine can.
func (tx *Tx) Submission(sc domain.Scope, id int64, lock bool) (*domain.Submission, error) {
	q, args := "SELECT "+submissionCols+" FROM submissions WHERE id = ?", []any{id}
	if sc.InstitutionID != 0 {
		q, args = q+" AND institution_id = ?", append(args, sc.InstitutionID)
	}
	if lock {
		q += tx.d.forUpdate
	}
	s, err := scanSubmission(tx.queryRow(q, args...))
	if err != nil {
		return nil, mapError("submission", err)
	}
	return s, nil
}

// SubmissionFilter selects submissions.
type SubmissionFilter struct {
	IDs           []int64   // empty: any
	State         string    // "": any
	InstitutionID int64     // 0: any
	Entity        string    // "": any
	RecordID      int64     // 0: any
	PersonID      int64     // 0: any; the person whose page shows it
	EquipmentID   int64     // 0: any; the device whose page shows it
	From, To      time.Time // submitted in [From, To); zero: open
	Limit         int       // 0: 200
}

// Submissions lists the submissions in scope matching f, newest first.
func (tx *Tx) Submissions(sc domain.Scope, f SubmissionFilter) ([]*domain.Submission, error) {
	var conds []string
	var args []any
	add := func(cond string, v any) { conds, args = append(conds, cond), append(args, v) }
	if sc.InstitutionID != 0 {
		add("institution_id = ?", sc.InstitutionID)
	}
	if f.InstitutionID != 0 {
		add("institution_id = ?", f.InstitutionID)
	}
	if f.State != "" {
		add("state = ?", f.State)
	}
	if f.Entity != "" {
		add("entity = ?", f.Entity)
	}
	if f.RecordID != 0 {
		add("record_id = ?", f.RecordID)
	}
	if f.PersonID != 0 {
		add("person_id = ?", f.PersonID)
	}
	if f.EquipmentID != 0 {
		add("equipment_id = ?", f.EquipmentID)
	}
	if len(f.IDs) > 0 {
		conds = append(conds, "id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(f.IDs)), ", ")+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if !f.From.IsZero() {
		add("submitted_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("submitted_at < ?", f.To.UTC())
	}
	q := "SELECT " + submissionCols + " FROM submissions"
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, err := tx.query(q+" ORDER BY submitted_at DESC, id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, mapError("submissions", err)
	}
	defer rows.Close()
	var out []*domain.Submission
	for rows.Next() {
		s, err := scanSubmission(rows)
		if err != nil {
			return nil, mapError("submissions", err)
		}
		out = append(out, s)
	}
	return out, mapError("submissions", rows.Err())
}

// DecideSubmission records the outcome of a pending submission with its
// reason, audited as action; ErrStale if it was decided meanwhile. The
// record, person and device it names are stored as s has them now (an
// approved new record's id).
func (tx *Tx) DecideSubmission(s *domain.Submission, state, reason, action string) error {
	before, err := tx.Submission(domain.Scope{}, s.ID, false)
	if err != nil {
		return err
	}
	res, err := tx.exec(`UPDATE submissions SET state = ?, reason = ?, decided_by = ?, decided_at = ?, record_id = ?, person_id = ?,
		equipment_id = ? WHERE id = ? AND state = ?`, state, reason, tx.actor.Username, tx.now, nullID(s.RecordID), nullID(s.PersonID),
		nullID(s.EquipmentID), s.ID, domain.SubmissionPending)
	if err != nil {
		return mapError("decide submission", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return ErrStale
	}
	s.State, s.Reason, s.DecidedBy, s.DecidedAt = state, reason, tx.actor.Username, tx.now
	// The proposed data is in the submission's own event and does not
	// change with the decision: not copied twice more (a held import may
	// carry megabytes).
	after := *s
	before.Data, after.Data = "", ""
	return tx.audit(action, "submission", s.ID, before, &after)
}
