package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"radsup/internal/domain"
	"radsup/internal/store"
)

// SessionLifetime is how long a session lasts after login.
const SessionLifetime = 12 * time.Hour

// ErrLogin is returned for a wrong username or password (the same error for
// both, so that usernames cannot be probed).
var ErrLogin = &domain.Error{Code: domain.EUNAUTHORIZED, Message: "error.login"}

// Service logs users in and out and finds the user of a session or token.
type Service struct {
	Store *store.Store
}

// dummyHash is verified when the user does not exist, so that a wrong
// username takes as long as a wrong password.
// It is made on first use: hashing costs 64 MiB and a fraction of a second,
// which commands that never log anyone in should not pay.
var dummyHash = sync.OnceValue(func() string { return HashPassword("radsup-dummy-password") })

// Login checks the password and opens a session; it returns the session token.
func (s *Service) Login(ctx context.Context, username, password string, actor store.Actor) (string, *store.User, error) {
	var user *store.User
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		user, err = tx.FindUserByUsername(username)
		return err
	})
	if err != nil && !store.IsNotFound(err) {
		return "", nil, err
	}
	hash := dummyHash()
	if user != nil {
		hash = user.PasswordHash
	}
	ok, verr := VerifyPassword(hash, password)
	if user == nil || user.Disabled || !ok || verr != nil {
		actor.Username = username
		s.Store.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.Audit("login_failed", "user", 0, nil) })
		return "", nil, ErrLogin
	}
	token, th := NewToken()
	actor.UserID, actor.Username, actor.Role = user.ID, user.Username, user.Role
	err = s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if err := tx.CreateSession(th, user.ID, tx.Now().Add(SessionLifetime)); err != nil {
			return err
		}
		return tx.Audit("login", "user", user.ID, nil)
	})
	if err != nil {
		return "", nil, fmt.Errorf("auth.Login: %w", err)
	}
	return token, user, nil
}

// SessionUser returns the user of a session token, or ErrNotFound.
func (s *Service) SessionUser(ctx context.Context, token string) (*store.User, error) {
	var u *store.User
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		u, err = tx.FindSessionUser(HashToken(token))
		return err
	})
	return u, err
}

// TokenUser returns the user of an API token, or ErrNotFound.
func (s *Service) TokenUser(ctx context.Context, token string) (*store.User, error) {
	var u *store.User
	err := s.Store.WithTx(ctx, store.Actor{}, func(tx *store.Tx) error {
		var err error
		u, err = tx.FindTokenUser(HashToken(token))
		return err
	})
	return u, err
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, token string, actor store.Actor) error {
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if err := tx.DeleteSession(HashToken(token)); err != nil {
			return err
		}
		return tx.Audit("logout", "user", actor.UserID, nil)
	})
}

// EnsureAdmin creates the account "admin" with a random password if the
// database has no account yet, and returns that password ("" if none was made).
func (s *Service) EnsureAdmin(ctx context.Context) (string, error) {
	var password string
	err := s.Store.WithTx(ctx, store.Actor{Username: "system"}, func(tx *store.Tx) error {
		n, err := tx.CountUsers()
		if err != nil || n > 0 {
			return err
		}
		password = RandomPassword(16)
		return tx.CreateUser(&store.User{Username: "admin", DisplayName: "系统管理员", Role: store.RoleAdmin,
			PasswordHash: HashPassword(password)})
	})
	return password, err
}

// AddUser creates an account with the given password.
func (s *Service) AddUser(ctx context.Context, actor store.Actor, u *store.User, password string) error {
	if err := CheckRole(u); err != nil {
		return err
	}
	if len(password) < 8 {
		return &domain.Error{Code: domain.EINVALID, Message: "error.password_short", Fields: domain.FieldErrors{"password": "too_short"}}
	}
	u.PasswordHash = HashPassword(password)
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.CreateUser(u) })
}

// SetPassword replaces the password of the named user.
func (s *Service) SetPassword(ctx context.Context, actor store.Actor, username, password string) error {
	if len(password) < 8 {
		return &domain.Error{Code: domain.EINVALID, Message: "error.password_short", Fields: domain.FieldErrors{"password": "too_short"}}
	}
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		u, err := tx.FindUserByUsername(username)
		if err != nil {
			return err
		}
		return tx.SetPassword(u.ID, HashPassword(password))
	})
}

// CheckRole reports whether the user's role and institution agree.
func CheckRole(u *store.User) error {
	switch u.Role {
	case store.RoleAdmin, store.RoleSecurity, store.RoleAuditor, store.RoleSupervisor, store.RoleViewer:
		if u.InstitutionID != 0 {
			return &domain.Error{Code: domain.EINVALID, Message: "error.role_institution"}
		}
	case store.RoleInstitution:
		if u.InstitutionID == 0 {
			return &domain.Error{Code: domain.EINVALID, Message: "error.role_institution"}
		}
	default:
		return &domain.Error{Code: domain.EINVALID, Message: "error.role"}
	}
	return nil
}

// ErrForbidden is returned when a user may not do what was asked.
var ErrForbidden = &domain.Error{Code: domain.EFORBIDDEN, Message: "error.forbidden"}

// IsForbidden reports whether err is ErrForbidden.
func IsForbidden(err error) bool { return errors.Is(err, ErrForbidden) }
