package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"radsup/internal/domain"
)

// dialect holds everything that differs between SQLite and PostgreSQL:
// query text, locks, and what the engine needs at the edges of a
// transaction, a migration or the store's life. No other file asks which
// engine it runs on.
type dialect struct {
	name string
	// like is the case-insensitive LIKE operator.
	like string
	// dollar says placeholders are $1, $2 … instead of ?.
	dollar bool
	// txOptions says BeginTx takes options; SQLite's DSN sets the lock
	// mode and its driver refuses read-only options.
	txOptions bool
	// forUpdate locks the rows a SELECT reads until the transaction ends:
	// PostgreSQL runs writers side by side, SQLite one at a time.
	forUpdate string
	// snapshot makes a read transaction see one snapshot throughout
	// (SQLite's read transactions do already).
	snapshot string
	// lock takes a transaction-scoped advisory lock whose key is the
	// argument; "" where one writer at a time makes locks needless.
	lock string
	// tryLock takes a session-scoped advisory lock if free, returning
	// true; unlock gives it back. "" where one process serves the database.
	tryLock, unlock string
	// afterMigrate runs once the migrations are applied.
	afterMigrate string
	// beforeClose runs on the writer before the store closes: SQLite folds
	// the write-ahead log back into the database file.
	beforeClose string
	// tables lists the application's tables.
	tables string
	// days is the number of days from the DATE column %[2]s to %[1]s, as an integer.
	days string
	// noIndex marks a column in a condition that the planner should not
	// answer from an index (SQLite's unary +), so that it scans the list's
	// order index and stops at the page; PostgreSQL plans such queries well.
	noIndex string
	// binary follows a text expression in ORDER BY to compare it byte by
	// byte, as SQLite's BINARY collation does: PostgreSQL would otherwise
	// use the database's collation, and the two engines' lists would differ.
	binary string
}

var (
	sqlite = dialect{name: "sqlite", like: "LIKE", noIndex: "+",
		afterMigrate: "PRAGMA optimize",
		beforeClose:  "PRAGMA wal_checkpoint(TRUNCATE)",
		tables:       "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
		days:         "CAST(julianday(%[1]s) - julianday(%[2]s) AS INTEGER)",
	}
	postgres = dialect{name: "postgres", like: "ILIKE", dollar: true, txOptions: true,
		forUpdate: " FOR UPDATE",
		snapshot:  "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
		lock:      "SELECT pg_advisory_xact_lock(?)",
		tryLock:   "SELECT pg_try_advisory_lock(?)",
		unlock:    "SELECT pg_advisory_unlock(?)",
		binary:    ` COLLATE "C"`,
		tables:    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
		days:      "(%[1]s - %[2]s)",
	}
)

// backup writes a consistent copy of the database to path: pg_dump on
// PostgreSQL (url is the database's URL), VACUUM INTO and an integrity
// check on SQLite.
func (d dialect) backup(ctx context.Context, s *Store, url, path string) error {
	if d.name == "postgres" {
		return pgTool(ctx, "pg_dump", "--format=custom", "--no-owner", "--file", path, url)
	}
	if _, err := s.read.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return err
	}
	if err := checkSQLiteFile(ctx, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("the copy does not check: %w", err)
	}
	return nil
}

// rebind rewrites ? placeholders to $n for PostgreSQL. Queries never hold a
// literal question mark.
func (d dialect) rebind(q string) string {
	if !d.dollar {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// likeArg escapes a user's search text for a LIKE pattern containing it.
func likeArg(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// prefix returns a condition matching rows whose col starts with v, in a form
// each engine answers from an index: a range in SQLite (whose LIKE ignores
// case and so cannot use a plain index), LIKE 'v%' in PostgreSQL (with a
// text_pattern_ops index, whatever the database collation).
func (d dialect) prefix(col, v string) (string, []any) {
	if d.dollar {
		r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
		return col + ` LIKE ? ESCAPE '\'`, []any{r.Replace(v) + "%"}
	}
	return "(" + col + " >= ? AND " + col + " < ?)", []any{v, v + "\U0010FFFF"}
}

// Engine error codes that mean the database cannot serve now, not that the
// request is wrong. SQLite's primary result codes (the low byte of the
// extended code): SQLITE_READONLY 8, SQLITE_IOERR 10, SQLITE_FULL 13,
// SQLITE_CANTOPEN 14. PostgreSQL's SQLSTATEs: class 08 (connection
// exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
// cannot_connect_now, 53100 disk_full, 25006 read_only_sql_transaction
// (a standby or default_transaction_read_only).
func engineFault(err error) *domain.Error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code == "53100":
			return ErrStorageFull
		case pg.Code == "25006":
			return ErrReadOnly
		case strings.HasPrefix(pg.Code, "08"), pg.Code == "57P01", pg.Code == "57P02", pg.Code == "57P03":
			return ErrUnavailable
		}
		return nil
	}
	var lite interface{ Code() int }
	if errors.As(err, &lite) {
		switch lite.Code() & 0xff {
		case 8:
			return ErrReadOnly
		case 13:
			return ErrStorageFull
		case 10, 14:
			return ErrUnavailable
		}
	}
	return nil
}
