package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

var ctx = context.Background()

// tester is the actor of every write in these tests.
var tester = domain.Actor{UserID: 42, Username: "tester", Role: domain.RoleSupervisor, RequestID: "req-7", IP: "192.0.2.1"}

// t0 is the time the tests' clock reads unless moved; the microseconds check
// that timestamps keep their precision on both engines.
var t0 = time.Date(2025, time.March, 3, 9, 30, 0, 123456000, time.UTC)

// open returns a fresh store whose clock reads t0.
func open(t *testing.T) *store.Store {
	t.Helper()
	s := storetest.Open(t)
	setClock(s, t0)
	return s
}

// setClock makes the store's clock read at.
func setClock(s *store.Store, at time.Time) { s.Now = func() time.Time { return at } }

// write runs fn in a committed transaction of tester.
func write(t testing.TB, s *store.Store, fn func(tx *store.Tx)) {
	t.Helper()
	if err := s.WithTx(ctx, tester, func(tx *store.Tx) error { fn(tx); return nil }); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// try runs fn in a transaction of tester, rolled back if fn fails, and returns fn's error.
func try(s *store.Store, fn func(tx *store.Tx) error) error { return s.WithTx(ctx, tester, fn) }

// read runs fn in a read-only transaction.
func read(t testing.TB, s *store.Store, fn func(tx *store.Tx)) {
	t.Helper()
	if err := s.View(ctx, func(tx *store.Tx) error { fn(tx); return nil }); err != nil {
		t.Fatalf("view: %v", err)
	}
}

// count returns the number of rows of table matching where (may be empty).
func count(t testing.TB, s *store.Store, table, where string, args ...any) int {
	t.Helper()
	from := table
	if where != "" {
		from += " WHERE " + where
	}
	return storetest.Count(t, s, from, args...)
}

// find returns the record with id as the scope sees it.
func find[T any](t testing.TB, s *store.Store, table *store.Table[T], sc domain.Scope, id int64) (*T, error) {
	t.Helper()
	var rec *T
	err := s.View(ctx, func(tx *store.Tx) error {
		var err error
		rec, err = store.Find(tx, table, sc, id)
		return err
	})
	return rec, err
}

// mustFind is find for a record that must be there.
func mustFind[T any](t testing.TB, s *store.Store, table *store.Table[T], sc domain.Scope, id int64) *T {
	t.Helper()
	rec, err := find(t, s, table, sc, id)
	if err != nil {
		t.Fatalf("find %s %d: %v", table.Entity(), id, err)
	}
	return rec
}

// listIDs returns the ids of a list page, in order, and the total.
func listIDs[T any, P interface {
	*T
	domain.Record
}](t testing.TB, s *store.Store, table *store.Table[T], sc domain.Scope, f store.Filter) ([]int64, int) {
	t.Helper()
	var ids []int64
	var total int
	read(t, s, func(tx *store.Tx) {
		recs, n, err := store.List(tx, table, sc, f)
		if err != nil {
			t.Fatalf("list %s %+v: %v", table.Entity(), f, err)
		}
		for _, r := range recs {
			ids = append(ids, P(r).Base().ID)
		}
		total = n
	})
	return ids, total
}

// values builds a filter from name, value pairs.
func values(kv ...string) store.Filter {
	f := store.Filter{Values: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Values[kv[i]] = kv[i+1]
	}
	return f
}

// auditRow is one row of audit_events.
type auditRow struct {
	ID                       int64
	At                       time.Time
	UserID                   sql.NullInt64
	Username, Action, Entity string
	EntityID                 int64
	Before, After            sql.NullString
	RequestID, IP            string
	atRaw                    any
}

// lastAudit returns the newest audit event.
func lastAudit(t testing.TB, s *store.Store) auditRow {
	t.Helper()
	var r auditRow
	err := storetest.Row(t, s, `SELECT id, at, user_id, username, action, entity, entity_id, before_json, after_json, request_id, ip
		FROM audit_events ORDER BY id DESC LIMIT 1`).Scan(&r.ID, &r.atRaw, &r.UserID, &r.Username, &r.Action, &r.Entity,
		&r.EntityID, &r.Before, &r.After, &r.RequestID, &r.IP)
	if err != nil {
		t.Fatalf("last audit event: %v", err)
	}
	r.At = toTime(t, r.atRaw)
	return r
}

// toTime reads a timestamp scanned into any (SQLite may give text).
func toTime(t testing.TB, v any) time.Time {
	t.Helper()
	switch x := v.(type) {
	case time.Time:
		return x
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00"} {
			if tm, err := time.Parse(layout, x); err == nil {
				return tm
			}
		}
	case []byte:
		return toTime(t, string(x))
	}
	t.Fatalf("not a timestamp: %T %v", v, v)
	return time.Time{}
}

// checkAudit checks that exactly one audit event was written since there
// were n, and that it records the change by tester at the time at.
func checkAudit[T any](t testing.TB, s *store.Store, n int, at time.Time, action, entity string, id int64, before, after *T) {
	t.Helper()
	if got := count(t, s, "audit_events", ""); got != n+1 {
		t.Errorf("%s %s: %d audit events written, want 1", action, entity, got-n)
		return
	}
	r := lastAudit(t, s)
	if !r.At.Equal(at) || r.UserID != (sql.NullInt64{Int64: tester.UserID, Valid: true}) || r.Username != tester.Username ||
		r.Action != action || r.Entity != entity || r.EntityID != id || r.RequestID != tester.RequestID || r.IP != tester.IP {
		t.Errorf("audit event %+v, want %s %s %d by %+v at %v", r, action, entity, id, tester, at)
	}
	checkJSON(t, "before", r.Before, before)
	checkJSON(t, "after", r.After, after)
}

// checkJSON checks that js is null when want is nil, or else holds want.
func checkJSON[T any](t testing.TB, which string, js sql.NullString, want *T) {
	t.Helper()
	if want == nil {
		if js.Valid {
			t.Errorf("audit %s = %s, want NULL", which, js.String)
		}
		return
	}
	got := new(T)
	if err := json.Unmarshal([]byte(js.String), got); err != nil || !js.Valid {
		t.Errorf("audit %s %q: %v", which, js.String, err)
		return
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("audit %s (-want +got):\n%s", which, d)
	}
}

// TestEngine checks that the suite runs on the engine it was asked for.
func TestEngine(t *testing.T) {
	t.Parallel()
	s := open(t)
	want := "sqlite"
	if os.Getenv(storetest.PostgresEnv) != "" {
		want = "postgres"
	}
	if s.Dialect() != want {
		t.Fatalf("dialect %q, want %q", s.Dialect(), want)
	}
}

// TestBuilders checks that the builders' defaults are valid records with
// fresh natural keys, stored as built.
func TestBuilders(t *testing.T) {
	t.Parallel()
	s := open(t)
	today := domain.DateOf(t0)
	var recs []domain.Record
	var u *domain.User
	write(t, s, func(tx *store.Tx) {
		for range 2 {
			i := storetest.Institution(t, tx)
			p := storetest.Person(t, tx)
			e := storetest.Equipment(t, tx, i.ID)
			recs = append(recs, i, storetest.Licence(t, tx, i.ID), p, storetest.Employment(t, tx, p.ID, i.ID),
				storetest.Training(t, tx, p.ID), storetest.Exam(t, tx, p.ID), storetest.Dose(t, tx, p.ID, i.ID),
				e, storetest.Test(t, tx, e.ID))
			recs = append(recs, storetest.Training(t, tx, p.ID), storetest.Exam(t, tx, p.ID), storetest.Dose(t, tx, p.ID, i.ID),
				storetest.Test(t, tx, e.ID))
		}
		u = storetest.User(t, tx, domain.RoleInstitution, recs[0].Base().ID)
	})
	for _, r := range recs {
		if errs := r.Validate(today); len(errs) > 0 {
			t.Errorf("%T default is invalid: %v", r, errs)
		}
		if m := r.Base(); m.ID == 0 || m.Version != 1 || !m.CreatedAt.Equal(t0) {
			t.Errorf("%T meta %+v", r, m)
		}
	}
	a, b := recs[0].(*domain.Institution), recs[13].(*domain.Institution)
	if a.CreditCode == b.CreditCode {
		t.Errorf("two institutions share credit code %s", a.CreditCode)
	}
	pa, pb := recs[2].(*domain.Person), recs[15].(*domain.Person)
	if pa.IDNumber == pb.IDNumber || pa.Gender == "" || pa.BirthDate.IsZero() {
		t.Errorf("people %+v %+v", pa, pb)
	}
	if got := mustFind(t, s, store.Institutions, domain.Scope{}, a.ID); !cmp.Equal(got, a) {
		t.Errorf("stored institution differs: %s", cmp.Diff(a, got))
	}
	read(t, s, func(tx *store.Tx) {
		got, err := tx.FindUserByUsername(u.Username)
		if err != nil || got.Role != domain.RoleInstitution || got.InstitutionID != a.ID || got.PasswordHash != storetest.PasswordHash {
			t.Errorf("user %+v %v", got, err)
		}
	})
}

// TestStaleUpdate checks that of two edits from the same version the second
// is refused and the first is kept.
func TestStaleUpdate(t *testing.T) {
	t.Parallel()
	s := open(t)
	var orig *domain.Institution
	write(t, s, func(tx *store.Tx) { orig = storetest.Institution(t, tx) })

	first, second := *orig, *orig
	first.Name, first.Phone = "第一次修改", "13800000001"
	second.Name, second.Address = "第二次修改", "另一个地址"
	if err := try(s, func(tx *store.Tx) error { return store.Update(tx, store.Institutions, domain.Scope{}, &first) }); err != nil {
		t.Fatalf("first edit: %v", err)
	}
	events := count(t, s, "audit_events", "")
	err := try(s, func(tx *store.Tx) error { return store.Update(tx, store.Institutions, domain.Scope{}, &second) })
	if !errors.Is(err, store.ErrStale) {
		t.Fatalf("second edit from version 1: %v, want ErrStale", err)
	}
	if got := mustFind(t, s, store.Institutions, domain.Scope{}, orig.ID); !cmp.Equal(got, &first) {
		t.Errorf("stored record is not the first edit (-first +stored):\n%s", cmp.Diff(&first, got))
	}
	if n := count(t, s, "audit_events", ""); n != events {
		t.Errorf("a refused edit wrote %d audit events", n-events)
	}

	// Retire and restore with a stale version change nothing either.
	for _, op := range []func(*store.Tx, *store.Table[domain.Institution], domain.Scope, int64, int) (*domain.Institution, error){
		store.Retire[domain.Institution], store.Restore[domain.Institution],
	} {
		err = try(s, func(tx *store.Tx) error { _, err := op(tx, store.Institutions, domain.Scope{}, orig.ID, 1); return err })
		if !errors.Is(err, store.ErrStale) {
			t.Errorf("retire/restore at version 1 of a version 2 record: %v, want ErrStale", err)
		}
	}
	if got := mustFind(t, s, store.Institutions, domain.Scope{}, orig.ID); got.Retired || got.Version != 2 {
		t.Errorf("after stale retire: retired %v version %d", got.Retired, got.Version)
	}
	// A stale edit of a retired record is refused as well.
	write(t, s, func(tx *store.Tx) {
		if _, err := store.Retire(tx, store.Institutions, domain.Scope{}, orig.ID, 2); err != nil {
			t.Fatal(err)
		}
	})
	if err := try(s, func(tx *store.Tx) error { return store.Update(tx, store.Institutions, domain.Scope{}, &first) }); !errors.Is(err, store.ErrStale) {
		t.Errorf("edit at version 2 of a retired version 3 record: %v, want ErrStale", err)
	}
}

// TestConcurrentUpdates races edits from one version in separate
// transactions: exactly one wins, whatever the engine's locking.
func TestConcurrentUpdates(t *testing.T) {
	t.Parallel()
	s := open(t)
	var orig *domain.Equipment
	write(t, s, func(tx *store.Tx) { orig = storetest.Equipment(t, tx, storetest.Institution(t, tx).ID) })
	events := count(t, s, "audit_events", "")

	const n = 8
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			rec := *orig
			rec.Room = fmt.Sprintf("机房%d", i)
			<-start
			errs[i] = try(s, func(tx *store.Tx) error {
				if err := store.Update(tx, store.Equipment, domain.Scope{}, &rec); err != nil {
					return err
				}
				// Commit late, so that on PostgreSQL the others read the old
				// version meanwhile and meet the row lock in their UPDATE.
				time.Sleep(50 * time.Millisecond)
				return nil
			})
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner < 0:
			winner = i
		case err == nil:
			t.Errorf("edits %d and %d both succeeded", winner, i)
		case !errors.Is(err, store.ErrStale):
			t.Errorf("edit %d: %v, want ErrStale", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no edit succeeded")
	}
	got := mustFind(t, s, store.Equipment, domain.Scope{}, orig.ID)
	if got.Version != 2 || got.Room != fmt.Sprintf("机房%d", winner) {
		t.Errorf("stored version %d room %q, want 2 and the winner's 机房%d", got.Version, got.Room, winner)
	}
	if m := count(t, s, "audit_events", ""); m != events+1 {
		t.Errorf("%d audit events for one successful edit", m-events)
	}
}

// TestConflicts checks that duplicate natural keys and missing parents are
// ErrConflict and leave nothing behind.
func TestConflicts(t *testing.T) {
	t.Parallel()
	s := open(t)
	var a, b *domain.Institution
	var p *domain.Person
	var e *domain.Equipment
	write(t, s, func(tx *store.Tx) {
		a, b = storetest.Institution(t, tx), storetest.Institution(t, tx)
		p = storetest.Person(t, tx)
		e = storetest.Equipment(t, tx, a.ID)
	})
	events := count(t, s, "audit_events", "")
	conflict := func(name, table string, fn func(tx *store.Tx) error) {
		t.Helper()
		rows := count(t, s, table, "")
		if err := try(s, fn); !errors.Is(err, store.ErrConflict) {
			t.Errorf("%s: %v, want ErrConflict", name, err)
		}
		if n := count(t, s, table, ""); n != rows {
			t.Errorf("%s left %d rows in %s", name, n-rows, table)
		}
	}

	conflict("duplicate credit code", "institutions", func(tx *store.Tx) error {
		dup := *a
		dup.Name = "另一家机构"
		return store.Create(tx, store.Institutions, domain.Scope{}, &dup)
	})
	conflict("edit to a taken credit code", "institutions", func(tx *store.Tx) error {
		edit := *b
		edit.CreditCode = a.CreditCode
		return store.Update(tx, store.Institutions, domain.Scope{}, &edit)
	})
	conflict("duplicate ID number", "people", func(tx *store.Tx) error {
		dup := *p
		dup.Name = "另一个人"
		return store.Create(tx, store.People, domain.Scope{}, &dup)
	})
	conflict("duplicate serial in one institution", "equipment", func(tx *store.Tx) error {
		dup := *e
		dup.Type, dup.Model = "ct", "Revolution"
		return store.Create(tx, store.Equipment, domain.Scope{}, &dup)
	})
	conflict("employment of a missing person", "employments", func(tx *store.Tx) error {
		return store.Create(tx, store.Employments, domain.Scope{}, &domain.Employment{PersonID: p.ID + 1000, InstitutionID: a.ID,
			Occupation: "2A", StartedOn: domain.MustDate("2020-01-01")})
	})
	conflict("employment at a missing institution", "employments", func(tx *store.Tx) error {
		return store.Create(tx, store.Employments, domain.Scope{}, &domain.Employment{PersonID: p.ID, InstitutionID: b.ID + 1000,
			Occupation: "2A", StartedOn: domain.MustDate("2020-01-01")})
	})
	conflict("dose of a missing person", "doses", func(tx *store.Tx) error {
		return store.Create(tx, store.Doses, domain.Scope{}, &domain.DoseRecord{PersonID: p.ID + 1000, InstitutionID: a.ID,
			PeriodStart: domain.MustDate("2024-01-01"), PeriodEnd: domain.MustDate("2024-03-31"), Hp10: domain.MicroSv(10)})
	})
	conflict("test of missing equipment", "equipment_tests", func(tx *store.Tx) error {
		return store.Create(tx, store.Tests, domain.Scope{}, &domain.EquipmentTest{EquipmentID: e.ID + 1000, Kind: "status",
			TestedOn: domain.MustDate("2024-05-01"), Result: "pass"})
	})
	if n := count(t, s, "audit_events", ""); n != events {
		t.Errorf("refused changes wrote %d audit events", n-events)
	}

	// The same serial number at another institution is fine.
	write(t, s, func(tx *store.Tx) {
		other := storetest.Equipment(t, tx, b.ID, func(x *domain.Equipment) { x.SerialNo = e.SerialNo })
		if other.SerialNo != e.SerialNo || other.InstitutionID == e.InstitutionID {
			t.Errorf("equipment %+v", other)
		}
	})
}

// TestFailedTransactionLeavesNothing checks that a transaction whose function
// fails, or panics, after a create keeps neither the row nor its audit event.
func TestFailedTransactionLeavesNothing(t *testing.T) {
	t.Parallel()
	s := open(t)
	boom := errors.New("boom")
	var id int64
	err := try(s, func(tx *store.Tx) error {
		id = storetest.Institution(t, tx).ID
		if n := txCount(t, tx, "institutions"); n != 1 {
			t.Errorf("inside the transaction: %d institutions", n)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WithTx returned %v, want the function's error", err)
	}
	if _, err := find(t, s, store.Institutions, domain.Scope{}, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("find the rolled-back institution: %v, want ErrNotFound", err)
	}
	if n, m := count(t, s, "institutions", ""), count(t, s, "audit_events", ""); n != 0 || m != 0 {
		t.Errorf("after rollback: %d institutions, %d audit events", n, m)
	}

	func() {
		defer func() {
			if p := recover(); p != "panic in fn" {
				t.Errorf("recovered %v", p)
			}
		}()
		s.WithTx(ctx, tester, func(tx *store.Tx) error {
			storetest.Person(t, tx)
			panic("panic in fn")
		})
	}()
	if n, m := count(t, s, "people", ""), count(t, s, "audit_events", ""); n != 0 || m != 0 {
		t.Errorf("after panic: %d people, %d audit events", n, m)
	}
	// The store still works after both.
	write(t, s, func(tx *store.Tx) { storetest.Institution(t, tx) })
	if n := count(t, s, "institutions", ""); n != 1 {
		t.Errorf("%d institutions, want 1", n)
	}
}

// txCount counts the rows of table inside a transaction.
func txCount(t testing.TB, tx *store.Tx, table string) int {
	t.Helper()
	var n int
	if err := store.TxQueryRow(tx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAuditOfNonRecordEvents checks tx.Audit, used for logins and exports.
func TestAuditOfNonRecordEvents(t *testing.T) {
	t.Parallel()
	s := open(t)
	write(t, s, func(tx *store.Tx) {
		if err := tx.Audit("export", "institution", 0, map[string]string{"format": "xlsx"}); err != nil {
			t.Fatal(err)
		}
	})
	r := lastAudit(t, s)
	if r.Action != "export" || r.Entity != "institution" || r.Before.Valid || r.After.String != `{"format":"xlsx"}` ||
		r.Username != "tester" || !r.At.Equal(t0) {
		t.Errorf("audit event %+v", r)
	}
	// Only the non-record events of these tests are in the log, in order.
	var actions []string
	rows := storetest.Rows(t, s, "SELECT action FROM audit_events ORDER BY id")
	for rows.Next() {
		var a string
		rows.Scan(&a)
		actions = append(actions, a)
	}
	rows.Close()
	if !slices.Equal(actions, []string{"export"}) {
		t.Errorf("actions %v", actions)
	}
}
