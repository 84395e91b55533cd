package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/i18n"
)

// policyField is one number of the security policy form.
type policyField struct {
	Key, Label, Help, Error string
	Value                   int
}

// roleCheck is one role of the two-factor choice.
type roleCheck struct {
	Role, Label string
	Checked     bool
}

// securityPage is the data of the security policy page.
type securityPage struct {
	base
	Done, Message string
	Fields        []policyField
	Roles         []roleCheck
	RolesError    string
}

// policyNumbers are the policy's numbers in the order of the form, with a
// pointer to each.
func policyNumbers(p *auth.Policy) []struct {
	key string
	v   *int
} {
	return []struct {
		key string
		v   *int
	}{
		{"min_length", &p.MinLength}, {"min_classes", &p.MinClasses}, {"max_age_days", &p.MaxAgeDays},
		{"lock_threshold", &p.LockThreshold}, {"lock_minutes", &p.LockMinutes}, {"idle_minutes", &p.IdleMinutes},
		{"session_hours", &p.SessionHours}, {"logins_per_minute", &p.LoginsPerMinute}, {"retention_days", &p.RetentionDays},
	}
}

func (s *Server) renderSecurity(w http.ResponseWriter, r *http.Request, status int, p auth.Policy, errs domain.FieldErrors) error {
	lang := s.lang(r)
	page := securityPage{base: s.base(r, "security", i18n.T(lang, "nav.security"))}
	if r.URL.Query().Get("done") == "1" {
		page.Done = i18n.T(lang, "security.done")
	}
	if len(errs) > 0 {
		page.Message = i18n.T(lang, "error.invalid")
	}
	for _, n := range policyNumbers(&p) {
		f := policyField{Key: n.key, Label: i18n.T(lang, "security."+n.key), Help: i18n.T(lang, "security."+n.key+".help"), Value: *n.v}
		if code, bad := errs[n.key]; bad {
			f.Error = fieldMessage(lang, n.key, code)
		}
		page.Fields = append(page.Fields, f)
	}
	for _, role := range domain.AllRoles {
		page.Roles = append(page.Roles, roleCheck{role, i18n.T(lang, "role."+role), p.NeedsTwoFactor(role)})
	}
	if code, bad := errs["two_factor_roles"]; bad {
		page.RolesError = fieldMessage(lang, "two_factor_roles", code)
	}
	return s.render(w, r, status, "security", page)
}

// handleSecurity shows the security policy.
func (s *Server) handleSecurity(w http.ResponseWriter, r *http.Request) error {
	p, err := s.cfg.Auth.Policy(r.Context())
	if err != nil {
		return err
	}
	return s.renderSecurity(w, r, http.StatusOK, p, nil)
}

// handleSecuritySave stores a new policy; values outside the bounds of the
// assessment are refused field by field.
func (s *Server) handleSecuritySave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var p auth.Policy
	errs := domain.FieldErrors{}
	for _, n := range policyNumbers(&p) {
		v, err := strconv.Atoi(r.PostForm.Get(n.key))
		if err != nil {
			errs.Add(n.key, "integer")
		}
		*n.v = v
	}
	for _, role := range r.PostForm["two_factor_roles"] {
		if !slices.Contains(p.TwoFactorRoles, role) {
			p.TwoFactorRoles = append(p.TwoFactorRoles, role)
		}
	}
	if len(errs) == 0 {
		err := s.cfg.Auth.SetPolicy(r.Context(), actorOf(r), userOf(r), p)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EINVALID {
			if err != nil {
				return err
			}
			http.Redirect(w, r, "/admin/security?done=1", http.StatusSeeOther)
			return nil
		}
		errs = de.Fields
	}
	return s.renderSecurity(w, r, http.StatusUnprocessableEntity, p, errs)
}
