package store

import (
	"database/sql"
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

// groupCounts runs a "SELECT key, COUNT(…) … GROUP BY key" query.
func (tx *Tx) groupCounts(q string, args ...any) (map[string]int, error) {
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, mapError("register counts", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k sql.NullString
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, mapError("register counts", err)
		}
		out[k.String] += n
	}
	return out, mapError("register counts", rows.Err())
}

// RegisterCounts counts the register as of a date (spec/statistics.md):
// institutions, workers with an active employment, equipment in use at
// open institutions, findings open. The groups are counted by SQL.
func (tx *Tx) RegisterCounts(asOf domain.Date) (*stats.Register, error) {
	r := &stats.Register{AsOf: asOf.String()}
	d, twoYears, oneYear := dateArg(asOf), dateArg(asOf.AddDate(-2, 0, 0)), dateArg(asOf.AddDate(-1, 0, 0))
	var err error
	in := &r.Institutions
	count := func(dst *[]stats.Count, q string, args ...any) {
		if err != nil {
			return
		}
		var m map[string]int
		if m, err = tx.groupCounts(q, args...); err == nil {
			*dst = stats.Counts(m)
		}
	}
	one := func(dst *int, q string, args ...any) {
		if err == nil {
			err = mapError("register counts", tx.queryRow(q, args...).Scan(dst))
		}
	}
	const inst = "FROM institutions WHERE retired = ?"
	count(&in.ByStatus, "SELECT status, COUNT(*) "+inst+" GROUP BY status", false)
	count(&in.ByKind, "SELECT kind, COUNT(*) "+inst+" GROUP BY kind", false)
	count(&in.ByStreet, "SELECT street, COUNT(*) "+inst+" GROUP BY street", false)
	one(&in.Total, "SELECT COUNT(*) "+inst, false)

	// The highest licensed category: licences' items are a list, read here.
	if err == nil {
		cats := map[int64]map[string]bool{}
		var rows *sql.Rows
		rows, err = tx.query(`SELECT l.institution_id, l.items FROM licences l JOIN institutions i ON i.id = l.institution_id
			WHERE l.retired = ? AND i.retired = ?`, false, false)
		if err == nil {
			for rows.Next() {
				var id int64
				var l domain.Licence
				if err = rows.Scan(&id, (*listCol)(&l.Items)); err != nil {
					break
				}
				if cats[id] == nil {
					cats[id] = map[string]bool{}
				}
				for c := range l.Categories() {
					cats[id][c] = true
				}
			}
			rows.Close()
		}
		byCat := map[string]int{}
		for _, c := range cats {
			byCat[domain.HighestCategory(c)]++
		}
		if n := in.Total - len(cats); n > 0 {
			byCat[""] += n
		}
		in.ByCategory = stats.Counts(byCat)
	}

	w := &r.Workers
	const active = ` FROM employments e JOIN people p ON p.id = e.person_id JOIN institutions i ON i.id = e.institution_id
		WHERE e.retired = ? AND p.retired = ? AND i.retired = ? AND e.started_on <= ? AND (e.ended_on IS NULL OR e.ended_on > ?)`
	act := []any{false, false, false, d, d}
	one(&w.Total, "SELECT COUNT(DISTINCT e.person_id)"+active, act...)
	one(&w.Permit, "SELECT COUNT(DISTINCT e.person_id)"+active+" AND e.permit_no <> ''", act...)
	one(&w.Trained, "SELECT COUNT(DISTINCT e.person_id)"+active+` AND EXISTS (SELECT 1 FROM trainings t WHERE t.person_id = e.person_id
		AND t.retired = ? AND t.passed = 'pass' AND t.taken_on > ? AND t.taken_on <= ?)`, append(act, false, twoYears, d)...)
	one(&w.Examined, "SELECT COUNT(DISTINCT e.person_id)"+active+` AND EXISTS (SELECT 1 FROM exams x WHERE x.person_id = e.person_id
		AND x.retired = ? AND x.examined_on > ? AND x.examined_on <= ?)`, append(act, false, twoYears, d)...)
	count(&w.ByOccupation, "SELECT e.occupation, COUNT(DISTINCT e.person_id)"+active+" GROUP BY e.occupation", act...)
	count(&w.ByKind, "SELECT i.kind, COUNT(DISTINCT e.person_id)"+active+" GROUP BY i.kind", act...)
	count(&w.ByStreet, "SELECT i.street, COUNT(DISTINCT e.person_id)"+active+" GROUP BY i.street", act...)

	e := &r.Equipment
	const inUse = ` FROM equipment q JOIN institutions i ON i.id = q.institution_id
		WHERE q.retired = ? AND q.status = 'in_use' AND i.retired = ? AND i.status = 'open'`
	use := []any{false, false}
	tested := func(kind string) string {
		return ` AND EXISTS (SELECT 1 FROM equipment_tests t WHERE t.equipment_id = q.id AND t.retired = ? AND t.kind = '` + kind +
			`' AND t.result = 'pass' AND t.tested_on > ? AND t.tested_on <= ?)`
	}
	one(&e.InUse, "SELECT COUNT(*)"+inUse, use...)
	one(&e.StatusTested, "SELECT COUNT(*)"+inUse+tested("status"), append(use, false, oneYear, d)...)
	one(&e.ProtectionTested, "SELECT COUNT(*)"+inUse+tested("protection"), append(use, false, oneYear, d)...)
	count(&e.ByType, "SELECT q.type, COUNT(*)"+inUse+" GROUP BY q.type", use...)
	if err == nil {
		var m map[string]int
		m, err = tx.groupCounts(`SELECT CASE WHEN q.type = 'c_arm' AND q.interventional THEN 'c_arm_interventional' ELSE q.type END, COUNT(*)`+
			inUse+" GROUP BY 1", use...)
		byCat := map[string]int{}
		for t, n := range m {
			x := domain.Equipment{Type: t}
			if t == "c_arm_interventional" {
				x = domain.Equipment{Type: "c_arm", Interventional: true}
			}
			byCat[x.Category()] += n
		}
		e.ByCategory = stats.Counts(byCat)
	}

	f := &r.Findings
	const open = " FROM findings f LEFT JOIN institutions i ON i.id = f.institution_id WHERE f.status = 'open'"
	count(&f.ByRule, "SELECT f.rule, COUNT(*)"+open+" GROUP BY f.rule")
	count(&f.BySeverity, "SELECT f.severity, COUNT(*)"+open+" GROUP BY f.severity")
	count(&f.ByStreet, "SELECT i.street, COUNT(*)"+open+" GROUP BY i.street")
	count(&f.ByKind, "SELECT i.kind, COUNT(*)"+open+" GROUP BY i.kind")
	if err != nil {
		return nil, err
	}
	for _, c := range f.BySeverity {
		f.Open += c.N
	}
	r.Finish()
	return r, nil
}
