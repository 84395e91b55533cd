package store

import (
	"context"
	"database/sql"
)

// MigrateBefore applies the migrations named before name, as a database
// of an earlier version had them, for the tests of a migration.
func (s *Store) MigrateBefore(ctx context.Context, name string) error {
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	names, err := MigrationNames(s.dialect.name)
	if err != nil {
		return err
	}
	for _, n := range names {
		if n >= name {
			break
		}
		if err := s.migrate(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// The tests of package store_test that must run SQL inside a transaction
// of their own (a count before commit, a write during a scan) reach the
// transaction's unexported methods through these; other tests use
// storetest's helpers, outside any transaction.

// TxExec runs a statement written with ? placeholders on tx.
func TxExec(tx *Tx, q string, args ...any) (sql.Result, error) { return tx.exec(q, args...) }

// TxQuery runs a query written with ? placeholders on tx.
func TxQuery(tx *Tx, q string, args ...any) (*sql.Rows, error) { return tx.query(q, args...) }

// TxQueryRow runs a query returning one row on tx.
func TxQueryRow(tx *Tx, q string, args ...any) *sql.Row { return tx.queryRow(q, args...) }
