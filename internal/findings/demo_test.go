package findings_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// demoDistrict loads the demo district as of day0.
func demoDistrict(t testing.TB) (*store.Store, *findings.Service) {
	t.Helper()
	s, svc := setup(t)
	if _, err := demo.Load(context.Background(), s, demo.District, 1, day0); err != nil {
		t.Fatal(err)
	}
	return s, svc
}

// snapshot returns every column of every stored finding, one line each.
func snapshot(t *testing.T, s *store.Store) []string {
	t.Helper()
	var out []string
	err := s.View(context.Background(), func(tx *store.Tx) error {
		p, err := tx.FindFindings(domain.Scope{}, store.FindingFilter{})
		for _, f := range p.Findings {
			out = append(out, fmt.Sprintf("%+v", *f))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// openFindings returns the stored open findings as key → message.
func openFindings(t *testing.T, s *store.Store) map[domain.FindingKey]string {
	t.Helper()
	out := map[domain.FindingKey]string{}
	s.View(context.Background(), func(tx *store.Tx) error {
		p, err := tx.FindFindings(domain.Scope{}, store.FindingFilter{Status: domain.FindingOpen})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range p.Findings {
			out[f.Key()] = screening.Message("zh-CN", f.Template, f.Evidence, f.DueOn)
		}
		return nil
	})
	return out
}

// preview returns what a fresh screening finds, as key → message.
func preview(t *testing.T, svc *findings.Service, asOf domain.Date) map[domain.FindingKey]string {
	t.Helper()
	rep, err := svc.Preview(context.Background(), asOf, "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[domain.FindingKey]string{}
	for _, f := range rep.Findings {
		out[store.FindingOf(f).Key()] = screening.Message("zh-CN", f.Template, f.Evidence, f.DueOn)
	}
	return out
}

func diffFindings(t *testing.T, got, want map[domain.FindingKey]string) {
	t.Helper()
	n := 0
	for k, m := range want {
		if g, ok := got[k]; !ok || g != m {
			if n++; n <= 10 {
				t.Errorf("stored %v: %q; a fresh screening finds %q", k, g, m)
			}
		}
	}
	for k, m := range got {
		if _, ok := want[k]; !ok {
			if n++; n <= 10 {
				t.Errorf("stored %v (%q) is not found by a fresh screening", k, m)
			}
		}
	}
	if n > 0 {
		t.Errorf("%d differences between the stored open findings and a fresh screening", n)
	}
}

func TestDemoDistrict(t *testing.T) {
	s, svc := demoDistrict(t)
	ctx := context.Background()
	stats, err := svc.RunFull(ctx, day0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first run: %+v", stats)
	var byRule map[string]int
	s.View(ctx, func(tx *store.Tx) error {
		p, err := tx.FindFindings(domain.Scope{}, store.FindingFilter{Status: domain.FindingOpen, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		byRule = p.ByRule
		return nil
	})
	var fired, silent []string
	for _, r := range screening.Catalog() {
		if n := byRule[r.ID]; n > 0 {
			fired = append(fired, fmt.Sprintf("%s×%d", r.ID, n))
		} else {
			silent = append(silent, r.ID)
		}
	}
	t.Logf("%d rules fire: %s", len(fired), strings.Join(fired, " "))
	t.Logf("silent: %s", strings.Join(silent, " "))
	if len(fired) < 20 {
		t.Errorf("%d distinct rules fire on the demo district, want at least 20", len(fired))
	}
	diffFindings(t, openFindings(t, s), preview(t, svc, day0))

	before := snapshot(t, s)
	again, err := svc.RunFull(ctx, day0)
	if err != nil {
		t.Fatal(err)
	}
	if again.Opened != 0 || again.Resolved != 0 || again.StillOpen != stats.Opened || again.Subjects != stats.Subjects {
		t.Errorf("second run on unchanged data: %+v", again)
	}
	if after := snapshot(t, s); !slices.Equal(before, after) {
		t.Error("a second run on unchanged data changed stored findings")
	}
	if audits := storetest.Count(t, s, "audit_events WHERE action <> 'demo_load'"); audits != 0 {
		t.Errorf("full runs wrote %d audit events", audits)
	}
}

func TestPreviewInstitution(t *testing.T) {
	_, svc := demoDistrict(t)
	ctx := context.Background()
	rep, err := svc.Preview(ctx, day0, "")
	if err != nil {
		t.Fatal(err)
	}
	all := rep.Findings
	if rep.Subjects < 500 {
		t.Errorf("the preview screened %d subjects; the demo district has more", rep.Subjects)
	}
	byInst := map[string][]screening.Finding{}
	for _, f := range all {
		if f.DueOn.IsZero() {
			t.Errorf("preview finding without a due date: %+v", f)
		}
		byInst[f.Institution] = append(byInst[f.Institution], f)
	}
	if !slices.IsSortedFunc(all, func(a, b screening.Finding) int { return strings.Compare(a.Institution, b.Institution) }) {
		t.Error("preview not sorted by institution")
	}
	for code, want := range byInst {
		got, err := svc.Preview(ctx, day0, code)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Findings) != len(want) || got.Subjects == 0 || got.Subjects >= rep.Subjects {
			t.Errorf("preview of %s: %d findings of %d subjects, %d in the whole preview", code, len(got.Findings), got.Subjects, len(want))
		}
	}
	if _, err := svc.Preview(ctx, day0, "no-such-code"); !store.IsNotFound(err) {
		t.Errorf("preview of an unknown institution: %v", err)
	}
}

// TestIncrementalMatchesFull applies random edits through the registry,
// each re-screening what it touched, and checks that the stored open
// findings are then exactly what a fresh screening finds, and that a full
// run has nothing left to do.
func TestIncrementalMatchesFull(t *testing.T) {
	s, svc := demoDistrict(t)
	ctx := context.Background()
	if _, err := svc.RunFull(ctx, day0); err != nil {
		t.Fatal(err)
	}
	e := newEditor(t, s, svc, 20260630)
	opened := len(openFindings(t, s))
	applied, skipped := map[string]int{}, map[string]int{}
	for range 150 {
		if name, ok := e.edit(); ok {
			applied[name]++
		} else {
			skipped[name]++
		}
	}
	t.Logf("edits applied: %v; skipped: %v", applied, skipped)
	t.Logf("open findings: %d after the first full run, %d after the edits", opened, len(openFindings(t, s)))
	if len(applied) < 10 {
		t.Errorf("only %d kinds of edit applied", len(applied))
	}
	diffFindings(t, openFindings(t, s), preview(t, svc, day0))

	before := snapshot(t, s)
	stats, err := svc.RunFull(ctx, day0)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Opened != 0 || stats.Resolved != 0 {
		t.Errorf("a full run after the incremental ones opened %d and resolved %d", stats.Opened, stats.Resolved)
	}
	if after := snapshot(t, s); !slices.Equal(before, after) {
		t.Error("a full run after the incremental ones changed stored findings")
	}
}
