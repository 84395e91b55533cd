package stats

import (
	"fmt"
	"testing"

	"radsup/internal/domain"
)

var testIntervals = map[string]Interval{
	DueLicence: {}, DueStatus: {Years: 1}, DueProtection: {Years: 1},
	DueTraining: {Years: 2}, DueExam: {Years: 2}, DueDose: {Days: 90},
}

// TestDueEdges: for each kind and each window, a deadline the day before
// asOf is not listed, on asOf and on the window's last day it is, the day
// after the window it is not.
func TestDueEdges(t *testing.T) {
	d := domain.MustDate
	asOf := d("2026-06-15")
	for _, kind := range DueKinds {
		iv := testIntervals[kind]
		// last returns the record date whose deadline is asOf + offset days.
		last := func(offset int) domain.Date {
			due := asOf.AddDate(0, 0, offset)
			return due.AddDate(-iv.Years, 0, -iv.Days)
		}
		for _, days := range DueWindows {
			for _, c := range []struct {
				offset int
				want   bool
			}{
				{-1, false}, {0, true}, {1, true}, {days - 1, true}, {days, true}, {days + 1, false},
			} {
				name := fmt.Sprintf("%s/%d/%+d", kind, days, c.offset)
				l := Last{Kind: kind, SubjectID: 1, Subject: "x", Last: last(c.offset)}
				if got := iv.After(l.Last); !got.Equal(asOf.AddDate(0, 0, c.offset)) {
					t.Fatalf("%s: setup: due %s", name, got)
				}
				got := Due([]Last{l}, testIntervals, asOf, days)
				if (len(got) == 1) != c.want {
					t.Errorf("%s: listed %v, want %v", name, len(got) == 1, c.want)
					continue
				}
				if c.want && (got[0].DaysLeft != c.offset || !got[0].DueOn.Equal(asOf.AddDate(0, 0, c.offset))) {
					t.Errorf("%s: due %s, %d days left", name, got[0].DueOn, got[0].DaysLeft)
				}
				// The store's range must hold every record Due lists.
				from, to := iv.Range(asOf, days)
				if in := !l.Last.Before(from) && !l.Last.After(to); c.want && !in {
					t.Errorf("%s: last %s outside the store's range [%s, %s]", name, l.Last, from, to)
				}
			}
		}
	}
}

// TestDueLeapDay: a test passed on 29 February falls due on 1 March a year
// later (calendar arithmetic, as the rules count), and the store's range
// still reaches it.
func TestDueLeapDay(t *testing.T) {
	d := domain.MustDate
	l := Last{Kind: DueStatus, SubjectID: 7, Last: d("2024-02-29")}
	for _, c := range []struct {
		asOf string
		want bool
	}{{"2025-02-28", true}, {"2025-03-01", true}, {"2025-03-02", false}} {
		asOf := d(c.asOf)
		got := Due([]Last{l}, testIntervals, asOf, 30)
		if (len(got) == 1) != c.want {
			t.Errorf("as of %s: listed %v, want %v", c.asOf, len(got) == 1, c.want)
		}
		if c.want && !got[0].DueOn.Equal(d("2025-03-01")) {
			t.Errorf("as of %s: due %s, want 2025-03-01", c.asOf, got[0].DueOn)
		}
		if from, to := testIntervals[DueStatus].Range(asOf, 30); c.want && (l.Last.Before(from) || l.Last.After(to)) {
			t.Errorf("as of %s: 2024-02-29 outside [%s, %s]", c.asOf, from, to)
		}
	}
}

// TestDueOrder: soonest first, then kind order, then subject; kinds without
// an interval and records without a date are skipped.
func TestDueOrder(t *testing.T) {
	d := domain.MustDate
	asOf := d("2026-01-01")
	got := Due([]Last{
		{Kind: DueTraining, SubjectID: 3, Subject: "b", Last: d("2024-01-10")},
		{Kind: DueDose, SubjectID: 3, Subject: "b", Last: d("2025-10-12")},
		{Kind: DueTraining, SubjectID: 2, Subject: "a", Last: d("2024-01-10")},
		{Kind: DueLicence, SubjectID: 1, Subject: "lic", Last: d("2026-01-05")},
		{Kind: "unknown", SubjectID: 9, Last: d("2026-01-02")},
		{Kind: DueExam, SubjectID: 4},
	}, testIntervals, asOf, 30)
	var keys []string
	for _, x := range got {
		keys = append(keys, fmt.Sprintf("%s %s %s %d", x.DueOn, x.Kind, x.Subject, x.DaysLeft))
	}
	want := []string{
		"2026-01-05 licence lic 4",
		"2026-01-10 training a 9", "2026-01-10 training b 9", "2026-01-10 dose b 9",
	}
	if fmt.Sprint(keys) != fmt.Sprint(want) {
		t.Errorf("got %q\nwant %q", keys, want)
	}
}
