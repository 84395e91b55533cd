package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"radsup/internal/domain"

	"github.com/google/go-cmp/cmp"

	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

func TestUsers(t *testing.T) {
	t.Parallel()
	s := open(t)
	var sup, iu *domain.User
	var instID int64
	write(t, s, func(tx *store.Tx) {
		instID = storetest.Institution(t, tx).ID
		sup = storetest.User(t, tx, domain.RoleSupervisor, 0)
		iu = storetest.User(t, tx, domain.RoleInstitution, instID, func(u *domain.User) { u.Username = "clinic" })
	})
	if sup.ID == 0 || sup.Version != 1 || !sup.CreatedAt.Equal(t0) || !sup.UpdatedAt.Equal(t0) {
		t.Errorf("created user %+v", sup)
	}
	r := lastAudit(t, s)
	if r.Action != "create" || r.Entity != "user" || r.EntityID != iu.ID || r.Before.Valid {
		t.Errorf("audit of user creation %+v", r)
	}
	read(t, s, func(tx *store.Tx) {
		for _, want := range []*domain.User{sup, iu} {
			byName, err := tx.FindUserByUsername(want.Username)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, byName); d != "" {
				t.Errorf("user by name (-created +found):\n%s", d)
			}
			byID, err := tx.FindUserByID(want.ID)
			if err != nil || !cmp.Equal(want, byID) {
				t.Errorf("user by id: %+v %v", byID, err)
			}
		}
		if got := iu.Scope(); got.InstitutionID != instID {
			t.Errorf("institution user's scope %+v", got)
		}
		if got := sup.Scope(); got.InstitutionID != 0 {
			t.Errorf("supervisor's scope %+v", got)
		}
		if _, err := tx.FindUserByUsername("nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing user: %v, want ErrNotFound", err)
		}
		if _, err := tx.FindUserByID(iu.ID + 100); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing user id: %v, want ErrNotFound", err)
		}
		users, err := tx.FindUsers()
		if err != nil || len(users) != 2 || users[0].Username != "clinic" || users[1].Username != sup.Username {
			t.Errorf("users by name: %v %v", users, err)
		}
		if n, err := tx.CountUsers(domain.RoleSupervisor); n != 1 || err != nil {
			t.Errorf("CountUsers %d %v", n, err)
		}
	})

	err := try(s, func(tx *store.Tx) error {
		return tx.CreateUser(&domain.User{Username: "clinic", Role: domain.RoleAdmin, PasswordHash: "x"})
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate username: %v, want ErrConflict", err)
	}
	err = try(s, func(tx *store.Tx) error {
		return tx.CreateUser(&domain.User{Username: "ghost", Role: domain.RoleInstitution, InstitutionID: instID + 100, PasswordHash: "x"})
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("user of a missing institution: %v, want ErrConflict", err)
	}
	if n := count(t, s, "users", ""); n != 2 {
		t.Errorf("%d users after refused creations, want 2", n)
	}
}

func TestSessions(t *testing.T) {
	t.Parallel()
	s := open(t)
	var u, other, off *domain.User
	expires := t0.Add(time.Hour)
	write(t, s, func(tx *store.Tx) {
		u = storetest.User(t, tx, domain.RoleAdmin, 0)
		other = storetest.User(t, tx, domain.RoleSupervisor, 0)
		off = storetest.User(t, tx, domain.RoleSupervisor, 0, func(u *domain.User) { u.Disabled = true })
		for hash, user := range map[string]*domain.User{"s1": u, "s2": u, "s3": other, "s4": off} {
			if err := tx.CreateSession(hash, user.ID, expires, ""); err != nil {
				t.Fatal(err)
			}
		}
	})
	sessionUser := func(hash string) (*domain.User, error) {
		var got *domain.User
		err := s.View(ctx, func(tx *store.Tx) error {
			var err error
			_, got, err = tx.FindSession(hash)
			return err
		})
		return got, err
	}
	// The store keeps the session's times; whether it has expired is the
	// policy's (internal/auth) business.
	read(t, s, func(tx *store.Tx) {
		ses, got, err := tx.FindSession("s1")
		if err != nil || got.ID != u.ID || !ses.ExpiresAt.Equal(expires) || !ses.CreatedAt.Equal(t0) ||
			!ses.LastSeenAt.Equal(t0) || ses.Stage != "" {
			t.Errorf("session %+v of %+v, %v", ses, got, err)
		}
	})
	setClock(s, t0)
	if _, err := sessionUser("nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown session: %v, want ErrNotFound", err)
	}
	if _, err := sessionUser("s4"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session of a disabled user: %v, want ErrNotFound", err)
	}

	// A new password ends all the user's sessions, and only the user's.
	write(t, s, func(tx *store.Tx) {
		if err := tx.SetPassword(u.ID, "new-hash", true); err != nil {
			t.Fatal(err)
		}
	})
	for _, hash := range []string{"s1", "s2"} {
		if _, err := sessionUser(hash); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session %s after SetPassword: %v, want ErrNotFound", hash, err)
		}
	}
	if got, err := sessionUser("s3"); err != nil || got.ID != other.ID {
		t.Errorf("another user's session after SetPassword: %+v %v", got, err)
	}
	read(t, s, func(tx *store.Tx) {
		got, err := tx.FindUserByID(u.ID)
		if err != nil || got.PasswordHash != "new-hash" || got.Version != 2 || !got.MustChange || !got.PasswordChangedAt.Equal(t0) {
			t.Errorf("after SetPassword: %+v %v", got, err)
		}
	})
	if r := lastAudit(t, s); r.Action != "password" || r.Entity != "user" || r.EntityID != u.ID {
		t.Errorf("audit of SetPassword %+v", r)
	}
	if err := try(s, func(tx *store.Tx) error { return tx.SetPassword(off.ID+100, "h", false) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetPassword of a missing user: %v, want ErrNotFound", err)
	}

	// Logout deletes the session.
	write(t, s, func(tx *store.Tx) {
		if err := tx.DeleteSession("s3"); err != nil {
			t.Fatal(err)
		}
	})
	if _, err := sessionUser("s3"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted session: %v, want ErrNotFound", err)
	}
	if n := count(t, s, "sessions", ""); n != 1 {
		t.Errorf("%d sessions left, want only the disabled user's", n)
	}
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	s := open(t)
	var u, other, off *domain.User
	var tok, tok2 *domain.APIToken
	write(t, s, func(tx *store.Tx) {
		u = storetest.User(t, tx, domain.RoleSupervisor, 0)
		other = storetest.User(t, tx, domain.RoleSupervisor, 0)
		off = storetest.User(t, tx, domain.RoleSupervisor, 0, func(u *domain.User) { u.Disabled = true })
		var err error
		if tok, err = tx.CreateAPIToken(u.ID, "报表脚本", "h1"); err != nil {
			t.Fatal(err)
		}
		if tok2, err = tx.CreateAPIToken(u.ID, "第二个", "h2"); err != nil {
			t.Fatal(err)
		}
		if _, err = tx.CreateAPIToken(off.ID, "停用用户的", "h3"); err != nil {
			t.Fatal(err)
		}
	})
	if tok.ID == 0 || tok.UserID != u.ID || tok.Name != "报表脚本" || !tok.CreatedAt.Equal(t0) {
		t.Errorf("created token %+v", tok)
	}
	if err := try(s, func(tx *store.Tx) error { _, err := tx.CreateAPIToken(other.ID, "dup", "h1"); return err }); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate token hash: %v, want ErrConflict", err)
	}
	tokenUser := func(hash string) (*domain.User, error) {
		var got *domain.User
		err := try(s, func(tx *store.Tx) error {
			var err error
			var id int64
			if got, id, _, err = tx.FindTokenUser(hash); err != nil {
				return err
			}
			return tx.TouchAPIToken(id)
		})
		return got, err
	}
	tokens := func() []*domain.APIToken {
		var list []*domain.APIToken
		read(t, s, func(tx *store.Tx) {
			var err error
			if list, err = tx.FindAPITokens(u.ID); err != nil {
				t.Fatal(err)
			}
		})
		return list
	}

	used := t0.Add(3 * time.Hour)
	setClock(s, used)
	if got, err := tokenUser("h1"); err != nil || got.ID != u.ID {
		t.Fatalf("token user %+v %v", got, err)
	}
	want := []*domain.APIToken{
		{ID: tok2.ID, UserID: u.ID, Name: "第二个", Role: domain.RoleSupervisor, CreatedAt: t0},
		{ID: tok.ID, UserID: u.ID, Name: "报表脚本", Role: domain.RoleSupervisor, CreatedAt: t0, LastUsedAt: used},
	}
	if d := cmp.Diff(want, tokens()); d != "" {
		t.Errorf("tokens after use, newest first (-want +got):\n%s", d)
	}
	if _, err := tokenUser("nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown token: %v, want ErrNotFound", err)
	}
	if _, err := tokenUser("h3"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("token of a disabled user: %v, want ErrNotFound", err)
	}

	revoked := used.Add(time.Hour)
	setClock(s, revoked)
	if err := try(s, func(tx *store.Tx) error { return tx.RevokeAPIToken(other.ID, tok.ID) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoke another user's token: %v, want ErrNotFound", err)
	}
	write(t, s, func(tx *store.Tx) {
		if err := tx.RevokeAPIToken(u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
	})
	if r := lastAudit(t, s); r.Action != "revoke" || r.Entity != "api_token" || r.EntityID != tok.ID {
		t.Errorf("audit of revocation %+v", r)
	}
	if _, err := tokenUser("h1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked token: %v, want ErrNotFound", err)
	}
	if err := try(s, func(tx *store.Tx) error { return tx.RevokeAPIToken(u.ID, tok.ID) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoke twice: %v, want ErrNotFound", err)
	}
	want[1].RevokedAt = revoked
	if d := cmp.Diff(want, tokens()); d != "" {
		t.Errorf("tokens after revocation (-want +got):\n%s", d)
	}
	if got, err := tokenUser("h2"); err != nil || got.ID != u.ID {
		t.Errorf("the other token still works: %+v %v", got, err)
	}

	// A token is bound to the role it was made for: a user moved to
	// another role must get a new one.
	write(t, s, func(tx *store.Tx) {
		if err := tx.SetUserAccess(u.ID, domain.RoleViewer, 0, false); err != nil {
			t.Fatal(err)
		}
	})
	if _, err := tokenUser("h2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("token after a role change: %v, want ErrNotFound", err)
	}
	if r := lastAudit(t, s); r.Action != "access" || r.EntityID != u.ID || !strings.Contains(r.After.String, domain.RoleViewer) {
		t.Errorf("audit of the role change %+v", r)
	}
}
