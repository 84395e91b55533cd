package main

import (
	"bytes"
	"context"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestDemoHasACaseInEachState: the demo has one case in each state of the
// procedure; the served one's first report is overdue, the decided ones
// are numbered and on the public list.
func TestDemoHasACaseInEachState(t *testing.T) {
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
	cases, err := svc.Cases(ctx, sup, enforcement.CaseList{})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]*domain.Case{}
	for _, c := range cases {
		states[c.State] = c
	}
	for _, o := range domain.CaseStates.Options {
		c := states[o.Key]
		if c == nil {
			t.Errorf("no demo case %s", o.Key)
			continue
		}
		if c.Decided() != (domain.CaseStateIndex(o.Key) >= domain.CaseStateIndex("decided")) || c.Decided() && c.DecisionNo == "" {
			t.Errorf("demo case %s: decided %v, number %q", o.Key, c.Decided(), c.DecisionNo)
		}
	}
	tasks, err := svc.CaseTasks(ctx, sup)
	if err != nil {
		t.Fatal(err)
	}
	overdue := 0
	for _, task := range tasks {
		if task.Overdue {
			overdue++
		}
	}
	if overdue != 2 {
		t.Errorf("%d overdue reports, want the served case's first and the closed case's second", overdue)
	}
	if ps, err := svc.PublicPenalties(ctx); err != nil || len(ps) != 4 {
		t.Errorf("public penalties %d, %v", len(ps), err)
	}
}
