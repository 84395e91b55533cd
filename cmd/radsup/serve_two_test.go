package main

import (
	"io"
	"net/http"
	"testing"
	"time"

	"radsup/internal/config"
	"radsup/internal/store/storetest"
)

// TestTwoServersOnePostgres starts two servers on one PostgreSQL database,
// both past the day's screening time: exactly one full screening of the
// day runs, and both serve.
func TestTwoServersOnePostgres(t *testing.T) {
	db := storetest.URL(t)
	if db[:7] == "sqlite:" {
		t.Skip("a SQLite database is served by one process (TestSQLiteServedByOneProcess)")
	}
	configure := func(demo bool) func(*config.Config) {
		return func(c *config.Config) { c.DB, c.Demo, c.ScreenAt = db, demo, "00:00" }
	}
	a := startConfigured(t, nil, configure(true))
	b := startConfigured(t, nil, configure(false))
	runs := func() int {
		return storetest.Count(t, a.Store, "screening_runs WHERE kind = 'full' AND finished_at IS NOT NULL")
	}
	deadline := time.Now().Add(60 * time.Second)
	for runs() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second) // let the other server look too
	if n := runs(); n != 1 {
		t.Errorf("%d full screenings of the day by two servers, want 1", n)
	}
	if n := storetest.Count(t, a.Store, "screening_runs WHERE kind = 'full'"); n != 1 {
		t.Errorf("%d full screenings started by two servers, want 1", n)
	}
	for _, m := range []*Main{a, b} {
		res, err := http.Get(m.URL() + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || string(body) != "ok\n" {
			t.Errorf("%s/healthz: %d %q", m.URL(), res.StatusCode, body)
		}
	}
}
