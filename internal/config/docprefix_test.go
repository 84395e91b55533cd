package config

import "testing"

// TestLoadDocPrefix: the prefix of document numbers comes from -doc-prefix
// over RADSUP_DOC_PREFIX, and one with spaces or control characters is refused.
func TestLoadDocPrefix(t *testing.T) {
	envs := map[string]string{"RADSUP_DOC_PREFIX": "中原卫放"}
	getenv := func(k string) string { return envs[k] }
	if c, _, _, err := Load([]string{"serve"}, getenv); err != nil || c.DocPrefix != "中原卫放" {
		t.Errorf("from the environment: %q %v", c.DocPrefix, err)
	}
	if c, _, _, err := Load([]string{"serve", "-doc-prefix", "二七卫放"}, getenv); err != nil || c.DocPrefix != "二七卫放" {
		t.Errorf("flag over the environment: %q %v", c.DocPrefix, err)
	}
	for _, bad := range []string{"中原 卫放", "中原\x01卫放", "一二三四五六七八九十一二三四五六七"} {
		if _, _, _, err := Load([]string{"serve", "-doc-prefix", bad}, getenv); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
