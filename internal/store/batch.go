package store

import (
	"encoding/json"
	"fmt"
	"strings"

	"radsup/internal/domain"
)

// Writing many rows one statement at a time costs a round trip (and on
// SQLite a statement step) per row; an import and a re-screening write
// their audit events and findings in multi-row statements instead.

// batchRows is how many rows one multi-row statement writes: enough to
// amortise the round trip, few enough to stay far below either engine's
// limit of bound parameters (22 columns × 200 rows).
const batchRows = 200

// multiRow returns head followed by n groups of cols placeholders:
// "head (?, ?), (?, ?)".
func multiRow(head string, cols, n int) string {
	group := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	var b strings.Builder
	b.Grow(len(head) + n*(len(group)+2))
	b.WriteString(head)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(group)
	}
	return b.String()
}

// auditHead is auditSQL up to its VALUES.
var auditHead = auditSQL[:strings.Index(auditSQL, "VALUES")+len("VALUES ")]

// queueAudit queues one audit event (auditArgs' arguments) and writes the
// queue when it is full.
func (tx *Tx) queueAudit(args []any) error {
	tx.queued = append(tx.queued, args)
	if len(tx.queued) < batchRows {
		return nil
	}
	return tx.flushAudit()
}

// flushAudit writes the queued audit events. The events carry their ids
// and chain hashes already, so the order of the statements does not matter.
func (tx *Tx) flushAudit() error {
	if len(tx.queued) == 0 {
		return nil
	}
	q := tx.queued
	tx.queued = tx.queued[:0]
	args := make([]any, 0, len(q)*len(q[0]))
	for _, a := range q {
		args = append(args, a...)
	}
	_, err := tx.exec(multiRow(auditHead, len(q[0]), len(q)), args...)
	return mapError("audit", err)
}

// findingsUpsert is the statement writing findings by their key.
const findingsUpsert = `INSERT INTO findings (rule, severity, severity_rank, subject_type, subject_key, subject_id,
		institution_id, institution_code, template, evidence, due_on, status, first_seen, last_seen, resolved_at,
		facts_hash, dismissed_by, dismiss_reason, dismissed_at, version, created_at, updated_at) VALUES `

const findingsOnConflict = ` ON CONFLICT (subject_type, subject_id, institution_id, rule) DO UPDATE SET
		severity = excluded.severity, severity_rank = excluded.severity_rank, subject_key = excluded.subject_key,
		institution_code = excluded.institution_code, template = excluded.template, evidence = excluded.evidence,
		due_on = excluded.due_on, status = excluded.status, first_seen = excluded.first_seen,
		last_seen = excluded.last_seen, resolved_at = excluded.resolved_at, facts_hash = excluded.facts_hash,
		dismissed_by = excluded.dismissed_by, dismiss_reason = excluded.dismiss_reason,
		dismissed_at = excluded.dismissed_at, version = excluded.version, updated_at = excluded.updated_at
		RETURNING id, subject_type, subject_id, institution_id, rule`

const findingsInsertCols = 22

// findingArgs are the arguments of one row of findingsUpsert.
func (tx *Tx) findingArgs(f *domain.Finding) ([]any, error) {
	ev, err := json.Marshal(f.Evidence)
	if err != nil {
		return nil, fmt.Errorf("put finding: %w", err)
	}
	if f.Evidence == nil {
		ev = []byte("{}")
	}
	return []any{f.Rule, string(f.Severity), f.Severity.Rank(), f.SubjectType, f.SubjectKey, f.SubjectID,
		f.InstitutionID, f.InstitutionCode, f.Template, string(ev), dateArg(f.DueOn), f.Status, dateArg(f.FirstSeen),
		dateArg(f.LastSeen), timeArg(f.ResolvedAt), f.FactsHash, f.DismissedBy, f.DismissReason,
		timeArg(f.DismissedAt), max(f.Version, 1), tx.now, tx.now}, nil
}

// PutFindings writes each finding by its key, as PutFinding does, a batch of
// them per statement; the keys must be distinct. Each finding's ID is set
// from its row.
func (tx *Tx) PutFindings(fs []*domain.Finding) error {
	for len(fs) > 0 {
		n := min(len(fs), batchRows)
		if err := tx.putFindings(fs[:n]); err != nil {
			return err
		}
		fs = fs[n:]
	}
	return nil
}

func (tx *Tx) putFindings(fs []*domain.Finding) error {
	byKey := make(map[domain.FindingKey]*domain.Finding, len(fs))
	args := make([]any, 0, len(fs)*findingsInsertCols)
	for _, f := range fs {
		if _, dup := byKey[f.Key()]; dup {
			return fmt.Errorf("put findings: key %v twice in one batch", f.Key())
		}
		byKey[f.Key()] = f
		a, err := tx.findingArgs(f)
		if err != nil {
			return err
		}
		args = append(args, a...)
	}
	// The engines return the rows of a multi-row statement in no promised
	// order: each row comes back with its key.
	rows, err := tx.query(multiRow(findingsUpsert, findingsInsertCols, len(fs))+findingsOnConflict, args...)
	if err != nil {
		return mapError("put findings", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var k domain.FindingKey
		if err := rows.Scan(&id, &k.SubjectType, &k.SubjectID, &k.InstitutionID, &k.Rule); err != nil {
			return mapError("put findings", err)
		}
		f := byKey[k]
		if f == nil {
			return fmt.Errorf("put findings: the database returned key %v, not written", k)
		}
		f.ID = id
		n++
	}
	if err := rows.Err(); err != nil {
		return mapError("put findings", err)
	}
	if n != len(fs) {
		return fmt.Errorf("put findings: %d rows written of %d", n, len(fs))
	}
	for _, f := range fs {
		if f.CreatedAt.IsZero() {
			f.CreatedAt = tx.now
		}
		f.Version, f.UpdatedAt = max(f.Version, 1), tx.now
	}
	return nil
}
