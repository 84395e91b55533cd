package auth

import (
	"errors"
	"slices"

	"radsup/internal/domain"
)

// Roles is the set of roles allowed to use a route or an endpoint. Every
// route declares one when it is registered; there is no default.
type Roles []string

// Allows reports whether role is in the set.
func (rs Roles) Allows(role string) bool { return slices.Contains(rs, role) }

// The sets routes declare, each derived from Can.
var (
	// Everyone: any signed-in user (home, own account, logout).
	Everyone = RolesFor(Update, OwnAccount)
	// Readers read business data: the jurisdiction's (supervisors; viewers,
	// masked) or their own institution's.
	Readers = RolesFor(Read, "institution")
	// Filers file and change business data, the institution user its own.
	Filers = RolesFor(Create, "person")
	// Supervisors act for the office: create or retire institutions,
	// dismiss findings.
	Supervisors = RolesFor(Dismiss, Finding)
	// AccountAdmins manage accounts.
	AccountAdmins = RolesFor(Manage, Account)
	// SecurityAdmins set the security policy.
	SecurityAdmins = RolesFor(Manage, SecurityPol)
	// Auditors read and export the audit trail.
	Auditors = RolesFor(Read, AuditTrail)
)

// BusinessRole reports whether the role works with business data (and so
// may hold API tokens).
func BusinessRole(role string) bool { return Can(&domain.User{Role: role}, Read, "institution") }

// CheckRole reports whether the user's role and institution agree.
func CheckRole(u *domain.User) error {
	switch u.Role {
	case domain.RoleAdmin, domain.RoleSecurity, domain.RoleAuditor, domain.RoleSupervisor, domain.RoleViewer:
		if u.InstitutionID != 0 {
			return &domain.Error{Code: domain.EINVALID, Message: "error.role_institution"}
		}
	case domain.RoleInstitution:
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
