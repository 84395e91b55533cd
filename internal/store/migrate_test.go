package store_test

import (
	"regexp"
	"slices"
	"testing"

	"radsup/internal/domain"

	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestMigrationsPaired checks that both engines have the same migrations,
// numbered in order.
func TestMigrationsPaired(t *testing.T) {
	t.Parallel()
	lite, err := store.MigrationNames("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.MigrationNames("postgres")
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Fatalf("migrations differ:\nsqlite   %v\npostgres %v", lite, pg)
	}
	name := regexp.MustCompile(`^(\d{4})_[a-z0-9_]+\.sql$`)
	prev := ""
	for _, n := range lite {
		m := name.FindStringSubmatch(n)
		if m == nil {
			t.Errorf("migration %q is not named NNNN_name.sql", n)
			continue
		}
		if m[1] <= prev {
			t.Errorf("migration %q does not follow number %s", n, prev)
		}
		prev = m[1]
	}
	if _, err := store.MigrationNames("oracle"); err == nil {
		t.Error("migrations of an unknown dialect")
	}
}

// TestMigrateTwice checks that migrating an up-to-date database changes
// nothing and keeps the data.
func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	s, err := store.Open(ctx, storetest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	names, _ := store.MigrationNames(s.Dialect())
	for range 2 {
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	applied, at := appliedMigrations(t, s)
	if !slices.Equal(applied, names) {
		t.Fatalf("applied %v, want %v", applied, names)
	}
	setClock(s, t0)
	var id int64
	write(t, s, func(tx *store.Tx) { id = storetest.Institution(t, tx).ID })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate a third time: %v", err)
	}
	if got, gotAt := appliedMigrations(t, s); !slices.Equal(got, applied) || !slices.Equal(gotAt, at) {
		t.Errorf("after a third migrate: %v applied at %v, want %v at %v", got, gotAt, applied, at)
	}
	mustFind(t, s, store.Institutions, domain.Scope{}, id)
	if n := count(t, s, "institutions", ""); n != 1 {
		t.Errorf("%d institutions after migrating again, want 1", n)
	}
}

// appliedMigrations returns the names in schema_migrations and the times
// they were applied.
func appliedMigrations(t *testing.T, s *store.Store) (names, at []string) {
	t.Helper()
	rows := storetest.Rows(t, s, "SELECT name, applied_at FROM schema_migrations ORDER BY name")
	defer rows.Close()
	for rows.Next() {
		var name, when string
		if err := rows.Scan(&name, &when); err != nil {
			t.Fatal(err)
		}
		names, at = append(names, name), append(at, when)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return names, at
}
