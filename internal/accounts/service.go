// Package accounts runs the account use cases: logging in and out,
// sessions and their timeouts, passwords, second factors, API tokens and the
// stored security policy (whose rules are internal/auth's).
package accounts

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// SessionLifetime is the longest a session may last; the policy may make it
// shorter. The cookie lives as long.
const SessionLifetime = 12 * time.Hour

// mfaWindow is how long the second step of a login may wait for its code.
const mfaWindow = 5 * time.Minute

// touchEvery bounds how often a session's activity is written.
const touchEvery = time.Minute

var (
	// ErrLogin is returned for a wrong username or password (the same error
	// for both, so that usernames cannot be probed).
	ErrLogin = &domain.Error{Code: domain.EUNAUTHORIZED, Message: "error.login"}
	// ErrLocked is returned while an account is locked after failed logins.
	ErrLocked = &domain.Error{Code: domain.EUNAUTHORIZED, Message: "error.locked"}
	// ErrCode is returned for a wrong, expired or reused second-factor code.
	ErrCode = &domain.Error{Code: domain.EUNAUTHORIZED, Message: "error.totp_code", Fields: domain.FieldErrors{"code": "totp_code"}}
)

// Service logs users in and out, keeps their sessions, passwords and second
// factors, and holds the security policy.
type Service struct {
	Store  *store.Store
	cache  policyCache
	verify func(hash, password string) (bool, error) // nil: auth.VerifyPassword
}

// dummyHash is verified when the user does not exist, so that a wrong
// username takes as long as a wrong password.
// It is made on first use: hashing costs 64 MiB and a fraction of a second,
// which commands that never log anyone in should not pay.
var dummyHash = sync.OnceValue(func() string { return auth.HashPassword("radsup-dummy-password") })

// Login is an opened session.
type Login struct {
	Token string
	User  *domain.User
	Stage string // "": signed in; domain.SessionMFA: the second factor is awaited
	// MaxAge is how long the session cookie may live.
	MaxAge time.Duration
}

// Login checks the password and opens a session: a full one, or, for a user
// with a second factor, one that waits for the code (SecondFactor). A locked
// account cannot log in, even with the right password; failures count
// towards the lockout.
func (s *Service) Login(ctx context.Context, username, password string, actor domain.Actor) (*Login, error) {
	pol, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	var user *domain.User
	if plausibleUsername(username) { // others cannot exist, and PostgreSQL refuses some
		err = s.Store.View(ctx, func(tx *store.Tx) error {
			var err error
			user, err = tx.FindUserByUsername(username)
			return err
		})
		if err != nil && !store.IsNotFound(err) {
			return nil, err
		}
	}
	hash := dummyHash()
	if user != nil {
		hash = user.PasswordHash
	}
	verify := s.verify
	if verify == nil {
		verify = auth.VerifyPassword
	}
	ok, verr := verify(hash, password)
	if user == nil || user.Disabled {
		actor.Username = triedName(username)
		s.Store.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.Audit(domain.AuditLoginFailed, "user", 0, nil) })
		return nil, ErrLogin
	}
	actor.UserID, actor.Username, actor.Role = user.ID, user.Username, user.Role
	now := s.Store.Now()
	if now.Before(user.LockedUntil) {
		s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
			return tx.Audit(domain.AuditLoginFailed, "user", user.ID, map[string]any{"locked_until": user.LockedUntil})
		})
		return nil, ErrLocked
	}
	if !ok || verr != nil {
		var locked bool
		err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
			var err error
			locked, err = tx.LoginFailed(user, pol.LockThreshold, time.Duration(pol.LockMinutes)*time.Minute)
			return err
		})
		if err != nil {
			return nil, err
		}
		if locked {
			return nil, ErrLocked
		}
		return nil, ErrLogin
	}
	if user.TOTPSecret != "" {
		return s.open(ctx, actor, user, domain.SessionMFA, mfaWindow, domain.AuditLoginPassword)
	}
	return s.open(ctx, actor, user, "", time.Duration(pol.SessionHours)*time.Hour, domain.AuditLogin)
}

// triedName is a username as typed, made safe to record: valid UTF-8,
// without NUL, at most 100 bytes.
func triedName(username string) string {
	name := strings.ToValidUTF8(strings.ReplaceAll(username, "\x00", ""), "\uFFFD")
	for len(name) > 100 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}

// plausibleUsername reports whether s could be a username: valid UTF-8,
// no control characters, not absurdly long.
func plausibleUsername(s string) bool {
	if s == "" || len(s) > 100 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// open clears the user's failures and stores a new session.
func (s *Service) open(ctx context.Context, actor domain.Actor, user *domain.User, stage string, life time.Duration, action string) (*Login, error) {
	token, th := auth.NewToken()
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if err := tx.LoginSucceeded(user.ID); err != nil {
			return err
		}
		if err := tx.CreateSession(th, user.ID, tx.Now().Add(life), stage); err != nil {
			return err
		}
		return tx.Audit(action, "user", user.ID, nil)
	})
	if err != nil {
		return nil, fmt.Errorf("accounts.Login: %w", err)
	}
	return &Login{Token: token, User: user, Stage: stage, MaxAge: life}, nil
}

// SecondFactor completes a login waiting for its code: on a right code the
// waiting session is replaced by a new, full one (a new token, so that a
// token seen before the login completed is worth nothing). A wrong code
// counts towards the lockout like a wrong password.
func (s *Service) SecondFactor(ctx context.Context, pending, code string, actor domain.Actor) (*Login, error) {
	pol, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	var ses *domain.Session
	var user *domain.User
	err = s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		ses, user, err = tx.FindSession(auth.HashToken(pending))
		return err
	})
	if err != nil || ses.Stage != domain.SessionMFA || !s.Store.Now().Before(ses.ExpiresAt) {
		return nil, ErrLogin
	}
	actor.UserID, actor.Username, actor.Role = user.ID, user.Username, user.Role
	step := auth.TOTPStep(user.TOTPSecret, code, s.Store.Now())
	var fresh, locked bool
	err = s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if step != 0 {
			var err error
			if fresh, err = tx.UseTOTPStep(user.ID, step); err != nil || fresh {
				return err
			}
		}
		var err error
		locked, err = tx.LoginFailed(user, pol.LockThreshold, time.Duration(pol.LockMinutes)*time.Minute)
		if locked && err == nil {
			err = tx.DeleteSession(auth.HashToken(pending))
		}
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case locked:
		return nil, ErrLocked
	case !fresh:
		return nil, ErrCode
	}
	if err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.DeleteSession(auth.HashToken(pending)) }); err != nil {
		return nil, err
	}
	return s.open(ctx, actor, user, "", time.Duration(pol.SessionHours)*time.Hour, domain.AuditLogin)
}

// Session returns a live session and its user, or ErrNotFound. A session
// idle longer than the policy allows, or older than its lifetime, is ended.
func (s *Service) Session(ctx context.Context, token string) (*domain.Session, *domain.User, error) {
	pol, err := s.Policy(ctx)
	if err != nil {
		return nil, nil, err
	}
	th := auth.HashToken(token)
	var ses *domain.Session
	var u *domain.User
	err = s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		ses, u, err = tx.FindSession(th)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	now := s.Store.Now()
	idle := time.Duration(pol.IdleMinutes) * time.Minute
	life := time.Duration(pol.SessionHours) * time.Hour
	if !now.Before(ses.ExpiresAt) || now.Sub(ses.CreatedAt) >= life || (ses.Stage == "" && now.Sub(ses.LastSeenAt) >= idle) {
		actor := domain.Actor{UserID: u.ID, Username: u.Username, Role: u.Role}
		s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
			if err := tx.DeleteSession(th); err != nil {
				return err
			}
			return tx.Audit(domain.AuditSessionExpired, "user", u.ID, nil)
		})
		return nil, nil, fmt.Errorf("accounts: session expired: %w", store.ErrNotFound)
	}
	if ses.Stage == "" && now.Sub(ses.LastSeenAt) >= touchEvery {
		if err := s.Store.WithTx(ctx, domain.Actor{}, func(tx *store.Tx) error { return tx.TouchSession(th) }); err != nil {
			return nil, nil, err
		}
	}
	return ses, u, nil
}

// MustChangePassword reports whether u must choose a new password before
// anything else: one set by an administrator, or one older than the policy allows.
func (s *Service) MustChangePassword(pol auth.Policy, u *domain.User) bool {
	return u.MustChange || s.Store.Now().Sub(u.PasswordChangedAt) >= time.Duration(pol.MaxAgeDays)*24*time.Hour
}

// TokenUser returns the user of an API token, or ErrNotFound. It records
// the token's use at most once a minute, so that API reads do not each
// take the write lock.
func (s *Service) TokenUser(ctx context.Context, token string) (*domain.User, error) {
	var u *domain.User
	var id int64
	var last time.Time
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		u, id, last, err = tx.FindTokenUser(auth.HashToken(token))
		return err
	})
	if err != nil || s.Store.Now().Sub(last) < touchEvery {
		return u, err
	}
	return u, s.Store.WithTx(ctx, domain.Actor{}, func(tx *store.Tx) error { return tx.TouchAPIToken(id) })
}

// CreateToken makes an API token for u; only roles that work with business
// data hold tokens (the API serves nothing else).
func (s *Service) CreateToken(ctx context.Context, actor domain.Actor, u *domain.User, name string) (string, *domain.APIToken, error) {
	if !auth.BusinessRole(u.Role) {
		return "", nil, auth.ErrForbidden
	}
	token, hash := auth.NewToken()
	var t *domain.APIToken
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		var err error
		t, err = tx.CreateAPIToken(u.ID, name, hash)
		return err
	})
	return token, t, err
}

// Discard ends a session without a trace in the audit trail: a stale
// cookie replaced by a new login.
func (s *Service) Discard(ctx context.Context, token string) {
	s.Store.WithTx(ctx, domain.Actor{}, func(tx *store.Tx) error { return tx.DeleteSession(auth.HashToken(token)) })
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, token string, actor domain.Actor) error {
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if err := tx.DeleteSession(auth.HashToken(token)); err != nil {
			return err
		}
		return tx.Audit(domain.AuditLogout, "user", actor.UserID, nil)
	})
}

// EnsureAdmin creates the account "admin" with a random password if the
// database has no system administrator yet, and returns that password (""
// if none was made). The password must be changed at the first login.
func (s *Service) EnsureAdmin(ctx context.Context) (string, error) {
	var password string
	err := s.Store.WithTx(ctx, domain.Actor{Username: "system"}, func(tx *store.Tx) error {
		n, err := tx.CountUsers(domain.RoleAdmin)
		if err != nil || n > 0 {
			return err
		}
		password = auth.RandomPassword(16)
		return tx.CreateUser(&domain.User{Username: "admin", DisplayName: "系统管理员", Role: domain.RoleAdmin,
			PasswordHash: auth.HashPassword(password), MustChange: true})
	})
	return password, err
}

// AddUser creates an account with a password the administrator chose; the
// user must change it at the first login.
func (s *Service) AddUser(ctx context.Context, actor domain.Actor, by, u *domain.User, password string) error {
	if !auth.Can(by, auth.Create, auth.Account) {
		return auth.ErrForbidden
	}
	if err := auth.CheckRole(u); err != nil {
		return err
	}
	if domain.HasControl(u.Username) || domain.HasControl(u.DisplayName) {
		return domain.FieldErrors{"username": domain.CodeControl}.Err()
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return err
	}
	if err := pol.CheckPassword(u.Username, password); err != nil {
		return err
	}
	u.PasswordHash, u.MustChange = auth.HashPassword(password), true
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.CreateUser(u) })
}

// SetPassword replaces the password of the named user (an administrator's
// reset): the user's sessions end and the user must change it at the next login.
func (s *Service) SetPassword(ctx context.Context, actor domain.Actor, by *domain.User, username, password string) error {
	if !auth.Can(by, auth.Manage, auth.Account) {
		return auth.ErrForbidden
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return err
	}
	if err := pol.CheckPassword(username, password); err != nil {
		return err
	}
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		u, err := tx.FindUserByUsername(username)
		if err != nil {
			return err
		}
		return tx.SetPassword(u.ID, auth.HashPassword(password), true)
	})
}

// ChangePassword sets the user's own new password after checking the old
// one. Every session of the user ends; the returned login is a new one.
func (s *Service) ChangePassword(ctx context.Context, actor domain.Actor, u *domain.User, old, password string) (*Login, error) {
	pol, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	if ok, err := auth.VerifyPassword(u.PasswordHash, old); err != nil || !ok {
		return nil, &domain.Error{Code: domain.EINVALID, Message: "error.invalid", Fields: domain.FieldErrors{"old_password": "password_wrong"}}
	}
	if err := pol.CheckPassword(u.Username, password); err != nil {
		return nil, err
	}
	if password == old {
		return nil, &domain.Error{Code: domain.EINVALID, Message: "error.invalid", Fields: domain.FieldErrors{"password": "password_same"}}
	}
	err = s.Store.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.SetPassword(u.ID, auth.HashPassword(password), false) })
	if err != nil {
		return nil, err
	}
	u.MustChange, u.PasswordChangedAt = false, s.Store.Now()
	return s.open(ctx, actor, u, "", time.Duration(pol.SessionHours)*time.Hour, domain.AuditSessionRenewed)
}

// EnrolTOTP stores the user's second factor once a code from the app proves
// the secret was copied right.
func (s *Service) EnrolTOTP(ctx context.Context, actor domain.Actor, u *domain.User, secret, code string) error {
	step := auth.TOTPStep(secret, code, s.Store.Now())
	if step == 0 {
		return ErrCode
	}
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.SetTOTP(u.ID, secret, step) })
}

// ResetTOTP removes a user's second factor (a lost phone); the user enrols
// again at the next login if the policy asks for one.
func (s *Service) ResetTOTP(ctx context.Context, actor domain.Actor, by *domain.User, userID int64) error {
	if !auth.Can(by, auth.Manage, auth.Account) {
		return auth.ErrForbidden
	}
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.SetTOTP(userID, "", 0) })
}
