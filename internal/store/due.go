package store

import (
	"database/sql"
	"fmt"

	"radsup/internal/domain"
	"radsup/internal/stats"
)

// activeWorker is the condition "p has an active employment at the
// institution on the date": its arguments are (false, institution, date, date).
// A list of the institution's employments, not a question asked of every
// person: the query starts from the institution's few people.
const activeWorker = `p.id IN (SELECT e.person_id FROM employments e WHERE e.retired = ? AND e.institution_id = ?
	AND e.started_on <= ? AND (e.ended_on IS NULL OR e.ended_on > ?))`

// lastQueries are, per kind of deadline, the query of the latest record of
// each subject of one institution; the record counts only if dated on or
// before the as-of date. Every query takes (institution, asOf, from, to)
// through the arguments of lastArgs and keeps the subjects whose latest date
// lies in [from, to].
var lastQueries = map[string]string{
	// The current licence (latest issued on or before asOf, then latest
	// valid_until), as INS-LICENCE-EXPIRED reads it: its 校验 date.
	stats.DueLicence: `SELECT l.institution_id, l.licence_no, '', l.valid_until FROM licences l
		WHERE l.retired = ? AND l.institution_id = ? AND l.issued_on <= ?
		AND NOT EXISTS (SELECT 1 FROM licences m WHERE m.institution_id = l.institution_id AND m.retired = ? AND m.issued_on <= ?
			AND (m.issued_on > l.issued_on OR (m.issued_on = l.issued_on AND m.valid_until > l.valid_until)))
		AND l.valid_until >= ? AND l.valid_until <= ?`,
	// In-use equipment: the latest passed acceptance or status test (EQP-STATUS-*).
	stats.DueStatus: equipmentLast("'acceptance', 'status'"),
	// In-use equipment: the latest passed protection test (EQP-PROTECTION-OVERDUE).
	stats.DueProtection: equipmentLast("'protection'"),
	// Active workers: the latest passed training of any kind (PER-TRAINING-OVERDUE).
	stats.DueTraining: `SELECT p.id, p.name, '', MAX(t.taken_on) FROM people p JOIN trainings t ON t.person_id = p.id
		WHERE p.retired = ? AND t.retired = ? AND t.passed = 'pass' AND t.taken_on <= ? AND ` + activeWorker + `
		GROUP BY p.id, p.name HAVING MAX(t.taken_on) >= ? AND MAX(t.taken_on) <= ?`,
	// Active workers: the latest pre-job or in-service exam (PER-EXAM-OVERDUE).
	stats.DueExam: `SELECT p.id, p.name, '', MAX(x.examined_on) FROM people p JOIN exams x ON x.person_id = p.id
		WHERE p.retired = ? AND x.retired = ? AND x.kind IN ('prejob', 'periodic') AND x.examined_on <= ? AND ` + activeWorker + `
		GROUP BY p.id, p.name HAVING MAX(x.examined_on) >= ? AND MAX(x.examined_on) <= ?`,
	// Active workers: the end of the latest dose period at this institution (PER-DOSE-GAP).
	stats.DueDose: `SELECT p.id, p.name, '', MAX(d.period_end) FROM people p JOIN doses d ON d.person_id = p.id
		WHERE p.retired = ? AND d.retired = ? AND d.institution_id = ? AND d.period_end <= ? AND ` + activeWorker + `
		GROUP BY p.id, p.name HAVING MAX(d.period_end) >= ? AND MAX(d.period_end) <= ?`,
}

func equipmentLast(kinds string) string {
	return `SELECT q.id, q.name, q.serial_no, MAX(t.tested_on) FROM equipment q JOIN equipment_tests t ON t.equipment_id = q.id
		WHERE q.retired = ? AND q.institution_id = ? AND q.status = 'in_use'
		AND t.retired = ? AND t.result = 'pass' AND t.kind IN (` + kinds + `) AND t.tested_on <= ?
		GROUP BY q.id, q.name, q.serial_no HAVING MAX(t.tested_on) >= ? AND MAX(t.tested_on) <= ?`
}

// lastArgs are the arguments of lastQueries[kind], in its placeholders' order.
func lastArgs(kind string, inst int64, asOf, from, to domain.Date) []any {
	d, f, t := dateArg(asOf), dateArg(from), dateArg(to)
	switch kind {
	case stats.DueLicence:
		return []any{false, inst, d, false, d, f, t}
	case stats.DueStatus, stats.DueProtection:
		return []any{false, inst, false, d, f, t}
	case stats.DueDose:
		return []any{false, false, inst, d, false, inst, d, d, f, t}
	}
	return []any{false, false, d, false, inst, d, d, f, t}
}

// LastDone returns, for one kind of deadline (stats.DueKinds), the subjects
// of an institution whose latest record is dated in [from, to]: one
// aggregate query, so that only what may fall due leaves the database.
// stats.Interval.Range gives the range for a window; stats.Due decides.
func (tx *Tx) LastDone(kind string, institutionID int64, asOf, from, to domain.Date) ([]stats.Last, error) {
	q, ok := lastQueries[kind]
	if !ok {
		return nil, fmt.Errorf("store: no deadline kind %q", kind)
	}
	rows, err := tx.query(q, lastArgs(kind, institutionID, asOf, from, to)...)
	if err != nil {
		return nil, mapError("last done "+kind, err)
	}
	defer rows.Close()
	var out []stats.Last
	for rows.Next() {
		l := stats.Last{Kind: kind}
		var name, ref sql.NullString
		if err := rows.Scan(&l.SubjectID, &name, &ref, (*dateCol)(&l.Last)); err != nil {
			return nil, mapError("last done "+kind, err)
		}
		l.Subject, l.Ref = name.String, ref.String
		out = append(out, l)
	}
	return out, mapError("last done "+kind, rows.Err())
}

// InstitutionCounts are one institution's own figures as of a date.
type InstitutionCounts struct {
	Workers   int            // people with an active employment there
	Equipment int            // its equipment in use
	Findings  map[string]int // open findings naming it, by severity
}

// InstitutionCounts counts an institution's active workers, equipment in
// use and open findings by severity, as of a date.
func (tx *Tx) InstitutionCounts(institutionID int64, asOf domain.Date) (*InstitutionCounts, error) {
	c := &InstitutionCounts{}
	d := dateArg(asOf)
	err := tx.queryRow(`SELECT COUNT(*) FROM people p WHERE p.retired = ? AND `+activeWorker,
		false, false, institutionID, d, d).Scan(&c.Workers)
	if err != nil {
		return nil, mapError("institution counts", err)
	}
	err = tx.queryRow(`SELECT COUNT(*) FROM equipment q WHERE q.retired = ? AND q.institution_id = ? AND q.status = 'in_use'`,
		false, institutionID).Scan(&c.Equipment)
	if err != nil {
		return nil, mapError("institution counts", err)
	}
	c.Findings, err = tx.groupCounts(`SELECT f.severity, COUNT(*) FROM findings f WHERE f.status = 'open' AND f.institution_id = ?
		GROUP BY f.severity`, institutionID)
	return c, err
}
