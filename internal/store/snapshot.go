package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Backups (radsup backup / restore). SQLite: a consistent copy taken while
// the server runs (VACUUM INTO reads one snapshot), checked before it is
// reported; restore checks the copy and puts it in place atomically.
// PostgreSQL: pg_dump's custom format and pg_restore, which do the same for
// a server.

// ErrNotEmpty is returned when a restore would overwrite a database that
// holds data.
var ErrNotEmpty = errors.New("store: the target database holds data")

// Backup writes a consistent copy of the database to path, which must not
// exist. On PostgreSQL it runs pg_dump (url is the database's URL).
func (s *Store) Backup(ctx context.Context, url, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("store: backup: %s exists already", path)
	}
	if err := s.dialect.backup(ctx, s, url, path); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return nil
}

// checkSQLiteFile opens a SQLite file read-only and checks that it is whole
// (integrity_check) and is a radsup database (it has migrations).
func checkSQLiteFile(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity_check: %s", res)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n == 0 {
		return fmt.Errorf("not a radsup database (no migrations): %v", err)
	}
	return nil
}

// RestoreBackup replaces the database at url with the backup at path. A target
// that holds data (any account or institution) is refused unless force.
// The caller opens and migrates the database afterwards, which brings an
// older backup up to date.
func RestoreBackup(ctx context.Context, url, path string, force bool) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	if !force {
		if full, err := holdsData(ctx, url); err != nil {
			return fmt.Errorf("store: restore: %w", err)
		} else if full {
			return ErrNotEmpty
		}
	}
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		return pgTool(ctx, "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", url, path)
	}
	if err := checkSQLiteFile(ctx, path); err != nil {
		return fmt.Errorf("store: restore: %s: %w", path, err)
	}
	target := strings.TrimPrefix(url, "sqlite:")
	tmp, err := os.CreateTemp(filepath.Dir(target), ".restore-*")
	if err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	defer os.Remove(tmp.Name())
	src, err := os.Open(path)
	if err != nil {
		tmp.Close()
		return fmt.Errorf("store: restore: %w", err)
	}
	_, err = io.Copy(tmp, src)
	src.Close()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	// The old database's log must not be replayed into the new file.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("store: restore: %w", err)
		}
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	return nil
}

// holdsData reports whether the database at url has accounts or
// institutions; a missing SQLite file or an empty database has none.
func holdsData(ctx context.Context, url string) (bool, error) {
	if p := strings.TrimPrefix(url, "sqlite:"); p != url || strings.HasSuffix(url, ".db") {
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			return false, nil
		}
	}
	s, err := Open(ctx, url)
	if err != nil {
		return false, err
	}
	defer s.Close()
	for _, table := range []string{"users", "institutions"} {
		var n int
		err := s.write.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n)
		if err != nil {
			return false, nil // no such table: a database never migrated
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// pgTool runs a PostgreSQL client tool, found on PATH or in the newest
// /usr/lib/postgresql/*/bin (Debian keeps them there).
func pgTool(ctx context.Context, name string, args ...string) error {
	bin, err := exec.LookPath(name)
	if err != nil {
		dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
		sort.Strings(dirs)
		if len(dirs) == 0 {
			return fmt.Errorf("store: %s not found: install the PostgreSQL client tools (see docs/backup.md)", name)
		}
		bin = dirs[len(dirs)-1]
	}
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("store: %s: %w\n%s", name, err, out)
	}
	return nil
}

// TableRows returns every row of every table, as text, ordered, by table
// name: what a backup must carry over. For tests comparing a restore.
func (s *Store) TableRows(ctx context.Context) (map[string][]string, error) {
	rows, err := s.read.QueryContext(ctx, s.dialect.tables)
	if err != nil {
		return nil, err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, t)
	}
	rows.Close()
	out := map[string][]string{}
	for _, t := range tables {
		r, err := s.read.QueryContext(ctx, "SELECT * FROM "+t)
		if err != nil {
			return nil, err
		}
		cols, _ := r.Columns()
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				r.Close()
				return nil, err
			}
			var b strings.Builder
			for i, v := range vals {
				if i > 0 {
					b.WriteString("\x1f")
				}
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprint(&b, v)
			}
			out[t] = append(out[t], b.String())
		}
		r.Close()
		if err := r.Err(); err != nil {
			return nil, err
		}
		sort.Strings(out[t])
	}
	return out, nil
}
