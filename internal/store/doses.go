package store

import (
	"database/sql"

	"radsup/internal/domain"
)

// overlapSQL finds a dose record of the same person and institution, not
// retired, other than the one being written (its id, or its natural key
// for a record not yet stored), whose period shares a day with
// [start, end].
const overlapSQL = `SELECT period_start, period_end FROM doses
	WHERE person_id = ? AND institution_id = ? AND NOT retired AND id <> ? AND period_start <> ?
	AND period_start <= ? AND period_end >= ? ORDER BY period_start LIMIT 1`

// Overlap is another dose record's period that a record's period shares
// days with.
type Overlap struct{ Start, End domain.Date }

// OverlappingDose returns the period of a stored dose record of d's person
// and institution whose period shares a day with d's, or nil: the annual
// sums would count those days twice.
func (tx *Tx) OverlappingDose(d *domain.DoseRecord) (*Overlap, error) {
	return scanOverlap(tx.queryRow(overlapSQL, overlapArgs(d)...))
}

// OverlappingDose is Tx.OverlappingDose inside the bulk writer's
// transaction, with its statement prepared once.
func (b *Bulk) OverlappingDose(d *domain.DoseRecord) (*Overlap, error) {
	st, err := b.stmt(overlapSQL)
	if err != nil {
		return nil, mapError("overlapping dose", err)
	}
	return scanOverlap(st.QueryRowContext(b.tx.ctx, overlapArgs(d)...))
}

func overlapArgs(d *domain.DoseRecord) []any {
	return []any{d.PersonID, d.InstitutionID, d.ID, dateArg(d.PeriodStart), dateArg(d.PeriodEnd), dateArg(d.PeriodStart)}
}

func scanOverlap(row *sql.Row) (*Overlap, error) {
	var o Overlap
	err := row.Scan((*dateCol)(&o.Start), (*dateCol)(&o.End))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, mapError("overlapping dose", err)
	}
	return &o, nil
}
