package registry

import (
	"context"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// PeoplePage is a page of the people list: the people, the names of the
// institutions where each works now (by person id), and the total matching.
type PeoplePage struct {
	People    []*domain.Person
	Employers map[int64][]string
	Total     int
}

// PeopleList returns a page of the people u may see with their current
// employers, read in one transaction (one query for the employers of the
// whole page).
func (r *Registry) PeopleList(ctx context.Context, u *domain.User, f store.Filter) (*PeoplePage, error) {
	if !auth.Can(u, auth.Read, "person") {
		return nil, errForbidden
	}
	p := &PeoplePage{}
	err := r.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		if p.People, p.Total, err = store.List(tx, store.People, u.Scope(), f); err != nil {
			return err
		}
		if !auth.Can(u, auth.Read, "employment") || len(p.People) == 0 {
			return nil
		}
		ids := make([]int64, len(p.People))
		for i, x := range p.People {
			ids[i] = x.ID
		}
		p.Employers, err = tx.Employers(u.Scope(), ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, x := range p.People {
		mask(u, x)
	}
	return p, nil
}
