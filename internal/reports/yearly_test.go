package reports_test

import (
	"context"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/reports"
	"radsup/internal/screening"
	"radsup/internal/stats"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestYearlyFindingFlows counts the findings' flow through 2025 by hand:
//
//	F1 permit, violation: first seen 2025-03-01, resolved 2025-06-01
//	F2 permit, violation: first seen 2024-10-01, resolved 2025-02-01 (resolved in 2025, not opened in it)
//	F3 exam, warning:     first seen 2025-04-01, dismissed 2025-05-01
//	F4 permit, violation: first seen 2025-08-01, still open
//	F5 permit, violation: first seen 2025-09-01, resolved 2026-01-10 (open at the end of 2025)
//	F6 permit, violation: first seen 2026-01-05 (after the year: nothing)
//	F7 exam, warning:     first seen 2024-01-01, resolved 2024-06-01 (before the year: nothing)
func TestYearlyFindingFlows(t *testing.T) {
	s := storetest.Open(t)
	d := domain.MustDate
	at := func(day string) time.Time {
		return time.Date(d(day).Year(), d(day).Month(), d(day).Day(), 12, 0, 0, 0, time.Local)
	}
	var subject int64
	put := func(tx *store.Tx, rule string, sev domain.Severity, first, resolved, dismissed string) {
		subject++
		f := &domain.Finding{Rule: rule, Severity: sev, SubjectType: "person", SubjectKey: "k", SubjectID: subject,
			Template: rule, DueOn: d(first).AddDate(0, 0, 30), Status: domain.FindingOpen, FirstSeen: d(first), LastSeen: d(first), FactsHash: "h"}
		if resolved != "" {
			f.Status, f.ResolvedAt = domain.FindingResolved, at(resolved)
		}
		if dismissed != "" {
			f.Status, f.DismissedAt, f.DismissedBy, f.DismissReason = domain.FindingDismissed, at(dismissed), "s", "不适用"
		}
		if err := tx.PutFinding(f); err != nil {
			t.Fatal(err)
		}
	}
	permit, exam := screening.PerPermitMissing, screening.PerExamOverdue
	err := s.WithTx(context.Background(), domain.System, func(tx *store.Tx) error {
		put(tx, permit, domain.Violation, "2025-03-01", "2025-06-01", "")
		put(tx, permit, domain.Violation, "2024-10-01", "2025-02-01", "")
		put(tx, exam, domain.Warning, "2025-04-01", "", "2025-05-01")
		put(tx, permit, domain.Violation, "2025-08-01", "", "")
		put(tx, permit, domain.Violation, "2025-09-01", "2026-01-10", "")
		put(tx, permit, domain.Violation, "2026-01-05", "", "")
		put(tx, exam, domain.Warning, "2024-01-01", "2024-06-01", "")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := &reports.Service{Store: s, Today: func() domain.Date { return d("2026-03-01") }}
	y, err := svc.Yearly(context.Background(), &domain.User{Username: "s", Role: domain.RoleSupervisor}, 2025)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]stats.FindingFlow{
		permit: {Rule: permit, Severity: string(domain.Violation), Opened: 3, Resolved: 2, OpenAtEnd: 2},
		exam:   {Rule: exam, Severity: string(domain.Warning), Opened: 1, Dismissed: 1},
	}
	if len(y.Findings) != len(want) {
		t.Fatalf("flows: %+v", y.Findings)
	}
	for _, f := range y.Findings {
		if f != want[f.Rule] {
			t.Errorf("%s: got %+v, want %+v", f.Rule, f, want[f.Rule])
		}
	}
	if all := (stats.FindingFlow{Opened: 4, Resolved: 2, Dismissed: 1, OpenAtEnd: 2}); y.FindingsAll != all {
		t.Errorf("all: %+v, want %+v", y.FindingsAll, all)
	}
	if y.AsOf != "2025-12-31" {
		t.Errorf("as of %s, want the year's end", y.AsOf)
	}
	y26, err := svc.Yearly(context.Background(), &domain.User{Username: "s", Role: domain.RoleSupervisor}, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if y26.AsOf != "2026-03-01" || y26.FindingsAll.Opened != 1 || y26.FindingsAll.Resolved != 1 || y26.FindingsAll.OpenAtEnd != 2 {
		t.Errorf("2026 (the current year, as of today): %s %+v", y26.AsOf, y26.FindingsAll)
	}
}

// TestYearlyAccess: supervisors and viewers read the report, viewers
// without doses; institution users are refused, and so is a future year.
func TestYearlyAccess(t *testing.T) {
	s, a, _ := district(t)
	svc := &reports.Service{Store: s}
	ctx := context.Background()
	sup := &domain.User{Username: "s", Role: domain.RoleSupervisor}
	y, err := svc.Yearly(ctx, sup, 2025)
	if err != nil {
		t.Fatal(err)
	}
	dose, err := svc.Dose(ctx, sup, 2025, 0)
	if err != nil {
		t.Fatal(err)
	}
	if y.Dose == nil || y.Dose.All != dose.All || len(y.Dose.Categories) != len(dose.Categories) {
		t.Errorf("the report's doses differ from Dose: %+v, want %+v", y.Dose, dose)
	}
	if y, err := svc.Yearly(ctx, &domain.User{Username: "v", Role: domain.RoleViewer}, 2025); err != nil || y.Dose != nil {
		t.Errorf("viewer: %v, doses %v", err, y)
	}
	inst := &domain.User{Username: "i", Role: domain.RoleInstitution, InstitutionID: a.ID}
	if _, err := svc.Yearly(ctx, inst, 2025); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("institution user: %v", err)
	}
	if _, err := svc.Yearly(ctx, sup, time.Now().Year()+1); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("next year: %v", err)
	}
}

// TestYearlyEnforcement counts a year's plans, drawn units and inspections
// by outcome; another year's are left out.
func TestYearlyEnforcement(t *testing.T) {
	s := storetest.Open(t)
	var inst int64
	err := s.WithTx(context.Background(), domain.System, func(tx *store.Tx) error {
		inst = storetest.Institution(t, tx).ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	plan := func(id int64, year int, seed string) {
		storetest.Exec(t, s, `INSERT INTO plans (id, year, name, type, seed_sha256, seed, created_at, updated_at)
			VALUES (?, ?, ?, 'routine', 'x', ?, ?, ?)`, id, year, "计划"+string(rune('A'+id)), seed, now, now)
	}
	unit := func(planID int64, ord int) {
		storetest.Exec(t, s, `INSERT INTO plan_units (plan_id, ord, institution_id, credit_code, name, weight, draw_key)
			VALUES (?, ?, ?, 'c', 'n', 1, 0.5)`, planID, ord, inst)
	}
	inspection := func(planID any, ord int, on, outcome string, locked bool) {
		var lockedAt any
		if locked {
			lockedAt = now
		}
		storetest.Exec(t, s, `INSERT INTO inspections (plan_id, plan_ord, type, institution_id, inspector1, inspector2, inspected_on,
			outcome, locked_at, created_at, updated_at) VALUES (?, ?, 'routine', ?, 'a', 'b', ?, ?, ?, ?, ?)`,
			planID, ord, inst, on, outcome, lockedAt, now, now)
	}
	plan(1, 2025, "seed")
	plan(2, 2025, "")
	plan(3, 2024, "old")
	unit(1, 1)
	unit(1, 2)
	unit(3, 1)
	inspection(int64(1), 1, "2025-05-01", "rectify", true)
	inspection(nil, 0, "2025-06-01", "compliant", true)
	inspection(nil, 0, "2025-07-01", "", false)
	inspection(int64(3), 1, "2024-07-01", "case", true)
	y, err := (&reports.Service{Store: s}).Yearly(context.Background(), &domain.User{Username: "v", Role: domain.RoleViewer}, 2025)
	if err != nil {
		t.Fatal(err)
	}
	e := y.Enforcement
	if e.Plans != 2 || e.Drawn != 1 || e.Units != 2 || e.UnitsInspected != 1 || e.Inspections != 3 || e.Signed != 2 {
		t.Errorf("enforcement: %+v", e)
	}
	got := map[string]int{}
	for _, c := range e.ByOutcome {
		got[c.Key] = c.N
	}
	if len(got) != 3 || got["rectify"] != 1 || got["compliant"] != 1 || got[""] != 1 {
		t.Errorf("by outcome: %+v", e.ByOutcome)
	}
}
