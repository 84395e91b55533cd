package config

import (
	"strings"
	"testing"
)

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

func TestLoadTLSAndProxies(t *testing.T) {
	envs := map[string]string{"RADSUP_TLS_CERT": "env.crt", "RADSUP_TLS_KEY": "env.key", "RADSUP_TRUSTED_PROXIES": "10.0.0.0/8"}
	c, _, _, err := Load([]string{"serve"}, func(k string) string { return envs[k] })
	if err != nil || c.TLSCert != "env.crt" || c.TLSKey != "env.key" || c.TrustedProxies != "10.0.0.0/8" || !c.TLS() {
		t.Errorf("from the environment: %+v %v", c, err)
	}
	c, _, _, err = Load([]string{"serve", "-tls-cert", "a.crt", "-tls-key", "a.key", "-trusted-proxies", "192.168.1.10, ::1/128"}, func(k string) string { return envs[k] })
	if err != nil || c.TLSCert != "a.crt" || c.TLSKey != "a.key" || c.TrustedProxies != "192.168.1.10, ::1/128" {
		t.Errorf("flags over the environment: %+v %v", c, err)
	}
	none := func(string) string { return "" }
	if c, _, _, err := Load([]string{"serve"}, none); err != nil || c.TLS() || c.TrustedProxies != "" {
		t.Errorf("default: no TLS, no trusted proxy: %+v %v", c, err)
	}
	for _, args := range [][]string{
		{"serve", "-tls-cert", "a.crt"},
		{"serve", "-tls-key", "a.key"},
		{"serve", "-trusted-proxies", "10.0.0.0/33"},
		{"serve", "-trusted-proxies", "10.0.0.1,proxy.example"},
		{"serve", "-trusted-proxies", "fe80::1%eth0"},
	} {
		if _, _, _, err := Load(args, none); err == nil {
			t.Errorf("%v: want an error", args)
		}
	}
}

func TestParseCIDRs(t *testing.T) {
	got, err := ParseCIDRs(" 10.1.2.3/8, 192.168.1.10 ,, 2001:db8::/32, ::ffff:172.16.0.0/108, ::1 ")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.168.1.10/32", "2001:db8::/32", "172.16.0.0/12", "::1/128"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("%d: got %s, want %s", i, got[i], want[i])
		}
	}
	if got, err := ParseCIDRs(""); err != nil || len(got) != 0 {
		t.Errorf("empty: %v %v", got, err)
	}
	if _, err := ParseCIDRs("::ffff:10.0.0.0/8"); err == nil {
		t.Error("want an error for an IPv4-mapped network shorter than 96 bits")
	}
}

// TestFlagsAfterTheCommandsWords: flags may stand anywhere after the
// command, among its words, as the README says.
func TestFlagsAfterTheCommandsWords(t *testing.T) {
	for _, args := range [][]string{
		{"audit", "verify", "-db", "sqlite:x.db"},
		{"-db", "sqlite:x.db", "audit", "verify"},
		{"audit", "-db", "sqlite:x.db", "verify"},
	} {
		c, cmd, words, err := Load(args, func(string) string { return "" })
		if err != nil || cmd != "audit" || len(words) != 1 || words[0] != "verify" || c.DB != "sqlite:x.db" {
			t.Errorf("%q: %s %q db %s, %v", args, cmd, words, c.DB, err)
		}
	}
	c, _, words, err := Load([]string{"user", "add", "zhang", "-role", "viewer", "-lang", "en"}, func(string) string { return "" })
	if err != nil || len(words) != 2 || c.Lang != "en" {
		t.Errorf("user add: %q lang %s, %v", words, c.Lang, err)
	}
}

// TestLoadOffice: the office's name comes from -office over RADSUP_OFFICE.
func TestLoadOffice(t *testing.T) {
	envs := map[string]string{"RADSUP_OFFICE": "中原区卫生健康监督所"}
	if c, _, _, err := Load([]string{"serve"}, func(k string) string { return envs[k] }); err != nil || c.Office != "中原区卫生健康监督所" {
		t.Errorf("from the environment: %q %v", c.Office, err)
	}
	if c, _, _, err := Load([]string{"serve", "-office", "二七区卫生健康监督所"}, func(k string) string { return envs[k] }); err != nil || c.Office != "二七区卫生健康监督所" {
		t.Errorf("flag over the environment: %q %v", c.Office, err)
	}
}

// TestLoadZone: the office's zone is China Standard Time unless set, from
// the environment or a flag; a name that is no zone, or the machine's
// ("Local"), is refused.
func TestLoadZone(t *testing.T) {
	zone := func(args []string, env string) (string, error) {
		c, _, _, err := Load(args, func(k string) string {
			if k == "RADSUP_ZONE" {
				return env
			}
			return ""
		})
		if err != nil {
			return "", err
		}
		loc, err := c.Location()
		if err != nil {
			return "", err
		}
		return loc.String(), nil
	}
	for _, tc := range []struct {
		args []string
		env  string
		want string
	}{
		{[]string{"serve"}, "", "Asia/Shanghai"},
		{[]string{"serve"}, "Asia/Urumqi", "Asia/Urumqi"},
		{[]string{"serve", "-zone", "Asia/Hong_Kong"}, "Asia/Urumqi", "Asia/Hong_Kong"},
	} {
		if got, err := zone(tc.args, tc.env); err != nil || got != tc.want {
			t.Errorf("%v with RADSUP_ZONE=%q: %q %v, want %q", tc.args, tc.env, got, err, tc.want)
		}
	}
	for _, bad := range []string{"Local", "Mars/Olympus", "../../etc/passwd"} {
		if _, err := zone([]string{"serve", "-zone", bad}, ""); err == nil || !strings.Contains(err.Error(), "-zone") {
			t.Errorf("-zone %q: %v, want refused", bad, err)
		}
	}
}
