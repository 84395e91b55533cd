package store_test

import (
	"errors"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestBulk finds by natural key, inserts, replaces (restoring a retired
// record) and audits each change, all in one transaction.
func TestBulk(t *testing.T) {
	s := open(t)
	var inst *domain.Institution
	var dose *domain.DoseRecord
	err := s.WithTx(ctx, tester, func(tx *store.Tx) error {
		inst = storetest.Institution(t, tx)
		p := storetest.Person(t, tx)
		dose = storetest.Dose(t, tx, p.ID, inst.ID)
		_, err := store.Retire(tx, store.Doses, domain.Scope{}, dose.ID, dose.Version)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	before := countAudit(t, s)
	err = s.WithTx(ctx, tester, func(tx *store.Tx) error {
		b := tx.Bulk()
		defer b.Close()
		// By key: the institution's credit code; the retired dose by person, institution, period start.
		got, err := store.FindByKey(b, store.Institutions, store.KeyOf(store.Institutions, inst))
		if err != nil || got == nil || got.ID != inst.ID {
			t.Fatalf("find institution by key: %v %v", got, err)
		}
		if none, err := store.FindByKey(b, store.Institutions, []any{"no-such-code"}); none != nil || !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown key: %v %v", none, err)
		}
		old, err := store.FindByKey(b, store.Doses, store.KeyOf(store.Doses, dose))
		if err != nil || old == nil || !old.Retired {
			t.Fatalf("find retired dose by key: %+v %v", old, err)
		}
		changed := *old
		changed.Hp10 = domain.MicroSv(777)
		if err := store.Replace(b, store.Doses, old, &changed); err != nil {
			t.Fatal(err)
		}
		// A stale before: nothing written.
		if err := store.Replace(b, store.Doses, old, &changed); !errors.Is(err, store.ErrStale) {
			t.Errorf("replace from a stale version: %v", err)
		}
		fresh := &domain.Institution{Name: "批量新建医院", CreditCode: storetest.CreditCode(), Kind: "clinic",
			DivisionCode: domain.DefaultDivision, Address: "中原区测试路9号", Status: "open"}
		return store.Insert(b, store.Institutions, fresh)
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := countAudit(t, s) - before; n != 2 {
		t.Errorf("%d audit events, want 2 (one update, one create)", n)
	}
	s.View(ctx, func(tx *store.Tx) error {
		d, err := store.Find(tx, store.Doses, domain.Scope{}, dose.ID)
		if err != nil || d.Retired || d.Hp10.MicroSv != 777 || d.Version != dose.Version+2 {
			t.Errorf("replaced dose: %+v %v", d, err)
		}
		return nil
	})
}

func countAudit(t *testing.T, s *store.Store) int {
	t.Helper()
	return storetest.Count(t, s, "audit_events")
}

func TestEach(t *testing.T) {
	s := open(t)
	var a, b *domain.Institution
	s.WithTx(ctx, tester, func(tx *store.Tx) error {
		a = storetest.Institution(t, tx)
		b = storetest.Institution(t, tx)
		storetest.Equipment(t, tx, a.ID)
		storetest.Equipment(t, tx, b.ID)
		return nil
	})
	var got []int64
	err := s.View(ctx, func(tx *store.Tx) error {
		return store.Each(tx, store.Equipment, domain.Scope{InstitutionID: b.ID}, store.Filter{Limit: 1}, func(x *domain.Equipment) error {
			got = append(got, x.InstitutionID)
			return nil
		})
	})
	if err != nil || len(got) != 1 || got[0] != b.ID {
		t.Errorf("Each in B's scope: %v %v", got, err)
	}
}
