package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"radsup/internal/domain"
)

// liteErr stands for the SQLite driver's error: its Code is the extended
// result code.
type liteErr int

func (e liteErr) Error() string { return fmt.Sprintf("sqlite error %d", int(e)) }
func (e liteErr) Code() int     { return int(e) }

func TestFaultClassifiesDriverErrors(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	for _, c := range []struct {
		name string
		err  error
		want *domain.Error
	}{
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, ErrUnavailable},
		{"cannot connect now", &pgconn.PgError{Code: "57P03"}, ErrUnavailable},
		{"connection failure", &pgconn.PgError{Code: "08006"}, ErrUnavailable},
		{"pg disk full", &pgconn.PgError{Code: "53100"}, ErrStorageFull},
		{"pg read-only transaction", &pgconn.PgError{Code: "25006"}, ErrReadOnly},
		{"connection refused", fmt.Errorf("begin: %w", refused), ErrUnavailable},
		{"SQLITE_FULL", liteErr(13), ErrStorageFull},
		{"SQLITE_READONLY_DBMOVED", liteErr(8 | 4<<8), ErrReadOnly},
		{"SQLITE_IOERR_WRITE", liteErr(10 | 3<<8), ErrUnavailable},
		{"unique violation", &pgconn.PgError{Code: "23505"}, nil},
		{"SQLITE_CONSTRAINT", liteErr(19), nil},
		{"cancelled", context.Canceled, nil},
		{"a bug", errors.New("no such column: x"), nil},
	} {
		if got := Fault(c.err); got != c.want {
			t.Errorf("%s: Fault = %v, want %v", c.name, got, c.want)
		}
	}
	// A transaction's error keeps the driver's text and gains the code.
	err := markFault(fmt.Errorf("store: commit: %w", liteErr(13)))
	if !errors.Is(err, ErrStorageFull) || !strings.Contains(err.Error(), "sqlite error 13") {
		t.Errorf("markFault = %v", err)
	}
	if err := markFault(ErrConflict); err != ErrConflict {
		t.Errorf("markFault(ErrConflict) = %v", err)
	}
}

// mountTmpfs mounts a size-limited tmpfs on a fresh directory, or skips the
// test where mounting is not allowed.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

func openFaultStore(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), "sqlite:"+filepath.Join(dir, "radsup.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func putSetting(s *Store, name, value string) error {
	return s.WithTx(context.Background(), domain.Actor{Username: "tester"}, func(tx *Tx) error { return tx.PutSetting(name, value) })
}

func getSetting(t *testing.T, s *Store, name string) string {
	t.Helper()
	var v string
	if err := s.View(context.Background(), func(tx *Tx) (err error) { v, err = tx.Setting(name); return err }); err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return v
}

func integrity(t *testing.T, s *Store) {
	t.Helper()
	var res string
	if err := s.write.QueryRowContext(context.Background(), "PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
}

// A SQLite database that turns read-only under a running store (here its
// one writer connection is switched to query_only, which fails writes with
// SQLITE_READONLY as a read-only file does) refuses writes with ErrReadOnly,
// still answers reads, and is intact and writable once the fault is gone.
func TestSQLiteReadOnlyDatabase(t *testing.T) {
	s := openFaultStore(t, t.TempDir())
	if err := putSetting(s, "fault.before", "1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.ExecContext(context.Background(), "PRAGMA query_only = 1"); err != nil {
		t.Fatal(err)
	}
	err := putSetting(s, "fault.during", "2")
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("write on a read-only database: %v, want ErrReadOnly", err)
	}
	if got := getSetting(t, s, "fault.before"); got != "1" {
		t.Errorf("read during the fault = %q, want 1", got)
	}
	if _, err := s.write.ExecContext(context.Background(), "PRAGMA query_only = 0"); err != nil {
		t.Fatal(err)
	}
	if err := putSetting(s, "fault.after", "3"); err != nil {
		t.Fatalf("write after the fault: %v", err)
	}
	integrity(t, s)
	if got := getSetting(t, s, "fault.during"); got != "" {
		t.Errorf("the refused write left %q", got)
	}
}

// A SQLite database on a full disk refuses the write with ErrStorageFull,
// keeps what it had, and takes writes again once space is freed.
func TestSQLiteDiskFull(t *testing.T) {
	dir := mountTmpfs(t, "8m")
	s := openFaultStore(t, dir)
	if err := putSetting(s, "fault.before", "1"); err != nil {
		t.Fatal(err)
	}
	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	f.Close()
	big := strings.Repeat("x", 1<<20)
	err = putSetting(s, "fault.during", big)
	if !errors.Is(err, ErrStorageFull) {
		t.Fatalf("write on a full disk: %v, want ErrStorageFull", err)
	}
	if got := getSetting(t, s, "fault.before"); got != "1" {
		t.Errorf("read during the fault = %q, want 1", got)
	}
	os.Remove(filler)
	if err := putSetting(s, "fault.after", "3"); err != nil {
		t.Fatalf("write after space is freed: %v", err)
	}
	integrity(t, s)
	if got := getSetting(t, s, "fault.during"); got != "" {
		t.Errorf("the refused write left %d bytes", len(got))
	}
}
