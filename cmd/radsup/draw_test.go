package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/draw"
	"radsup/internal/enforcement"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestDrawCommands: a preview prints the spec's JSON and writes nothing;
// `draw verify` passes on a frozen plan and exits 1 once its stored units
// are altered behind radsup's back.
func TestDrawCommands(t *testing.T) {
	ctx := context.Background()
	db := storetest.URL(t)
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var codes []string
	err = s.WithTx(ctx, domain.System, func(tx *store.Tx) error {
		for range 4 {
			inst := storetest.Institution(t, tx)
			storetest.Licence(t, tx, inst.ID)
			codes = append(codes, inst.CreditCode)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string { return map[string]string{"RADSUP_DB": db}[k] }
	var out bytes.Buffer
	if err := run(ctx, []string{"draw", "-seed", "公开种子", "-n", "2", "-format", "json"}, getenv, nil, &out, &out); err != nil {
		t.Fatalf("draw: %v\n%s", err, out.String())
	}
	var got draw.Result
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	var pool []draw.Unit
	for _, c := range codes {
		pool = append(pool, draw.Unit{CreditCode: c, Weight: 1})
	}
	want, _ := draw.Run("公开种子", pool, 2, nil)
	if got.Pool != 4 || got.SeedSHA256 != draw.Commitment("公开种子") || len(got.Drawn) != 2 ||
		got.Drawn[0].CreditCode != want.Drawn[0].CreditCode || got.Drawn[1].Key != want.Drawn[1].Key {
		t.Errorf("draw printed %+v, want %+v", got, want)
	}
	if n := storetest.Count(t, s, "plans"); n != 0 {
		t.Errorf("a preview stored %d plans", n)
	}
	if err := run(ctx, []string{"draw", "-seed", "x", "-n", "2", "-ratio", "0.5"}, getenv, nil, &out, &out); err == nil {
		t.Error("draw with both -n and -ratio was accepted")
	}

	svc := &enforcement.Service{Store: s}
	sup := &domain.User{Username: "sup", Role: domain.RoleSupervisor}
	p := &domain.Plan{Year: domain.DateOf(s.Now()).Year(), Name: "抽查", Type: "random", Ratio: 0.5,
		SeedSHA256: draw.Commitment("种子"), SeedSource: "现场宣读"}
	if err := svc.CreatePlan(ctx, domain.Actor{}, sup, p); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Draw(ctx, domain.Actor{}, sup, p.ID, p.Version, "种子"); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"draw", "verify", "-plan", "1", "-lang", "en"}, getenv, nil, &out, &out); err != nil || !strings.Contains(out.String(), "draw verified") {
		t.Fatalf("verify of an untouched draw: %v\n%s", err, out.String())
	}

	// Only an attacker with the database's owner rights can get past the
	// triggers; verify still notices.
	if s.Dialect() == "postgres" {
		storetest.Exec(t, s, "DROP TRIGGER plan_units_frozen ON plan_units")
	} else {
		storetest.Exec(t, s, "DROP TRIGGER plan_units_frozen_update")
	}
	storetest.Exec(t, s, "UPDATE plan_units SET credit_code = 'X', draw_key = draw_key / 2 WHERE plan_id = 1 AND ord = 1")
	out.Reset()
	err = run(ctx, []string{"draw", "verify", "-plan", "1"}, getenv, nil, &out, &out)
	if !errors.As(err, new(drawFailed)) || !strings.Contains(out.String(), "第 1 位") {
		t.Errorf("verify of an altered draw: %v\n%s", err, out.String())
	}
}

// TestDemoHasADrawnPlan: the demo district comes with inspectors, a frozen
// draw that verifies, a plan waiting for its draw, and a signed and an
// unsigned inspection of drawn units.
func TestDemoHasADrawnPlan(t *testing.T) {
	ctx := context.Background()
	db := storetest.URL(t)
	getenv := func(k string) string { return map[string]string{"RADSUP_DB": db}[k] }
	var out bytes.Buffer
	if err := run(ctx, []string{"demo"}, getenv, nil, &out, &out); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	svc := &enforcement.Service{Store: s}
	sup := &domain.User{Username: "sup", Role: domain.RoleSupervisor}
	plans, err := svc.Plans(ctx, sup, 0)
	if err != nil || len(plans) != 2 {
		t.Fatalf("plans = %v, %v", plans, err)
	}
	drawn := 0
	for _, p := range plans {
		if !p.Drawn() {
			continue
		}
		drawn++
		v, err := svc.Verify(ctx, sup, p.ID)
		if err != nil || len(v.Differences) != 0 || len(v.Result.Drawn) == 0 || len(v.Result.Drawn[0].Inspectors) != 2 {
			t.Errorf("demo draw: %+v, %v", v, err)
		}
	}
	if drawn != 1 {
		t.Errorf("%d drawn plans, want 1", drawn)
	}
	ins, _ := svc.Inspectors(ctx, sup)
	if len(ins) < 2 || !ins[0].Active || ins[0].CertNo == "" {
		t.Errorf("demo inspectors = %+v", ins)
	}
	// A signed inspection and an unsigned one, both of drawn units.
	xs, err := svc.Inspections(ctx, sup, enforcement.InspectionList{})
	if err != nil || len(xs) != 2 {
		t.Fatalf("demo inspections = %v, %v", xs, err)
	}
	signed := 0
	for _, x := range xs {
		if x.PlanID == 0 {
			t.Errorf("demo inspection %d is not of a drawn unit", x.ID)
		}
		if x.Locked() {
			signed++
			if x.Outcome != "rectify" {
				t.Errorf("signed demo inspection outcome %q", x.Outcome)
			}
		}
	}
	if signed != 1 {
		t.Errorf("%d signed demo inspections, want 1", signed)
	}
}
