package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"radsup/internal/config"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// startMain runs the real server on a free port with a fresh database and
// returns it with the admin password it printed.
func startMain(tb testing.TB, demo bool) (*Main, string) {
	tb.Helper()
	cfg := config.Default()
	cfg.DB = storetest.URL(tb)
	cfg.Addr = "127.0.0.1:0"
	cfg.Demo = demo
	var out bytes.Buffer
	m := &Main{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Stdout: &out}
	if err := m.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Close() })
	match := regexp.MustCompile(`password \(shown once\): (\S+)`).FindStringSubmatch(out.String())
	if match == nil {
		tb.Fatalf("no admin password printed:\n%s", out.String())
	}
	return m, match[1]
}

func TestServeHealthzAndShutdown(t *testing.T) {
	m, _ := startMain(t, false)
	res, err := http.Get(m.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "ok\n" || res.Header.Get("X-Request-ID") == "" {
		t.Errorf("healthz: %d %q, request id %q", res.StatusCode, body, res.Header.Get("X-Request-ID"))
	}
	if err := m.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if _, err := http.Get(m.URL() + "/healthz"); err == nil {
		t.Error("server still answers after Close")
	}
	m.server, m.Store = nil, nil // already closed
}

func TestServeDemoLoadsOnce(t *testing.T) {
	cfg := config.Default()
	cfg.DB = storetest.URL(t)
	cfg.Addr, cfg.Demo = "127.0.0.1:0", true
	for i, wantLoaded := range []bool{true, false} {
		var out bytes.Buffer
		m := &Main{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Stdout: &out}
		if err := m.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		m.Close()
		if got := strings.Contains(out.String(), "demo district loaded"); got != wantLoaded {
			t.Errorf("start %d: demo loaded = %v:\n%s", i, got, out.String())
		}
		if got := strings.Contains(out.String(), "password (shown once)"); got != (i == 0) {
			t.Errorf("start %d: admin password printed = %v", i, got)
		}
	}
}

func TestCommands(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "cli.db")
	getenv := func(k string) string {
		if k == "RADSUP_DB" {
			return db
		}
		return ""
	}
	runOK := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errOut); err != nil {
			t.Fatalf("radsup %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
		}
		return out.String()
	}
	if out := runOK("version"); !strings.HasPrefix(out, "radsup ") {
		t.Errorf("version: %q", out)
	}
	if out := runOK("migrate"); !strings.Contains(out, "migrated sqlite") {
		t.Errorf("migrate: %q", out)
	}
	if out := runOK("user", "add", "-role", "supervisor", "zhang"); !strings.Contains(out, "password (shown once)") {
		t.Errorf("user add: %q", out)
	}
	if out := runOK("user", "passwd", "zhang"); !strings.Contains(out, "new password for zhang") {
		t.Errorf("user passwd: %q", out)
	}
	if out := runOK("user", "token", "zhang", "ci"); !strings.Contains(out, "API token for zhang") {
		t.Errorf("user token: %q", out)
	}
	if out := runOK("user", "list"); !strings.Contains(out, "zhang") || !strings.Contains(out, "supervisor") {
		t.Errorf("user list: %q", out)
	}
	if out := runOK("user", "unlock", "zhang"); !strings.Contains(out, "unlock done") {
		t.Errorf("user unlock: %q", out)
	}
	if out := runOK("user", "reset-2fa", "zhang"); !strings.Contains(out, "reset-2fa done") {
		t.Errorf("user reset-2fa: %q", out)
	}
	runOK("user", "add", "-role", "auditor", "shenji")
	var tokOut bytes.Buffer
	if err := run(context.Background(), []string{"user", "token", "shenji"}, getenv, nil, &tokOut, &tokOut); err == nil {
		t.Errorf("an API token for an auditor: %s", tokOut.String())
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"user", "add", "-role", "institution", "-institution", "12430621446197071C", "li"}, getenv, nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "no institution") {
		t.Errorf("institution user for a missing institution: %v", err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, getenv, nil, &out, &out); err == nil {
		t.Error("unknown command accepted")
	}
}

// TestAuditVerifyCommand: the chain of a working database verifies; after an
// event is changed in the database, the command fails and names it.
func TestAuditVerifyCommand(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "audit.db")
	getenv := func(k string) string {
		if k == "RADSUP_DB" {
			return db
		}
		return ""
	}
	var out bytes.Buffer
	for _, args := range [][]string{{"user", "add", "-role", "supervisor", "zhang"}, {"user", "passwd", "zhang"}, {"audit", "verify"}} {
		out.Reset()
		if err := run(context.Background(), args, getenv, nil, &out, &out); err != nil {
			t.Fatalf("radsup %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
	}
	if !strings.Contains(out.String(), "audit chain OK: 2 events") {
		t.Errorf("verify: %q", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"audit", "prune"}, getenv, nil, &out, &out); err != nil || !strings.Contains(out.String(), "deleted: 0 (retention 180 days)") {
		t.Errorf("prune of a fresh trail: %v %q", err, out.String())
	}
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Exec(t, s, "UPDATE audit_events SET username = 'li' WHERE id = 1")
	s.Close()
	out.Reset()
	err = run(context.Background(), []string{"audit", "verify"}, getenv, nil, &out, &out)
	if !errors.Is(err, errAuditBroken) || !strings.Contains(out.String(), "BROKEN at event 1") {
		t.Errorf("verify after tampering: %v\n%s", err, out.String())
	}
}

// TestProgressBar: with an estimated total the bar fills and says how far;
// without one it moves.
func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, 1000, "zh-CN")
	p.update("write", 500)
	if s := b.String(); !strings.Contains(s, "写入 [===============>") || !strings.Contains(s, " 50%") || !strings.Contains(s, "500/1000") {
		t.Errorf("half way: %q", s)
	}
	b.Reset()
	p.update("write", 1200) // the total was an estimate
	if s := b.String(); !strings.Contains(s, " 99%") {
		t.Errorf("past the estimate: %q", s)
	}
	b.Reset()
	newProgress(&b, 0, "zh-CN").update("check", 3000)
	if s := b.String(); !strings.Contains(s, "校验 [===>") || strings.Contains(s, "%") {
		t.Errorf("unknown total: %q", s)
	}
}
