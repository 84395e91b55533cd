package registry

import (
	"context"
	"maps"
	"strings"

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

// InstitutionPage is a page of the institution list with each
// institution's figures (licence validity, devices, workers, open
// findings) by id, and the total matching. Findings says whether the
// figures count findings (the reader may see them).
type InstitutionPage struct {
	Institutions []*domain.Institution
	Figures      map[int64]domain.InstitutionFigures
	Total        int
	Findings     bool
}

// InstitutionList returns a page of the institutions u may see with their
// figures, read in one transaction (one query for the figures of the page).
// A reader who may not see findings neither sorts nor filters by them.
func (r *Registry) InstitutionList(ctx context.Context, u *domain.User, f store.Filter) (*InstitutionPage, error) {
	if !auth.Can(u, auth.Read, "institution") {
		return nil, errForbidden
	}
	p := &InstitutionPage{Findings: auth.Can(u, auth.Read, auth.Finding)}
	if !p.Findings {
		f = withoutFindings(f)
	}
	err := r.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		if p.Institutions, p.Total, err = store.List(tx, store.Institutions, u.Scope(), f); err != nil || len(p.Institutions) == 0 {
			return err
		}
		ids := make([]int64, len(p.Institutions))
		for i, x := range p.Institutions {
			ids[i] = x.ID
		}
		p.Figures, err = tx.InstitutionFigures(ids, u.Scope().NoHealth)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, x := range p.Institutions {
		mask(u, x)
	}
	if !p.Findings {
		for id, fig := range p.Figures {
			fig.OpenFindings = 0
			p.Figures[id] = fig
		}
	}
	return p, nil
}

// withoutFindings drops the findings sort and filter from f.
func withoutFindings(f store.Filter) store.Filter {
	if strings.TrimPrefix(f.Sort, "-") == "findings" {
		f.Sort = ""
	}
	if _, ok := f.Values["open_findings"]; ok {
		f.Values = maps.Clone(f.Values)
		delete(f.Values, "open_findings")
	}
	return f
}
