package api_test

import (
	"strings"
	"testing"
)

// TestOverlappingDoseRefused: a dose record whose period shares days with
// the person's record at the same institution is refused (409), the other
// period named, and nothing is stored.
func TestOverlappingDoseRefused(t *testing.T) {
	e := newEnv(t)
	stored := e.record("doses", e.a["doses"])
	body := with(newBody("doses", e.a), "period_start", stored["period_start"], "period_end", stored["period_end"])
	body["period_start"] = stored["period_end"] // shares the stored record's last day
	count := e.total("doses")
	r := e.do(supervisor, "POST", "/api/v1/doses", body)
	got := r.err(t)
	if r.status != 409 || got.Code != "ECONFLICT" || got.FieldCodes["period_start"] != "overlap" ||
		!strings.Contains(got.Message, stored["period_start"].(string)) || !strings.Contains(got.Message, stored["period_end"].(string)) {
		t.Errorf("overlapping dose: %d %s", r.status, r.body)
	}
	if n := e.total("doses"); n != count {
		t.Errorf("an overlapping dose was stored: %d → %d", count, n)
	}
}
