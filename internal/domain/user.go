package domain

import "time"

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

	FailedLogins      int       // failed logins since the last success or lockout
	LockedUntil       time.Time // zero: not locked
	PasswordChangedAt time.Time
	MustChange        bool   // the password must be changed before anything else (first login, reset)
	TOTPSecret        string // base32; "" when no second factor is enrolled
	TOTPStep          int64  // the last TOTP time step accepted, so that a code works once
}

// Scope limits what a user may see: an institution user sees only the rows of
// its institution. The zero Scope sees everything.
type Scope struct {
	InstitutionID int64
	// NoHealth hides the findings that derive from health exams and
	// doses from users who may not see health data.
	NoHealth bool
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

// Actor is who makes a change; it is written into every audit event.
type Actor struct {
	UserID    int64
	Username  string
	Role      string
	RequestID string
	IP        string
}

// ActorOf returns the audit actor for a user acting in a request.
func ActorOf(u *User, requestID, ip string) Actor {
	return Actor{UserID: u.ID, Username: u.Username, Role: u.Role, RequestID: requestID, IP: ip}
}

// System is the actor of what radsup does by itself (the daily screening,
// loading the demo, the first administrator).
var System = Actor{Username: "system"}

// Session is a login.
type Session struct {
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	Stage      string // "": signed in; SessionMFA: the password was right, the second factor is awaited
}

// SessionMFA is the stage of a session awaiting its second factor.
const SessionMFA = "mfa"

// APIToken is a per-user token for the JSON API; only its hash is stored.
// It is bound to the role and institution its user had when it was made:
// if either changes, the token stops working.
type APIToken struct {
	ID            int64
	UserID        int64
	Name          string
	Role          string
	InstitutionID int64
	CreatedAt     time.Time
	LastUsedAt    time.Time
	RevokedAt     time.Time
}
