package storetest

import (
	"context"
	"database/sql"
	"testing"

	"radsup/internal/store"
)

// Bare SQL for tests: what a test reads or tampers with beside the services
// (a row count, an audit event to break). Statements are written with ?
// placeholders, rebound for the store's engine, and run outside any
// transaction: writes on the writer pool, reads on the reader pool, so they
// see what has been committed.

// Exec runs the statement q with args and fails the test if it fails.
func Exec(tb testing.TB, s *store.Store, q string, args ...any) {
	tb.Helper()
	if _, err := s.DB().ExecContext(context.Background(), s.Rebind(q), args...); err != nil {
		tb.Fatalf("storetest: %s: %v", q, err)
	}
	s.Forget()
}

// Row runs the query q, which returns at most one row, with args; Scan
// reports its error (sql.ErrNoRows if there is no row).
func Row(tb testing.TB, s *store.Store, q string, args ...any) *sql.Row {
	tb.Helper()
	return s.Reader().QueryRowContext(context.Background(), s.Rebind(q), args...)
}

// Rows runs the query q with args and fails the test if it fails. The
// caller closes the rows and checks their Err; they are closed at the end of
// the test in any case.
func Rows(tb testing.TB, s *store.Store, q string, args ...any) *sql.Rows {
	tb.Helper()
	rows, err := s.Reader().QueryContext(context.Background(), s.Rebind(q), args...)
	if err != nil {
		tb.Fatalf("storetest: %s: %v", q, err)
	}
	tb.Cleanup(func() { rows.Close() })
	return rows
}

// Count returns the result of SELECT COUNT(*) FROM from, where from is a
// table, optionally followed by a WHERE clause with ? placeholders for args:
// Count(tb, s, "audit_events WHERE action = ?", "login"). It fails the test
// if the query fails.
func Count(tb testing.TB, s *store.Store, from string, args ...any) int {
	tb.Helper()
	var n int
	if err := Row(tb, s, "SELECT COUNT(*) FROM "+from, args...).Scan(&n); err != nil {
		tb.Fatalf("storetest: count %s: %v", from, err)
	}
	return n
}
