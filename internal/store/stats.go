package store

import (
	"fmt"

	"radsup/internal/domain"
	"radsup/internal/stats"
)

// DoseTotals sums the year's dose records per person and category
// (spec/statistics.md): a record belongs to the year of its period end; its
// category is the occupation of the person's employment at the record's
// institution active on the period end (the earliest started), else
// stats.Unknown; lost records add nothing; a record is above the
// investigation level when Hp(10) > annual × days / 365 (µSv, integer
// division, as the PER-DOSE-INVESTIGATE rule). institutionID 0 means every
// institution; the scope limits an institution user to its own.
func (tx *Tx) DoseTotals(sc domain.Scope, year int, institutionID int64, annualMicroSv int64) ([]stats.PersonDose, error) {
	if sc.InstitutionID != 0 {
		if institutionID != 0 && institutionID != sc.InstitutionID {
			return nil, nil
		}
		institutionID = sc.InstitutionID
	}
	days := fmt.Sprintf(tx.d.days, "d.period_end", "d.period_start") + " + 1"
	q := `SELECT r.person_id, r.cat, SUM(r.dose), SUM(r.measured), COUNT(*), MAX(r.above) FROM (
		SELECT d.person_id,
			COALESCE((SELECT e.occupation FROM employments e WHERE e.person_id = d.person_id AND e.institution_id = d.institution_id
				AND e.retired = ? AND e.started_on <= d.period_end AND (e.ended_on IS NULL OR e.ended_on > d.period_end)
				ORDER BY e.started_on, e.id LIMIT 1), ?) AS cat,
			CASE WHEN d.lost THEN 0 ELSE COALESCE(d.hp10, 0) END AS dose,
			CASE WHEN d.lost THEN 0 ELSE 1 END AS measured,
			CASE WHEN d.hp10 IS NOT NULL AND d.hp10 > ? * (` + days + `) / 365 THEN 1 ELSE 0 END AS above
		FROM doses d WHERE d.retired = ? AND d.period_end >= ? AND d.period_end <= ?`
	args := []any{false, stats.Unknown, annualMicroSv, false,
		dateArg(domain.NewDate(year, 1, 1)), dateArg(domain.NewDate(year, 12, 31))}
	if institutionID != 0 {
		q += " AND d.institution_id = ?"
		args = append(args, institutionID)
	}
	q += `) r GROUP BY r.person_id, r.cat ORDER BY r.person_id, r.cat`
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, mapError("dose totals", err)
	}
	defer rows.Close()
	var out []stats.PersonDose
	for rows.Next() {
		var p stats.PersonDose
		var above int
		if err := rows.Scan(&p.PersonID, &p.Category, &p.MicroSv, &p.Measured, &p.Records, &above); err != nil {
			return nil, mapError("dose totals", err)
		}
		p.AboveInv = above > 0
		out = append(out, p)
	}
	return out, mapError("dose totals", rows.Err())
}
