package auth_test

import (
	"slices"
	"testing"

	"radsup/internal/auth"
	"radsup/internal/domain"
)

// TestCan states the policy as a table: for each question, the roles that
// may. Every role not listed must be refused.
func TestCan(t *testing.T) {
	const (
		sup  = domain.RoleSupervisor
		inst = domain.RoleInstitution
		view = domain.RoleViewer
		adm  = domain.RoleAdmin
		sec  = domain.RoleSecurity
		aud  = domain.RoleAuditor
	)
	for _, tc := range []struct {
		a      auth.Action
		entity string
		roles  []string
	}{
		{auth.Read, "institution", []string{sup, inst, view}},
		{auth.Read, auth.Plan, []string{sup, view}},
		{auth.Read, auth.Overview, []string{sup, view}},
		{auth.Create, auth.Plan, []string{sup}},
		{auth.Draw, auth.Plan, []string{sup}},
		{auth.Draw, "institution", nil},
		{auth.Read, auth.Inspector, []string{sup}},
		{auth.Read, auth.Inspection, []string{sup, inst, view}},
		{auth.Create, auth.Inspection, []string{sup}},
		{auth.Update, auth.Inspection, []string{sup}},
		{auth.Sign, auth.Inspection, []string{sup}},
		{auth.Read, auth.Rectification, []string{sup, inst}},
		{auth.Create, auth.Rectification, []string{sup}},
		{auth.Update, auth.Rectification, []string{sup}},
		{auth.Respond, auth.Rectification, []string{inst}},
		{auth.Respond, "institution", nil},
		{auth.Read, auth.Notice, []string{sup, inst}},
		{auth.Create, auth.Notice, []string{sup}},
		{auth.Update, auth.Notice, []string{inst}},
		{auth.Retire, auth.Notice, nil},
		{auth.Sign, "institution", nil},
		{auth.Read, auth.Case, []string{sup, inst, view}},
		{auth.Create, auth.Case, []string{sup}},
		{auth.Update, auth.Case, []string{sup}},
		{auth.Review, auth.Case, []string{sup}},
		{auth.Export, auth.Case, []string{sup}},
		{auth.Review, "institution", nil},
		{auth.Update, auth.Inspector, []string{sup}},
		{auth.Create, auth.Inspector, nil},
		{auth.Create, "institution", []string{sup}},
		{auth.Update, "institution", []string{sup, inst}},
		{auth.Retire, "institution", []string{sup}},
		{auth.Create, "equipment", []string{sup, inst}},
		{auth.Retire, "equipment", []string{sup, inst}},
		{auth.Read, "person", []string{sup, inst, view}},
		{auth.Retire, "person", []string{sup}},
		{auth.Retire, "employment", []string{sup, inst}},
		{auth.Reveal, "person", []string{sup, inst}},
		{auth.Read, "exam", []string{sup, inst}},
		{auth.Read, "dose", []string{sup, inst}},
		{auth.Export, "dose", []string{sup, inst}},
		{auth.Export, "person", []string{sup, inst, view}},
		{auth.Import, "person", []string{sup, inst}},
		{auth.Read, auth.Finding, []string{sup, inst, view}},
		{auth.Read, auth.HealthFinding, []string{sup, inst}},
		{auth.Dismiss, auth.Finding, []string{sup}},
		{auth.Dismiss, auth.HealthFinding, []string{sup}},
		{auth.Read, auth.Directory, []string{sup, view, adm}},
		{auth.Manage, auth.Account, []string{adm}},
		{auth.Manage, auth.SecurityPol, []string{sec}},
		{auth.Read, auth.AuditTrail, []string{aud}},
		{auth.Export, auth.AuditTrail, []string{aud}},
		{auth.Verify, auth.AuditTrail, []string{aud}},
		{auth.Create, auth.Token, []string{sup, inst, view}},
		{auth.Update, auth.OwnAccount, []string{sup, inst, view, adm, sec, aud}},
		{auth.Read, "licence", []string{sup, inst, view}},
		{auth.Create, "licence", []string{sup}},
		{auth.Update, "licence", []string{sup}},
		{auth.Retire, "licence", []string{sup}},
		{auth.Import, "licence", []string{sup}},
		{auth.Export, "licence", []string{sup, inst, view}},
		{auth.Create, auth.ChangeRequest, []string{inst}},
		{auth.Read, auth.ChangeRequest, []string{sup, inst}},
		{auth.Decide, auth.ChangeRequest, []string{sup}},
		{auth.Update, auth.ChangeRequest, nil},
		{auth.Read, auth.Submission, []string{sup, inst}},
		{auth.Decide, auth.Submission, []string{sup}},
		{auth.Manage, auth.Submission, []string{sup}},
		{auth.Create, auth.Submission, nil},
		{auth.Read, auth.ChangeFeed, []string{sup}},
		{auth.Export, auth.ChangeFeed, nil},
		{auth.Read, "nonsense", nil},
	} {
		got := auth.RolesFor(tc.a, tc.entity)
		for _, role := range domain.AllRoles {
			if want := slices.Contains(tc.roles, role); got.Allows(role) != want {
				t.Errorf("Can(%s, %s, %s) = %v, want %v", role, tc.a, tc.entity, !want, want)
			}
		}
	}
	if auth.Can(nil, auth.Read, "institution") {
		t.Error("a nil user may read")
	}
}
