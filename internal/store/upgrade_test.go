package store_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// Upgrade fixtures: the demo district as a release's schema holds it, as
// SQL both engines read (every value a quoted literal, which each engine
// casts to the column's type). testdata/upgrade/SCHEMA.sql.gz holds the
// data of a database migrated up to and including migration SCHEMA, in
// the order its rows can be inserted. Each release adds the fixture of its
// own schema (RADSUP_WRITE_UPGRADE_FIXTURE=SCHEMA with that release's code)
// and keeps the older ones: TestUpgradeFromFixtures migrates every one of
// them through every later migration.

const fixtureDir = "testdata/upgrade"

// TestUpgradeFromFixtures loads each fixture into a database at its schema
// and applies every later migration one at a time: after each, every table
// of the fixture still holds its rows; at the end the audit chain verifies
// and every record reads.
func TestUpgradeFromFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.sql.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no upgrade fixture in %s: %v", fixtureDir, err)
	}
	for _, file := range files {
		schema := strings.TrimSuffix(filepath.Base(file), ".sql.gz")
		t.Run(schema, func(t *testing.T) { testUpgrade(t, file, schema) })
	}
}

func testUpgrade(t *testing.T, file, schema string) {
	ctx := context.Background()
	s, err := store.Open(ctx, storetest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	names, err := store.MigrationNames(s.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(names, func(n string) bool { return strings.HasPrefix(n, schema+"_") })
	if i < 0 {
		t.Fatalf("no migration %s", schema)
	}
	later := names[i+1:]
	if err := s.MigrateBefore(ctx, next(names, i)); err != nil {
		t.Fatal(err)
	}
	counts := loadFixture(t, s, file)
	if len(later) == 0 {
		t.Logf("%s is the newest schema: nothing to migrate", schema)
	}
	for j, name := range later {
		if err := s.MigrateBefore(ctx, next(names, i+1+j)); err != nil {
			t.Fatalf("migrate %s: %v", name, err)
		}
		for table, n := range counts {
			if got := storetest.Count(t, s, table); got != n {
				t.Errorf("after %s: %s holds %d rows, the fixture %d", name, table, got, n)
			}
		}
	}
	if err := s.Migrate(ctx); err != nil { // and what Migrate does after the migrations
		t.Fatal(err)
	}
	// The upgraded database takes new records, audited, after the fixture's.
	first17 := "41010219991231999"
	p := &domain.Person{IDNumber: first17 + string(domain.IDCheckChar(first17)), Name: "升级后新增"}
	if err := s.WithTx(ctx, domain.Actor{Username: "jiandu", Role: domain.RoleSupervisor}, func(tx *store.Tx) error {
		return store.Create(tx, store.People, domain.Scope{}, p)
	}); err != nil {
		t.Fatalf("a new record after the upgrade: %v", err)
	}
	rep, err := s.VerifyAudit(ctx)
	if err != nil || rep.Break != nil || rep.Events != int64(counts["audit_events"])+1 {
		t.Fatalf("audit chain after the upgrade: %+v %v (the fixture has %d events, and one added)", rep, err, counts["audit_events"])
	}
	counts["people"]++
	// Every record of the register reads through the store, retired or not.
	err = s.View(ctx, func(tx *store.Tx) error {
		return errors.Join(
			readAll(tx, store.Institutions, counts["institutions"]), readAll(tx, store.Licences, counts["licences"]),
			readAll(tx, store.People, counts["people"]), readAll(tx, store.Employments, counts["employments"]),
			readAll(tx, store.Trainings, counts["trainings"]), readAll(tx, store.Exams, counts["exams"]),
			readAll(tx, store.Doses, counts["doses"]), readAll(tx, store.Equipment, counts["equipment"]),
			readAll(tx, store.Tests, counts["equipment_tests"]))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// readAll reads every record of a table and checks that there are want.
func readAll[T any](tx *store.Tx, table *store.Table[T], want int) error {
	recs, _, err := store.List(tx, table, domain.Scope{}, store.Filter{Retired: true})
	if err != nil {
		return err
	}
	if len(recs) != want {
		return fmt.Errorf("%T: %d records read, the fixture has %d", recs, len(recs), want)
	}
	return nil
}

// next is the name of the migration after names[i], or a name after all.
func next(names []string, i int) string {
	if i+1 < len(names) {
		return names[i+1]
	}
	return "9999"
}

// loadFixture runs the fixture's statements in one transaction and returns
// the rows it put in each table. On PostgreSQL the id sequences then move
// past the ids the fixture gave.
func loadFixture(t *testing.T, s *store.Store, file string) map[string]int {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := s.DB().Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	counts := map[string]int{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "--") {
			continue
		}
		// "-- rows TABLE N" comments are skipped above; each statement is
		// one line: INSERT INTO table (…) VALUES (…), (…);
		table := strings.Fields(line)[2]
		if _, seen := counts[table]; !seen {
			// What the migrations put in (audit_head's row, say) is
			// replaced by the fixture's rows.
			if _, err := tx.Exec("DELETE FROM " + table); err != nil {
				t.Fatal(err)
			}
		}
		res, err := tx.Exec(line)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		n, _ := res.RowsAffected()
		counts[table] += int(n)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if s.Dialect() == "postgres" {
		for table := range counts {
			var seq sql.NullString
			if err := tx.QueryRow("SELECT pg_get_serial_sequence($1, 'id')", table).Scan(&seq); err != nil || !seq.Valid {
				continue
			}
			if _, err := tx.Exec("SELECT setval($1, (SELECT MAX(id) FROM "+table+"))", seq.String); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return counts
}

// TestWriteUpgradeFixture writes the fixture of the schema named by
// RADSUP_WRITE_UPGRADE_FIXTURE (the number of the newest migration, as
// 0014) with the demo district, some audited changes and the findings of
// a screening, on SQLite. Run it with the release's code.
func TestWriteUpgradeFixture(t *testing.T) {
	schema := os.Getenv("RADSUP_WRITE_UPGRADE_FIXTURE")
	if schema == "" {
		t.Skip("RADSUP_WRITE_UPGRADE_FIXTURE=SCHEMA writes a fixture")
	}
	ctx := context.Background()
	s, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "fixture.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	names, _ := store.MigrationNames("sqlite")
	if last := names[len(names)-1]; !strings.HasPrefix(last, schema+"_") {
		t.Fatalf("the newest migration is %s, not %s", last, schema)
	}
	asOf := domain.MustDate("2026-06-30")
	if _, err := demo.Load(ctx, s, demo.District, 1, asOf); err != nil {
		t.Fatal(err)
	}
	// Audited changes (a chain of events) and the findings of a screening.
	err = s.WithTx(ctx, domain.Actor{Username: "jiandu", Role: domain.RoleSupervisor}, func(tx *store.Tx) error {
		people, _, err := store.List(tx, store.People, domain.Scope{}, store.Filter{Limit: 20})
		if err != nil {
			return err
		}
		for _, p := range people {
			p.Name += "（更正）"
			if err := store.Update(tx, store.People, domain.Scope{}, p); err != nil {
				return err
			}
		}
		eq, _, err := store.List(tx, store.Equipment, domain.Scope{}, store.Filter{Limit: 1})
		if err != nil {
			return err
		}
		_, err = store.Retire(tx, store.Equipment, domain.Scope{}, eq[0].ID, eq[0].Version)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&findings.Service{Store: s}).RunFull(ctx, asOf); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(fixtureDir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(filepath.Join(fixtureDir, schema+".sql.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	zw, _ := gzip.NewWriterLevel(out, gzip.BestCompression)
	w := bufio.NewWriter(zw)
	fmt.Fprintf(w, "-- The demo district (seed 1, as of 2026-06-30) at schema %s; see upgrade_test.go.\n", schema)
	// Tables in the order they were created: a table's parents come first.
	for _, table := range tablesInOrder(t, s) {
		dumpTable(t, s, w, table)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

func tablesInOrder(t *testing.T, s *store.Store) []string {
	rows := storetest.Rows(t, s, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY rowid")
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

// dumpTable writes a table's rows, 100 to an INSERT, every value quoted.
func dumpTable(t *testing.T, s *store.Store, w *bufio.Writer, table string) {
	rows := storetest.Rows(t, s, "SELECT * FROM "+table+" ORDER BY rowid")
	defer rows.Close()
	cols, _ := rows.Columns()
	types, _ := rows.ColumnTypes()
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	var batch []string
	flush := func() {
		if len(batch) > 0 {
			fmt.Fprintf(w, "%s%s;\n", head, strings.Join(batch, ", "))
			batch = batch[:0]
		}
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		lit := make([]string, len(cols))
		for i, v := range vals {
			lit[i] = literal(t, table, cols[i], types[i].DatabaseTypeName(), v)
		}
		batch = append(batch, "("+strings.Join(lit, ", ")+")")
		if len(batch) == 100 {
			flush()
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	flush()
}

// literal is a value as a quoted SQL literal both engines cast to the
// column's type.
func literal(t *testing.T, table, col, typ string, v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		return "NULL"
	case int64:
		s = strconv.FormatInt(x, 10)
	case float64:
		s = strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		s = strconv.FormatBool(x)
	case string:
		s = x
	case time.Time:
		if strings.EqualFold(typ, "DATE") {
			s = x.UTC().Format(time.DateOnly)
		} else {
			s = x.UTC().Format("2006-01-02 15:04:05.999999Z07:00")
		}
	default:
		t.Fatalf("%s.%s: a value of type %T has no literal in the fixture", table, col, v)
	}
	if strings.ContainsAny(s, "\n\r") {
		s = strings.NewReplacer("\r", "", "\n", "\\n").Replace(s)
		t.Fatalf("%s.%s: a line break in a value", table, col)
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
