package store

import (
	"time"

	"radsup/internal/domain"
	"radsup/internal/stats"
)

// FindingFlows counts, per rule and severity, the findings opened (first
// seen) in the year from..to (dates), resolved and dismissed in it
// (timestamps in [start, end)), and still open at its end: first seen by
// to and neither resolved nor dismissed before end. Rules with nothing to
// count are left out; the order is by rule, then severity.
func (tx *Tx) FindingFlows(from, to domain.Date, start, end time.Time) ([]stats.FindingFlow, error) {
	f, t, s, e := dateArg(from), dateArg(to), start.UTC(), end.UTC()
	rows, err := tx.query(`SELECT rule, severity,
		SUM(CASE WHEN first_seen >= ? AND first_seen <= ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'resolved' AND resolved_at >= ? AND resolved_at < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'dismissed' AND dismissed_at >= ? AND dismissed_at < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN first_seen <= ?
			AND NOT (status = 'resolved' AND resolved_at IS NOT NULL AND resolved_at < ?)
			AND NOT (status = 'dismissed' AND dismissed_at IS NOT NULL AND dismissed_at < ?) THEN 1 ELSE 0 END)
		FROM findings WHERE first_seen <= ? GROUP BY rule, severity ORDER BY rule, severity`,
		f, t, s, e, s, e, t, e, e, t)
	if err != nil {
		return nil, mapError("finding flows", err)
	}
	defer rows.Close()
	var out []stats.FindingFlow
	for rows.Next() {
		var r stats.FindingFlow
		if err := rows.Scan(&r.Rule, &r.Severity, &r.Opened, &r.Resolved, &r.Dismissed, &r.OpenAtEnd); err != nil {
			return nil, mapError("finding flows", err)
		}
		if !r.Zero() {
			out = append(out, r)
		}
	}
	return out, mapError("finding flows", rows.Err())
}

// EnforcementCounts counts the plans of a year, their drawn units and the
// inspections dated in the year (spec/enforcement.md), by SQL.
func (tx *Tx) EnforcementCounts(year int) (stats.Enforcement, error) {
	var e stats.Enforcement
	from, to := dateArg(domain.NewDate(year, 1, 1)), dateArg(domain.NewDate(year, 12, 31))
	var err error
	one := func(dst *int, q string, args ...any) {
		if err == nil {
			err = mapError("enforcement counts", tx.queryRow(q, args...).Scan(dst))
		}
	}
	count := func(dst *[]stats.Count, q string, args ...any) {
		if err == nil {
			var m map[string]int
			if m, err = tx.groupCounts(q, args...); err == nil {
				*dst = stats.Counts(m)
			}
		}
	}
	one(&e.Plans, "SELECT COUNT(*) FROM plans WHERE year = ?", year)
	one(&e.Drawn, "SELECT COUNT(*) FROM plans WHERE year = ? AND seed <> ''", year)
	count(&e.PlansByType, "SELECT type, COUNT(*) FROM plans WHERE year = ? GROUP BY type", year)
	const units = " FROM plan_units u JOIN plans p ON p.id = u.plan_id WHERE p.year = ?"
	one(&e.Units, "SELECT COUNT(*)"+units, year)
	one(&e.UnitsInspected, "SELECT COUNT(*)"+units+
		" AND EXISTS (SELECT 1 FROM inspections x WHERE x.plan_id = u.plan_id AND x.plan_ord = u.ord)", year)
	const insp = " FROM inspections WHERE inspected_on >= ? AND inspected_on <= ?"
	one(&e.Inspections, "SELECT COUNT(*)"+insp, from, to)
	one(&e.Signed, "SELECT COUNT(*)"+insp+" AND locked_at IS NOT NULL", from, to)
	count(&e.ByType, "SELECT type, COUNT(*)"+insp+" GROUP BY type", from, to)
	count(&e.ByOutcome, "SELECT outcome, COUNT(*)"+insp+" GROUP BY outcome", from, to)
	return e, err
}
