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
	"slices"
	"strings"
	"testing"
	"time"

	"radsup/internal/config"
	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// shownOnce finds a secret the console shows once (a password, an API
// token), in either language.
var shownOnce = regexp.MustCompile(`(?:\(shown once\): |（仅显示一次）：)(\S+)`)

// startMain runs the real server on a free port with a fresh database and
// returns it with the admin password it printed.
func startMain(tb testing.TB, demo bool) (*Main, string) {
	tb.Helper()
	cfg := config.Default()
	cfg.DB = storetest.URL(tb)
	cfg.Addr = "127.0.0.1:0"
	cfg.Demo = demo
	// No daily digest: made at start-up after 07:30, it would race a
	// test's own notices and institutions (an extra unread notice).
	cfg.Notify.At = "off"
	var out bytes.Buffer
	m := &Main{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Stdout: &out}
	if err := m.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Close() })
	match := shownOnce.FindStringSubmatch(out.String())
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

// TestServeDemoLoadsOnce: the first start with -demo loads the demo district
// and prints the admin's password and the demo accounts; the second start
// does neither. Both in each language of the console.
func TestServeDemoLoadsOnce(t *testing.T) {
	says := map[string]struct{ loaded, accounts, listening string }{
		"zh-CN": {"已载入演示数据（中原区）：", "演示账号（初始密码仅显示一次，首次登录须修改；演示模式不强制两步验证）：", "radsup 已启动：http://"},
		"en":    {"Demo district (中原区) loaded: ", "Demo accounts (passwords shown once;", "radsup listening on http://"},
	}
	for _, lang := range i18n.Languages() {
		cfg := config.Default()
		cfg.DB = storetest.URL(t)
		cfg.Addr, cfg.Demo, cfg.Lang = "127.0.0.1:0", true, lang
		want := says[lang]
		for i, first := range []bool{true, false} {
			var out bytes.Buffer
			m := &Main{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Stdout: &out}
			if err := m.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			m.Close()
			if got := strings.Contains(out.String(), want.loaded); got != first {
				t.Errorf("%s start %d: demo loaded = %v:\n%s", lang, i, got, out.String())
			}
			if got := strings.Contains(out.String(), want.accounts); got != first {
				t.Errorf("%s start %d: demo accounts printed = %v:\n%s", lang, i, got, out.String())
			}
			if got := shownOnce.MatchString(out.String()); got != first {
				t.Errorf("%s start %d: admin password printed = %v", lang, i, got)
			}
			if got := strings.Contains(out.String(), "radsup user passwd"); got == first {
				t.Errorf("%s start %d: says how to set a password = %v:\n%s", lang, i, got, out.String())
			}
			if !strings.Contains(out.String(), want.listening) {
				t.Errorf("%s start %d: no address printed:\n%s", lang, i, out.String())
			}
		}
	}
}

// TestServeDemoToDo: right after serve -demo starts (the daily screening
// off), the demo institution user has several open findings to rectify.
func TestServeDemoToDo(t *testing.T) {
	cfg := config.Default()
	cfg.DB = storetest.URL(t)
	cfg.Addr, cfg.Demo, cfg.ScreenAt = "127.0.0.1:0", true, "off"
	m := &Main{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Stdout: io.Discard}
	ctx := context.Background()
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var u *domain.User
	err := m.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		u, err = tx.FindUserByUsername("jigou")
		return err
	})
	if err != nil || u.InstitutionID == 0 {
		t.Fatalf("jigou: %+v %v", u, err)
	}
	page, err := m.Findings.List(ctx, u, store.FindingFilter{Status: domain.FindingOpen})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total < 3 {
		t.Errorf("jigou's institution has %d open findings, want several", page.Total)
	}
}

// TestDemoAccounts: the demo accounts are listed under a header with their
// role, in the reader's language, each with a password of its own.
func TestDemoAccounts(t *testing.T) {
	// No demo institution in this database: no institution user.
	want := map[string][][]string{
		"zh-CN": {{"用户名", "角色", "初始密码"}, {"jiandu", "监督员"}, {"jiandu2", "监督员"}, {"fazhi", "监督员"}, {"chakan", "只读用户"}, {"anquan", "安全管理员"}, {"shenji", "审计管理员"}},
		"en": {{"Username", "Role", "Initial password"}, {"jiandu", "Supervisor"}, {"jiandu2", "Supervisor"}, {"fazhi", "Supervisor"}, {"chakan", "Viewer"},
			{"anquan", "Security administrator"}, {"shenji", "Audit administrator"}},
	}
	gap := regexp.MustCompile(`\s{2,}`)
	for lang, rows := range want {
		var out bytes.Buffer
		if err := demoAccounts(context.Background(), storetest.Open(t), lang, domain.MustDate("2026-06-30"), &out); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")[1:] // after the introduction
		if len(lines) != len(rows) {
			t.Fatalf("%s: %d lines, want %d:\n%s", lang, len(lines), len(rows), out.String())
		}
		passwords := map[string]bool{}
		for i, row := range rows {
			cols := gap.Split(lines[i], -1)
			if i == 0 {
				if !slices.Equal(cols, row) {
					t.Errorf("%s: header %q, want %q", lang, cols, row)
				}
				continue
			}
			if len(cols) != 3 || !slices.Equal(cols[:2], row) {
				t.Errorf("%s: line %q, want %s as %s with a password", lang, lines[i], row[0], row[1])
				continue
			}
			passwords[cols[2]] = true
		}
		if len(passwords) != len(rows)-1 {
			t.Errorf("%s: %d different passwords for %d accounts", lang, len(passwords), len(rows)-1)
		}
	}
}

// TestCommands runs the account commands in each language of the console.
func TestCommands(t *testing.T) {
	says := map[string]struct {
		migrated, created, password, token, role, no, unlocked, reset, noInstitution string
	}{
		"zh-CN": {"数据库已迁移（sqlite）", "已创建账号 zhang（监督员），初始密码（仅显示一次）：", "zhang 的新密码（仅显示一次）：",
			"zhang 的 API 令牌（仅显示一次）：", "监督员", "否", "zhang：已解除锁定", "zhang：已移除两步验证", "没有统一社会信用代码为 12430621446197071C 的机构"},
		"en": {"Migrated the sqlite database", "Created zhang (Supervisor); password (shown once): ", "New password for zhang (shown once): ",
			"API token for zhang (shown once): ", "Supervisor", "No", "zhang: unlocked", "zhang: second factor removed",
			"no institution with credit code 12430621446197071C"},
	}
	for _, lang := range i18n.Languages() {
		want := says[lang]
		db := "sqlite:" + filepath.Join(t.TempDir(), "cli.db")
		getenv := func(k string) string {
			return map[string]string{"RADSUP_DB": db, "RADSUP_LANG": lang}[k]
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
		if out := runOK("migrate"); !strings.Contains(out, want.migrated) {
			t.Errorf("%s migrate: %q", lang, out)
		}
		if out := runOK("user", "add", "-role", "supervisor", "zhang"); !strings.Contains(out, want.created) || !shownOnce.MatchString(out) {
			t.Errorf("%s user add: %q", lang, out)
		}
		if out := runOK("user", "passwd", "zhang"); !strings.Contains(out, want.password) || !shownOnce.MatchString(out) {
			t.Errorf("%s user passwd: %q", lang, out)
		}
		if out := runOK("user", "token", "zhang", "ci"); !strings.Contains(out, want.token) || !shownOnce.MatchString(out) {
			t.Errorf("%s user token: %q", lang, out)
		}
		if out := runOK("user", "list"); !regexp.MustCompile(`(?m)^zhang +` + want.role + ` +` + want.no + `$`).MatchString(out) {
			t.Errorf("%s user list: %q", lang, out)
		}
		if out := runOK("user", "unlock", "zhang"); !strings.Contains(out, want.unlocked) {
			t.Errorf("%s user unlock: %q", lang, out)
		}
		if out := runOK("user", "reset-2fa", "zhang"); !strings.Contains(out, want.reset) {
			t.Errorf("%s user reset-2fa: %q", lang, out)
		}
		runOK("user", "add", "-role", "auditor", "shenji")
		var tokOut bytes.Buffer
		if err := run(context.Background(), []string{"user", "token", "shenji"}, getenv, nil, &tokOut, &tokOut); err == nil {
			t.Errorf("an API token for an auditor: %s", tokOut.String())
		}
		var out bytes.Buffer
		err := run(context.Background(), []string{"user", "add", "-role", "institution", "-institution", "12430621446197071C", "li"}, getenv, nil, &out, &out)
		if err == nil || !strings.Contains(err.Error(), want.noInstitution) {
			t.Errorf("%s: institution user for a missing institution: %v", lang, err)
		}
		if err := run(context.Background(), []string{"frobnicate"}, getenv, nil, &out, &out); err == nil {
			t.Error("unknown command accepted")
		}
	}
}

// TestAuditVerifyCommand: the chain of a working database verifies and its
// head is printed; after an event is changed in the database, the command
// fails and names it. In each language of the console.
func TestAuditVerifyCommand(t *testing.T) {
	says := map[string]struct{ whole, head, pruned, broken string }{ // pruned is a regular expression
		"zh-CN": {"审计日志链完整：2 条事件，最后一条 #2。", "链头哈希：", `已删除 \d{4}-\d\d-\d\d 之前的审计事件 0 条（保存期 180 天）。`, "审计日志链在第 1 条事件处断开"},
		"en": {"Audit chain OK: 2 events, the last #2.", "Head hash: ", `Deleted 0 audit events dated before \d{4}-\d\d-\d\d \(retention: 180 days\)\.`,
			"Audit chain BROKEN at event 1"},
	}
	for _, lang := range i18n.Languages() {
		want := says[lang]
		db := "sqlite:" + filepath.Join(t.TempDir(), "audit.db")
		getenv := func(k string) string {
			return map[string]string{"RADSUP_DB": db, "RADSUP_LANG": lang}[k]
		}
		var out bytes.Buffer
		for _, args := range [][]string{{"user", "add", "-role", "supervisor", "zhang"}, {"user", "passwd", "zhang"}, {"audit", "verify"}} {
			out.Reset()
			if err := run(context.Background(), args, getenv, nil, &out, &out); err != nil {
				t.Fatalf("radsup %s: %v\n%s", strings.Join(args, " "), err, out.String())
			}
		}
		if !strings.Contains(out.String(), want.whole) || !regexp.MustCompile(regexp.QuoteMeta(want.head)+`[0-9a-f]{64}\n`).MatchString(out.String()) {
			t.Errorf("%s verify: %q", lang, out.String())
		}
		out.Reset()
		if err := run(context.Background(), []string{"audit", "prune"}, getenv, nil, &out, &out); err != nil || !regexp.MustCompile(want.pruned).MatchString(out.String()) {
			t.Errorf("%s prune of a fresh trail: %v %q", lang, err, out.String())
		}
		s, err := store.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		storetest.Exec(t, s, "UPDATE audit_events SET username = 'li' WHERE id = 1")
		s.Close()
		out.Reset()
		err = run(context.Background(), []string{"audit", "verify"}, getenv, nil, &out, &out)
		if !errors.As(err, new(auditBroken)) || err.Error() != i18n.T(lang, "cli.audit.altered") || !strings.Contains(out.String(), want.broken) {
			t.Errorf("%s verify after tampering: %v\n%s", lang, err, out.String())
		}
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

// TestRunTakesTheOfficeZone: every command runs in the office's zone, China
// Standard Time unless -zone says otherwise, whatever the machine's; a
// zone that does not exist stops the command before it starts.
func TestRunTakesTheOfficeZone(t *testing.T) {
	var got []string
	defer func(keep func(*time.Location)) { useZone = keep }(useZone)
	useZone = func(loc *time.Location) { got = append(got, loc.String()) }
	noEnv := func(string) string { return "" }
	for _, args := range [][]string{{"version"}, {"-zone", "Asia/Urumqi", "version"}} {
		if err := run(context.Background(), args, noEnv, nil, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"Asia/Shanghai", "Asia/Urumqi"}; !slices.Equal(got, want) {
		t.Errorf("zones %q, want %q", got, want)
	}
	if err := run(context.Background(), []string{"-zone", "Beijing", "version"}, noEnv, nil, io.Discard, io.Discard); err == nil || len(got) != 2 {
		t.Errorf("an unknown zone: %v, zones %q", err, got)
	}
}
