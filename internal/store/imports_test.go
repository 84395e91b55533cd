package store_test

import (
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestWorksAt: a person works at an institution while an employment there
// is not retired; another institution or an unknown person does not count.
func TestWorksAt(t *testing.T) {
	s := open(t)
	var p *domain.Person
	var here, there *domain.Institution
	var emp *domain.Employment
	write(t, s, func(tx *store.Tx) {
		here, there = storetest.Institution(t, tx), storetest.Institution(t, tx)
		p = storetest.Person(t, tx)
		emp = storetest.Employment(t, tx, p.ID, here.ID)
	})
	works := func(idNumber string, inst int64) bool {
		t.Helper()
		var ok bool
		read(t, s, func(tx *store.Tx) {
			var err error
			if ok, err = tx.WorksAt(idNumber, inst); err != nil {
				t.Fatal(err)
			}
		})
		return ok
	}
	if !works(p.IDNumber, here.ID) || works(p.IDNumber, there.ID) || works(storetest.IDNumber(), here.ID) {
		t.Errorf("works here %v, there %v, unknown %v", works(p.IDNumber, here.ID), works(p.IDNumber, there.ID), works(storetest.IDNumber(), here.ID))
	}
	write(t, s, func(tx *store.Tx) {
		if _, err := store.Retire(tx, store.Employments, domain.Scope{}, emp.ID, emp.Version); err != nil {
			t.Fatal(err)
		}
	})
	if works(p.IDNumber, here.ID) {
		t.Error("a retired employment still counts")
	}
}
