package findings_test

import (
	"context"
	"slices"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// rules returns the rule IDs of a page's findings, sorted.
func rules(p *store.FindingPage) []string {
	var out []string
	for _, f := range p.Findings {
		out = append(out, f.Rule)
	}
	slices.Sort(out)
	return out
}

// TestReadByPolicy reads findings as each role: a supervisor sees every
// finding, a viewer all but those derived from exams and doses (health
// data; it is told how many are hidden), an institution user its own
// institution's, an account administrator none at all.
func TestReadByPolicy(t *testing.T) {
	s, svc := setup(t)
	f := newLCFixture(t, s)
	ctx := context.Background()
	if run, err := svc.LastRun(ctx); run != nil || err != nil {
		t.Errorf("last run before any: %+v, %v", run, err)
	}
	if _, err := svc.RunFull(ctx, day0); err != nil {
		t.Fatal(err)
	}
	if run, err := svc.LastRun(ctx); err != nil || run == nil || !run.AsOf.Equal(day0) {
		t.Errorf("last run: %+v, %v", run, err)
	}
	users := map[string]*domain.User{}
	mustTx(t, s, func(tx *store.Tx) error {
		other := storetest.Institution(t, tx)
		users["supervisor"] = storetest.User(t, tx, domain.RoleSupervisor, 0)
		users["viewer"] = storetest.User(t, tx, domain.RoleViewer, 0)
		users["own"] = storetest.User(t, tx, domain.RoleInstitution, f.inst.ID)
		users["other"] = storetest.User(t, tx, domain.RoleInstitution, other.ID)
		users["admin"] = storetest.User(t, tx, domain.RoleAdmin, 0)
		return nil
	})
	all, err := svc.List(ctx, users["supervisor"], store.FindingFilter{})
	if err != nil || !slices.Contains(rules(all), screening.PerPermitMissing) || !slices.Contains(rules(all), screening.EqpStatusOverdue) {
		t.Fatalf("supervisor's list: %v, %v", rules(all), err)
	}
	person := stored(t, s, screening.PerPermitMissing, screening.SubjectPerson, f.p.ID)
	for role, want := range map[string]int{"supervisor": len(all.Findings), "own": len(all.Findings), "other": 0} {
		if p, err := svc.List(ctx, users[role], store.FindingFilter{}); err != nil || len(p.Findings) != want {
			t.Errorf("%s sees %v, %v; want %d findings", role, rules(p), err, want)
		}
	}
	isHealth := func(x *domain.Finding) bool { r, _ := screening.RuleByID(x.Rule); return r.Health }
	healthy := slices.DeleteFunc(slices.Clone(all.Findings), isHealth)
	if len(healthy) == len(all.Findings) {
		t.Fatalf("the fixture has no finding from health data: %v", rules(all))
	}
	p, err := svc.List(ctx, users["viewer"], store.FindingFilter{})
	if err != nil || len(p.Findings) != len(healthy) || slices.ContainsFunc(p.Findings, isHealth) ||
		!slices.Contains(rules(p), screening.PerPermitMissing) {
		t.Errorf("viewer sees %v, %v; want %v: every finding but those from health data", rules(p), err, rules(&store.FindingPage{Findings: healthy}))
	}
	if n, err := svc.Hidden(ctx, users["viewer"], store.FindingFilter{}); err != nil || n != len(all.Findings)-len(healthy) {
		t.Errorf("viewer is told %d findings are hidden (%v), want %d", n, err, len(all.Findings)-len(healthy))
	}
	if n, _ := svc.Hidden(ctx, users["supervisor"], store.FindingFilter{}); n != 0 {
		t.Errorf("the supervisor is told %d findings are hidden", n)
	}
	if got, err := svc.Find(ctx, users["viewer"], person.ID); err != nil || got.ID != person.ID {
		t.Errorf("viewer finds the permit finding of a person: %v", err)
	}
	health := all.Findings[slices.IndexFunc(all.Findings, isHealth)]
	if _, err := svc.Find(ctx, users["viewer"], health.ID); !store.IsNotFound(err) {
		t.Errorf("viewer finds a finding from health data (%s): %v", health.Rule, err)
	}
	if got, err := svc.Find(ctx, users["own"], person.ID); err != nil || got.ID != person.ID {
		t.Errorf("institution user finds its own: %v, %v", got, err)
	}
	if _, err := svc.List(ctx, users["admin"], store.FindingFilter{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("admin lists findings: %v", err)
	}
	if err := svc.Dismiss(ctx, domain.Actor{Username: "v"}, users["viewer"], person.ID, person.Version, "已核实"); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("viewer dismisses: %v", err)
	}

	ofPerson, err := svc.RecordFindings(ctx, users["supervisor"], screening.SubjectPerson, f.p.ID, 20)
	if err != nil || len(ofPerson.Findings) == 0 || slices.ContainsFunc(ofPerson.Findings, func(x *domain.Finding) bool { return x.SubjectID != f.p.ID }) {
		t.Errorf("the person's findings: %v, %v", rules(ofPerson), err)
	}
	ofInst, err := svc.RecordFindings(ctx, users["supervisor"], "", f.inst.ID, 1)
	if err != nil || len(ofInst.Findings) != 1 || ofInst.Total != len(all.Findings) {
		t.Errorf("the institution's findings, one shown: %v of %d, %v", rules(ofInst), ofInst.Total, err)
	}
}
