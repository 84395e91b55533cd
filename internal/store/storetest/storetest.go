// Package storetest gives tests a fresh, migrated database: a SQLite file by
// default, or a new PostgreSQL database when RADSUP_TEST_POSTGRES holds the
// URL of a server (CI runs the whole suite both ways).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"radsup/internal/store"
)

// PostgresEnv names the environment variable holding the test server's URL.
const PostgresEnv = "RADSUP_TEST_POSTGRES"

// Open returns a migrated store on a fresh database, closed and dropped when
// the test ends. It fails the test (never skips) if the database cannot be had.
func Open(tb testing.TB) *store.Store {
	tb.Helper()
	ctx := context.Background()
	dsn := URL(tb)
	s, err := store.Open(ctx, dsn)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		tb.Fatalf("storetest: migrate: %v", err)
	}
	return s
}

// URL returns the URL of a fresh, empty database (not migrated).
func URL(tb testing.TB) string {
	tb.Helper()
	server := os.Getenv(PostgresEnv)
	if server == "" {
		return "sqlite:" + filepath.Join(tb.TempDir(), "test.db")
	}
	return freshPostgres(tb, server)
}

// freshPostgres creates a new database on the server and drops it at cleanup.
func freshPostgres(tb testing.TB, server string) string {
	tb.Helper()
	admin, err := sql.Open("pgx", server)
	if err != nil {
		tb.Fatalf("storetest: %s: %v", PostgresEnv, err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "radsup_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatalf("storetest: create database on %s: %v", PostgresEnv, err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", server)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(server)
	if err != nil {
		tb.Fatalf("storetest: %s: %v", PostgresEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Missing skips the test for want of something the machine lacks (a tool,
// a file of the specification) — except in CI (CI=true), where a missing
// dependency must fail the build rather than hide the tests it guards.
func Missing(tb testing.TB, what string) {
	tb.Helper()
	if ci := os.Getenv("CI"); ci == "true" || ci == "1" {
		tb.Fatalf("%s is missing; CI must provide it", what)
	}
	tb.Skipf("%s is missing", what)
}
