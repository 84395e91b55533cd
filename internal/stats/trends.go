package stats

import (
	"time"

	"radsup/internal/domain"
)

// TrendMonths is the number of months the trends show, the current one last.
const TrendMonths = 12

// Month is one month of the trends: its first day, and the day it is
// counted at (its last day, or today for the current month).
type Month struct {
	Key   string      `json:"month"` // YYYY-MM
	First domain.Date `json:"-"`
	At    domain.Date `json:"as_of"`
}

// Months returns the TrendMonths months up to the one of today, oldest
// first; the current month is counted at today.
func Months(today domain.Date) []Month {
	out := make([]Month, 0, TrendMonths)
	first := domain.NewDate(today.Year(), today.Month(), 1)
	for i := TrendMonths - 1; i >= 0; i-- {
		f := first.AddDate(0, -i, 0)
		at := f.AddDate(0, 1, -1)
		if at.After(today) {
			at = today
		}
		out = append(out, Month{Key: f.Time().Format("2006-01"), First: f, At: at})
	}
	return out
}

// DayEnd is the instant a day ends in the office's zone: what was resolved
// or dismissed before it no longer counts as open at the day's end.
func DayEnd(d domain.Date) time.Time {
	n := d.AddDate(0, 0, 1)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.Local)
}

// DayStart is the instant a day starts in the office's zone.
func DayStart(d domain.Date) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.Local)
}

// OpenTrend is the number of findings open at the end of each month, by
// severity (spec/statistics.md, Trends): first seen by the month's day,
// and neither resolved nor dismissed before that day ended.
type OpenTrend struct {
	Months     []Month          `json:"months"`
	BySeverity map[string][]int `json:"open_by_severity"` // severity → one count per month
}

// InspectedUnit is an institution's latest signed inspection of the
// period, with its violation findings as stored (status and when they were
// resolved or dismissed).
type InspectedUnit struct {
	InstitutionID int64
	Date          domain.Date
	Violations    []FindingSpan
}

// FindingSpan is when a finding was open: from the day first seen until
// it was resolved or dismissed (zero: still open).
type FindingSpan struct {
	FirstSeen domain.Date
	Closed    time.Time // resolved_at or dismissed_at of a resolved or dismissed finding
}

// openOn reports whether the finding was open at some time on day d:
// first seen by d, and not closed before d started.
func (f FindingSpan) openOn(d domain.Date) bool {
	return !f.FirstSeen.After(d) && (f.Closed.IsZero() || !f.Closed.Before(DayStart(d)))
}

// CompliancePeriod is how far back inspections count: a year.
const CompliancePeriod = 365

// FollowUpDays is when compliance is measured again after an inspection.
const FollowUpDays = 30

// Compliance is the loop measured (spec/statistics.md, Trends): of the
// institutions inspected (signed inspections dated within the last
// CompliancePeriod days, each institution by its latest), the share with
// no violation finding open on the inspection date, and the share with
// none open FollowUpDays days later, among those whose day has come.
type Compliance struct {
	From        domain.Date `json:"from"`
	To          domain.Date `json:"to"`
	Inspected   int         `json:"inspected"`
	CompliantAt int         `json:"compliant_at_inspection"`
	RateAt      float64     `json:"rate_at_inspection"` // 0..1, 4 decimals; 0 when none inspected
	Followed    int         `json:"followed"`           // inspected at least FollowUpDays days ago
	Compliant30 int         `json:"compliant_30_days"`
	Rate30      float64     `json:"rate_30_days"`
}

// ComplianceOf computes the compliance rates as of today from the
// institutions' latest inspections. A finding counts as open on a day when
// it was first seen by that day and not resolved or dismissed before the
// day started.
func ComplianceOf(units []InspectedUnit, today domain.Date) *Compliance {
	c := &Compliance{From: today.AddDate(0, 0, -CompliancePeriod), To: today}
	clean := func(u InspectedUnit, d domain.Date) bool {
		for _, f := range u.Violations {
			if f.openOn(d) {
				return false
			}
		}
		return true
	}
	for _, u := range units {
		c.Inspected++
		if clean(u, u.Date) {
			c.CompliantAt++
		}
		later := u.Date.AddDate(0, 0, FollowUpDays)
		if later.After(today) {
			continue
		}
		c.Followed++
		if clean(u, later) {
			c.Compliant30++
		}
	}
	c.RateAt, c.Rate30 = ratio(c.CompliantAt, c.Inspected), ratio(c.Compliant30, c.Followed)
	return c
}

func ratio(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(int64(float64(part)/float64(whole)*10000+0.5)) / 10000
}
