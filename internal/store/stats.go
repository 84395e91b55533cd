package store

import (
	"database/sql"
	"fmt"
	"strings"

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

// taggedCounts runs a UNION ALL of "SELECT 'tag', key, COUNT(…) … GROUP BY
// key" statements: the counts of several groupings in one round trip.
func (tx *Tx) taggedCounts(q string, args ...any) (map[string]map[string]int, error) {
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, mapError("register counts", err)
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var tag string
		var k sql.NullString
		var n sql.NullInt64
		if err := rows.Scan(&tag, &k, &n); err != nil {
			return nil, mapError("register counts", err)
		}
		if out[tag] == nil {
			out[tag] = map[string]int{}
		}
		out[tag][k.String] += int(n.Int64)
	}
	return out, mapError("register counts", rows.Err())
}

// institutionCountsSQL counts the institutions by status, kind, street and
// the highest category their licences' items (l.items, a comma-separated
// list) cover, in the order of domain.CategoriesByRisk (empty for none).
var institutionCountsSQL = func() string {
	var rank, label strings.Builder
	rank.WriteString("CASE")
	label.WriteString("CASE COALESCE(h.r, 0)")
	for i, c := range domain.CategoriesByRisk {
		var ors []string
		for _, it := range domain.CategoryItems(c) {
			// Keys hold '_', a LIKE wildcard: escaped.
			ors = append(ors, "(',' || l.items || ',') LIKE '%,"+strings.ReplaceAll(it, "_", "!_")+",%' ESCAPE '!'")
		}
		fmt.Fprintf(&rank, " WHEN %s THEN %d", strings.Join(ors, " OR "), i+1)
		fmt.Fprintf(&label, " WHEN %d THEN '%s'", i+1, c)
	}
	fmt.Fprintf(&rank, " ELSE %d END", len(domain.CategoriesByRisk)+1)
	label.WriteString(" ELSE '' END")
	return `SELECT 'status', status, COUNT(*) FROM institutions WHERE retired = ? GROUP BY status
		UNION ALL SELECT 'kind', kind, COUNT(*) FROM institutions WHERE retired = ? GROUP BY kind
		UNION ALL SELECT 'street', street, COUNT(*) FROM institutions WHERE retired = ? GROUP BY street
		UNION ALL SELECT 'category', ` + label.String() + `, COUNT(*) FROM institutions i
			LEFT JOIN (SELECT l.institution_id, MIN(` + rank.String() + `) AS r FROM licences l WHERE l.retired = ? GROUP BY l.institution_id) h
			ON h.institution_id = i.id
			WHERE i.retired = ? GROUP BY 2`
}()

// RegisterCounts counts the register as of a date (spec/statistics.md):
// institutions, workers with an active employment, equipment in use at
// open institutions, findings open. Each of the four is one statement: one
// pass over its rows with the groupings side by side, counted by SQL.
func (tx *Tx) RegisterCounts(asOf domain.Date) (*stats.Register, error) {
	r := &stats.Register{AsOf: asOf.String()}
	for _, count := range []func(*stats.Register, domain.Date) error{
		tx.registerInstitutions, tx.registerWorkers, tx.registerEquipment, tx.registerFindings,
	} {
		if err := count(r, asOf); err != nil {
			return nil, err
		}
	}
	r.Finish()
	return r, nil
}

// registerInstitutions counts the institutions, with the highest category
// their licences cover.
func (tx *Tx) registerInstitutions(r *stats.Register, _ domain.Date) error {
	m, err := tx.taggedCounts(institutionCountsSQL, false, false, false, false, false)
	if err != nil {
		return err
	}
	in := &r.Institutions
	in.ByStatus, in.ByKind, in.ByStreet, in.ByCategory = stats.Counts(m["status"]), stats.Counts(m["kind"]), stats.Counts(m["street"]), stats.Counts(m["category"])
	for _, n := range m["status"] {
		in.Total += n
	}
	return nil
}

// registerWorkers counts the people with an active employment: the active
// employments once, the people among them once; a training or exam in the
// window is looked up as a set (IN), not per person.
func (tx *Tx) registerWorkers(r *stats.Register, asOf domain.Date) error {
	d, twoYears := dateArg(asOf), dateArg(asOf.AddDate(-2, 0, 0))
	m, err := tx.taggedCounts(`WITH a AS MATERIALIZED (
			SELECT e.person_id AS pid, e.occupation AS occ, i.kind AS kind, i.street AS street,
				CASE WHEN e.permit_no <> '' THEN 1 ELSE 0 END AS permit
			FROM employments e JOIN people p ON p.id = e.person_id JOIN institutions i ON i.id = e.institution_id
			WHERE e.retired = ? AND p.retired = ? AND i.retired = ? AND e.started_on <= ? AND (e.ended_on IS NULL OR e.ended_on > ?)),
		ps AS MATERIALIZED (SELECT pid, MAX(permit) AS permit FROM a GROUP BY pid)
		SELECT 'total', '', COUNT(*) FROM ps
		UNION ALL SELECT 'permit', '', SUM(permit) FROM ps
		UNION ALL SELECT 'trained', '', COUNT(*) FROM ps WHERE pid IN (SELECT t.person_id FROM trainings t
			WHERE t.retired = ? AND t.passed = 'pass' AND t.taken_on > ? AND t.taken_on <= ?)
		UNION ALL SELECT 'examined', '', COUNT(*) FROM ps WHERE pid IN (SELECT x.person_id FROM exams x
			WHERE x.retired = ? AND x.examined_on > ? AND x.examined_on <= ?)
		UNION ALL SELECT 'occupation', occ, COUNT(DISTINCT pid) FROM a GROUP BY occ
		UNION ALL SELECT 'kind', kind, COUNT(DISTINCT pid) FROM a GROUP BY kind
		UNION ALL SELECT 'street', street, COUNT(DISTINCT pid) FROM a GROUP BY street`,
		false, false, false, d, d, false, twoYears, d, false, twoYears, d)
	if err != nil {
		return err
	}
	w := &r.Workers
	w.Total, w.Permit, w.Trained, w.Examined = m["total"][""], m["permit"][""], m["trained"][""], m["examined"][""]
	w.ByOccupation, w.ByKind, w.ByStreet = stats.Counts(m["occupation"]), stats.Counts(m["kind"]), stats.Counts(m["street"])
	return nil
}

// registerEquipment counts the equipment in use at open institutions, by
// type (an interventional C-arm apart, for its category), with their tests
// in the year.
func (tx *Tx) registerEquipment(r *stats.Register, asOf domain.Date) error {
	d, oneYear := dateArg(asOf), dateArg(asOf.AddDate(-1, 0, 0))
	tested := func(kind string) string {
		return `CASE WHEN q.id IN (SELECT t.equipment_id FROM equipment_tests t WHERE t.retired = ? AND t.kind = '` + kind +
			`' AND t.result = 'pass' AND t.tested_on > ? AND t.tested_on <= ?) THEN 1 ELSE 0 END`
	}
	rows, err := tx.query(`SELECT CASE WHEN q.type = 'c_arm' AND q.interventional THEN 'c_arm_interventional' ELSE q.type END AS t,
			COUNT(*), SUM(`+tested("status")+`), SUM(`+tested("protection")+`)
		FROM equipment q JOIN institutions i ON i.id = q.institution_id
		WHERE q.retired = ? AND q.status = 'in_use' AND i.retired = ? AND i.status = 'open'
		GROUP BY 1`, false, oneYear, d, false, oneYear, d, false, false)
	if err != nil {
		return mapError("register counts", err)
	}
	e := &r.Equipment
	byType, byCat := map[string]int{}, map[string]int{}
	for rows.Next() {
		var t string
		var n, status, protection int
		if err := rows.Scan(&t, &n, &status, &protection); err != nil {
			rows.Close()
			return mapError("register counts", err)
		}
		x := domain.Equipment{Type: t}
		if t == "c_arm_interventional" {
			x = domain.Equipment{Type: "c_arm", Interventional: true}
		}
		byType[x.Type] += n
		byCat[x.Category()] += n
		e.InUse += n
		e.StatusTested += status
		e.ProtectionTested += protection
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return mapError("register counts", err)
	}
	e.ByType, e.ByCategory = stats.Counts(byType), stats.Counts(byCat)
	return nil
}

// registerFindings counts the open findings.
func (tx *Tx) registerFindings(r *stats.Register, _ domain.Date) error {
	const open = " FROM findings f LEFT JOIN institutions i ON i.id = f.institution_id WHERE f.status = 'open'"
	m, err := tx.taggedCounts(`SELECT 'rule', f.rule, COUNT(*)` + open + ` GROUP BY f.rule
		UNION ALL SELECT 'severity', f.severity, COUNT(*)` + open + ` GROUP BY f.severity
		UNION ALL SELECT 'street', i.street, COUNT(*)` + open + ` GROUP BY i.street
		UNION ALL SELECT 'kind', i.kind, COUNT(*)` + open + ` GROUP BY i.kind`)
	if err != nil {
		return err
	}
	f := &r.Findings
	f.ByRule, f.BySeverity, f.ByStreet, f.ByKind = stats.Counts(m["rule"]), stats.Counts(m["severity"]), stats.Counts(m["street"]), stats.Counts(m["kind"])
	for _, c := range f.BySeverity {
		f.Open += c.N
	}
	return nil
}
