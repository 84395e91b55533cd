package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"radsup/internal/auth"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

func TestPasswordHash(t *testing.T) {
	h := auth.HashPassword("Geheim123")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash format %q", h)
	}
	if h == auth.HashPassword("Geheim123") {
		t.Error("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"Geheim123": true, "geheim123": false, "": false, "Geheim1234": false} {
		if ok, err := auth.VerifyPassword(h, pw); ok != want || err != nil {
			t.Errorf("Verify(%q) = %v, %v", pw, ok, err)
		}
	}
	if _, err := auth.VerifyPassword("$bcrypt$x", "a"); !errors.Is(err, auth.ErrBadHash) {
		t.Errorf("bad hash: %v", err)
	}
}

func TestTokensAndRandomPasswords(t *testing.T) {
	tok, hash := auth.NewToken()
	if len(tok) < 40 || auth.HashToken(tok) != hash || hash == tok {
		t.Errorf("token %q hash %q", tok, hash)
	}
	if other, _ := auth.NewToken(); other == tok {
		t.Error("two tokens are equal")
	}
	pw := auth.RandomPassword(16)
	if len(pw) != 16 || strings.ContainsAny(pw, "0O1lI") {
		t.Errorf("random password %q", pw)
	}
}

func TestLoginLogout(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	svc := &auth.Service{Store: s}
	pw, err := svc.EnsureAdmin(ctx)
	if err != nil || len(pw) != 16 {
		t.Fatalf("EnsureAdmin = %q, %v", pw, err)
	}
	if again, err := svc.EnsureAdmin(ctx); again != "" || err != nil {
		t.Errorf("second EnsureAdmin made another account: %q %v", again, err)
	}
	if _, err := svc.Login(ctx, "admin", "wrong", store.Actor{IP: "127.0.0.1"}); !errors.Is(err, auth.ErrLogin) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := svc.Login(ctx, "nobody", pw, store.Actor{}); !errors.Is(err, auth.ErrLogin) {
		t.Errorf("unknown user: %v", err)
	}
	login, err := svc.Login(ctx, "admin", pw, store.Actor{IP: "127.0.0.1"})
	if err != nil || login.User.Role != store.RoleAdmin || login.Stage != "" {
		t.Fatalf("login: %+v, %v", login, err)
	}
	u := login.User
	if _, got, err := svc.Session(ctx, login.Token); err != nil || got.ID != u.ID {
		t.Fatalf("session user: %v", err)
	}
	if err := svc.Logout(ctx, login.Token, store.Actor{UserID: u.ID, Username: u.Username}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Session(ctx, login.Token); !store.IsNotFound(err) {
		t.Errorf("session after logout: %v", err)
	}
	var actions []string
	s.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query("SELECT action FROM audit_events WHERE entity = 'user' ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a string
			rows.Scan(&a)
			actions = append(actions, a)
		}
		return nil
	})
	if got := strings.Join(actions, ","); got != "create,login_failed,login_failed,login,logout" {
		t.Errorf("audit actions %s", got)
	}
}

func TestAddUserChecksRoleAndPassword(t *testing.T) {
	ctx := context.Background()
	svc := &auth.Service{Store: storetest.Open(t)}
	for _, tc := range []struct {
		u  store.User
		pw string
	}{
		{store.User{Username: "a", Role: "root"}, "Password1"},
		{store.User{Username: "b", Role: store.RoleInstitution}, "Password1"},
		{store.User{Username: "c", Role: store.RoleSupervisor, InstitutionID: 3}, "Password1"},
		{store.User{Username: "d", Role: store.RoleSupervisor}, "Short1!"},
		{store.User{Username: "e", Role: store.RoleSupervisor}, "alllowercase"},
		{store.User{Username: "fang", Role: store.RoleSupervisor}, "Fang2026!"},
	} {
		if err := svc.AddUser(ctx, store.Actor{}, &tc.u, tc.pw); err == nil {
			t.Errorf("AddUser(%+v, %q) accepted", tc.u, tc.pw)
		}
	}
	u := &store.User{Username: "wang", Role: store.RoleSupervisor}
	if err := svc.AddUser(ctx, store.Actor{}, u, "Password1"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Login(ctx, "wang", "Password1", store.Actor{}); err != nil {
		t.Errorf("new user cannot log in: %v", err)
	}
}
