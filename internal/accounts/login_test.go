package accounts_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"radsup/internal/domain"

	"radsup/internal/accounts"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

func TestLoginLogout(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	svc := &accounts.Service{Store: s}
	pw, err := svc.EnsureAdmin(ctx)
	if err != nil || len(pw) != 16 {
		t.Fatalf("EnsureAdmin = %q, %v", pw, err)
	}
	if again, err := svc.EnsureAdmin(ctx); again != "" || err != nil {
		t.Errorf("second EnsureAdmin made another account: %q %v", again, err)
	}
	if _, err := svc.Login(ctx, "admin", "wrong", domain.Actor{IP: "127.0.0.1"}); !errors.Is(err, accounts.ErrLogin) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := svc.Login(ctx, "nobody", pw, domain.Actor{}); !errors.Is(err, accounts.ErrLogin) {
		t.Errorf("unknown user: %v", err)
	}
	login, err := svc.Login(ctx, "admin", pw, domain.Actor{IP: "127.0.0.1"})
	if err != nil || login.User.Role != domain.RoleAdmin || login.Stage != "" {
		t.Fatalf("login: %+v, %v", login, err)
	}
	u := login.User
	if _, got, err := svc.Session(ctx, login.Token); err != nil || got.ID != u.ID {
		t.Fatalf("session user: %v", err)
	}
	if err := svc.Logout(ctx, login.Token, domain.Actor{UserID: u.ID, Username: u.Username}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Session(ctx, login.Token); !store.IsNotFound(err) {
		t.Errorf("session after logout: %v", err)
	}
	var actions []string
	rows := storetest.Rows(t, s, "SELECT action FROM audit_events WHERE entity = 'user' ORDER BY id")
	for rows.Next() {
		var a string
		rows.Scan(&a)
		actions = append(actions, a)
	}
	rows.Close()
	if got := strings.Join(actions, ","); got != "create,login_failed,login_failed,login,logout" {
		t.Errorf("audit actions %s", got)
	}
}

func TestAddUserChecksRoleAndPassword(t *testing.T) {
	ctx := context.Background()
	svc := &accounts.Service{Store: storetest.Open(t)}
	for _, tc := range []struct {
		u  domain.User
		pw string
	}{
		{domain.User{Username: "a", Role: "root"}, "Password1"},
		{domain.User{Username: "b", Role: domain.RoleInstitution}, "Password1"},
		{domain.User{Username: "c", Role: domain.RoleSupervisor, InstitutionID: 3}, "Password1"},
		{domain.User{Username: "d", Role: domain.RoleSupervisor}, "Short1!"},
		{domain.User{Username: "e", Role: domain.RoleSupervisor}, "alllowercase"},
		{domain.User{Username: "fang", Role: domain.RoleSupervisor}, "Fang2026!"},
	} {
		if err := svc.AddUser(ctx, domain.Actor{}, accounts.Console(domain.RoleAdmin), &tc.u, tc.pw); err == nil {
			t.Errorf("AddUser(%+v, %q) accepted", tc.u, tc.pw)
		}
	}
	u := &domain.User{Username: "wang", Role: domain.RoleSupervisor}
	if err := svc.AddUser(ctx, domain.Actor{}, accounts.Console(domain.RoleAdmin), u, "Password1"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Login(ctx, "wang", "Password1", domain.Actor{}); err != nil {
		t.Errorf("new user cannot log in: %v", err)
	}
}
