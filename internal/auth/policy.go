package auth

import (
	"slices"
	"strings"
	"unicode"

	"radsup/internal/domain"
)

// Policy is the security policy the security administrator sets. Each
// field has bounds that GB/T 22239-2019 level 3 asks for; a policy outside
// them is refused.
type Policy struct {
	MinLength       int      `json:"min_length"`        // at least 8
	MinClasses      int      `json:"min_classes"`       // of lower, upper, digit, symbol: 3 or 4
	MaxAgeDays      int      `json:"max_age_days"`      // password expiry, 30–180
	LockThreshold   int      `json:"lock_threshold"`    // failed logins before a lockout, 3–10
	LockMinutes     int      `json:"lock_minutes"`      // 15–1440
	IdleMinutes     int      `json:"idle_minutes"`      // session idle timeout, 5–30
	SessionHours    int      `json:"session_hours"`     // absolute session lifetime, 1–12
	LoginsPerMinute int      `json:"logins_per_minute"` // login attempts per client address, 5–60
	TwoFactorRoles  []string `json:"two_factor_roles"`  // roles that must use TOTP
	RetentionDays   int      `json:"retention_days"`    // audit retention, at least 180
}

// DefaultPolicy is the policy until the security administrator changes it:
// two factors for the administrators and supervisors.
func DefaultPolicy() Policy {
	return Policy{MinLength: 8, MinClasses: 3, MaxAgeDays: 90, LockThreshold: 5, LockMinutes: 15, IdleMinutes: 30,
		SessionHours: 12, LoginsPerMinute: 20, RetentionDays: 180,
		TwoFactorRoles: []string{domain.RoleAdmin, domain.RoleSecurity, domain.RoleAuditor, domain.RoleSupervisor}}
}

// Check reports the fields outside their bounds.
func (p Policy) Check() error {
	errs := domain.FieldErrors{}
	bound := func(field string, v, lo, hi int) {
		if v < lo || v > hi {
			errs.Add(field, "range")
		}
	}
	bound("min_length", p.MinLength, 8, 64)
	bound("min_classes", p.MinClasses, 3, 4)
	bound("max_age_days", p.MaxAgeDays, 30, 180)
	bound("lock_threshold", p.LockThreshold, 3, 10)
	bound("lock_minutes", p.LockMinutes, 15, 1440)
	bound("idle_minutes", p.IdleMinutes, 5, 30)
	bound("session_hours", p.SessionHours, 1, 12)
	bound("logins_per_minute", p.LoginsPerMinute, 5, 60)
	bound("retention_days", p.RetentionDays, 180, 3650)
	for _, r := range p.TwoFactorRoles {
		if !slices.Contains(domain.AllRoles, r) {
			errs.Add("two_factor_roles", "enum")
		}
	}
	if len(errs) > 0 {
		return &domain.Error{Code: domain.EINVALID, Message: "error.invalid", Fields: errs}
	}
	return nil
}

// NeedsTwoFactor reports whether the role must use a second factor.
func (p Policy) NeedsTwoFactor(role string) bool { return slices.Contains(p.TwoFactorRoles, role) }

// CheckPassword reports what is wrong with a new password under the
// policy: too short, too few kinds of characters, or the username in it.
// The codes are field error codes of "password".
func (p Policy) CheckPassword(username, password string) error {
	code := ""
	var lower, upper, digit, other bool
	for _, r := range password {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			classes++
		}
	}
	switch {
	case len([]rune(password)) < p.MinLength:
		code = "too_short"
	case classes < p.MinClasses:
		code = "password_classes"
	case username != "" && strings.Contains(strings.ToLower(password), strings.ToLower(username)):
		code = "password_username"
	}
	if code == "" {
		return nil
	}
	return &domain.Error{Code: domain.EINVALID, Message: "error.password_policy", Fields: domain.FieldErrors{"password": code}}
}
