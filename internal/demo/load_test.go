package demo_test

import (
	"context"
	"testing"

	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestLoadDistrict loads the demo district into a real database and checks
// that what is stored is what was generated.
func TestLoadDistrict(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	asOf := domain.MustDate("2026-06-30")
	c, err := demo.Load(ctx, s, demo.District, 1, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if c.Institutions != 60 || c.People < 500 || c.Doses < 4000 {
		t.Fatalf("counts %s", c)
	}
	for table, want := range map[string]int{"institutions": c.Institutions, "people": c.People, "doses": c.Doses,
		"equipment": c.Equipment, "equipment_tests": c.Tests, "employments": c.Employments, "licences": c.Licences,
		"licence_acts WHERE kind = 'issue'": c.Licences} {
		if n := storetest.Count(t, s, table); n != want {
			t.Errorf("%s: %d rows, want %d", table, n, want)
		}
	}
	if audits := storetest.Count(t, s, "audit_events WHERE action = 'demo_load'"); audits != 1 {
		t.Errorf("%d demo_load audit events", audits)
	}
	s.View(ctx, func(tx *store.Tx) error {
		people, _, err := store.List(tx, store.People, domain.Scope{}, store.Filter{Limit: 5})
		if err != nil || len(people) != 5 {
			t.Fatalf("people: %v", err)
		}
		for _, p := range people {
			if errs := p.Validate(asOf); len(errs) != 0 {
				t.Errorf("stored person %s invalid: %v", p.IDNumber, errs)
			}
		}
		return nil
	})
}

// TestAccountInstitution: the demo's institution user works for an
// institution with several findings to rectify, the same one every time.
func TestAccountInstitution(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	asOf := domain.MustDate("2026-06-30")
	if _, err := demo.Load(ctx, s, demo.District, 2026, asOf); err != nil {
		t.Fatal(err)
	}
	id, err := demo.AccountInstitution(ctx, s, asOf)
	if err != nil || id == 0 {
		t.Fatalf("AccountInstitution = %d, %v", id, err)
	}
	if again, err := demo.AccountInstitution(ctx, s, asOf); err != nil || again != id {
		t.Errorf("second choice %d, %v; first %d", again, err, id)
	}
	var inst *domain.Institution
	s.View(ctx, func(tx *store.Tx) error {
		inst, err = store.Find(tx, store.Institutions, domain.Scope{}, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := (&findings.Service{Store: s}).Preview(ctx, asOf, inst.CreditCode)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rep.Findings); n < 3 {
		t.Errorf("%s has %d findings, want several", inst.Name, n)
	}
}
