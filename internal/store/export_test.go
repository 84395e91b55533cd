package store

import "context"

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
