package store_test

import (
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestListCountStopsAtBound: a list's total is counted up to the bound
// (or the end of the page asked for) and says when there are more; the
// people list's occupation count, which has a query of its own, counts
// each live person once, whatever the number of employments.
func TestListCountStopsAtBound(t *testing.T) {
	defer store.SetCountBound(3)()
	s := storetest.Open(t)
	err := s.WithTx(ctx, tester, func(tx *store.Tx) error {
		inst := storetest.Institution(t, tx)
		other := storetest.Institution(t, tx)
		for i := range 5 {
			p := storetest.Person(t, tx)
			storetest.Employment(t, tx, p.ID, inst.ID, func(e *domain.Employment) { e.Occupation = "2A" })
			if i == 0 { // twice in the category: one person
				storetest.Employment(t, tx, p.ID, other.ID, func(e *domain.Employment) { e.Occupation = "2A" })
			}
		}
		for range 2 {
			p := storetest.Person(t, tx)
			storetest.Employment(t, tx, p.ID, inst.ID, func(e *domain.Employment) { e.Occupation = "2C" })
		}
		gone := storetest.Person(t, tx)
		storetest.Employment(t, tx, gone.ID, inst.ID, func(e *domain.Employment) { e.Occupation = "2C" })
		_, err := store.Retire(tx, store.People, domain.Scope{}, gone.ID, gone.Version)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name         string
		f            store.Filter
		total, bound int
		beyond       bool
		rows         int
	}{
		{"all people, first page", store.Filter{Limit: 2}, 4, 3, true, 2},
		{"2A, first page", store.Filter{Values: map[string]string{"occupation": "2A"}, Limit: 2}, 4, 3, true, 2},
		{"2A, a page past the bound", store.Filter{Values: map[string]string{"occupation": "2A"}, Limit: 2, Offset: 4}, 5, 6, false, 1},
		{"2C: the retired person left out", store.Filter{Values: map[string]string{"occupation": "2C"}, Limit: 1}, 2, 3, false, 1},
		{"2C with the retired", store.Filter{Values: map[string]string{"occupation": "2C"}, Limit: 1, Retired: true}, 3, 3, false, 1},
		{"2A in one institution", store.Filter{Values: map[string]string{"occupation": "2A", "institution_id": "0"}, Limit: 1}, 0, 3, false, 0},
	}
	for _, c := range cases {
		err := s.View(ctx, func(tx *store.Tx) error {
			xs, total, err := store.List(tx, store.People, domain.Scope{}, c.f)
			if err != nil {
				return err
			}
			if total != c.total || c.f.Bound() != c.bound || c.f.Beyond(total) != c.beyond || len(xs) != c.rows {
				t.Errorf("%s: %d rows, total %d (bound %d, beyond %v), want %d, %d (%d, %v)", c.name, len(xs), total,
					c.f.Bound(), c.f.Beyond(total), c.rows, c.total, c.bound, c.beyond)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
