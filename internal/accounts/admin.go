package accounts

import (
	"context"
	"slices"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// Users lists every account by username, for an account administrator.
func (s *Service) Users(ctx context.Context, u *domain.User) ([]*domain.User, error) {
	if !auth.Can(u, auth.Read, auth.Account) {
		return nil, auth.ErrForbidden
	}
	var out []*domain.User
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.FindUsers()
		return err
	})
	return out, err
}

// User returns the account with id, for an account administrator.
func (s *Service) User(ctx context.Context, u *domain.User, id int64) (*domain.User, error) {
	if !auth.Can(u, auth.Read, auth.Account) {
		return nil, auth.ErrForbidden
	}
	return s.user(ctx, func(tx *store.Tx) (*domain.User, error) { return tx.FindUserByID(id) })
}

// UserByName returns the named account, for an account administrator.
func (s *Service) UserByName(ctx context.Context, u *domain.User, name string) (*domain.User, error) {
	if !auth.Can(u, auth.Read, auth.Account) {
		return nil, auth.ErrForbidden
	}
	return s.user(ctx, func(tx *store.Tx) (*domain.User, error) { return tx.FindUserByUsername(name) })
}

func (s *Service) user(ctx context.Context, find func(*store.Tx) (*domain.User, error)) (*domain.User, error) {
	var out *domain.User
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = find(tx)
		return err
	})
	return out, err
}

// DisplayNames returns the display names of the named accounts (those that
// have one), to show who acted by name rather than by login.
func (s *Service) DisplayNames(ctx context.Context, usernames ...string) (map[string]string, error) {
	out := map[string]string{}
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		for _, name := range usernames {
			u, err := tx.FindUserByUsername(name)
			if store.IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			if u.DisplayName != "" {
				out[name] = u.DisplayName
			}
		}
		return nil
	})
	return out, err
}

// Locked reports whether the account is locked out now.
func (s *Service) Locked(u *domain.User) bool { return s.Store.Now().Before(u.LockedUntil) }

// errOwnAccess refuses an administrator changing their own role or access.
var errOwnAccess = &domain.Error{Code: domain.EFORBIDDEN, Message: "error.forbidden"}

// SetAccess changes the role of the account id and whether it is disabled;
// its sessions end. An institution user keeps its institution; any other
// role has none. An administrator cannot change their own access.
func (s *Service) SetAccess(ctx context.Context, actor domain.Actor, u *domain.User, id int64, role string, disabled bool) error {
	if !auth.Can(u, auth.Manage, auth.Account) {
		return auth.ErrForbidden
	}
	if id == u.ID {
		return errOwnAccess
	}
	if !slices.Contains(domain.AllRoles, role) {
		return &domain.Error{Code: domain.EINVALID, Message: "error.role", Fields: domain.FieldErrors{"role": domain.CodeEnum}}
	}
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		target, err := tx.FindUserByID(id)
		if err != nil {
			return err
		}
		inst := target.InstitutionID
		if role != domain.RoleInstitution {
			inst = 0
		}
		if err := auth.CheckRole(&domain.User{Role: role, InstitutionID: inst}); err != nil {
			return err
		}
		return tx.SetUserAccess(id, role, inst, disabled)
	})
}

// Unlock lifts the lockout of the account id.
func (s *Service) Unlock(ctx context.Context, actor domain.Actor, u *domain.User, id int64) error {
	if !auth.Can(u, auth.Manage, auth.Account) {
		return auth.ErrForbidden
	}
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.Unlock(id) })
}

// Tokens lists the user's own API tokens, newest first.
func (s *Service) Tokens(ctx context.Context, u *domain.User) ([]*domain.APIToken, error) {
	if !auth.Can(u, auth.Read, auth.Token) {
		return nil, auth.ErrForbidden
	}
	var out []*domain.APIToken
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.FindAPITokens(u.ID)
		return err
	})
	return out, err
}

// RevokeToken revokes one of the user's own API tokens (ErrNotFound for
// another's, or one revoked already).
func (s *Service) RevokeToken(ctx context.Context, actor domain.Actor, u *domain.User, id int64) error {
	if !auth.Can(u, auth.Update, auth.Token) {
		return auth.ErrForbidden
	}
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.RevokeAPIToken(u.ID, id) })
}

// Throttled records a login refused because the client address tried too
// often.
func (s *Service) Throttled(ctx context.Context, actor domain.Actor) error {
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.Audit(domain.AuditLoginThrottled, "user", 0, nil) })
}

// Console is the user of a console command run on the server (radsup user
// …, the demo loader) in role: the operator, who may act as any of the
// administrators but goes through the same checks as they do.
func Console(role string) *domain.User { return &domain.User{Username: "cli", Role: role} }
