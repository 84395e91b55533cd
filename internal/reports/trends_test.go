package reports_test

import (
	"context"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/reports"
	"radsup/internal/stats"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestTrendsInSQL: the overview's monthly open findings and compliance
// rates, counted by the database, agree with a hand-computed table as of
// 2026-06-15:
//
//	F1 violation of A, first seen 2026-03-10, resolved 2026-05-02: open
//	   at the ends of March and April
//	F2 warning of B, first seen 2026-04-30, dismissed 2026-04-30 12:00:
//	   resolved within its first day, open at no month's end
//	F3 violation of B, first seen 2026-05-20, still open: May and June
//	F4 notice of A, first seen 2025-01-01, resolved 2025-07-31 18:00 (the
//	   first month's last day): open at no month's end shown
//
// A is inspected (signed) 2026-04-01 with F1 open, 30 days later F1 still
// open (resolved 05-02, day 31): not compliant either time. B is inspected
// 2026-05-16 (30 days ago) with no violation open; F3 opened in between:
// compliant at inspection, not 30 days later. An unsigned inspection of C
// does not count.
func TestTrendsInSQL(t *testing.T) {
	s := storetest.Open(t)
	today := domain.MustDate("2026-06-15")
	local := func(v string) time.Time {
		x, err := time.ParseInLocation("2006-01-02 15:04", v, time.Local)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	var a, b, c *domain.Institution
	var sup *domain.User
	err := s.WithTx(context.Background(), domain.System, func(tx *store.Tx) error {
		a, b, c = storetest.Institution(t, tx), storetest.Institution(t, tx), storetest.Institution(t, tx)
		sup = storetest.User(t, tx, domain.RoleSupervisor, 0)
		n := int64(0)
		put := func(inst *domain.Institution, sev domain.Severity, first string, status string, closed time.Time) {
			n++
			f := &domain.Finding{Rule: "EQP-ACCEPTANCE-MISSING", Severity: sev, SubjectType: "equipment", SubjectKey: "S",
				SubjectID: n, InstitutionID: inst.ID, InstitutionCode: inst.CreditCode, Template: "EQP-ACCEPTANCE-MISSING",
				Status: status, DueOn: domain.MustDate(first), FirstSeen: domain.MustDate(first), LastSeen: domain.MustDate(first)}
			switch status {
			case "resolved":
				f.ResolvedAt = closed
			case "dismissed":
				f.DismissedAt, f.DismissedBy, f.DismissReason = closed, "test", "核实"
			}
			if err := tx.PutFinding(f); err != nil {
				t.Fatal(err)
			}
		}
		put(a, domain.Violation, "2026-03-10", "resolved", local("2026-05-02 09:00"))
		put(b, domain.Warning, "2026-04-30", "dismissed", local("2026-04-30 12:00"))
		put(b, domain.Violation, "2026-05-20", "open", time.Time{})
		put(a, domain.Notice, "2025-01-01", "resolved", local("2025-07-31 18:00"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	inspect := func(inst int64, on string, signed bool) {
		var locked any
		if signed {
			locked = time.Now().UTC()
		}
		storetest.Exec(t, s, `INSERT INTO inspections (type, institution_id, inspector1, inspector2, inspected_on, created_at, updated_at, locked_at)
			VALUES ('routine', ?, 'x1', 'x2', ?, ?, ?, ?)`, inst, on, time.Now().UTC(), time.Now().UTC(), locked)
	}
	inspect(a.ID, "2026-04-01", true)
	inspect(b.ID, "2026-05-10", true)
	inspect(b.ID, "2026-05-16", true) // B's latest counts
	inspect(c.ID, "2026-05-01", false)
	svc := &reports.Service{Store: s, Today: func() domain.Date { return today }, OverviewTTL: -1}
	tr, err := svc.Trends(context.Background(), sup)
	if err != nil {
		t.Fatal(err)
	}
	months := map[string]int{}
	for i, m := range tr.Trend.Months {
		months[m.Key] = i
	}
	want := map[string]map[string]int{ // severity → month → open at its end
		"violation": {"2026-03": 1, "2026-04": 1, "2026-05": 1, "2026-06": 1},
		"warning":   {},
		"notice":    {},
	}
	for sev, byMonth := range want {
		got := tr.Trend.BySeverity[sev]
		for key, i := range months {
			n := 0
			if got != nil {
				n = got[i]
			}
			if n != byMonth[key] {
				t.Errorf("%s open at the end of %s: %d, want %d", sev, key, n, byMonth[key])
			}
		}
	}
	wantC := stats.Compliance{From: today.AddDate(0, 0, -365), To: today, Inspected: 2, CompliantAt: 1, RateAt: 0.5,
		Followed: 2, Compliant30: 0, Rate30: 0}
	if *tr.Compliance != wantC {
		t.Errorf("compliance\n got %+v\nwant %+v", *tr.Compliance, wantC)
	}
}

// TestRectificationsClosedByMonth: the rectifications closed in each month,
// counted by the database, at the months' boundaries in the office's zone,
// as of 2026-06-15 (the months 2025-07 … 2026-06):
//
//	closed 2025-06-30 23:59: before the first month, not counted
//	closed 2025-07-01 00:00: the first month
//	closed 2026-03-31 23:59: March
//	closed 2026-04-01 00:00: April
//	closed 2026-06-15 23:30: June (today, the current month)
//	responded, not closed: not counted
func TestRectificationsClosedByMonth(t *testing.T) {
	s := storetest.Open(t)
	today := domain.MustDate("2026-06-15")
	var inst *domain.Institution
	var sup *domain.User
	err := s.WithTx(context.Background(), domain.System, func(tx *store.Tx) error {
		inst = storetest.Institution(t, tx)
		sup = storetest.User(t, tx, domain.RoleSupervisor, 0)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	put := func(state, closed string) {
		var at any
		if closed != "" {
			x, err := time.ParseInLocation("2006-01-02 15:04", closed, time.Local)
			if err != nil {
				t.Fatal(err)
			}
			at = x.UTC()
		}
		now := time.Now().UTC()
		storetest.Exec(t, s, `INSERT INTO rectifications (institution_id, state, issued_on, deadline, closed_at, created_by, created_at, updated_at)
			VALUES (?, ?, '2025-01-01', '2025-02-01', ?, 'test', ?, ?)`, inst.ID, state, at, now, now)
	}
	put("closed", "2025-06-30 23:59")
	put("closed", "2025-07-01 00:00")
	put("closed", "2026-03-31 23:59")
	put("closed", "2026-04-01 00:00")
	put("closed", "2026-06-15 23:30")
	put("responded", "")
	svc := &reports.Service{Store: s, Today: func() domain.Date { return today }, OverviewTTL: -1}
	tr, err := svc.Trends(context.Background(), sup)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"2025-07": 1, "2026-03": 1, "2026-04": 1, "2026-06": 1}
	if len(tr.RectificationsClosed) != len(tr.Trend.Months) {
		t.Fatalf("%d counts for %d months", len(tr.RectificationsClosed), len(tr.Trend.Months))
	}
	for i, m := range tr.Trend.Months {
		if got := tr.RectificationsClosed[i]; got != want[m.Key] {
			t.Errorf("closed in %s: %d, want %d", m.Key, got, want[m.Key])
		}
	}
}
