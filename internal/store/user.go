package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Roles, separated (三权分立): the three administrators run the system and
// see no business data; supervisors, institution users and viewers work
// with it. internal/auth says which role may do what.
const (
	RoleAdmin       = "admin"       // 系统管理员: accounts
	RoleSecurity    = "security"    // 安全管理员: security policy
	RoleAuditor     = "auditor"     // 审计管理员: reads the audit trail
	RoleSupervisor  = "supervisor"  // 监督员: business data of the jurisdiction
	RoleInstitution = "institution" // 机构用户: its own institution's data
	RoleViewer      = "viewer"      // 只读: reads the jurisdiction's data, masked
)

// AllRoles lists the roles in the order the UI offers them.
var AllRoles = []string{RoleSupervisor, RoleInstitution, RoleViewer, RoleAdmin, RoleSecurity, RoleAuditor}

// User is an account.
type User struct {
	ID            int64
	Username      string
	DisplayName   string
	Role          string
	InstitutionID int64 // for institution users; 0 otherwise
	PasswordHash  string
	Disabled      bool
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Scope returns the data scope of the user.
func (u *User) Scope() Scope {
	switch u.Role {
	case RoleInstitution:
		return Scope{InstitutionID: u.InstitutionID}
	case RoleViewer:
		return Scope{NoHealth: true}
	}
	return Scope{}
}

const userCols = "id, username, display_name, role, institution_id, password_hash, disabled, version, created_at, updated_at"

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	u := &User{}
	var inst sql.NullInt64
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &inst, &u.PasswordHash, &u.Disabled, &u.Version,
		timeCol{&u.CreatedAt}, timeCol{&u.UpdatedAt})
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
func (tx *Tx) CreateUser(u *User) error {
	u.Version, u.CreatedAt, u.UpdatedAt = 1, tx.now, tx.now
	id, err := tx.insertID(`INSERT INTO users (username, display_name, role, institution_id, password_hash, disabled, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`, u.Username, u.DisplayName, u.Role, nullID(u.InstitutionID), u.PasswordHash, u.Disabled, tx.now, tx.now)
	if err != nil {
		return mapError("create user", err)
	}
	u.ID = id
	return tx.audit("create", "user", id, nil, map[string]any{"username": u.Username, "role": u.Role, "institution_id": u.InstitutionID})
}

// FindUserByUsername returns the account or ErrNotFound.
func (tx *Tx) FindUserByUsername(name string) (*User, error) {
	u, err := scanUser(tx.queryRow("SELECT "+userCols+" FROM users WHERE username = ?", name))
	return u, mapError("find user", err)
}

// FindUserByID returns the account or ErrNotFound.
func (tx *Tx) FindUserByID(id int64) (*User, error) {
	u, err := scanUser(tx.queryRow("SELECT "+userCols+" FROM users WHERE id = ?", id))
	return u, mapError("find user", err)
}

// FindUsers returns all accounts by username.
func (tx *Tx) FindUsers() ([]*User, error) {
	rows, err := tx.query("SELECT " + userCols + " FROM users ORDER BY username")
	if err != nil {
		return nil, mapError("list users", err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, mapError("list users", err)
		}
		out = append(out, u)
	}
	return out, mapError("list users", rows.Err())
}

// CountUsers returns the number of accounts.
func (tx *Tx) CountUsers() (int, error) {
	var n int
	err := tx.queryRow("SELECT COUNT(*) FROM users").Scan(&n)
	return n, mapError("count users", err)
}

// SetPassword replaces a user's password hash and ends the user's sessions.
func (tx *Tx) SetPassword(userID int64, hash string) error {
	res, err := tx.exec("UPDATE users SET password_hash = ?, version = version + 1, updated_at = ? WHERE id = ?", hash, tx.now, userID)
	if err != nil {
		return mapError("set password", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set password: %w", ErrNotFound)
	}
	if _, err := tx.exec("DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
		return mapError("set password", err)
	}
	return tx.audit("password", "user", userID, nil, nil)
}

// CreateSession stores a session by the hash of its token.
func (tx *Tx) CreateSession(tokenHash string, userID int64, expires time.Time) error {
	_, err := tx.exec("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
		tokenHash, userID, tx.now, expires.UTC())
	return mapError("create session", err)
}

// FindSessionUser returns the enabled user of an unexpired session.
func (tx *Tx) FindSessionUser(tokenHash string) (*User, error) {
	var uid int64
	var exp time.Time
	err := tx.queryRow("SELECT user_id, expires_at FROM sessions WHERE token_hash = ?", tokenHash).Scan(&uid, timeCol{&exp})
	if err != nil {
		return nil, mapError("find session", err)
	}
	if !tx.now.Before(exp) {
		return nil, fmt.Errorf("find session: expired: %w", ErrNotFound)
	}
	return tx.enabledUser(uid)
}

func (tx *Tx) enabledUser(id int64) (*User, error) {
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

// APIToken is a per-user token for the JSON API; only its hash is stored.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// CreateAPIToken stores a new token by its hash.
func (tx *Tx) CreateAPIToken(userID int64, name, tokenHash string) (*APIToken, error) {
	id, err := tx.insertID("INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
		userID, name, tokenHash, tx.now)
	if err != nil {
		return nil, mapError("create token", err)
	}
	return &APIToken{ID: id, UserID: userID, Name: name, CreatedAt: tx.now}, tx.audit("create", "api_token", id, nil, map[string]any{"user_id": userID, "name": name})
}

// FindTokenUser returns the enabled user of an unrevoked token and records its use.
func (tx *Tx) FindTokenUser(tokenHash string) (*User, error) {
	var id, uid int64
	var revoked sql.NullString
	err := tx.queryRow("SELECT id, user_id, CASE WHEN revoked_at IS NULL THEN NULL ELSE 'y' END FROM api_tokens WHERE token_hash = ?", tokenHash).
		Scan(&id, &uid, &revoked)
	if err != nil {
		return nil, mapError("find token", err)
	}
	if revoked.Valid {
		return nil, fmt.Errorf("find token: revoked: %w", ErrNotFound)
	}
	if _, err := tx.exec("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", tx.now, id); err != nil {
		return nil, mapError("find token", err)
	}
	return tx.enabledUser(uid)
}

// FindAPITokens lists a user's tokens, newest first.
func (tx *Tx) FindAPITokens(userID int64) ([]*APIToken, error) {
	rows, err := tx.query("SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC", userID)
	if err != nil {
		return nil, mapError("list tokens", err)
	}
	defer rows.Close()
	var out []*APIToken
	for rows.Next() {
		t := &APIToken{}
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, timeCol{&t.CreatedAt}, timeCol{&t.LastUsedAt}, timeCol{&t.RevokedAt}); err != nil {
			return nil, mapError("list tokens", err)
		}
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
	return tx.audit("revoke", "api_token", tokenID, nil, nil)
}

// IsNotFound reports whether err is ErrNotFound.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
