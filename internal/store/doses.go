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

// DosePeriod is a stored dose record's id, period and whether it is
// retired: what an import needs to know of a person's stored records at an
// institution to find the one a row updates and the ones it overlaps.
type DosePeriod struct {
	ID         int64
	Start, End domain.Date
	Retired    bool
}

// DosePeriods returns the periods of the stored dose records of a person at
// an institution, retired or not, in one query. It does not see the
// queued inserts (InsertLater): the caller, which queued them, knows them.
func (b *Bulk) DosePeriods(personID, instID int64) ([]DosePeriod, error) {
	st, err := b.stmt("SELECT id, period_start, period_end, retired FROM doses WHERE person_id = ? AND institution_id = ?")
	if err != nil {
		return nil, mapError("dose periods", err)
	}
	rows, err := st.QueryContext(b.tx.ctx, personID, instID)
	if err != nil {
		return nil, mapError("dose periods", err)
	}
	defer rows.Close()
	var out []DosePeriod
	for rows.Next() {
		var p DosePeriod
		if err := rows.Scan(&p.ID, (*dateCol)(&p.Start), (*dateCol)(&p.End), &p.Retired); err != nil {
			return nil, mapError("dose periods", err)
		}
		out = append(out, p)
	}
	return out, mapError("dose periods", rows.Err())
}
