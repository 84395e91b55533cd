package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"radsup/internal/domain"
)

const userCols = "id, username, display_name, role, institution_id, password_hash, disabled, version, created_at, updated_at, " +
	"failed_logins, locked_until, password_changed_at, must_change, totp_secret, totp_step"

func scanUser(row interface{ Scan(...any) error }) (*domain.User, error) {
	u := &domain.User{}
	var inst sql.NullInt64
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &inst, &u.PasswordHash, &u.Disabled, &u.Version,
		timeCol{&u.CreatedAt}, timeCol{&u.UpdatedAt}, &u.FailedLogins, timeCol{&u.LockedUntil}, timeCol{&u.PasswordChangedAt},
		&u.MustChange, &u.TOTPSecret, &u.TOTPStep)
	u.InstitutionID = inst.Int64
	return u, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateUser adds an account; ErrConflict if the username is taken.
func (tx *Tx) CreateUser(u *domain.User) error {
	u.Version, u.CreatedAt, u.UpdatedAt = 1, tx.now, tx.now
	u.PasswordChangedAt = tx.now
	id, err := tx.insertID(`INSERT INTO users (username, display_name, role, institution_id, password_hash, disabled, version, created_at, updated_at,
		password_changed_at, must_change) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
		u.Username, u.DisplayName, u.Role, nullID(u.InstitutionID), u.PasswordHash, u.Disabled, tx.now, tx.now, tx.now, u.MustChange)
	if err != nil {
		return mapError("create user", err)
	}
	u.ID = id
	return tx.audit(domain.AuditCreate, "user", id, nil, map[string]any{"username": u.Username, "role": u.Role, "institution_id": u.InstitutionID})
}

// FindUserByUsername returns the account, or nil and ErrNotFound.
func (tx *Tx) FindUserByUsername(name string) (*domain.User, error) {
	return oneUser(tx.queryRow("SELECT "+userCols+" FROM users WHERE username = ?", name))
}

// FindUserByID returns the account, or nil and ErrNotFound.
func (tx *Tx) FindUserByID(id int64) (*domain.User, error) {
	return oneUser(tx.queryRow("SELECT "+userCols+" FROM users WHERE id = ?", id))
}

// oneUser scans one account; never half of one with an error.
func oneUser(row *sql.Row) (*domain.User, error) {
	u, err := scanUser(row)
	if err != nil {
		return nil, mapError("find user", err)
	}
	return u, nil
}

// FindUsers returns all accounts by username.
func (tx *Tx) FindUsers() ([]*domain.User, error) {
	rows, err := tx.query("SELECT " + userCols + " FROM users ORDER BY username")
	if err != nil {
		return nil, mapError("list users", err)
	}
	defer rows.Close()
	var out []*domain.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, mapError("list users", err)
		}
		out = append(out, u)
	}
	return out, mapError("list users", rows.Err())
}

// CountUsers returns the number of accounts of a role.
func (tx *Tx) CountUsers(role string) (int, error) {
	var n int
	err := tx.queryRow("SELECT COUNT(*) FROM users WHERE role = ?", role).Scan(&n)
	return n, mapError("count users", err)
}

// SetPassword replaces a user's password hash and ends the user's sessions.
// mustChange asks the user to choose a new one at the next login (a
// password set by an administrator).
func (tx *Tx) SetPassword(userID int64, hash string, mustChange bool) error {
	res, err := tx.exec(`UPDATE users SET password_hash = ?, must_change = ?, password_changed_at = ?, failed_logins = 0,
		locked_until = NULL, version = version + 1, updated_at = ? WHERE id = ?`, hash, mustChange, tx.now, tx.now, userID)
	if err != nil {
		return mapError("set password", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set password: %w", ErrNotFound)
	}
	if _, err := tx.exec("DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
		return mapError("set password", err)
	}
	return tx.audit(domain.AuditPassword, "user", userID, nil, map[string]any{"must_change": mustChange})
}

// LoginFailed counts a failed login of the user and locks the account for
// lockFor once threshold failures are reached; it reports whether it did.
func (tx *Tx) LoginFailed(u *domain.User, threshold int, lockFor time.Duration) (locked bool, err error) {
	n := u.FailedLogins + 1
	var until any
	if n >= threshold {
		locked, until, n = true, tx.now.Add(lockFor), 0
	}
	if _, err := tx.exec("UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?", n, until, u.ID); err != nil {
		return false, mapError("login failed", err)
	}
	if err := tx.audit(domain.AuditLoginFailed, "user", u.ID, nil, map[string]any{"failures": u.FailedLogins + 1}); err != nil {
		return false, err
	}
	if locked {
		return true, tx.audit(domain.AuditLockout, "user", u.ID, nil, map[string]any{"until": tx.now.Add(lockFor)})
	}
	return false, nil
}

// LoginSucceeded clears the failure count and any lock.
func (tx *Tx) LoginSucceeded(userID int64) error {
	_, err := tx.exec("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", userID)
	return mapError("login succeeded", err)
}

// Unlock lifts a lockout (an administrator's act).
func (tx *Tx) Unlock(userID int64) error {
	if _, err := tx.exec("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", userID); err != nil {
		return mapError("unlock", err)
	}
	return tx.audit(domain.AuditUnlock, "user", userID, nil, nil)
}

// SetTOTP enrols (secret) or removes ("") the user's second factor; step is
// the time step of the code that confirmed it.
func (tx *Tx) SetTOTP(userID int64, secret string, step int64) error {
	if _, err := tx.exec("UPDATE users SET totp_secret = ?, totp_step = ?, version = version + 1, updated_at = ? WHERE id = ?",
		secret, step, tx.now, userID); err != nil {
		return mapError("set totp", err)
	}
	action := domain.AuditTOTPEnrol
	if secret == "" {
		action = domain.AuditTOTPReset
	}
	return tx.audit(action, "user", userID, nil, nil)
}

// UseTOTPStep records that the code of time step was used; false if that
// step or a later one was used already (a replayed code).
func (tx *Tx) UseTOTPStep(userID, step int64) (bool, error) {
	res, err := tx.exec("UPDATE users SET totp_step = ? WHERE id = ? AND totp_step < ?", step, userID, step)
	if err != nil {
		return false, mapError("use totp", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SetUserAccess changes an account's role, institution and whether it is
// disabled, ending its sessions if anything changed, and audits the change.
func (tx *Tx) SetUserAccess(userID int64, role string, institutionID int64, disabled bool) error {
	before, err := tx.FindUserByID(userID)
	if err != nil {
		return err
	}
	if before.Role == role && before.InstitutionID == institutionID && before.Disabled == disabled {
		return nil
	}
	if _, err := tx.exec("UPDATE users SET role = ?, institution_id = ?, disabled = ?, version = version + 1, updated_at = ? WHERE id = ?",
		role, nullID(institutionID), disabled, tx.now, userID); err != nil {
		return mapError("set access", err)
	}
	if _, err := tx.exec("DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
		return mapError("set access", err)
	}
	access := func(u *domain.User) map[string]any {
		return map[string]any{"role": u.Role, "institution_id": u.InstitutionID, "disabled": u.Disabled}
	}
	return tx.audit(domain.AuditAccess, "user", userID, access(before), access(&domain.User{Role: role, InstitutionID: institutionID, Disabled: disabled}))
}

// CreateSession stores a session by the hash of its token.
func (tx *Tx) CreateSession(tokenHash string, userID int64, expires time.Time, stage string) error {
	_, err := tx.exec("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, stage) VALUES (?, ?, ?, ?, ?, ?)",
		tokenHash, userID, tx.now, tx.now, expires.UTC(), stage)
	return mapError("create session", err)
}

// FindSession returns a session with its enabled user, or ErrNotFound.
// Whether it has expired is the caller's policy.
func (tx *Tx) FindSession(tokenHash string) (*domain.Session, *domain.User, error) {
	ses := &domain.Session{}
	err := tx.queryRow("SELECT user_id, created_at, last_seen_at, expires_at, stage FROM sessions WHERE token_hash = ?", tokenHash).
		Scan(&ses.UserID, timeCol{&ses.CreatedAt}, timeCol{&ses.LastSeenAt}, timeCol{&ses.ExpiresAt}, &ses.Stage)
	if err != nil {
		return nil, nil, mapError("find session", err)
	}
	u, err := tx.enabledUser(ses.UserID)
	return ses, u, err
}

// TouchSession records activity on a session (for the idle timeout).
func (tx *Tx) TouchSession(tokenHash string) error {
	_, err := tx.exec("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", tx.now, tokenHash)
	return mapError("touch session", err)
}

func (tx *Tx) enabledUser(id int64) (*domain.User, error) {
	u, err := tx.FindUserByID(id)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, fmt.Errorf("user %d disabled: %w", id, ErrNotFound)
	}
	return u, nil
}

// DeleteSession ends a session.
func (tx *Tx) DeleteSession(tokenHash string) error {
	_, err := tx.exec("DELETE FROM sessions WHERE token_hash = ?", tokenHash)
	return mapError("delete session", err)
}

// CreateAPIToken stores a new token of the user by its hash, bound to the
// user's current role and institution.
func (tx *Tx) CreateAPIToken(userID int64, name, tokenHash string) (*domain.APIToken, error) {
	u, err := tx.FindUserByID(userID)
	if err != nil {
		return nil, err
	}
	id, err := tx.insertID("INSERT INTO api_tokens (user_id, name, token_hash, created_at, role, institution_id) VALUES (?, ?, ?, ?, ?, ?)",
		userID, name, tokenHash, tx.now, u.Role, nullID(u.InstitutionID))
	if err != nil {
		return nil, mapError("create token", err)
	}
	t := &domain.APIToken{ID: id, UserID: userID, Name: name, Role: u.Role, InstitutionID: u.InstitutionID, CreatedAt: tx.now}
	return t, tx.audit(domain.AuditCreate, "api_token", id, nil, map[string]any{"user_id": userID, "name": name, "role": u.Role, "institution_id": u.InstitutionID})
}

// FindTokenUser returns the enabled user of an unrevoked token whose role
// and institution are still the user's, with the token's id and when it was
// last used.
func (tx *Tx) FindTokenUser(tokenHash string) (u *domain.User, tokenID int64, lastUsed time.Time, err error) {
	var uid int64
	var inst sql.NullInt64
	var role string
	var revoked time.Time
	err = tx.queryRow("SELECT id, user_id, role, institution_id, revoked_at, last_used_at FROM api_tokens WHERE token_hash = ?", tokenHash).
		Scan(&tokenID, &uid, &role, &inst, timeCol{&revoked}, timeCol{&lastUsed})
	if err != nil {
		return nil, 0, lastUsed, mapError("find token", err)
	}
	if !revoked.IsZero() {
		return nil, 0, lastUsed, fmt.Errorf("find token: revoked: %w", ErrNotFound)
	}
	if u, err = tx.enabledUser(uid); err != nil {
		return nil, 0, lastUsed, err
	}
	if u.Role != role || u.InstitutionID != inst.Int64 {
		return nil, 0, lastUsed, fmt.Errorf("find token: issued for another role or institution: %w", ErrNotFound)
	}
	return u, tokenID, lastUsed, nil
}

// TouchAPIToken records that the token was used now.
func (tx *Tx) TouchAPIToken(id int64) error {
	_, err := tx.exec("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", tx.now, id)
	return mapError("touch token", err)
}

// FindAPITokens lists a user's tokens, newest first.
func (tx *Tx) FindAPITokens(userID int64) ([]*domain.APIToken, error) {
	rows, err := tx.query("SELECT id, user_id, name, role, institution_id, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC", userID)
	if err != nil {
		return nil, mapError("list tokens", err)
	}
	defer rows.Close()
	var out []*domain.APIToken
	for rows.Next() {
		t := &domain.APIToken{}
		var inst sql.NullInt64
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Role, &inst, timeCol{&t.CreatedAt}, timeCol{&t.LastUsedAt}, timeCol{&t.RevokedAt}); err != nil {
			return nil, mapError("list tokens", err)
		}
		t.InstitutionID = inst.Int64
		out = append(out, t)
	}
	return out, mapError("list tokens", rows.Err())
}

// RevokeAPIToken revokes one of the user's tokens.
func (tx *Tx) RevokeAPIToken(userID, tokenID int64) error {
	res, err := tx.exec("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL", tx.now, tokenID, userID)
	if err != nil {
		return mapError("revoke token", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("revoke token: %w", ErrNotFound)
	}
	return tx.audit(domain.AuditRevoke, "api_token", tokenID, nil, nil)
}

// IsNotFound reports whether err is ErrNotFound.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
