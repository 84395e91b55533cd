package auth_test

import (
	"errors"
	"strings"
	"testing"

	"radsup/internal/auth"
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
