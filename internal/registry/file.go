package registry

import (
	"context"
	"strconv"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// PersonFile is everything a person's page shows of the register, read in
// one transaction.
type PersonFile struct {
	Person      *domain.Person
	Employments []*domain.Employment
	Trainings   []*domain.Training
	Exams       []*domain.Exam       // nil when HealthHidden
	Doses       []*domain.DoseRecord // nil when HealthHidden
	// HealthHidden says exams and doses were left out: the user may not
	// see health data.
	HealthHidden bool
	// Institutions names the institutions of the employments and doses.
	Institutions map[int64]string
}

// Person returns the file of the person with id as u may see it; retired
// includes the retired records.
func (r *Registry) Person(ctx context.Context, u *domain.User, id int64, retired bool) (*PersonFile, error) {
	if !auth.Can(u, auth.Read, "person") {
		return nil, errForbidden
	}
	pf := &PersonFile{HealthHidden: !auth.Can(u, auth.Read, "exam") || !auth.Can(u, auth.Read, "dose"),
		Institutions: map[int64]string{}}
	sc := u.Scope()
	f := store.Filter{Values: map[string]string{"person_id": strconv.FormatInt(id, 10)}, Retired: retired}
	err := r.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		if pf.Person, err = store.Find(tx, store.People, sc, id); err != nil {
			return err
		}
		if pf.Employments, _, err = store.List(tx, store.Employments, sc, f); err != nil {
			return err
		}
		if pf.Trainings, _, err = store.List(tx, store.Trainings, sc, f); err != nil {
			return err
		}
		if !pf.HealthHidden {
			if pf.Exams, _, err = store.List(tx, store.Exams, sc, f); err != nil {
				return err
			}
			if pf.Doses, _, err = store.List(tx, store.Doses, sc, f); err != nil {
				return err
			}
		}
		return pf.name(tx, sc)
	})
	if err != nil {
		return nil, err
	}
	mask(u, pf.Person)
	return pf, nil
}

// name reads the names of the institutions the file refers to.
func (pf *PersonFile) name(tx *store.Tx, sc domain.Scope) error {
	var ids []int64
	for _, e := range pf.Employments {
		ids = append(ids, e.InstitutionID)
	}
	for _, d := range pf.Doses {
		ids = append(ids, d.InstitutionID)
	}
	xs, err := store.FindByIDs(tx, store.Institutions, sc, ids)
	for _, x := range xs {
		pf.Institutions[x.ID] = x.Name
	}
	return err
}

// Counts are how many institutions, people and devices a user can see.
type Counts struct{ Institutions, People, Equipment int }

// Count returns how many institutions, people and devices u can see, read
// in one transaction.
func (r *Registry) Count(ctx context.Context, u *domain.User) (Counts, error) {
	var c Counts
	if !auth.Can(u, auth.Read, "institution") {
		return c, errForbidden
	}
	sc, one := u.Scope(), store.Filter{Limit: 1}
	err := r.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		if _, c.Institutions, err = store.List(tx, store.Institutions, sc, one); err != nil {
			return err
		}
		if _, c.People, err = store.List(tx, store.People, sc, one); err != nil {
			return err
		}
		_, c.Equipment, err = store.List(tx, store.Equipment, sc, one)
		return err
	})
	return c, err
}
