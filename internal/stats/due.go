package stats

import (
	"cmp"
	"slices"

	"radsup/internal/domain"
)

// The kinds of deadline an institution's home lists.
const (
	DueLicence    = "licence"         // the licence's 校验: its valid_until
	DueStatus     = "status_test"     // last passed acceptance or status test + the status-test interval
	DueProtection = "protection_test" // last passed protection test + the protection-test interval
	DueTraining   = "training"        // an active worker's last passed training + the training interval
	DueExam       = "exam"            // an active worker's last pre-job or in-service exam + the exam interval
	DueDose       = "dose"            // the end of an active worker's last dose period + the reporting lag
)

// DueKinds lists the kinds in the order a page shows them.
var DueKinds = []string{DueLicence, DueStatus, DueProtection, DueTraining, DueExam, DueDose}

// DueWindows are the look-ahead windows, in days, a reader may choose.
var DueWindows = []int{30, 60, 90}

// Interval is the time from a record to the deadline it sets: calendar
// years (d.AddDate(Years, 0, 0), as the rules count) plus days.
type Interval struct{ Years, Days int }

// After returns the deadline set by a record dated d.
func (i Interval) After(d domain.Date) domain.Date { return d.AddDate(i.Years, 0, i.Days) }

// Range returns the dates a latest record may have for its deadline to fall
// in [asOf, asOf+days]. It is a day wider at the start, for the leap day
// (2024-02-29 + 1 year is 2025-03-01): callers filter with Due, which is exact.
func (i Interval) Range(asOf domain.Date, days int) (from, to domain.Date) {
	return asOf.AddDate(-i.Years, 0, -i.Days-1), asOf.AddDate(-i.Years, 0, days-i.Days)
}

// Last is the latest record of one kind for one subject, as the store
// aggregates it: the licence (Last is its valid_until), a device, a worker.
type Last struct {
	Kind      string      `json:"kind"`
	SubjectID int64       `json:"subject_id"` // the institution (licence), equipment or person
	Subject   string      `json:"subject"`    // its name
	Ref       string      `json:"ref"`        // the licence number or serial number; "" for people
	Last      domain.Date `json:"last"`       // the latest record's date
}

// DueItem is a deadline within the window.
type DueItem struct {
	Last
	DueOn    domain.Date `json:"due_on"`
	DaysLeft int         `json:"days_left"`
}

// Due returns the deadlines that fall in [asOf, asOf+days] (both ends
// included: a deadline is met on its day), soonest first, then by kind in
// DueKinds order and subject. A kind without an interval is skipped.
func Due(lasts []Last, intervals map[string]Interval, asOf domain.Date, days int) []DueItem {
	end := asOf.AddDate(0, 0, days)
	var out []DueItem
	for _, l := range lasts {
		iv, ok := intervals[l.Kind]
		if !ok || l.Last.IsZero() {
			continue
		}
		due := iv.After(l.Last)
		if due.Before(asOf) || due.After(end) {
			continue
		}
		out = append(out, DueItem{Last: l, DueOn: due, DaysLeft: asOf.DaysUntil(due)})
	}
	slices.SortStableFunc(out, func(a, b DueItem) int {
		if c := a.DueOn.Time().Compare(b.DueOn.Time()); c != 0 {
			return c
		}
		if c := cmp.Compare(slices.Index(DueKinds, a.Kind), slices.Index(DueKinds, b.Kind)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Subject, b.Subject); c != 0 {
			return c
		}
		return cmp.Compare(a.SubjectID, b.SubjectID)
	})
	return out
}
