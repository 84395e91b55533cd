package exchange

import (
	"context"
	"fmt"

	"radsup/internal/domain"
	"radsup/internal/store"
)

// CommandUser returns the account name names, for a command run on the
// server (radsup import, export -user NAME), and the actor its audit
// events name. "" names no account: u is nil and the command acts with a
// supervisor's scope, since whoever runs it on the server already holds
// the database.
func CommandUser(ctx context.Context, s *store.Store, name string) (u *domain.User, actor domain.Actor, err error) {
	if name == "" {
		return nil, domain.Actor{Username: "cli", Role: domain.RoleSupervisor}, nil
	}
	err = s.View(ctx, func(tx *store.Tx) (err error) {
		u, err = tx.FindUserByUsername(name)
		return err
	})
	if err != nil {
		return nil, domain.Actor{}, fmt.Errorf("-user %q: %w", name, err)
	}
	return u, domain.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, RequestID: "cli"}, nil
}

// InstitutionByCode returns the id of the institution with the credit code,
// retired or not, among those u may see; store.ErrNotFound if there is none.
func InstitutionByCode(ctx context.Context, s *store.Store, u *domain.User, code string) (int64, error) {
	var id int64
	err := s.View(ctx, func(tx *store.Tx) error {
		f := store.Filter{Values: map[string]string{"credit_code": code}, Retired: true}
		found, _, err := store.List(tx, store.Institutions, u.Scope(), f)
		if err != nil {
			return err
		}
		for _, x := range found {
			if x.CreditCode == code {
				id = x.ID
				return nil
			}
		}
		return store.ErrNotFound
	})
	return id, err
}
