package accounts_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"radsup/internal/accounts"
	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

var ctx = context.Background()

// clock is the injected time of a store.
type clock struct{ now time.Time }

func (c *clock) advance(d time.Duration) { c.now = c.now.Add(d) }

// newService returns a service on a fresh store whose clock the test moves,
// with one supervisor "wang" (password pw, already changed once).
func newService(t testing.TB) (*accounts.Service, *clock) {
	t.Helper()
	s := storetest.Open(t)
	c := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	s.Now = func() time.Time { return c.now }
	svc := &accounts.Service{Store: s}
	u := &domain.User{Username: "wang", Role: domain.RoleSupervisor}
	if err := svc.AddUser(ctx, domain.Actor{}, accounts.Console(domain.RoleAdmin), u, pw); err != nil {
		t.Fatal(err)
	}
	// A cheap hash of the same password (storetest's parameters), so that
	// the many logins of these tests and fuzzers stay fast.
	err := s.WithTx(ctx, domain.Actor{}, func(tx *store.Tx) error { return tx.SetPassword(u.ID, storetest.PasswordHash, false) })
	if err != nil {
		t.Fatal(err)
	}
	return svc, c
}

const pw = storetest.Password // wang's password, stored with storetest's cheap hash

func audits(t *testing.T, svc *accounts.Service, action string) int {
	t.Helper()
	return storetest.Count(t, svc.Store, "audit_events WHERE action = ?", action)
}

func TestPasswordPolicy(t *testing.T) {
	p := auth.DefaultPolicy()
	for _, c := range []struct {
		user, password, code string
	}{
		{"wang", "Ab1!", "too_short"},
		{"wang", "abcdefgh", "password_classes"},
		{"wang", "abcdefg1", "password_classes"},
		{"wang", "Abcdefg1", ""},
		{"wang", "abcdefg1!", ""},
		{"wang", "xWANG-2026x", "password_username"},
		{"wang", "密码很长很长很长1a", ""}, // CJK counts as a symbol class: three classes
	} {
		err := p.CheckPassword(c.user, c.password)
		got := ""
		var de *domain.Error
		if errors.As(err, &de) {
			got = de.Fields["password"]
		}
		if got != c.code {
			t.Errorf("CheckPassword(%q, %q) = %q, want %q", c.user, c.password, got, c.code)
		}
	}
	strict := p
	strict.MinLength, strict.MinClasses = 12, 4
	if strict.CheckPassword("wang", "Abcdefg1") == nil || strict.CheckPassword("wang", "Abcdefghij1!") != nil {
		t.Error("a stricter policy is not applied")
	}
}

func TestPolicyBounds(t *testing.T) {
	for name, change := range map[string]func(*auth.Policy){
		"short passwords":       func(p *auth.Policy) { p.MinLength = 6 },
		"two classes":           func(p *auth.Policy) { p.MinClasses = 2 },
		"no expiry":             func(p *auth.Policy) { p.MaxAgeDays = 0 },
		"no lockout":            func(p *auth.Policy) { p.LockThreshold = 100 },
		"long idle":             func(p *auth.Policy) { p.IdleMinutes = 60 },
		"day-long sessions":     func(p *auth.Policy) { p.SessionHours = 24 },
		"short audit retention": func(p *auth.Policy) { p.RetentionDays = 90 },
		"unknown role":          func(p *auth.Policy) { p.TwoFactorRoles = []string{"root"} },
	} {
		p := auth.DefaultPolicy()
		change(&p)
		if p.Check() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := auth.DefaultPolicy().Check(); err != nil {
		t.Errorf("default policy: %v", err)
	}
	svc, _ := newService(t)
	p := auth.DefaultPolicy()
	p.RetentionDays = 179
	if err := svc.SetPolicy(ctx, domain.Actor{}, accounts.Console(domain.RoleSecurity), p); err == nil {
		t.Error("a retention under 180 days was stored")
	}
	p.RetentionDays, p.IdleMinutes = 365, 15
	if err := svc.SetPolicy(ctx, domain.Actor{Username: "anquan"}, accounts.Console(domain.RoleSecurity), p); err != nil {
		t.Fatal(err)
	}
	if got, _ := svc.Policy(ctx); got.IdleMinutes != 15 || got.RetentionDays != 365 {
		t.Errorf("stored policy %+v", got)
	}
	if audits(t, svc, "settings") != 1 {
		t.Error("the policy change was not audited")
	}
}

// TestLockout: five wrong passwords lock the account for 15 minutes, in
// which even the right password is refused; then it opens again.
func TestLockout(t *testing.T) {
	svc, c := newService(t)
	for i := 1; i <= 4; i++ {
		if _, err := svc.Login(ctx, "wang", "wrong", domain.Actor{}); !errors.Is(err, accounts.ErrLogin) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if _, err := svc.Login(ctx, "wang", "wrong", domain.Actor{}); !errors.Is(err, accounts.ErrLocked) {
		t.Fatalf("fifth failure: %v, want ErrLocked", err)
	}
	if audits(t, svc, "lockout") != 1 || audits(t, svc, "login_failed") != 5 {
		t.Errorf("audit: %d lockouts, %d failures", audits(t, svc, "lockout"), audits(t, svc, "login_failed"))
	}
	c.advance(15*time.Minute - time.Second)
	if _, err := svc.Login(ctx, "wang", pw, domain.Actor{}); !errors.Is(err, accounts.ErrLocked) {
		t.Errorf("right password while locked: %v, want ErrLocked", err)
	}
	c.advance(time.Second)
	if _, err := svc.Login(ctx, "wang", pw, domain.Actor{}); err != nil {
		t.Errorf("right password after the lockout: %v", err)
	}
	// A success clears the count: four more failures do not lock.
	for range 4 {
		svc.Login(ctx, "wang", "wrong", domain.Actor{})
	}
	if _, err := svc.Login(ctx, "wang", pw, domain.Actor{}); err != nil {
		t.Errorf("after four failures: %v", err)
	}
}

// TestForcedChangeAndExpiry: a password an administrator set must be
// changed; the user's own lasts the policy's 90 days.
func TestForcedChangeAndExpiry(t *testing.T) {
	svc, c := newService(t)
	pol := auth.DefaultPolicy()
	u := &domain.User{Username: "zhaosi", Role: domain.RoleViewer}
	if err := svc.AddUser(ctx, domain.Actor{}, accounts.Console(domain.RoleAdmin), u, "Li-initial-1"); err != nil {
		t.Fatal(err)
	}
	login, err := svc.Login(ctx, "zhaosi", "Li-initial-1", domain.Actor{})
	if err != nil || !svc.MustChangePassword(pol, login.User) {
		t.Fatalf("new account: must change %v, %v", login != nil && svc.MustChangePassword(pol, login.User), err)
	}
	for _, c := range []struct{ old, new, field string }{
		{"wrong", "Li-second-2", "old_password"},
		{"Li-initial-1", "Li-initial-1", "password"},
		{"Li-initial-1", "short", "password"},
	} {
		_, err := svc.ChangePassword(ctx, domain.Actor{}, login.User, c.old, c.new)
		var de *domain.Error
		if !errors.As(err, &de) || de.Fields[c.field] == "" {
			t.Errorf("change %q → %q: %v, want a problem with %s", c.old, c.new, err, c.field)
		}
	}
	renewed, err := svc.ChangePassword(ctx, domain.Actor{}, login.User, "Li-initial-1", "Li-second-2")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Session(ctx, login.Token); !store.IsNotFound(err) {
		t.Errorf("the old session survives a password change: %v", err)
	}
	_, u2, err := svc.Session(ctx, renewed.Token)
	if err != nil || svc.MustChangePassword(pol, u2) {
		t.Fatalf("after the change: must change %v, %v", err == nil && svc.MustChangePassword(pol, u2), err)
	}
	c.advance(90*24*time.Hour - time.Minute)
	relogin, _ := svc.Login(ctx, "zhaosi", "Li-second-2", domain.Actor{})
	if svc.MustChangePassword(pol, relogin.User) {
		t.Error("expired a day early")
	}
	c.advance(time.Minute)
	if !svc.MustChangePassword(pol, relogin.User) {
		t.Error("not expired after 90 days")
	}
	// An administrator's reset asks for a change again.
	if err := svc.SetPassword(ctx, domain.Actor{}, accounts.Console(domain.RoleAdmin), "zhaosi", "Li-reset-333"); err != nil {
		t.Fatal(err)
	}
	again, _ := svc.Login(ctx, "zhaosi", "Li-reset-333", domain.Actor{})
	if !again.User.MustChange {
		t.Error("a reset password need not be changed")
	}
}

// TestSessionTimeouts: 30 minutes idle end a session; activity keeps it,
// but never beyond 12 hours.
func TestSessionTimeouts(t *testing.T) {
	svc, c := newService(t)
	login, err := svc.Login(ctx, "wang", pw, domain.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	live := func() bool { _, _, err := svc.Session(ctx, login.Token); return err == nil }
	c.advance(29 * time.Minute)
	if !live() {
		t.Fatal("ended after 29 idle minutes")
	}
	c.advance(29 * time.Minute) // 58 minutes in, 29 since the last request
	if !live() {
		t.Fatal("activity did not keep the session")
	}
	for c.now.Sub(login.User.CreatedAt) < 12*time.Hour-20*time.Minute {
		c.advance(20 * time.Minute)
		if !live() {
			t.Fatalf("ended after %v of activity", c.now.Sub(login.User.CreatedAt))
		}
	}
	c.advance(20 * time.Minute)
	if live() {
		t.Errorf("alive after %v", c.now.Sub(login.User.CreatedAt))
	}
	idle, _ := svc.Login(ctx, "wang", pw, domain.Actor{})
	c.advance(30 * time.Minute)
	if _, _, err := svc.Session(ctx, idle.Token); !store.IsNotFound(err) {
		t.Errorf("alive after 30 idle minutes: %v", err)
	}
	if audits(t, svc, "session_expired") != 2 {
		t.Errorf("%d expiries audited, want 2", audits(t, svc, "session_expired"))
	}
}

// TestTwoFactor: with a second factor the password opens only a waiting
// session; the right code replaces it by a new one; codes work once.
func TestTwoFactor(t *testing.T) {
	svc, c := newService(t)
	first, _ := svc.Login(ctx, "wang", pw, domain.Actor{})
	enrol, err := auth.NewEnrolment("wang")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.EnrolTOTP(ctx, domain.Actor{}, first.User, enrol.Secret, "000000"); !errors.Is(err, accounts.ErrCode) {
		t.Errorf("enrolment with a wrong code: %v", err)
	}
	code, _ := auth.TOTPCode(enrol.Secret, c.now)
	if err := svc.EnrolTOTP(ctx, domain.Actor{}, first.User, enrol.Secret, code); err != nil {
		t.Fatal(err)
	}
	c.advance(time.Minute)
	pending, err := svc.Login(ctx, "wang", pw, domain.Actor{})
	if err != nil || pending.Stage != domain.SessionMFA {
		t.Fatalf("login with a second factor: %+v, %v", pending, err)
	}
	if ses, _, err := svc.Session(ctx, pending.Token); err != nil || ses.Stage != domain.SessionMFA {
		t.Fatalf("the waiting session: %+v %v", ses, err)
	}
	old, _ := auth.TOTPCode(enrol.Secret, c.now.Add(-2*time.Minute))
	for _, bad := range []string{"", "12345", "abcdef", old} {
		if _, err := svc.SecondFactor(ctx, pending.Token, bad, domain.Actor{}); !errors.Is(err, accounts.ErrCode) {
			t.Errorf("code %q: %v, want ErrCode", bad, err)
		}
	}
	code, _ = auth.TOTPCode(enrol.Secret, c.now)
	done, err := svc.SecondFactor(ctx, pending.Token, code, domain.Actor{})
	if err != nil || done.Stage != "" || done.Token == pending.Token {
		t.Fatalf("second factor: %+v, %v", done, err)
	}
	if _, _, err := svc.Session(ctx, pending.Token); !store.IsNotFound(err) {
		t.Errorf("the waiting session survives: %v", err)
	}
	// The same code again (a replay) is refused, even in its time step.
	again, _ := svc.Login(ctx, "wang", pw, domain.Actor{})
	if _, err := svc.SecondFactor(ctx, again.Token, code, domain.Actor{}); !errors.Is(err, accounts.ErrCode) {
		t.Errorf("replayed code: %v, want ErrCode", err)
	}
	// A waiting session expires after five minutes.
	c.advance(5 * time.Minute)
	next, _ := auth.TOTPCode(enrol.Secret, c.now)
	if _, err := svc.SecondFactor(ctx, again.Token, next, domain.Actor{}); !errors.Is(err, accounts.ErrLogin) {
		t.Errorf("code after five minutes: %v, want ErrLogin", err)
	}
}

// TestTokensOnlyForBusinessRoles: the API serves business data only.
func TestTokensOnlyForBusinessRoles(t *testing.T) {
	svc, _ := newService(t)
	for _, role := range domain.AllRoles {
		u := &domain.User{Username: "u-" + role, Role: role}
		if role == domain.RoleInstitution {
			continue // needs an institution; covered by the web and API tests
		}
		if err := svc.AddUser(ctx, domain.Actor{}, accounts.Console(domain.RoleAdmin), u, "Token-Role-1"); err != nil {
			t.Fatal(err)
		}
		_, _, err := svc.CreateToken(ctx, domain.Actor{}, u, "x")
		if (err == nil) != auth.BusinessRole(role) {
			t.Errorf("token for %s: %v", role, err)
		}
	}
}

// reset clears failures and locks, so that fuzzing never locks the account.
func reset(t testing.TB, svc *accounts.Service) {
	storetest.Exec(t, svc.Store, "UPDATE users SET failed_logins = 0, locked_until = NULL")
}

// FuzzLogin: no input makes Login panic or let anyone in but with the
// password.
func FuzzLogin(f *testing.F) {
	for _, s := range [][2]string{{"wang", pw}, {"wang", ""}, {"", ""}, {"wang\x00", pw}, {"WANG", pw}, {"wang", pw + " "},
		{"' OR 1=1 --", "x"}, {"王", "密码"}, {string(make([]byte, 300)), "a"}} {
		f.Add(s[0], s[1])
	}
	svc, _ := newService(f)
	f.Fuzz(func(t *testing.T, username, password string) {
		reset(t, svc)
		login, err := svc.Login(ctx, username, password, domain.Actor{})
		if err == nil && (username != "wang" || password != pw) {
			t.Fatalf("Login(%q, %q) succeeded", username, password)
		}
		if err != nil && !errors.Is(err, accounts.ErrLogin) {
			t.Fatalf("Login(%q, %q): %v", username, password, err)
		}
		if err == nil {
			svc.Logout(ctx, login.Token, domain.Actor{})
		}
	})
}

// FuzzSecondFactor: no code but the app's current one (within one step of
// drift) completes a login, and none makes it panic.
func FuzzSecondFactor(f *testing.F) {
	for _, s := range []string{"", "000000", "123456", " 123456", "12345６", "9999999", "-12345", "\x00\x00\x00\x00\x00\x00"} {
		f.Add(s)
	}
	svc, c := newService(f)
	first, err := svc.Login(ctx, "wang", pw, domain.Actor{})
	if err != nil {
		f.Fatal(err)
	}
	enrol, _ := auth.NewEnrolment("wang")
	code, _ := auth.TOTPCode(enrol.Secret, c.now)
	if err := svc.EnrolTOTP(ctx, domain.Actor{}, first.User, enrol.Secret, code); err != nil {
		f.Fatal(err)
	}
	c.advance(10 * time.Minute)
	valid := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		v, _ := auth.TOTPCode(enrol.Secret, c.now.Add(d))
		valid[v] = true
	}
	f.Add(code)
	f.Fuzz(func(t *testing.T, code string) {
		reset(t, svc)
		pending, err := svc.Login(ctx, "wang", pw, domain.Actor{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SecondFactor(ctx, pending.Token, code, domain.Actor{}); err == nil && !valid[code] {
			t.Fatalf("code %q accepted", code)
		}
		if _, err := svc.SecondFactor(ctx, "not-a-session", code, domain.Actor{}); err == nil {
			t.Fatalf("code %q accepted without a session", code)
		}
	})
}

// TestUnknownUserCostsAsMuchAsWrongPassword: a login with a username that
// does not exist verifies one password hash of the same cost as a real
// user's, so that the answer's timing does not tell which usernames exist;
// the failure is audited with the name tried.
func TestUnknownUserCostsAsMuchAsWrongPassword(t *testing.T) {
	svc, _ := newService(t)
	real := &domain.User{Username: "lisi", Role: domain.RoleSupervisor}
	if err := svc.AddUser(ctx, domain.Actor{}, accounts.Console(domain.RoleAdmin), real, "Initial-pass-7"); err != nil {
		t.Fatal(err)
	}
	var verified []string
	accounts.SetVerifier(svc, func(hash, password string) (bool, error) {
		verified = append(verified, hash)
		return auth.VerifyPassword(hash, password)
	})
	cost := func(hash string) string { // the PHC parameters: algorithm, version, memory, time, threads
		parts := strings.Split(hash, "$")
		if len(parts) != 6 {
			return "unreadable hash " + hash
		}
		return strings.Join(parts[1:4], "$")
	}
	if _, err := svc.Login(ctx, "nobody-here", "Wrong-pass-1", domain.Actor{}); !errors.Is(err, accounts.ErrLogin) {
		t.Fatalf("unknown user: %v", err)
	}
	unknown := slices.Clone(verified)
	verified = nil
	if _, err := svc.Login(ctx, "lisi", "Wrong-pass-1", domain.Actor{}); !errors.Is(err, accounts.ErrLogin) {
		t.Fatalf("wrong password: %v", err)
	}
	if len(unknown) != 1 || len(verified) != 1 || cost(unknown[0]) != cost(verified[0]) {
		t.Errorf("an unknown user verified %d hash(es) %q, a wrong password %d %q: the work differs",
			len(unknown), unknown, len(verified), verified)
	}
	var names []string
	svc.Store.View(ctx, func(tx *store.Tx) error {
		events, _, err := tx.FindAuditEvents(store.AuditFilter{Action: "login_failed"})
		for _, e := range events {
			names = append(names, e.Username)
		}
		return err
	})
	if !slices.Contains(names, "nobody-here") {
		t.Errorf("failed logins audited as %q, without the name tried", names)
	}
}
