package auth

import (
	"slices"

	"radsup/internal/store"
)

// Roles is the set of roles allowed to use a route or an endpoint. Every
// route declares one when it is registered; there is no default.
type Roles []string

// Allows reports whether role is in the set.
func (rs Roles) Allows(role string) bool { return slices.Contains(rs, role) }

// The sets routes declare.
var (
	// Everyone: any signed-in user (home, own account, logout).
	Everyone = Roles(store.AllRoles)
	// Readers read business data: the jurisdiction's (supervisors; viewers,
	// masked) or their own institution's.
	Readers = Roles{store.RoleSupervisor, store.RoleInstitution, store.RoleViewer}
	// Filers file and change business data, the institution user its own.
	Filers = Roles{store.RoleSupervisor, store.RoleInstitution}
	// Supervisors act for the office: create or retire institutions,
	// dismiss findings.
	Supervisors = Roles{store.RoleSupervisor}
	// AccountAdmins manage accounts.
	AccountAdmins = Roles{store.RoleAdmin}
	// SecurityAdmins set the security policy.
	SecurityAdmins = Roles{store.RoleSecurity}
	// Auditors read and export the audit trail.
	Auditors = Roles{store.RoleAuditor}
)

// SeesHealthData reports whether u may see health exam conclusions and
// doses (PIPL sensitive personal information): supervisors, and institution
// users for their own staff (the store scope limits them to those).
func SeesHealthData(u *store.User) bool {
	return u.Role == store.RoleSupervisor || u.Role == store.RoleInstitution
}

// SeesIDNumbers reports whether u sees ID and phone numbers unmasked in
// lists and exports without revealing them one by one.
func SeesIDNumbers(u *store.User) bool {
	return u.Role == store.RoleSupervisor || u.Role == store.RoleInstitution
}

// BusinessRole reports whether the role works with business data (and so
// may hold API tokens).
func BusinessRole(role string) bool { return Readers.Allows(role) }
