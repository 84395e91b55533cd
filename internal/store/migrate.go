package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"radsup/internal/domain"
)

//go:embed migrations
var migrationFS embed.FS

// MigrationNames lists the migration files of a dialect ("sqlite" or "postgres") in order.
func MigrationNames(dialectName string) ([]string, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations/"+dialectName)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names, nil
}

// Migrate applies the migrations not yet applied, each in its own
// transaction, in name order. Migrations are up-only.
func (s *Store) Migrate(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("store.Migrate: %w", err)
	}
	names, err := MigrationNames(s.dialect.name)
	if err != nil {
		return fmt.Errorf("store.Migrate: %w", err)
	}
	for _, name := range names {
		if err := s.migrate(ctx, name); err != nil {
			return fmt.Errorf("store.Migrate %s: %w", name, err)
		}
	}
	if err := s.sealAudit(ctx); err != nil {
		return fmt.Errorf("store.Migrate: %w", err)
	}
	if err := s.fillNameKeys(ctx); err != nil {
		return fmt.Errorf("store.Migrate: %w", err)
	}
	if s.dialect.afterMigrate != "" {
		_, err = s.write.ExecContext(ctx, s.dialect.afterMigrate)
	}
	return err
}

// sealAudit chains the audit events written before the chain existed
// (hash ”), in id order, after the head.
func (s *Store) sealAudit(ctx context.Context) error {
	for {
		var n int
		err := s.WithTx(ctx, domain.Actor{}, func(tx *Tx) error {
			if err := tx.chainHead(); err != nil {
				return err
			}
			rows, err := tx.query("SELECT "+auditCols+" FROM audit_events WHERE hash = '' AND id > ? ORDER BY id LIMIT 1000", tx.chain.lastID)
			if err != nil {
				return err
			}
			var events []*domain.AuditEvent
			for rows.Next() {
				e, err := scanAudit(rows)
				if err != nil {
					rows.Close()
					return err
				}
				events = append(events, e)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, e := range events {
				e.PrevHash = tx.chain.hash
				e.Hash = chainHash(e)
				if _, err := tx.exec("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE id = ?", e.PrevHash, e.Hash, e.ID); err != nil {
					return err
				}
				tx.chain.lastID, tx.chain.hash, tx.chain.moved = e.ID, e.Hash, true
			}
			n = len(events)
			return nil
		})
		if err != nil || n == 0 {
			return err
		}
	}
}

// migrationLock is the advisory lock key that serialises migrations.
const migrationLock = 727001

func (s *Store) migrate(ctx context.Context, name string) error {
	body, err := migrationFS.ReadFile("migrations/" + s.dialect.name + "/" + name)
	if err != nil {
		return err
	}
	return s.WithTx(ctx, domain.Actor{}, func(tx *Tx) error {
		// Several servers may start at once on one database: one migrates, the others wait.
		if err := tx.lock(migrationLock); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow("SELECT COUNT(*) FROM schema_migrations WHERE name = ?", name).Scan(&n); err != nil || n > 0 {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, string(body)); err != nil {
			return err
		}
		_, err := tx.exec("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", name, time.Now().UTC().Format(time.RFC3339))
		return err
	})
}
