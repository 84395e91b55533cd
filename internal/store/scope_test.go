package store_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// world is two institutions, A and B, with records of each: pa works at A
// only, pb at B only, pab at both.
type world struct {
	a, b             *domain.Institution
	la, lb           *domain.Licence
	pa, pb, pab      *domain.Person
	empA, empB       []*domain.Employment // at A (pa, pab), at B (pb, pab)
	trA, trB, trAB   *domain.Training     // of pa, pb, pab
	exA, exB, exAB   *domain.Exam
	doseA, doseB     []*domain.DoseRecord // filed for A (pa, pab), for B (pb, pab)
	eqA, eqB         *domain.Equipment
	testA, testB     *domain.EquipmentTest
	doseABA, doseABB *domain.DoseRecord // pab's, filed for A and for B
}

func newWorld(t *testing.T, s *store.Store) *world {
	t.Helper()
	w := &world{}
	write(t, s, func(tx *store.Tx) {
		w.a, w.b = storetest.Institution(t, tx), storetest.Institution(t, tx)
		w.la, w.lb = storetest.Licence(t, tx, w.a.ID), storetest.Licence(t, tx, w.b.ID)
		w.pa, w.pb, w.pab = storetest.Person(t, tx), storetest.Person(t, tx), storetest.Person(t, tx)
		w.empA = []*domain.Employment{storetest.Employment(t, tx, w.pa.ID, w.a.ID), storetest.Employment(t, tx, w.pab.ID, w.a.ID)}
		w.empB = []*domain.Employment{storetest.Employment(t, tx, w.pb.ID, w.b.ID), storetest.Employment(t, tx, w.pab.ID, w.b.ID)}
		w.trA, w.trB, w.trAB = storetest.Training(t, tx, w.pa.ID), storetest.Training(t, tx, w.pb.ID), storetest.Training(t, tx, w.pab.ID)
		w.exA, w.exB, w.exAB = storetest.Exam(t, tx, w.pa.ID), storetest.Exam(t, tx, w.pb.ID), storetest.Exam(t, tx, w.pab.ID)
		w.doseA = []*domain.DoseRecord{storetest.Dose(t, tx, w.pa.ID, w.a.ID), storetest.Dose(t, tx, w.pab.ID, w.a.ID)}
		w.doseB = []*domain.DoseRecord{storetest.Dose(t, tx, w.pb.ID, w.b.ID), storetest.Dose(t, tx, w.pab.ID, w.b.ID)}
		w.doseABA, w.doseABB = w.doseA[1], w.doseB[1]
		w.eqA, w.eqB = storetest.Equipment(t, tx, w.a.ID), storetest.Equipment(t, tx, w.b.ID)
		w.testA, w.testB = storetest.Test(t, tx, w.eqA.ID), storetest.Test(t, tx, w.eqB.ID)
	})
	return w
}

// tables maps each entity to its SQL table.
var tables = map[string]string{
	"institution": "institutions", "licence": "licences", "person": "people", "employment": "employments",
	"training": "trainings", "exam": "exams", "dose": "doses", "equipment": "equipment", "test": "equipment_tests",
}

// TestScope checks every table from institution A's scope: A's records can
// be found, listed, updated, retired and restored; B's are ErrNotFound to
// all of these; and a record of B cannot be created from A's scope.
func TestScope(t *testing.T) {
	t.Parallel()
	s := open(t)
	w := newWorld(t, s)
	scA := domain.Scope{InstitutionID: w.a.ID}
	t.Run("institution", scopeCheck(s, store.Institutions, scA, ids[domain.Institution](w.a), ids[domain.Institution](w.b),
		&domain.Institution{Name: "新机构", CreditCode: storetest.CreditCode(), Kind: "clinic", DivisionCode: "410102",
			Address: "某路1号", Status: "open"}))
	t.Run("licence", scopeCheck(s, store.Licences, scA, ids[domain.Licence](w.la), ids[domain.Licence](w.lb),
		&domain.Licence{InstitutionID: w.b.ID, LicenceNo: "B-2", Issuer: "某卫健委", IssuedOn: domain.MustDate("2024-01-01"),
			ValidUntil: domain.MustDate("2028-01-01"), Items: []string{"ct"}}))
	t.Run("person", scopeCheck(s, store.People, scA, ids[domain.Person](w.pa, w.pab), ids[domain.Person](w.pb),
		&domain.Person{IDNumber: storetest.IDNumber(), Name: "无任职"}))
	t.Run("employment", scopeCheck(s, store.Employments, scA, ids[domain.Employment](w.empA...), ids[domain.Employment](w.empB...),
		&domain.Employment{PersonID: w.pa.ID, InstitutionID: w.b.ID, Occupation: "2A", StartedOn: domain.MustDate("2024-01-01")}))
	t.Run("training", scopeCheck(s, store.Trainings, scA, ids[domain.Training](w.trA, w.trAB), ids[domain.Training](w.trB),
		&domain.Training{PersonID: w.pb.ID, TakenOn: domain.MustDate("2024-01-01"), Kind: "prejob", Passed: "pass"}))
	t.Run("exam", scopeCheck(s, store.Exams, scA, ids[domain.Exam](w.exA, w.exAB), ids[domain.Exam](w.exB),
		&domain.Exam{PersonID: w.pb.ID, ExaminedOn: domain.MustDate("2024-01-01"), Kind: "prejob", Conclusion: "fit"}))
	t.Run("dose", scopeCheck(s, store.Doses, scA, ids[domain.DoseRecord](w.doseA...), ids[domain.DoseRecord](w.doseB...),
		// A person A employs, but a dose filed for B.
		&domain.DoseRecord{PersonID: w.pab.ID, InstitutionID: w.b.ID, PeriodStart: domain.MustDate("2020-01-01"),
			PeriodEnd: domain.MustDate("2020-03-31"), Hp10: domain.MicroSv(50)}))
	t.Run("equipment", scopeCheck(s, store.Equipment, scA, ids[domain.Equipment](w.eqA), ids[domain.Equipment](w.eqB),
		&domain.Equipment{InstitutionID: w.b.ID, Type: "ct", Model: "M", SerialNo: "NEW-1", Status: "in_use"}))
	t.Run("test", scopeCheck(s, store.Tests, scA, ids[domain.EquipmentTest](w.testA), ids[domain.EquipmentTest](w.testB),
		&domain.EquipmentTest{EquipmentID: w.eqB.ID, Kind: "acceptance", TestedOn: domain.MustDate("2024-01-01"), Result: "pass"}))
}

// scopeCheck returns a test of one table from scope sc, which must see
// exactly the records own and none of others; foreign is a new record that
// sc may not create.
func scopeCheck[T any, P interface {
	*T
	domain.Record
}](s *store.Store, table *store.Table[T], sc domain.Scope, own, others []int64, foreign P) func(*testing.T) {
	return func(t *testing.T) {
		for _, id := range own {
			if _, err := find(t, s, table, sc, id); err != nil {
				t.Errorf("find own %d: %v", id, err)
			}
		}
		for _, id := range others {
			if _, err := find(t, s, table, sc, id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("find other's %d: %v, want ErrNotFound", id, err)
			}
		}
		for _, f := range []store.Filter{{}, {Retired: true}, {Limit: 1, Offset: 5}} {
			got, total := listIDs[T, P](t, s, table, sc, f)
			slices.Sort(got)
			if f.Limit == 0 && !slices.Equal(got, slices.Sorted(slices.Values(own))) || total != len(own) {
				t.Errorf("list %+v: %v total %d, want %v", f, got, total, own)
			}
		}

		// Others' records cannot be changed, and stay as they were.
		for _, id := range others {
			rec := mustFind(t, s, table, domain.Scope{}, id)
			err := try(s, func(tx *store.Tx) error { return store.Update(tx, table, sc, rec) })
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("update other's %d: %v, want ErrNotFound", id, err)
			}
			for _, op := range []func(*store.Tx, *store.Table[T], domain.Scope, int64, int) (*T, error){store.Retire[T], store.Restore[T]} {
				err := try(s, func(tx *store.Tx) error { _, err := op(tx, table, sc, id, 1); return err })
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("retire/restore other's %d: %v, want ErrNotFound", id, err)
				}
			}
			if m := P(mustFind(t, s, table, domain.Scope{}, id)).Base(); m.Version != 1 || m.Retired {
				t.Errorf("other's %d changed: version %d retired %v", id, m.Version, m.Retired)
			}
		}

		// Own records can be updated, retired and restored.
		id := own[0]
		rec := mustFind(t, s, table, sc, id)
		err := try(s, func(tx *store.Tx) error {
			if err := store.Update(tx, table, sc, rec); err != nil {
				return fmt.Errorf("update: %w", err)
			}
			if _, err := store.Retire(tx, table, sc, id, 2); err != nil {
				return fmt.Errorf("retire: %w", err)
			}
			_, err := store.Restore(tx, table, sc, id, 3)
			return err
		})
		if err != nil {
			t.Errorf("own %d: %v", id, err)
		}
		if m := P(mustFind(t, s, table, sc, id)).Base(); m.Version != 4 || m.Retired {
			t.Errorf("own %d: version %d retired %v, want 4 and not retired", id, m.Version, m.Retired)
		}

		// A record of the other institution cannot be created, and leaves nothing behind.
		rows := count(t, s, tables[table.Entity()], "")
		events := count(t, s, "audit_events", "")
		err = try(s, func(tx *store.Tx) error { return store.Create(tx, table, sc, (*T)(foreign)) })
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("create other's: %v, want ErrNotFound", err)
		}
		if n, m := count(t, s, tables[table.Entity()], ""), count(t, s, "audit_events", ""); n != rows || m != events {
			t.Errorf("refused create left %d rows and %d audit events", n-rows, m-events)
		}
		// The same record is fine for everyone (proving the refusal came from the scope).
		P(foreign).Base().ID = 0
		if err := try(s, func(tx *store.Tx) error { return store.Create(tx, table, domain.Scope{}, (*T)(foreign)) }); err != nil {
			t.Errorf("create in the zero scope: %v", err)
		}
	}
}

// TestScopeSharedPerson checks that a person employed at A and B, and the
// person's trainings and exams, are seen from both, but each institution sees
// only the dose records filed for it.
func TestScopeSharedPerson(t *testing.T) {
	t.Parallel()
	s := open(t)
	w := newWorld(t, s)
	for _, c := range []struct {
		sc        domain.Scope
		dose, not *domain.DoseRecord
	}{
		{domain.Scope{InstitutionID: w.a.ID}, w.doseABA, w.doseABB},
		{domain.Scope{InstitutionID: w.b.ID}, w.doseABB, w.doseABA},
	} {
		if _, err := find(t, s, store.People, c.sc, w.pab.ID); err != nil {
			t.Errorf("scope %d: find the shared person: %v", c.sc.InstitutionID, err)
		}
		if _, err := find(t, s, store.Trainings, c.sc, w.trAB.ID); err != nil {
			t.Errorf("scope %d: find the shared person's training: %v", c.sc.InstitutionID, err)
		}
		if _, err := find(t, s, store.Exams, c.sc, w.exAB.ID); err != nil {
			t.Errorf("scope %d: find the shared person's exam: %v", c.sc.InstitutionID, err)
		}
		if _, err := find(t, s, store.Doses, c.sc, c.not.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("scope %d: find the other institution's dose of the shared person: %v, want ErrNotFound", c.sc.InstitutionID, err)
		}
		got, total := listIDs[domain.DoseRecord](t, s, store.Doses, c.sc, values("person_id", fmt.Sprint(w.pab.ID)))
		if !slices.Equal(got, []int64{c.dose.ID}) || total != 1 {
			t.Errorf("scope %d: doses of the shared person %v total %d, want [%d]", c.sc.InstitutionID, got, total, c.dose.ID)
		}
		got, _ = listIDs[domain.Person](t, s, store.People, c.sc, store.Filter{})
		if !slices.Contains(got, w.pab.ID) || len(got) != 2 {
			t.Errorf("scope %d: people %v, want the shared person and one other", c.sc.InstitutionID, got)
		}
	}
	// The zero scope sees everything.
	if _, total := listIDs[domain.DoseRecord](t, s, store.Doses, domain.Scope{}, store.Filter{}); total != 4 {
		t.Errorf("zero scope: %d doses, want 4", total)
	}
}

// TestScopeUpdateOutOfScope checks that an institution user cannot move a
// record to another institution: the update is refused and rolled back.
func TestScopeUpdateOutOfScope(t *testing.T) {
	t.Parallel()
	s := open(t)
	w := newWorld(t, s)
	scA := domain.Scope{InstitutionID: w.a.ID}
	moved := *w.eqA
	moved.InstitutionID = w.b.ID
	if err := try(s, func(tx *store.Tx) error { return store.Update(tx, store.Equipment, scA, &moved) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("move equipment to B from A's scope: %v, want ErrNotFound", err)
	}
	emp := *w.empA[0]
	emp.InstitutionID = w.b.ID
	if err := try(s, func(tx *store.Tx) error { return store.Update(tx, store.Employments, scA, &emp) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("move employment to B from A's scope: %v, want ErrNotFound", err)
	}
	if got := mustFind(t, s, store.Equipment, domain.Scope{}, w.eqA.ID); got.InstitutionID != w.a.ID || got.Version != 1 {
		t.Errorf("equipment after refused move: institution %d version %d", got.InstitutionID, got.Version)
	}
	if got := mustFind(t, s, store.Employments, domain.Scope{}, w.empA[0].ID); got.InstitutionID != w.a.ID || got.Version != 1 {
		t.Errorf("employment after refused move: institution %d version %d", got.InstitutionID, got.Version)
	}
}
