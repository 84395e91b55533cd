package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"radsup/internal/config"
	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// pastDoseCSV is a dose history far in the past for every worker of the
// database, monthly from 2001 to 2008: rows that are all new.
func pastDoseCSV(t *testing.T, s *store.Store) (csv []byte, rows int) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("身份证号,统一社会信用代码,监测起始日期,监测结束日期,Hp(10) (mSv)\n")
	q := storetest.Rows(t, s, `SELECT p.id_number, i.credit_code FROM employments e JOIN people p ON p.id = e.person_id
		JOIN institutions i ON i.id = e.institution_id`)
	defer q.Close()
	for q.Next() {
		var id, code string
		if err := q.Scan(&id, &code); err != nil {
			t.Fatal(err)
		}
		for m := range 96 {
			start := domain.NewDate(2001, time.January, 1).AddDate(0, m, 0)
			fmt.Fprintf(&b, "%s,%s,%s,%s,0.050\n", id, code, start, start.AddDate(0, 1, -1))
			rows++
		}
	}
	if err := q.Err(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), rows
}

// TestServeKillChild is the child process of TestServeKilledDuringImport:
// a server that runs an import job and a burst of edits, killed meanwhile.
func TestServeKillChild(t *testing.T) {
	args := os.Getenv("RADSUP_SERVE_KILL_CHILD")
	if args == "" {
		t.Skip("run by TestServeKilledDuringImport")
	}
	part := strings.Split(args, "\x1f")
	db, file, dir := part[0], part[1], part[2]
	uid, _ := strconv.ParseInt(part[3], 10, 64)
	m := startConfigured(t, nil, func(c *config.Config) { c.DB = db })
	m.Imports.Dir = dir
	u := &domain.User{ID: uid, Username: "jiandu", Role: domain.RoleSupervisor}
	actor := domain.Actor{UserID: uid, Username: "jiandu", Role: domain.RoleSupervisor}
	// A burst of edits, each renaming a person, audited; the import starts
	// once a hundred have committed, and the edits go on beside it.
	edits := make(chan struct{}, 100)
	go func() {
		for i := 0; ; i++ {
			err := m.Store.WithTx(context.Background(), actor, func(tx *store.Tx) error {
				people, _, err := store.List(tx, store.People, domain.Scope{}, store.Filter{Limit: 1, Offset: i % 50})
				if err != nil || len(people) == 0 {
					return err
				}
				people[0].Name = fmt.Sprintf("改名%d", i)
				return store.Update(tx, store.People, domain.Scope{}, people[0])
			})
			if err == nil {
				select {
				case edits <- struct{}{}:
				default:
				}
			}
		}
	}()
	for range 100 {
		<-edits
	}
	files := []exchange.JobFile{{Name: "剂量.csv", Open: func() (io.ReadCloser, error) { return os.Open(file) }}}
	id, err := m.Imports.Submit(context.Background(), actor, u, files, exchange.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(os.Stderr, "job", id)
	for {
		job, err := m.Imports.Get(context.Background(), u, id)
		if err != nil {
			t.Fatal(err)
		}
		if job.State != store.JobRunning {
			t.Fatalf("the job ended before the kill: %s %s", job.State, job.Failure)
		}
		if job.Phase == "write" && job.Rows > 0 {
			fmt.Fprintln(os.Stderr, "writing")
			select {} // killed here
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestServeKilledDuringImport kills (SIGKILL) a server in the middle of an
// import job's writing and of a burst of edits, and restarts it: the
// database checks, the audit chain verifies, no edit is half written (each
// person's version matches the updates the audit trail records), nothing
// of the import was written, and the job shows as failed.
func TestServeKilledDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("a server in a child process")
	}
	ctx := context.Background()
	db := storetest.URL(t)
	m := startConfigured(t, nil, func(c *config.Config) { c.DB, c.Demo, c.ScreenAt = db, true, "off" })
	csv, rows := pastDoseCSV(t, m.Store)
	var uid int64
	if err := storetest.Row(t, m.Store, "SELECT id FROM users WHERE username = 'jiandu'").Scan(&uid); err != nil {
		t.Fatal(err)
	}
	doses := storetest.Count(t, m.Store, "doses")
	m.Close()
	m.server, m.Store = nil, nil
	file := filepath.Join(t.TempDir(), "剂量.csv")
	if err := os.WriteFile(file, csv, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()

	cmd, stderr := startChild(t, "TestServeKillChild", "RADSUP_SERVE_KILL_CHILD", db, file, dir, strconv.FormatInt(uid, 10))
	var job string
	writing := false
	for sc := bufio.NewScanner(stderr); sc.Scan(); {
		if id, ok := strings.CutPrefix(sc.Text(), "job "); ok {
			job = id
		}
		if sc.Text() == "writing" {
			writing = true
			break
		}
	}
	killChild(cmd)
	if !writing || job == "" {
		t.Fatalf("the child never started writing its job (%d rows)", rows)
	}

	m = startConfigured(t, nil, func(c *config.Config) { c.DB, c.ScreenAt = db, "off" })
	if s := m.Store; s.Dialect() == "sqlite" {
		var ok string
		if err := storetest.Row(t, s, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
			t.Errorf("integrity check: %s %v", ok, err)
		}
	}
	rep, err := m.Store.VerifyAudit(ctx)
	if err != nil || rep.Break != nil {
		t.Errorf("audit chain after the kill: %+v %v", rep, err)
	}
	if n := storetest.Count(t, m.Store, "doses"); n != doses {
		t.Errorf("after the kill: %d doses, before %d", n, doses)
	}
	var versions, updates int
	if err := storetest.Row(t, m.Store, "SELECT COALESCE(SUM(version - 1), 0) FROM people").Scan(&versions); err != nil {
		t.Fatal(err)
	}
	updates = storetest.Count(t, m.Store, "audit_events WHERE action = 'update' AND entity = 'person'")
	if updates < 100 || versions != updates {
		t.Errorf("people changed %d times, the audit trail records %d updates", versions, updates)
	}
	// The restarted server fails a job of a stopped process once its
	// progress is older than StaleAfter (a minute); here at once.
	sweep := exchange.NewJobs(exchange.Importer{Store: m.Store}, dir, nil)
	sweep.StaleAfter = time.Nanosecond
	if err := sweep.Start(ctx); err != nil {
		t.Fatal(err)
	}
	sweep.Shutdown(ctx)
	got, err := m.Imports.Get(ctx, &domain.User{ID: uid, Role: domain.RoleSupervisor}, job)
	if err != nil || got.State != store.JobFailed {
		t.Errorf("the interrupted job after the restart: %+v %v", got, err)
	}
}
