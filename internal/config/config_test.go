package config

import "testing"

func TestLoadPrecedence(t *testing.T) {
	envs := map[string]string{"RADSUP_DB": "sqlite:env.db", "RADSUP_ADDR": ":9000"}
	getenv := func(k string) string { return envs[k] }
	for _, tc := range []struct {
		name     string
		args     []string
		wantDB   string
		wantAddr string
		wantCmd  string
		wantDemo bool
	}{
		{"env over default", []string{"serve"}, "sqlite:env.db", ":9000", "serve", false},
		{"global flag over env", []string{"-db", "postgres://x/y", "serve"}, "postgres://x/y", ":9000", "serve", false},
		{"command flag", []string{"serve", "-demo", "-addr", ":1"}, "sqlite:env.db", ":1", "serve", true},
		{"command flag after global", []string{"-addr", ":2", "serve", "-db", "sqlite:b.db"}, "sqlite:b.db", ":2", "serve", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, cmd, _, err := Load(tc.args, getenv)
			if err != nil {
				t.Fatal(err)
			}
			if c.DB != tc.wantDB || c.Addr != tc.wantAddr || cmd != tc.wantCmd || c.Demo != tc.wantDemo {
				t.Errorf("got db=%q addr=%q cmd=%q demo=%v", c.DB, c.Addr, cmd, c.Demo)
			}
		})
	}
}

func TestLoadDefaultsAndErrors(t *testing.T) {
	c, cmd, _, err := Load([]string{"version"}, func(string) string { return "" })
	if err != nil || c.DB != "sqlite:radsup.db" || c.Addr != "127.0.0.1:8080" || cmd != "version" {
		t.Errorf("defaults: %+v %q %v", c, cmd, err)
	}
	if _, _, _, err := Load([]string{"-db", "mysql://x", "serve"}, func(string) string { return "" }); err == nil {
		t.Error("want an error for an unknown database URL")
	}
	if _, _, _, err := Load([]string{"serve", "-nope"}, func(string) string { return "" }); err == nil {
		t.Error("want an error for an unknown flag")
	}
}
