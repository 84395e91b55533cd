package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// testFinding returns an open finding of a rule for a subject at an institution.
func testFinding(rule string, sev domain.Severity, subjectID, instID int64, due string) *domain.Finding {
	return &domain.Finding{Rule: rule, Severity: sev, SubjectType: screening.SubjectPerson,
		SubjectKey: fmt.Sprintf("ID%d", subjectID), SubjectID: subjectID, InstitutionID: instID,
		InstitutionCode: fmt.Sprintf("CODE%d", instID), Template: rule, Evidence: domain.Evidence{"k": {Value: "v"}},
		DueOn: domain.MustDate(due), Status: domain.FindingOpen, FirstSeen: domain.MustDate("2026-06-01"),
		LastSeen: domain.MustDate("2026-06-01"), FactsHash: "h", Version: 1}
}

func mustTx(t *testing.T, s *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := s.WithTx(context.Background(), domain.Actor{Username: "sup"}, fn); err != nil {
		t.Fatal(err)
	}
}

func TestPutFindingByKey(t *testing.T) {
	s := storetest.Open(t)
	mustTx(t, s, func(tx *store.Tx) error {
		// No institution: the key holds with institution_id 0.
		f := testFinding(screening.PerDoseAnnualHigh, domain.Warning, 7, 0, "2026-07-01")
		if err := tx.PutFinding(f); err != nil {
			return err
		}
		g := testFinding(screening.PerDoseAnnualHigh, domain.Warning, 7, 0, "2026-07-01")
		g.Template, g.Version = screening.PerDoseAnnualHigh+"/changed", 2
		g.Evidence = domain.Evidence{"k": {Value: "w"}, "l": domain.ListFact([]domain.Item{{"from": "2026-01-01"}})}
		if err := tx.PutFinding(g); err != nil {
			return err
		}
		if g.ID != f.ID {
			t.Errorf("second put of one key made row %d, first %d", g.ID, f.ID)
		}
		got, err := tx.FindFinding(domain.Scope{}, f.ID)
		if err != nil || got.Template != g.Template || got.Version != 2 || !got.Evidence.Equal(g.Evidence) || !got.DueOn.Equal(f.DueOn) {
			t.Errorf("after upsert: %+v, %v", got, err)
		}
		other := testFinding(screening.PerDoseAnnualHigh, domain.Warning, 8, 0, "2026-07-01")
		if err := tx.PutFinding(other); err != nil {
			return err
		}
		if err := tx.TouchFindings([]int64{f.ID}, domain.MustDate("2026-06-05")); err != nil {
			return err
		}
		touched, _ := tx.FindFinding(domain.Scope{}, f.ID)
		if touched.LastSeen.String() != "2026-06-05" || touched.Version != 2 || !touched.UpdatedAt.Equal(got.UpdatedAt) {
			t.Errorf("touch: %+v", touched)
		}
		subj, err := tx.SubjectFindings(screening.SubjectPerson, []int64{7})
		if err != nil || len(subj) != 1 || subj[0].ID != f.ID {
			t.Errorf("SubjectFindings(7) = %v, %v", subj, err)
		}
		rng, err := tx.FindingsInRange(screening.SubjectPerson, 7, 100)
		if err != nil || len(rng) != 1 || rng[0].ID != other.ID {
			t.Errorf("FindingsInRange(7, 100] = %v, %v", rng, err)
		}
		due, err := tx.FindingDueDates(0)
		if err != nil || len(due) != 2 || !due[other.Key()].Equal(other.DueOn) {
			t.Errorf("FindingDueDates = %v, %v", due, err)
		}
		return nil
	})
}

// findingListFixture puts findings of several severities, rules, streets and
// statuses at two institutions and returns them with the institutions.
func findingListFixture(t *testing.T, s *store.Store) (a, b *domain.Institution, all []*domain.Finding) {
	mustTx(t, s, func(tx *store.Tx) error {
		a = storetest.Institution(t, tx, func(x *domain.Institution) { x.Street = "410102001" })
		b = storetest.Institution(t, tx, func(x *domain.Institution) { x.Street = "410102002" })
		all = []*domain.Finding{
			testFinding(screening.PerMultiSite, domain.Notice, 1, a.ID, "2026-06-10"),
			testFinding(screening.PerPermitMissing, domain.Violation, 1, a.ID, "2026-07-01"),
			testFinding(screening.PerDoseInvestigate, domain.Warning, 2, b.ID, "2026-06-20"),
			testFinding(screening.PerPermitMissing, domain.Violation, 2, b.ID, "2026-06-15"),
			testFinding(screening.PerPermitMissing, domain.Violation, 3, a.ID, "2026-06-15"),
			testFinding(screening.PerExamOverdue, domain.Violation, 3, a.ID, "2026-06-15"),
		}
		resolved := testFinding(screening.PerExamUnfit, domain.Violation, 4, a.ID, "2026-06-01")
		resolved.Status = domain.FindingResolved
		for _, f := range append(slices.Clone(all), resolved) {
			if err := tx.PutFinding(f); err != nil {
				return err
			}
		}
		return nil
	})
	return a, b, all
}

func findingIDs(fs []*domain.Finding) []int64 {
	var out []int64
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

func TestFindFindings(t *testing.T) {
	s := storetest.Open(t)
	a, b, all := findingListFixture(t, s)
	open := store.FindingFilter{Status: domain.FindingOpen}
	s.View(context.Background(), func(tx *store.Tx) error {
		check := func(name string, sc domain.Scope, f store.FindingFilter, want []int64, total int) *store.FindingPage {
			t.Helper()
			p, err := tx.FindFindings(sc, f)
			if err != nil || !slices.Equal(findingIDs(p.Findings), want) || p.Total != total {
				t.Errorf("%s: got %v (total %d), %v; want %v (total %d)", name, findingIDs(p.Findings), p.Total, err, want, total)
			}
			return p
		}
		// Violations first, by due date then id; then warnings; then notices.
		sorted := []int64{all[3].ID, all[4].ID, all[5].ID, all[1].ID, all[2].ID, all[0].ID}
		p := check("all open", domain.Scope{}, open, sorted, 6)
		wantSev := map[domain.Severity]int{domain.Violation: 4, domain.Warning: 1, domain.Notice: 1}
		if !maps.Equal(p.BySeverity, wantSev) || p.ByRule[screening.PerPermitMissing] != 3 || len(p.ByRule) != 4 {
			t.Errorf("counts: %v %v", p.BySeverity, p.ByRule)
		}
		page := open
		page.Limit, page.Offset = 2, 2
		check("page 2", domain.Scope{}, page, sorted[2:4], 6)
		sev := open
		sev.Severity = domain.Violation
		p = check("violations", domain.Scope{}, sev, sorted[:4], 4)
		if !maps.Equal(p.BySeverity, wantSev) || p.ByRule[screening.PerMultiSite] != 0 || p.ByRule[screening.PerPermitMissing] != 3 {
			t.Errorf("violations' counts: severity counts ignore the severity filter: %v; rules follow it: %v", p.BySeverity, p.ByRule)
		}
		rule := open
		rule.Rule = screening.PerPermitMissing
		p = check("rule", domain.Scope{}, rule, []int64{all[3].ID, all[4].ID, all[1].ID}, 3)
		if p.ByRule[screening.PerMultiSite] != 1 || p.BySeverity[domain.Notice] != 0 {
			t.Errorf("rule's counts: %v %v", p.ByRule, p.BySeverity)
		}
		street := open
		street.Street = "410102002"
		check("street", domain.Scope{}, street, []int64{all[3].ID, all[2].ID}, 2)
		subj := store.FindingFilter{SubjectType: screening.SubjectPerson, SubjectID: 4}
		check("subject, any status", domain.Scope{}, subj, []int64{all[5].ID + 1}, 1)
		inst := open
		inst.InstitutionID = b.ID
		check("institution", domain.Scope{}, inst, []int64{all[3].ID, all[2].ID}, 2)
		check("scope", domain.Scope{InstitutionID: a.ID}, open, []int64{all[4].ID, all[5].ID, all[1].ID, all[0].ID}, 4)
		if _, err := tx.FindFinding(domain.Scope{InstitutionID: a.ID}, all[2].ID); !store.IsNotFound(err) {
			t.Errorf("institution user finds another institution's finding: %v", err)
		}
		return nil
	})
}

func TestDismissFinding(t *testing.T) {
	s := storetest.Open(t)
	a, _, all := findingListFixture(t, s)
	f := all[1]
	ctx := context.Background()
	err := s.WithTx(ctx, domain.Actor{Username: "sup"}, func(tx *store.Tx) error {
		_, err := tx.DismissFinding(domain.Scope{}, f.ID, f.Version+1, "已核实")
		return err
	})
	if !errors.Is(err, store.ErrStale) {
		t.Errorf("stale dismiss: %v", err)
	}
	err = s.WithTx(ctx, domain.Actor{Username: "iu"}, func(tx *store.Tx) error {
		_, err := tx.DismissFinding(domain.Scope{InstitutionID: a.ID + 1}, f.ID, f.Version, "已核实")
		return err
	})
	if !store.IsNotFound(err) {
		t.Errorf("dismiss out of scope: %v", err)
	}
	mustTx(t, s, func(tx *store.Tx) error {
		got, err := tx.DismissFinding(domain.Scope{}, f.ID, f.Version, "已核实，人员证已办理")
		if err != nil {
			return err
		}
		if got.Status != domain.FindingDismissed || got.DismissedBy != "sup" || got.DismissReason != "已核实，人员证已办理" ||
			got.DismissedAt.IsZero() || got.Version != f.Version+1 {
			t.Errorf("dismissed: %+v", got)
		}
		var n int
		store.TxQueryRow(tx, "SELECT COUNT(*) FROM audit_events WHERE action = 'dismiss' AND entity = 'finding' AND entity_id = ?", f.ID).Scan(&n)
		if n != 1 {
			t.Errorf("%d audit events for the dismissal", n)
		}
		if _, err := tx.DismissFinding(domain.Scope{}, f.ID, got.Version, "again"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("dismissing a dismissed finding: %v", err)
		}
		return nil
	})
}

func TestScreeningRuns(t *testing.T) {
	s := storetest.Open(t)
	asOf := domain.MustDate("2026-06-30")
	mustTx(t, s, func(tx *store.Tx) error {
		if _, err := tx.LastScreeningRun("full"); !store.IsNotFound(err) {
			t.Errorf("last run of none: %v", err)
		}
		r := &domain.ScreeningRun{AsOf: asOf, Kind: "full"}
		if err := tx.StartScreeningRun(r); err != nil {
			return err
		}
		if done, err := tx.ScreeningRunDone("full", asOf); done || err != nil {
			t.Errorf("unfinished run done: %v, %v", done, err)
		}
		r.Subjects, r.Opened, r.Resolved, r.StillOpen = 10, 3, 2, 1
		if err := tx.FinishScreeningRun(r); err != nil {
			return err
		}
		last, err := tx.LastScreeningRun("full")
		if err != nil || last.ID != r.ID || last.Subjects != 10 || last.Opened != 3 || last.Resolved != 2 ||
			last.StillOpen != 1 || !last.AsOf.Equal(asOf) || last.FinishedAt.IsZero() {
			t.Errorf("last run %+v, %v", last, err)
		}
		if done, err := tx.ScreeningRunDone("full", asOf); !done || err != nil {
			t.Errorf("finished run not done: %v, %v", done, err)
		}
		return nil
	})
}

// TestFindingCountsKept: the findings list's counts by rule and severity
// are counted once and kept until a finding is written.
func TestFindingCountsKept(t *testing.T) {
	s := storetest.Open(t)
	mustTx(t, s, func(tx *store.Tx) error {
		return tx.PutFinding(testFinding(screening.PerDoseAnnualHigh, domain.Warning, 7, 0, "2026-07-01"))
	})
	grouped := 0
	s.OnQuery = func(q string, _ []any) {
		if strings.Contains(q, "GROUP BY") {
			grouped++
		}
	}
	defer func() { s.OnQuery = nil }()
	check := func(step string, total, counts int) {
		t.Helper()
		grouped = 0
		err := s.View(context.Background(), func(tx *store.Tx) error {
			p, err := tx.FindFindings(domain.Scope{}, store.FindingFilter{Status: domain.FindingOpen, Limit: 10})
			if err == nil && (p.Total != total || p.ByRule[screening.PerDoseAnnualHigh] != total || grouped != counts) {
				t.Errorf("%s: total %d, by rule %v, %d GROUP BY statements; want %d, %d", step, p.Total, p.ByRule, grouped, total, counts)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	check("first", 1, 2)
	check("again", 1, 0)
	mustTx(t, s, func(tx *store.Tx) error {
		return tx.PutFinding(testFinding(screening.PerDoseAnnualHigh, domain.Warning, 8, 0, "2026-07-01"))
	})
	check("after a finding is written", 2, 2)
}
