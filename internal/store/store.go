// Package store keeps radsup's records in SQLite or PostgreSQL. Queries are
// written once with ? placeholders; dialect.go holds the few differences.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite"
)

// Store is the database: a writer pool and a reader pool (the same pool on PostgreSQL).
type Store struct {
	write   *sql.DB
	read    *sql.DB
	dialect dialect
	path    string // the SQLite file; "" on PostgreSQL
	unserve func() // gives up Serve's lock
	// Now returns the current time; tests replace it.
	Now func() time.Time
	// OnQuery, when set before use, sees every statement a transaction runs
	// (after rebinding) with its arguments; benchmarks replay them bare.
	OnQuery func(query string, args []any)

	counts countCache // list totals kept between writes
}

// Open connects to the database named by url: "sqlite:PATH" (or a path
// ending in .db) or "postgres://…". It does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*Store, error) {
	s := &Store{Now: time.Now}
	var err error
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		s.dialect = postgres
		s.write, err = sql.Open("pgx", url)
		if err == nil {
			s.write.SetMaxOpenConns(20)
			s.write.SetMaxIdleConns(10)
			s.read = s.write
		}
	case strings.HasPrefix(url, "sqlite:") || strings.HasSuffix(url, ".db"):
		s.dialect = sqlite
		err = s.openSQLite(strings.TrimPrefix(url, "sqlite:"))
	default:
		return nil, fmt.Errorf("store.Open: unknown database URL %q (want sqlite:PATH or postgres://…)", url)
	}
	if err != nil {
		return nil, fmt.Errorf("store.Open: %w", err)
	}
	if err := s.write.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store.Open: %w", err)
	}
	return s, nil
}

// The SQLite reader pool: the file mapped by each connection, the page
// cache of each.
const (
	readerMmap     = 1 << 30
	readerCacheKiB = 16 << 10
)

// readers is the number of reader connections: one per processor, at least
// two. More do not read faster, and each costs: every committed write makes
// every reader drop its page cache and mapping and fault its pages in again
// (on 2 processors, 4 readers served 165 requests/s of the load mix, 2
// readers 208; docs/benchmarks.md).
var readers = min(max(runtime.NumCPU(), 2), 8)

// openSQLite opens one writer connection (SQLite allows one writer at a time;
// queuing in Go avoids SQLITE_BUSY) and a pool of readers, in WAL mode.
func (s *Store) openSQLite(path string) error {
	s.path = path
	// busy_timeout comes first so that the other pragmas wait for locks too.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_pragma=temp_store(MEMORY)&_txlock=immediate"
	var err error
	if s.write, err = sql.Open("sqlite", dsn); err != nil {
		return err
	}
	s.write.SetMaxOpenConns(1)
	// Readers map the file (up to readerMmap each: bounded address space,
	// the kernel's page cache shared by all, no copy into SQLite's cache)
	// and keep a larger page cache of their own for what lies beyond.
	if s.read, err = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&mode=ro"+
		fmt.Sprintf("&_pragma=mmap_size(%d)&_pragma=cache_size(%d)", readerMmap, -readerCacheKiB)); err != nil {
		return err
	}
	s.read.SetMaxOpenConns(readers)
	s.read.SetMaxIdleConns(readers) // keep their page caches
	return nil
}

// Ping checks that the database answers (for /healthz).
func (s *Store) Ping(ctx context.Context) error {
	err := markFault(s.write.PingContext(ctx))
	s.forgetConns(err)
	return err
}

// Dialect names the database engine: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name }

// Reader returns the pool that read-only transactions use.
func (s *Store) Reader() *sql.DB { return s.read }

// DB returns the writer pool, for tests and benchmarks only: they run bare
// SQL beside the services (storetest's helpers, a benchmark comparing a page
// or an import with its bare statements). Application code goes through
// WithTx and View.
func (s *Store) DB() *sql.DB { return s.write }

// Rebind rewrites ? placeholders for the store's dialect.
func (s *Store) Rebind(q string) string { return s.dialect.rebind(q) }

// Close closes both pools. On SQLite the readers go first, so that the
// writer, closing last, folds the write-ahead log back into the database
// file and removes it (a read-only connection cannot).
func (s *Store) Close() error {
	if s.unserve != nil {
		defer s.unserve()
	}
	var err error
	if s.read != s.write {
		err = s.read.Close()
	}
	if s.dialect.beforeClose != "" {
		if _, cerr := s.write.Exec(s.dialect.beforeClose); cerr != nil {
			err = errors.Join(err, fmt.Errorf("store: checkpoint: %w", cerr))
		}
	}
	return errors.Join(err, s.write.Close())
}
