package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"radsup/internal/config"
	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/findings"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestRescreenChild is the child process of
// TestImportKilledBeforeRescreening: it imports a file and stops, to be
// killed, once the import has committed and before it re-screens.
func TestRescreenChild(t *testing.T) {
	args := os.Getenv("RADSUP_RESCREEN_CHILD")
	if args == "" {
		t.Skip("run by TestImportKilledBeforeRescreening")
	}
	db, file, _ := strings.Cut(args, "\x1f")
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	im := &exchange.Importer{Store: s, Findings: &findings.Service{Store: s}, AfterCommit: func() {
		fmt.Fprintln(os.Stderr, "committed")
		select {} // killed here
	}}
	rep, err := im.Import(context.Background(), domain.Actor{Username: "system"}, nil, []string{file}, exchange.Options{})
	t.Fatalf("the import did not stop after its commit: %v %+v", err, rep)
}

// TestImportKilledBeforeRescreening kills a process after an import has
// committed and before it re-screened what it changed: the subjects wait in
// the queue, and the server re-screens them when it starts, so that the
// findings are as a full screening makes them.
func TestImportKilledBeforeRescreening(t *testing.T) {
	if testing.Short() {
		t.Skip("a child process")
	}
	ctx := context.Background()
	db := storetest.URL(t)
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	today := domain.DateOf(time.Now())
	scale, _ := demo.ScaleByName("district")
	if _, err := demo.Load(ctx, s, scale, 3, today); err != nil {
		t.Fatal(err)
	}
	// The findings as a full screening makes them today, before the import.
	if _, err := (&findings.Service{Store: s}).RunFull(ctx, today); err != nil {
		t.Fatal(err)
	}
	var code string
	if err := storetest.Row(t, s, "SELECT credit_code FROM institutions ORDER BY id LIMIT 1").Scan(&code); err != nil {
		t.Fatal(err)
	}
	// New radiation workers without training, exam or dose: findings to open.
	var csv strings.Builder
	csv.WriteString("姓名,身份证号,统一社会信用代码,职业类别,岗位,开始放射工作日期\n")
	const hired = 30
	for i := range hired {
		first17 := fmt.Sprintf("11010119600101%03d", 900+i)
		fmt.Fprintf(&csv, "新员工%d,%s%c,%s,2A 诊断放射学,技师,%s\n", i, first17, domain.IDCheckChar(first17), code,
			today.AddDate(0, -6, 0))
	}
	file := filepath.Join(t.TempDir(), "人员.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	newFindings := func(s *store.Store) int {
		var n int
		if err := storetest.Row(t, s, `SELECT COUNT(*) FROM findings f JOIN people p ON p.id = f.subject_id
			WHERE f.subject_type = 'person' AND f.status = 'open' AND p.id_number LIKE '11010119600101%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	people := storetest.Count(t, s, "people")
	s.Close()

	cmd, stderr := startChild(t, "TestRescreenChild", "RADSUP_RESCREEN_CHILD", db, file)
	committed := false
	for sc := bufio.NewScanner(stderr); sc.Scan(); {
		if sc.Text() == "committed" {
			committed = true
			break
		}
	}
	killChild(cmd)
	if !committed {
		t.Fatal("the child never committed its import")
	}

	s, err = store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if n := storetest.Count(t, s, "people"); n != people+hired {
		t.Fatalf("after the kill: %d people, want %d", n, people+hired)
	}
	if n := storetest.Count(t, s, "rescreen_outbox"); n != hired {
		t.Errorf("after the kill: %d subjects queued, want %d", n, hired)
	}
	if n := newFindings(s); n != 0 {
		t.Errorf("after the kill: %d findings of the new people, want none yet", n)
	}
	if s.Dialect() == "sqlite" {
		var ok string
		if err := storetest.Row(t, s, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
			t.Errorf("integrity check: %s %v", ok, err)
		}
	}
	s.Close()

	// The restart works the queue off.
	m := startConfigured(t, nil, func(c *config.Config) { c.DB = db })
	if n := storetest.Count(t, m.Store, "rescreen_outbox"); n != 0 {
		t.Errorf("after the restart: %d subjects still queued", n)
	}
	if n := newFindings(m.Store); n < hired {
		t.Errorf("after the restart: %d open findings of the %d new people", n, hired)
	}
	stats, err := (&findings.Service{Store: m.Store}).RunFull(ctx, today)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Opened != 0 || stats.Resolved != 0 {
		t.Errorf("a full screening after the restart opened %d and resolved %d findings: the re-screening missed them", stats.Opened, stats.Resolved)
	}
}
