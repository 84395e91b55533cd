package store_test

import (
	"errors"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestListTotalsKeptBetweenWrites: a list's total is counted once and kept
// while nothing is written to the tables it reads; a committed write to one
// of them (single, bulk, retire) is counted again at once, a rolled-back
// one changes nothing and a write to another table keeps it.
func TestListTotalsKeptBetweenWrites(t *testing.T) {
	s := storetest.Open(t)
	var inst *domain.Institution
	write := func(fn func(tx *store.Tx) error) {
		t.Helper()
		if err := s.WithTx(ctx, tester, fn); err != nil {
			t.Fatal(err)
		}
	}
	write(func(tx *store.Tx) error {
		inst = storetest.Institution(t, tx)
		for range 3 {
			storetest.Person(t, tx)
		}
		return nil
	})
	counted := 0
	s.OnQuery = func(q string, _ []any) {
		if strings.HasPrefix(q, "SELECT COUNT(*) FROM (") {
			counted++
		}
	}
	defer func() { s.OnQuery = nil }()
	check := func(step string, total, counts int) {
		t.Helper()
		counted = 0
		err := s.View(ctx, func(tx *store.Tx) error {
			_, n, err := store.List(tx, store.People, domain.Scope{}, store.Filter{Limit: 2})
			if n != total || counted != counts {
				t.Errorf("%s: total %d counted %d times, want %d counted %d times", step, n, counted, total, counts)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	check("first", 3, 1)
	check("again", 3, 0)

	var added *domain.Person
	write(func(tx *store.Tx) error { added = storetest.Person(t, tx); return nil })
	check("after a person is added", 4, 1)
	check("again", 4, 0)

	rollback := errors.New("rolled back")
	if err := s.WithTx(ctx, tester, func(tx *store.Tx) error {
		storetest.Person(t, tx)
		return rollback
	}); !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	check("after a rolled back addition", 4, 0)

	write(func(tx *store.Tx) error { storetest.Equipment(t, tx, inst.ID); return nil })
	check("after a device is added", 4, 0)

	write(func(tx *store.Tx) error {
		_, err := store.Retire(tx, store.People, domain.Scope{}, added.ID, added.Version)
		return err
	})
	check("after a retirement", 3, 1)

	write(func(tx *store.Tx) error {
		b := tx.Bulk()
		defer b.Close()
		return store.Insert(b, store.People, &domain.Person{IDNumber: storetest.IDNumber(), Name: "批量", Gender: "F"})
	})
	check("after a bulk insert", 4, 1)

	storetest.Exec(t, s, "UPDATE people SET retired = ? WHERE id = ?", true, added.ID-1)
	check("after bare SQL", 3, 1)

	// A read-write transaction counts its own uncommitted rows and keeps nothing.
	if err := s.WithTx(ctx, tester, func(tx *store.Tx) error {
		storetest.Person(t, tx)
		_, n, err := store.List(tx, store.People, domain.Scope{}, store.Filter{Limit: 2})
		if n != 4 {
			t.Errorf("inside the writing transaction: total %d, want 4", n)
		}
		if err == nil {
			err = rollback
		}
		return err
	}); !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	check("after the writing transaction rolled back", 3, 0)
}
