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
// finding, a viewer none about people (health data), an institution user
// its own institution's, an account administrator none at all.
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
	if p, err := svc.List(ctx, users["viewer"], store.FindingFilter{}); err != nil || len(p.Findings) == 0 ||
		slices.ContainsFunc(p.Findings, func(x *domain.Finding) bool { return x.SubjectType == screening.SubjectPerson }) {
		t.Errorf("viewer sees %v, %v; want none about people", rules(p), err)
	}
	if _, err := svc.Find(ctx, users["viewer"], person.ID); !store.IsNotFound(err) {
		t.Errorf("viewer finds a finding about a person: %v", err)
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
