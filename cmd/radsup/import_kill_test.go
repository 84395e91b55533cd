package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestImportChild is the child process of TestImportKilledLeavesNothing:
// it runs `radsup import` and is killed in the middle.
func TestImportChild(t *testing.T) {
	args := os.Getenv("RADSUP_IMPORT_CHILD")
	if args == "" {
		t.Skip("run by TestImportKilledLeavesNothing")
	}
	err := run(context.Background(), strings.Split(args, "\x1f"), func(string) string { return "" }, nil, io.Discard, os.Stderr)
	t.Fatalf("the import finished before it was killed: %v", err)
}

// TestImportKilledLeavesNothing kills a process in the middle of writing a
// large import: the database is exactly as before.
func TestImportKilledLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("a large import in a child process")
	}
	db := storetest.URL(t)
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	scale, _ := demo.ScaleByName("district")
	if _, err := demo.Load(context.Background(), s, scale, 3, domain.DateOf(time.Now())); err != nil {
		t.Fatal(err)
	}
	// A dose history far in the past for every worker: new rows only.
	csv, rows := pastDoseCSV(t, s)
	file := filepath.Join(t.TempDir(), "剂量.csv")
	if err := os.WriteFile(file, csv, 0o644); err != nil {
		t.Fatal(err)
	}
	counts := func() string {
		var out []string
		for _, table := range []string{"doses", "audit_events", "findings", "people"} {
			out = append(out, fmt.Sprintf("%s=%d", table, storetest.Count(t, s, table)))
		}
		return strings.Join(out, " ")
	}
	before := counts()
	s.Close()

	cmd, stderr := startChild(t, "TestImportChild", "RADSUP_IMPORT_CHILD", "-db", db, "import", file)
	// Wait until the child is writing, then kill it without warning.
	sc := bufio.NewScanner(stderr)
	sc.Split(scanProgress)
	writing := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "写入") {
			writing = true
			break
		}
	}
	killChild(cmd)
	if !writing {
		t.Fatalf("the child never started writing (%d rows)", rows)
	}

	s, err = store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if after := counts(); after != before {
		t.Errorf("after the kill: %s, before: %s", after, before)
	}
	if s.Dialect() == "sqlite" {
		var ok string
		if err := storetest.Row(t, s, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
			t.Errorf("integrity check: %s %v", ok, err)
		}
	}
}

// scanProgress splits the child's stderr at line ends and carriage returns,
// since the progress line rewrites itself with \r.
func scanProgress(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}
