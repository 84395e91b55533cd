package registry

import (
	"context"
	"fmt"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// mayList reports whether u may see institutions at least by name: business
// readers (in their scope) and the account administrator, who binds
// institution users to institutions but sees no other business data.
func mayList(u *domain.User) bool {
	return auth.Can(u, auth.Read, "institution") || auth.Can(u, auth.Read, auth.Directory)
}

// directoryOnly strips an institution to its name and credit code for a
// user who may read the directory but not the register.
func directoryOnly(u *domain.User, xs []*domain.Institution) {
	if auth.Can(u, auth.Read, "institution") {
		return
	}
	for i, x := range xs {
		xs[i] = &domain.Institution{Meta: domain.Meta{ID: x.ID, Retired: x.Retired}, Name: x.Name, CreditCode: x.CreditCode}
	}
}

// Directory lists the institutions u may see (f filters and pages them as
// for List); a directory reader gets names and credit codes only.
func (r *Registry) Directory(ctx context.Context, u *domain.User, f store.Filter) ([]*domain.Institution, int, error) {
	if !mayList(u) {
		return nil, 0, errForbidden
	}
	var xs []*domain.Institution
	var n int
	err := r.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		xs, n, err = store.List(tx, store.Institutions, u.Scope(), f)
		return err
	})
	directoryOnly(u, xs)
	return xs, n, err
}

// Institutions returns the institutions with the given ids that u may
// see, read at once; a directory reader gets names and credit codes only.
func (r *Registry) Institutions(ctx context.Context, u *domain.User, ids []int64) ([]*domain.Institution, error) {
	if !mayList(u) {
		return nil, errForbidden
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var xs []*domain.Institution
	err := r.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		xs, err = store.FindByIDs(tx, store.Institutions, u.Scope(), ids)
		return err
	})
	directoryOnly(u, xs)
	return xs, err
}

// InstitutionNames returns the names of the institutions with the given
// ids that u may see, read at once.
func (r *Registry) InstitutionNames(ctx context.Context, u *domain.User, ids []int64) (map[int64]string, error) {
	xs, err := r.Institutions(ctx, u, ids)
	names := make(map[int64]string, len(xs))
	for _, x := range xs {
		names[x.ID] = x.Name
	}
	return names, err
}

// InstitutionByCode returns the institution with the credit code if u may
// see it (ErrNotFound otherwise); retired ones too.
func (r *Registry) InstitutionByCode(ctx context.Context, u *domain.User, code string) (*domain.Institution, error) {
	xs, _, err := r.Directory(ctx, u, store.Filter{Values: map[string]string{"credit_code": domain.NormalizeCreditCode(code)}, Retired: true, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(xs) == 0 {
		return nil, fmt.Errorf("institution %q: %w", code, store.ErrNotFound)
	}
	return xs[0], nil
}

// Reveal returns the person with id and the whole ID number, for a user
// who may reveal it; the look is audited before the number leaves.
func (r *Registry) Reveal(ctx context.Context, actor domain.Actor, u *domain.User, id int64) (*domain.Person, error) {
	if !auth.Can(u, auth.Reveal, "person") {
		return nil, errForbidden
	}
	var p *domain.Person
	err := r.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		var err error
		if p, err = store.Find(tx, store.People, u.Scope(), id); err != nil {
			return err
		}
		return tx.Audit(domain.AuditReveal, "person", id, map[string]string{"field": "id_number"})
	})
	return p, err
}
