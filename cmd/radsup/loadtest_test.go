package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"
)

// TestLoadtestJSON runs the load tool briefly against a server in this
// process on the demo district, closed-loop and open-loop, and reads its
// JSON: the totals, every kind of the mix answered without error, the
// /healthz baseline and the server's memory (this process's).
func TestLoadtestJSON(t *testing.T) {
	m, _ := startMain(t, true)
	for _, shape := range [][]string{{"-clients", "3"}, {"-rate", "60"}} {
		args := append([]string{"-db", m.Config.DB, "loadtest", "-url", m.URL(), "-duration", "2s", "-format", "json"}, shape...)
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, func(string) string { return "" }, nil, &out, &errOut); err != nil {
			t.Fatalf("%v: %v\n%s", shape, err, errOut.String())
		}
		var rep map[string]any
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("%v: %v\n%s", shape, err, out.String())
		}
		for _, f := range []string{"requests", "errors", "rps", "p50_ms", "p95_ms", "p99_ms", "kinds", "baseline", "server"} {
			if _, ok := rep[f]; !ok {
				t.Errorf("%v: no %q in %s", shape, f, out.String())
			}
		}
		if n, _ := rep["requests"].(float64); n < 20 {
			t.Errorf("%v: %v requests in 2s", shape, rep["requests"])
		}
		if rep["errors"] != 0.0 {
			t.Errorf("%v: errors %v:\n%s", shape, rep["errors"], out.String())
		}
		kinds, _ := rep["kinds"].([]any)
		if len(kinds) < 5 {
			t.Errorf("%v: %d kinds of request", shape, len(kinds))
		}
		for _, k := range kinds {
			k := k.(map[string]any)
			if k["requests"].(float64) > 0 && k["p50_ms"].(float64) <= 0 {
				t.Errorf("%v: kind %v without a latency", shape, k["kind"])
			}
		}
		base, _ := rep["baseline"].(map[string]any)
		if base == nil || base["requests"].(float64) == 0 || base["errors"] != 0.0 || base["kind"] != "all" {
			t.Errorf("%v: baseline %v", shape, base)
		}
		server, _ := rep["server"].(map[string]any)
		if server == nil || server["rss_bytes"].(float64) <= 0 {
			t.Errorf("%v: server memory %v", shape, server)
		} else if pid := rep["server_pid"].(float64); int(pid) != os.Getpid() {
			t.Errorf("%v: server pid %v, want this process %d", shape, pid, os.Getpid())
		}
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"-db", m.Config.DB, "loadtest", "-url", m.URL(), "-clients", "2", "-rate", "5"},
		func(string) string { return "" }, nil, &out, &out)
	if err == nil {
		t.Error("-clients with -rate: no error")
	}
}
