package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestBackupRestore backs up the demo district while writes go on, restores
// it into a fresh database, and compares every table row by row. On
// PostgreSQL it goes through pg_dump and pg_restore.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	if os.Getenv(storetest.PostgresEnv) != "" {
		if _, err := exec.LookPath("pg_dump"); err != nil {
			if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump"); len(m) == 0 {
				storetest.Missing(t, "pg_dump")
			}
		}
	}
	src := storetest.URL(t)
	s, err := store.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	scale, _ := demo.ScaleByName("district")
	if _, err := demo.Load(ctx, s, scale, 3, domain.DateOf(time.Now())); err != nil {
		t.Fatal(err)
	}
	file0 := attachSomething(t, s)
	// Writes while the copy is taken: the copy holds a consistent state.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			s.WithTx(ctx, domain.Actor{Username: "writer"}, func(tx *store.Tx) error { return tx.Audit("export", "person", 1, nil) })
		}
	})
	file := filepath.Join(t.TempDir(), "radsup.backup")
	// The backup speaks Chinese, the restore English.
	env := func(db, lang string) func(string) string {
		return func(k string) string { return map[string]string{"RADSUP_DB": db, "RADSUP_LANG": lang}[k] }
	}
	var out bytes.Buffer
	err = run(ctx, []string{"backup", file}, env(src, "zh-CN"), nil, &out, &out)
	close(stop)
	wg.Wait()
	if err != nil || !strings.Contains(out.String(), "备份完成："+file) {
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	if err := run(ctx, []string{"backup", file}, env(src, "zh-CN"), nil, &out, &out); err == nil {
		t.Error("a backup overwrote an existing file")
	}
	if rep, _ := s.VerifyAudit(ctx); rep.Break != nil {
		t.Fatalf("source chain broken: %v", rep.Break)
	}
	want, err := s.TableRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	dst := storetest.URL(t)
	out.Reset()
	if err := run(ctx, []string{"restore", file}, env(dst, "en"), nil, &out, &out); err != nil || !strings.Contains(out.String(), "audit events, audit chain OK.") {
		t.Fatalf("restore: %v\n%s", err, out.String())
	}
	r, err := store.Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.TableRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Taken during writes, the copy is one consistent moment: the register
	// as it was, and an audit chain that verifies (checked by restore) and
	// ends before the source's.
	compare(t, want, got, "audit_events", "audit_head")
	if n := len(got["audit_events"]); n == 0 || n > len(want["audit_events"]) {
		t.Errorf("restored %d audit events, source has %d", n, len(want["audit_events"]))
	}
	r.Close()

	// Taken at rest, the copy restores to identical tables, every one.
	quiet := filepath.Join(t.TempDir(), "quiet.backup")
	if err := run(ctx, []string{"backup", quiet}, env(src, "zh-CN"), nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	s, err = store.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	want, err = s.TableRows(ctx)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"restore", "-force", quiet}, env(dst, "en"), nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	r, err = store.Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, err = r.TableRows(ctx); err != nil {
		t.Fatal(err)
	}
	compare(t, want, got)
	restoredAttachment(t, r, file0)

	// A database that holds data is not replaced without -force.
	err = run(ctx, []string{"restore", file}, env(dst, "en"), nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "-force") {
		t.Errorf("restore over data: %v", err)
	}
}

// compare checks that two databases hold the same tables with the same
// rows, but for the tables named in skip.
func compare(t *testing.T, want, got map[string][]string, skip ...string) {
	t.Helper()
	if len(got) != len(want) || len(got["institutions"]) == 0 || len(got["doses"]) == 0 {
		t.Errorf("restored %d tables (source %d), %d institutions, %d doses", len(got), len(want), len(got["institutions"]), len(got["doses"]))
	}
	for table, rows := range want {
		if slices.Contains(skip, table) {
			continue
		}
		if d := cmp.Diff(rows, got[table]); d != "" {
			t.Errorf("table %s differs after restore (-source +restored):\n%.2000s", table, d)
		}
	}
}
