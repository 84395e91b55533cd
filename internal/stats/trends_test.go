package stats

import (
	"testing"
	"time"

	"radsup/internal/domain"
)

// TestComplianceEdges: the hand-computed table of the compliance rates as
// of 2026-06-15 at the edges of the 30 days, with the inspection 29, 30 and
// 31 days ago and findings closed the day before, on and after the day.
//
//	A  inspected 05-16 (30 days ago), violation open since 05-01, resolved
//	   06-14 10:00 (day 29): open at inspection; closed before 06-15 began:
//	   compliant 30 days later
//	B  inspected 05-15 (31 days ago), violation open since 05-01, resolved
//	   06-14 08:00 (day 30): open on day 30 too: not compliant
//	C  inspected 05-17 (29 days ago), no violation: compliant at
//	   inspection; its 30 days have not come: not followed
//	D  inspected 05-06, violation first seen the day after (05-07), still
//	   open: compliant at inspection, not 30 days later
//	E  inspected 04-16, violation resolved 04-15 23:59 (the day before):
//	   compliant both times
//
// At inspection 3 of 5 (0.6); 30 days later 2 of the 4 followed (0.5).
func TestComplianceEdges(t *testing.T) {
	d := domain.MustDate
	at := func(s string) time.Time {
		x, err := time.ParseInLocation("2006-01-02 15:04", s, time.Local)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	units := []InspectedUnit{
		{InstitutionID: 1, Date: d("2026-05-16"), Violations: []FindingSpan{{FirstSeen: d("2026-05-01"), Closed: at("2026-06-14 10:00")}}},
		{InstitutionID: 2, Date: d("2026-05-15"), Violations: []FindingSpan{{FirstSeen: d("2026-05-01"), Closed: at("2026-06-14 08:00")}}},
		{InstitutionID: 3, Date: d("2026-05-17")},
		{InstitutionID: 4, Date: d("2026-05-06"), Violations: []FindingSpan{{FirstSeen: d("2026-05-07")}}},
		{InstitutionID: 5, Date: d("2026-04-16"), Violations: []FindingSpan{{FirstSeen: d("2026-01-01"), Closed: at("2026-04-15 23:59")}}},
	}
	c := ComplianceOf(units, d("2026-06-15"))
	want := Compliance{From: d("2025-06-15"), To: d("2026-06-15"), Inspected: 5, CompliantAt: 3, RateAt: 0.6, Followed: 4, Compliant30: 2, Rate30: 0.5}
	if *c != want {
		t.Errorf("compliance\n got %+v\nwant %+v", *c, want)
	}
	// The same units the day before: B's day 30 is today; A's is tomorrow.
	c = ComplianceOf(units, d("2026-06-14"))
	if c.Followed != 3 || c.Compliant30 != 1 {
		t.Errorf("a day earlier: followed %d, compliant %d; want 3 (B, D, E), 1 (E)", c.Followed, c.Compliant30)
	}
	if c := ComplianceOf(nil, d("2026-06-15")); c.RateAt != 0 || c.Rate30 != 0 || c.Inspected != 0 {
		t.Errorf("none inspected: %+v", c)
	}
}

// TestMonths: twelve months up to today's, the current one counted at
// today, the others at their last day (February of a common year: the 28th).
func TestMonths(t *testing.T) {
	ms := Months(domain.MustDate("2026-06-15"))
	if len(ms) != 12 || ms[0].Key != "2025-07" || ms[0].At != domain.MustDate("2025-07-31") ||
		ms[11].Key != "2026-06" || ms[11].At != domain.MustDate("2026-06-15") || ms[7].At != domain.MustDate("2026-02-28") {
		t.Errorf("months %+v", ms)
	}
}
