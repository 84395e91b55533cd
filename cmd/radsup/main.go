// Command radsup is the 放射卫生在线监管系统 (radiation health online supervision
// system): a web server with a JSON API, and commands to manage its database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"radsup/internal/config"
	"radsup/internal/i18n"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `radsup — 放射卫生在线监管系统 (radiation health online supervision)

Usage:
  radsup [-db URL] serve [-addr 127.0.0.1:8080] [-demo]   run the web server (and API)
  radsup [-db URL] migrate                                 apply database migrations
  radsup [-db URL] demo [-scale district|province] [-seed N]   load demo data into an empty database
  radsup [-db URL] user add -role supervisor|institution|viewer|admin|security|auditor [-institution CREDIT_CODE] NAME
  radsup [-db URL] user passwd NAME                        set a new random password
  radsup [-db URL] user list
  radsup [-db URL] user token NAME [LABEL]                 create an API token
  radsup [-db URL] user unlock NAME | user reset-2fa NAME  lift a lockout, remove a second factor
  radsup [-db URL] screen [-as-of YYYY-MM-DD] [-format table|json|csv] [-institution CREDIT_CODE] [-save] [-lang zh-CN|en]
                                                           screen (初筛) as of a date; -save updates the stored findings
  radsup [-db URL] import [-kind KIND] [-dry-run] [-user NAME] [-lang zh-CN|en] FILE...
                                                           import .xlsx/.csv files, all or nothing
  radsup [-db URL] export -kind KIND [-institution CREDIT_CODE] [-user NAME] [-o FILE.xlsx|FILE.csv]
  radsup rules [-format table|json|csv] [-lang zh-CN|en]   list the screening rules
  radsup [-db URL] draw -seed TEXT (-n N | -ratio R) [-weighted] [-street S] [-kind K] [-category C] [-format table|json]
                                                           preview a 双随机 draw from the register as it is; writes nothing
  radsup [-db URL] draw verify -plan ID                    recompute a frozen draw from its published seed and pool; exit 1 if it differs
  radsup [-db URL] stats dose -year Y [-institution CREDIT_CODE] [-format table|json|csv]
                                                           occupational dose figures of a year (spec/statistics.md)
  radsup [-db URL] stats register [-as-of D] [-format table|json|csv]
                                                           register counts: institutions, workers, equipment, open findings
  radsup [-db URL] report -year Y [-o FILE.xlsx]           the yearly district report, one sheet per table (default yearly-Y.xlsx)
  radsup [-db URL] audit verify                            check the audit trail's hash chain; exit 1 if altered
  radsup [-db URL] audit prune                             delete audit events older than the retention (≥ 180 days)
  radsup [-db URL] backup FILE                             consistent online copy (SQLite) or pg_dump (PostgreSQL)
  radsup [-db URL] restore [-force] FILE                   replace the database with a backup (stop the server first)
  radsup [-db URL] loadtest -url http://HOST:PORT (-clients N | -rate R) [-duration 30s] [-format table|json] [-screening] [-pid PID]
                                                           drive a running server with the page mix of many users; /healthz as baseline
  radsup version

Global flags (also accepted after the command; environment variables in brackets):
  -db URL            sqlite:PATH (default sqlite:radsup.db) or postgres://user@host/db [RADSUP_DB]
  -addr ADDR         HTTP listen address (default 127.0.0.1:8080) [RADSUP_ADDR]
  -demo              with serve: load the demo district into an empty database [RADSUP_DEMO]
  -secure-cookies    mark cookies Secure (TLS terminated by a proxy) [RADSUP_SECURE_COOKIES]
  -tls-cert FILE     with serve: TLS certificate (PEM); with -tls-key, serve HTTPS [RADSUP_TLS_CERT]
  -tls-key FILE      with serve: TLS private key (PEM) [RADSUP_TLS_KEY]
  -trusted-proxies CIDR,CIDR
                     with serve: believe X-Forwarded-For/-Proto only from these peers (default none) [RADSUP_TRUSTED_PROXIES]
  -zone NAME         the office's time zone: its days, deadlines and clock (default Asia/Shanghai) [RADSUP_ZONE]
  -log text|json     log format (default text) [RADSUP_LOG]
  -lang zh-CN|en     language of console output (default zh-CN) [RADSUP_LANG]
`

func main() {
	useZone = func(loc *time.Location) { time.Local = loc }
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "radsup:", err)
		}
		os.Exit(1)
	}
}

// useZone makes loc the zone of every local time, date and day the process
// counts. main sets it before anything runs; tests, which run many
// commands in one process, leave the process's zone alone.
var useZone = func(*time.Location) {}

// run parses the command line and runs one command.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, cmd, rest, err := config.Load(args, getenv)
	if errors.Is(err, flag.ErrHelp) || cmd == "" || cmd == "help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w\n\n%s", err, usage)
	}
	loc, err := cfg.Location()
	if err != nil {
		return err // refused by config.Load
	}
	useZone(loc)
	logger := newLogger(cfg.LogFormat, stderr)
	switch cmd {
	case "serve":
		m := &Main{Config: cfg, Logger: logger, Stdout: stdout}
		return m.Run(ctx)
	case "migrate":
		s, err := openStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer s.Close()
		fmt.Fprintln(stdout, i18n.T(cfg.Lang, "cli.migrated", s.Dialect()))
		return nil
	case "demo":
		return runDemo(ctx, cfg, stdout)
	case "user":
		return runUser(ctx, cfg, rest, stdout)
	case "screen":
		return runScreen(ctx, cfg, rest, stdout, stderr)
	case "import":
		return runImport(ctx, cfg, rest, stdout, stderr)
	case "export":
		return runExport(ctx, cfg, rest, stdout)
	case "rules":
		return runRules(cfg.Format, cfg.Lang, stdout)
	case "audit":
		return runAudit(ctx, cfg, rest, stdout)
	case "draw":
		return runDraw(ctx, cfg, rest, stdout)
	case "stats":
		return runStats(ctx, cfg, rest, stdout)
	case "report":
		return runReport(ctx, cfg, rest, stdout)
	case "backup":
		return runBackup(ctx, cfg, rest, stdout)
	case "restore":
		return runRestore(ctx, cfg, rest, stdout)
	case "loadtest":
		return runLoadtest(ctx, cfg, rest, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "radsup", version)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
