package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// auditTrail writes n audit events, some in one transaction, some alone.
func auditTrail(t *testing.T, s *store.Store, n int) {
	t.Helper()
	for i := 0; i < n; i += 2 {
		write(t, s, func(tx *store.Tx) {
			tx.Audit("export", "institution", int64(i), map[string]any{"rows": i})
			if i+1 < n {
				tx.Audit("login", "user", 0, nil)
			}
		})
	}
}

func verify(t *testing.T, s *store.Store) *store.ChainReport {
	t.Helper()
	rep, err := s.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func exec(t *testing.T, s *store.Store, q string, args ...any) {
	t.Helper()
	storetest.Exec(t, s, q, args...)
}

func TestAuditChainWhole(t *testing.T) {
	s := open(t)
	if rep := verify(t, s); rep.Break != nil || rep.Events != 0 {
		t.Fatalf("empty trail: %+v", rep)
	}
	auditTrail(t, s, 7)
	rep := verify(t, s)
	if rep.Break != nil || rep.Events != 7 || rep.LastID != 7 || len(rep.Head) != 64 {
		t.Fatalf("report %+v, want 7 whole events", rep)
	}
	// A rolled-back transaction leaves the chain as it was.
	try(s, func(tx *store.Tx) error {
		tx.Audit("export", "institution", 1, nil)
		return fmt.Errorf("no")
	})
	auditTrail(t, s, 1)
	if rep := verify(t, s); rep.Break != nil || rep.Events != 8 {
		t.Fatalf("after a rollback: %+v", rep)
	}
}

// TestAuditChainConcurrent: transactions auditing at once still make one
// chain (the head serialises them).
func TestAuditChainConcurrent(t *testing.T) {
	s := open(t)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 10 {
				if err := try(s, func(tx *store.Tx) error { return tx.Audit("export", "person", int64(g*100+i), nil) }); err != nil {
					t.Error(err)
				}
			}
		})
	}
	// Verifying while they write sees one consistent moment.
	for range 5 {
		if rep := verify(t, s); rep.Break != nil {
			t.Errorf("verified during writes: %v", rep.Break)
		}
	}
	wg.Wait()
	if rep := verify(t, s); rep.Break != nil || rep.Events != 40 {
		t.Fatalf("report %+v, want 40 whole events", rep)
	}
}

// TestAuditTamper alters the stored trail directly in the database, as an
// attacker with database access would, and expects verify to name the event.
func TestAuditTamper(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, s *store.Store)
		id     int64
		reason string
	}{
		{"change a field", func(t *testing.T, s *store.Store) {
			exec(t, s, "UPDATE audit_events SET username = 'nobody' WHERE id = 4")
		}, 4, "content"},
		{"change the detail", func(t *testing.T, s *store.Store) {
			exec(t, s, `UPDATE audit_events SET after_json = '{"rows":0}' WHERE id = 3`)
		}, 3, "content"},
		{"delete one", func(t *testing.T, s *store.Store) {
			exec(t, s, "DELETE FROM audit_events WHERE id = 5")
		}, 6, "link"},
		{"delete the first", func(t *testing.T, s *store.Store) {
			exec(t, s, "DELETE FROM audit_events WHERE id = 1")
		}, 2, "link"},
		{"delete the newest", func(t *testing.T, s *store.Store) {
			exec(t, s, "DELETE FROM audit_events WHERE id = 7")
		}, 7, "head"},
		{"reorder two", func(t *testing.T, s *store.Store) {
			exec(t, s, "UPDATE audit_events SET id = 100 WHERE id = 2")
			exec(t, s, "UPDATE audit_events SET id = 2 WHERE id = 3")
			exec(t, s, "UPDATE audit_events SET id = 3 WHERE id = 100")
		}, 2, "link"},
		{"insert one", func(t *testing.T, s *store.Store) {
			exec(t, s, `INSERT INTO audit_events (id, at, username, action, prev_hash, hash)
				SELECT 50, at, 'ghost', 'login', hash, hash FROM audit_events WHERE id = 7`)
		}, 50, "content"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := open(t)
			auditTrail(t, s, 7)
			c.tamper(t, s)
			rep := verify(t, s)
			if rep.Break == nil {
				t.Fatalf("tampering not detected: %+v", rep)
			}
			if rep.Break.ID != c.id || !strings.Contains(rep.Break.Reason, c.reason) {
				t.Errorf("break %+v, want event %d (%s)", rep.Break, c.id, c.reason)
			}
		})
	}
}

// TestAuditPrune: events past the retention go, the rest still verifies,
// and deleting the oldest remaining one is still found.
func TestAuditPrune(t *testing.T) {
	s := open(t)
	auditTrail(t, s, 4) // at t0
	setClock(s, t0.Add(200*24*time.Hour))
	auditTrail(t, s, 3)
	n, err := s.PruneAudit(ctx, tester, t0.Add(180*24*time.Hour))
	if err != nil || n != 4 {
		t.Fatalf("pruned %d, %v; want 4", n, err)
	}
	rep := verify(t, s)
	if rep.Break != nil || rep.Events != 4 { // three kept and the pruning itself
		t.Fatalf("after pruning: %+v", rep)
	}
	if n, _ := s.PruneAudit(ctx, tester, t0.Add(180*24*time.Hour)); n != 0 {
		t.Errorf("a second pruning deleted %d", n)
	}
	exec(t, s, "DELETE FROM audit_events WHERE id = 5")
	if rep := verify(t, s); rep.Break == nil || rep.Break.ID != 6 {
		t.Errorf("deleting the oldest kept event: %+v", rep.Break)
	}
}
