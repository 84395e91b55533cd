package store_test

import (
	"context"
	"errors"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestShareReads: the Views of one request read one snapshot; a write the
// request commits is seen by its Views after it; a View within a View, a
// failed View and the end of the request leave the store usable.
func TestShareReads(t *testing.T) {
	s := storetest.Open(t)
	var inst *domain.Institution
	if err := s.WithTx(ctx, tester, func(tx *store.Tx) error {
		inst = storetest.Institution(t, tx, func(i *domain.Institution) { i.Name = "甲" })
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	name := func(c context.Context) string {
		t.Helper()
		var n string
		if err := s.View(c, func(tx *store.Tx) error {
			got, err := store.Find(tx, store.Institutions, domain.Scope{}, inst.ID)
			if err == nil {
				n = got.Name
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	rename := func(c context.Context, to string) {
		t.Helper()
		if err := s.WithTx(c, tester, func(tx *store.Tx) error {
			cur, err := store.Find(tx, store.Institutions, domain.Scope{}, inst.ID)
			if err != nil {
				return err
			}
			cur.Name = to
			return store.Update(tx, store.Institutions, domain.Scope{}, cur)
		}); err != nil {
			t.Fatal(err)
		}
	}

	page, done := s.ShareReads(ctx)
	if got := name(page); got != "甲" {
		t.Fatalf("first view: %q", got)
	}
	rename(ctx, "乙") // another request's write
	if got := name(page); got != "甲" {
		t.Errorf("a later view of the same request read %q, want the request's snapshot 甲", got)
	}
	if got := name(ctx); got != "乙" {
		t.Errorf("outside the request: %q, want 乙", got)
	}
	rename(page, "丙") // the request's own write
	if got := name(page); got != "丙" {
		t.Errorf("after the request's own write: %q, want 丙", got)
	}

	// A View within a View runs on a transaction of its own.
	if err := s.View(page, func(tx *store.Tx) error {
		if got := name(page); got != "丙" {
			t.Errorf("nested view: %q", got)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// A failed View ends the shared transaction; the next begins another.
	boom := errors.New("boom")
	if err := s.View(page, func(tx *store.Tx) error {
		_, err := store.Find(tx, store.Institutions, domain.Scope{}, -1)
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing row: %v", err)
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("failed view: %v", err)
	}
	rename(ctx, "丁")
	if got := name(page); got != "丁" {
		t.Errorf("after a failed view: %q, want a new snapshot (丁)", got)
	}

	done()
	if got := name(page); got != "丁" {
		t.Errorf("after the request ended: %q", got)
	}
	if got := name(store.Unshared(page)); got != "丁" {
		t.Errorf("unshared: %q", got)
	}
}
