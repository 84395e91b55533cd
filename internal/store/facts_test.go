package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// factsFixture is a small register: institution a with a licence, an
// in-use DR with two tests and a retired device; a person employed at a
// and b with records at both; and a retired record of each kind.
type factsFixture struct {
	a, b        *domain.Institution
	lic         *domain.Licence
	dr, retired *domain.Equipment
	tests       []*domain.EquipmentTest
	p, other    *domain.Person
	emps        []*domain.Employment
	trains      []*domain.Training
	exams       []*domain.Exam
	doses       []*domain.DoseRecord
}

func newFactsFixture(t *testing.T, s *store.Store) *factsFixture {
	t.Helper()
	f := &factsFixture{}
	err := s.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		f.a, f.b = storetest.Institution(t, tx), storetest.Institution(t, tx)
		f.lic = storetest.Licence(t, tx, f.a.ID)
		old := storetest.Licence(t, tx, f.a.ID)
		f.dr, f.retired = storetest.Equipment(t, tx, f.a.ID), storetest.Equipment(t, tx, f.a.ID)
		f.tests = []*domain.EquipmentTest{storetest.Test(t, tx, f.dr.ID),
			storetest.Test(t, tx, f.dr.ID, func(x *domain.EquipmentTest) { x.Kind = "protection" })}
		gone := storetest.Test(t, tx, f.dr.ID, func(x *domain.EquipmentTest) { x.Kind = "acceptance" })
		f.p = storetest.Person(t, tx)
		f.emps = []*domain.Employment{storetest.Employment(t, tx, f.p.ID, f.a.ID), storetest.Employment(t, tx, f.p.ID, f.b.ID)}
		f.trains = []*domain.Training{storetest.Training(t, tx, f.p.ID)}
		goneTraining := storetest.Training(t, tx, f.p.ID)
		f.exams = []*domain.Exam{storetest.Exam(t, tx, f.p.ID), storetest.Exam(t, tx, f.p.ID)}
		f.doses = []*domain.DoseRecord{storetest.Dose(t, tx, f.p.ID, f.a.ID), storetest.Dose(t, tx, f.p.ID, f.b.ID)}
		goneDose := storetest.Dose(t, tx, f.p.ID, f.a.ID)
		f.other = storetest.Person(t, tx) // another person's records must not leak in
		storetest.Employment(t, tx, f.other.ID, f.a.ID)
		storetest.Dose(t, tx, f.other.ID, f.a.ID)
		must := func(_ any, err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(store.Retire(tx, store.Licences, domain.Scope{}, old.ID, old.Version))
		must(store.Retire(tx, store.Equipment, domain.Scope{}, f.retired.ID, f.retired.Version))
		must(store.Retire(tx, store.Tests, domain.Scope{}, gone.ID, gone.Version))
		must(store.Retire(tx, store.Trainings, domain.Scope{}, goneTraining.ID, goneTraining.Version))
		must(store.Retire(tx, store.Doses, domain.Scope{}, goneDose.ID, goneDose.Version))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// noStamps ignores the timestamps, which facts leave out.
var noStamps = cmpopts.IgnoreFields(domain.Meta{}, "CreatedAt", "UpdatedAt")

func TestFactsLoaders(t *testing.T) {
	s := storetest.Open(t)
	f := newFactsFixture(t, s)
	err := s.View(context.Background(), func(tx *store.Tx) error {
		inst, err := tx.InstitutionFacts(f.a.ID)
		if err != nil {
			return err
		}
		want := screening.InstitutionFacts{Institution: f.a, Licences: []*domain.Licence{f.lic}, Equipment: []*domain.Equipment{f.dr}}
		if d := cmp.Diff(want, inst, noStamps); d != "" {
			t.Errorf("institution facts (-want +got):\n%s", d)
		}
		eq, err := tx.EquipmentFacts(f.dr.ID)
		if err != nil {
			return err
		}
		wantEq := screening.EquipmentFacts{Equipment: f.dr, Institution: f.a, Licences: []*domain.Licence{f.lic}, Tests: f.tests}
		if d := cmp.Diff(wantEq, eq, noStamps); d != "" {
			t.Errorf("equipment facts (-want +got):\n%s", d)
		}
		p, err := tx.PersonFacts(f.p.ID)
		if err != nil {
			return err
		}
		wantP := screening.PersonFacts{Person: f.p, Employments: f.emps, Trainings: f.trains, Exams: f.exams, Doses: f.doses,
			Institutions: map[int64]*domain.Institution{f.a.ID: f.a, f.b.ID: f.b}}
		if d := cmp.Diff(wantP, p, noStamps); d != "" {
			t.Errorf("person facts (-want +got):\n%s", d)
		}
		if !p.Doses[0].CreatedAt.IsZero() {
			t.Error("facts have timestamps")
		}
		if _, err := tx.PersonFacts(f.p.ID + 1000); !store.IsNotFound(err) {
			t.Errorf("facts of a missing person: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRetiredSubjectFacts(t *testing.T) {
	s := storetest.Open(t)
	f := newFactsFixture(t, s)
	ctx := context.Background()
	err := s.WithTx(ctx, domain.Actor{}, func(tx *store.Tx) error {
		_, err := store.Retire(tx, store.People, domain.Scope{}, f.p.ID, f.p.Version)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s.View(ctx, func(tx *store.Tx) error {
		// Loaded alone, a retired subject is there (the rules find nothing
		// for it); a full scan skips it.
		p, err := tx.PersonFacts(f.p.ID)
		if err != nil || !p.Person.Retired || len(p.Doses) != 2 {
			t.Errorf("retired person: %+v, %v", p.Person, err)
		}
		tx.EachPersonFacts(func(pf screening.PersonFacts) error {
			if pf.Person.ID == f.p.ID {
				t.Error("full scan visits a retired person")
			}
			return nil
		})
		return nil
	})
}

// TestFactsIterators checks on the demo district that each full scan visits
// every non-retired subject once, in id order, with the facts the
// per-subject loader gives; and that the callback may write on the
// scan's transaction.
func TestFactsIterators(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	if _, err := demo.Load(ctx, s, demo.District, 1, domain.MustDate("2026-06-30")); err != nil {
		t.Fatal(err)
	}
	err := s.WithTx(ctx, domain.Actor{}, func(tx *store.Tx) error {
		write := func() error {
			_, err := store.TxExec(tx, "UPDATE screening_runs SET subjects = subjects + 1 WHERE id = 0")
			return err
		}
		var seen []int64
		err := tx.EachPersonFacts(func(f screening.PersonFacts) error {
			seen = append(seen, f.Person.ID)
			one, err := tx.PersonFacts(f.Person.ID)
			if d := cmp.Diff(one, f); err != nil || d != "" {
				t.Errorf("person %d: %v (-alone +scan):\n%s", f.Person.ID, err, d)
			}
			return write()
		})
		checkVisited(t, tx, "people", seen, err)
		seen = nil
		err = tx.EachEquipmentFacts(func(f screening.EquipmentFacts) error {
			seen = append(seen, f.Equipment.ID)
			one, err := tx.EquipmentFacts(f.Equipment.ID)
			if d := cmp.Diff(one, f); err != nil || d != "" {
				t.Errorf("equipment %d: %v (-alone +scan):\n%s", f.Equipment.ID, err, d)
			}
			return write()
		})
		checkVisited(t, tx, "equipment", seen, err)
		seen = nil
		err = tx.EachInstitutionFacts(func(f screening.InstitutionFacts) error {
			seen = append(seen, f.Institution.ID)
			one, err := tx.InstitutionFacts(f.Institution.ID)
			if d := cmp.Diff(one, f); err != nil || d != "" {
				t.Errorf("institution %d: %v (-alone +scan):\n%s", f.Institution.ID, err, d)
			}
			return write()
		})
		checkVisited(t, tx, "institutions", seen, err)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkVisited(t *testing.T, tx *store.Tx, table string, seen []int64, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	rows, err := store.TxQuery(tx, "SELECT id FROM "+table+" WHERE NOT retired ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var want []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		want = append(want, id)
	}
	if len(want) < 50 || !slices.Equal(seen, want) {
		t.Errorf("%s: visited %d subjects, want each of %d once in id order", table, len(seen), len(want))
	}
	t.Logf("%s: %d subjects", table, len(seen))
}

func TestSubjectsOf(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	f := newFactsFixture(t, s)
	err := s.WithTx(ctx, domain.Actor{}, func(tx *store.Tx) error {
		all := []int64{f.dr.ID, f.retired.ID}
		check := func(entity string, id int64, ins, eq, ppl []int64) {
			t.Helper()
			gi, ge, gp, err := tx.SubjectsOf(entity, id)
			if err != nil || !slices.Equal(gi, ins) || !slices.Equal(ge, eq) || !slices.Equal(gp, ppl) {
				t.Errorf("SubjectsOf(%s, %d) = %v %v %v, %v; want %v %v %v", entity, id, gi, ge, gp, err, ins, eq, ppl)
			}
		}
		people := []int64{f.p.ID, f.other.ID}
		check("institution", f.a.ID, []int64{f.a.ID}, all, people)
		check("licence", f.lic.ID, []int64{f.a.ID}, all, nil)
		check("equipment", f.dr.ID, []int64{f.a.ID}, []int64{f.dr.ID}, nil)
		check("test", f.tests[0].ID, nil, []int64{f.dr.ID}, nil)
		check("person", f.p.ID, nil, nil, []int64{f.p.ID})
		check("employment", f.emps[1].ID, nil, nil, []int64{f.p.ID})
		check("training", f.trains[0].ID, nil, nil, []int64{f.p.ID})
		check("exam", f.exams[0].ID, nil, nil, []int64{f.p.ID})
		check("dose", f.doses[0].ID, nil, nil, []int64{f.p.ID})
		check("test", 999999, nil, nil, nil)
		if _, _, _, err := tx.SubjectsOf("user", 1); err == nil {
			t.Error("SubjectsOf an unknown entity: no error")
		}
		// Moving a device to another institution touches both.
		f.dr.InstitutionID = f.b.ID
		if err := store.Update(tx, store.Equipment, domain.Scope{}, f.dr); err != nil {
			return err
		}
		check("equipment", f.dr.ID, []int64{f.a.ID, f.b.ID}, []int64{f.dr.ID}, nil)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
