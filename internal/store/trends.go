package store

import (
	"fmt"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/stats"
)

// OpenFindingsByMonth counts, by severity, the findings open at the end of
// each month (stats.OpenTrend): first seen by the month's day and neither
// resolved nor dismissed before that day ended, in one scan of findings.
func (tx *Tx) OpenFindingsByMonth(months []stats.Month) (*stats.OpenTrend, error) {
	t := &stats.OpenTrend{Months: months, BySeverity: map[string][]int{}}
	if len(months) == 0 {
		return t, nil
	}
	var cols []string
	var args []any
	for _, m := range months {
		end := stats.DayEnd(m.At).UTC()
		cols = append(cols, `SUM(CASE WHEN first_seen <= ?
			AND NOT (status = 'resolved' AND resolved_at IS NOT NULL AND resolved_at < ?)
			AND NOT (status = 'dismissed' AND dismissed_at IS NOT NULL AND dismissed_at < ?) THEN 1 ELSE 0 END)`)
		args = append(args, dateArg(m.At), end, end)
	}
	args = append(args, dateArg(months[len(months)-1].At))
	rows, err := tx.query("SELECT severity, "+strings.Join(cols, ", ")+" FROM findings WHERE first_seen <= ? GROUP BY severity", args...)
	if err != nil {
		return nil, mapError("open findings by month", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sev string
		n := make([]int, len(months))
		dst := []any{&sev}
		for i := range n {
			dst = append(dst, &n[i])
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, mapError("open findings by month", err)
		}
		t.BySeverity[sev] = n
	}
	return t, mapError("open findings by month", rows.Err())
}

// InspectedUnits returns each institution's latest signed inspection dated
// from..to, with the violation findings of the institution as stored.
func (tx *Tx) InspectedUnits(from, to domain.Date) ([]stats.InspectedUnit, error) {
	const inspected = " FROM inspections WHERE locked_at IS NOT NULL AND inspected_on >= ? AND inspected_on <= ?"
	rows, err := tx.query("SELECT institution_id, MAX(inspected_on)"+inspected+" GROUP BY institution_id ORDER BY institution_id",
		dateArg(from), dateArg(to))
	if err != nil {
		return nil, mapError("inspected units", err)
	}
	var out []stats.InspectedUnit
	at := map[int64]int{}
	for rows.Next() {
		var u stats.InspectedUnit
		if err := rows.Scan(&u.InstitutionID, (*dateCol)(&u.Date)); err != nil {
			rows.Close()
			return nil, mapError("inspected units", err)
		}
		at[u.InstitutionID] = len(out)
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapError("inspected units", err)
	}
	rows, err = tx.query(`SELECT institution_id, first_seen, status, resolved_at, dismissed_at FROM findings
		WHERE severity = 'violation' AND institution_id IN (SELECT institution_id`+inspected+`)`, dateArg(from), dateArg(to))
	if err != nil {
		return nil, mapError("inspected units", err)
	}
	defer rows.Close()
	for rows.Next() {
		var inst int64
		var status string
		var f stats.FindingSpan
		var resolved, dismissed = f.Closed, f.Closed
		if err := rows.Scan(&inst, (*dateCol)(&f.FirstSeen), &status, timeCol{&resolved}, timeCol{&dismissed}); err != nil {
			return nil, mapError("inspected units", err)
		}
		switch status {
		case "resolved":
			f.Closed = resolved
		case "dismissed":
			f.Closed = dismissed
		}
		i, ok := at[inst]
		if !ok {
			return nil, fmt.Errorf("inspected units: finding of institution %d not inspected", inst)
		}
		out[i].Violations = append(out[i].Violations, f)
	}
	return out, mapError("inspected units", rows.Err())
}

// RectificationsClosedByMonth counts the rectifications closed in each
// month (spec/statistics.md, Trends): closed, with closed_at from the
// month's first day's start to its counted day's end in the office's zone,
// in one scan of the closed rectifications.
func (tx *Tx) RectificationsClosedByMonth(months []stats.Month) ([]int, error) {
	n := make([]int, len(months))
	if len(months) == 0 {
		return n, nil
	}
	var cols []string
	var args []any
	for _, m := range months {
		cols = append(cols, "COALESCE(SUM(CASE WHEN closed_at >= ? AND closed_at < ? THEN 1 ELSE 0 END), 0)")
		args = append(args, stats.DayStart(m.First).UTC(), stats.DayEnd(m.At).UTC())
	}
	args = append(args, stats.DayStart(months[0].First).UTC(), stats.DayEnd(months[len(months)-1].At).UTC())
	dst := make([]any, len(n))
	for i := range n {
		dst[i] = &n[i]
	}
	err := tx.queryRow("SELECT "+strings.Join(cols, ", ")+` FROM rectifications
		WHERE state = 'closed' AND closed_at >= ? AND closed_at < ?`, args...).Scan(dst...)
	return n, mapError("rectifications closed by month", err)
}
