package main

import (
	"context"
	"encoding/json"
	"net/http"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"radsup/internal/auth"
	"radsup/internal/config"
	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// ownPostgres starts a throwaway PostgreSQL cluster of the test's own (it
// will be stopped and started) with scripts/pg-throwaway.sh, and returns
// its URL and a function running pg_ctl on it. It skips unless the tests
// run on PostgreSQL and its binaries are installed.
func ownPostgres(t *testing.T) (url string, pgctl func(args ...string)) {
	t.Helper()
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip("stopping PostgreSQL under a server needs " + storetest.PostgresEnv)
	}
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if os.Getenv("PG_BIN") != "" {
		bins = []string{filepath.Join(os.Getenv("PG_BIN"), "pg_ctl")}
	}
	if len(bins) == 0 {
		t.Skip("no PostgreSQL binaries to start a cluster of the test's own")
	}
	script, err := filepath.Abs("../../scripts/pg-throwaway.sh")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "radsup-pgrestart-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	out, err := exec.Command(script, "start", dir).Output()
	if err != nil {
		t.Fatalf("pg-throwaway start: %v", err)
	}
	t.Cleanup(func() { exec.Command(script, "stop", dir).Run() })
	pgCtl := bins[len(bins)-1]
	url = strings.TrimSpace(string(out))
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	return url, func(args ...string) {
		t.Helper()
		// The port is not in the cluster's configuration: the script
		// passes it on the command line, so a restart does too.
		cmd := append([]string{pgCtl, "-D", filepath.Join(dir, "data"), "-l", filepath.Join(dir, "postgres.log"), "-w", "-t", "60", "-o", "-p " + u.Port()}, args...)
		if os.Geteuid() == 0 {
			cmd = append([]string{"runuser", "-u", "postgres", "--"}, cmd...)
		}
		c := exec.Command(cmd[0], cmd[1:]...)
		c.Dir = dir
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("pg_ctl %v: %v %s", args, err, out)
		}
	}
}

// TestServePostgresRestarted stops PostgreSQL under a running server: the
// API answers 503 EUNAVAILABLE with a Chinese sentence, a page 503, and
// /healthz 503; once PostgreSQL is back the same server reads and writes
// again without a restart.
func TestServePostgresRestarted(t *testing.T) {
	db, pgctl := ownPostgres(t)
	m := startConfigured(t, nil, func(c *config.Config) { c.DB = db })
	token, hash := auth.NewToken()
	session, sessionHash := auth.NewToken()
	err := m.Store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		u := &domain.User{Username: "restart", DisplayName: "重启测试", Role: domain.RoleSupervisor, PasswordHash: storetest.PasswordHash}
		if err := tx.CreateUser(u); err != nil {
			return err
		}
		if err := tx.CreateSession(sessionHash, u.ID, tx.Now().Add(time.Hour), ""); err != nil {
			return err
		}
		_, err := tx.CreateAPIToken(u.ID, "restart", hash)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	client := noRedirects(&http.Transport{})
	defer client.CloseIdleConnections()
	zh := map[string]string{"Accept-Language": "zh-CN"}
	api := map[string]string{"Authorization": "Bearer " + token, "Accept-Language": "zh-CN"}
	page := map[string]string{"Cookie": "radsup_session=" + session, "Accept-Language": "zh-CN"}
	serving := func(when string) {
		t.Helper()
		for _, c := range []struct {
			path   string
			header map[string]string
		}{{"/healthz", zh}, {"/api/v1/me", api}, {"/account", page}} {
			if res, body := do(t, client, "GET", m.URL()+c.path, c.header, nil); res.StatusCode != http.StatusOK {
				t.Errorf("%s: %s: %d %.300s", when, c.path, res.StatusCode, body)
			}
		}
	}
	serving("before the stop")

	pgctl("stop", "-m", "fast")
	res, body := do(t, client, "GET", m.URL()+"/healthz", zh, nil)
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/healthz with PostgreSQL stopped: %d %q", res.StatusCode, body)
	}
	res, body = do(t, client, "GET", m.URL()+"/api/v1/me", api, nil)
	var e struct{ Code, Message string }
	json.Unmarshal([]byte(body), &e)
	if res.StatusCode != http.StatusServiceUnavailable || e.Code != domain.EUNAVAILABLE || !strings.Contains(e.Message, "数据库暂时无法访问") {
		t.Errorf("API with PostgreSQL stopped: %d %.300s", res.StatusCode, body)
	}
	res, body = do(t, client, "GET", m.URL()+"/account", page, nil)
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "数据库暂时无法访问") {
		t.Errorf("page with PostgreSQL stopped: %d %.300s", res.StatusCode, body)
	}

	pgctl("start")
	// Every request is answered: no connection that died with the server
	// is left in the pool to fail one request each.
	for range 5 {
		serving("after the restart")
	}
	if err := m.Store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		return tx.PutSetting("restart.after", "1")
	}); err != nil {
		t.Errorf("write after the restart: %v", err)
	}
}
