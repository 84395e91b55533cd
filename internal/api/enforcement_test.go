package api_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"radsup/internal/draw"
	"radsup/internal/store/storetest"
)

// TestPlanEndpoints runs the plan and inspector endpoints: a supervisor
// records two inspectors, publishes a plan, draws it with the committed
// seed (a wrong one is refused and writes nothing), reads it back and
// verifies it; a viewer reads plans but may do nothing else; an institution
// user may not read them; bad bodies get field errors.
func TestPlanEndpoints(t *testing.T) {
	e := newEnv(t)
	const seed = "开奖号码 03 11 17 22 28 31 + 09"
	for _, c := range []string{supervisor} {
		u := e.users[c]
		r := e.do(supervisor, "PUT", "/api/v1/inspectors/"+strconv.FormatInt(u.ID, 10),
			map[string]any{"version": 0, "cert_no": "豫卫执0001", "active": true, "recused": []string{}})
		if r.status != http.StatusOK {
			t.Fatalf("put inspector: %d %s", r.status, r.body)
		}
	}
	if r := e.do(supervisor, "GET", "/api/v1/inspectors", nil); r.status != 200 || r.obj(t)["total"].(float64) < 1 {
		t.Fatalf("inspectors: %d %s", r.status, r.body)
	}
	year := time.Now().Year()
	body := map[string]any{"year": year, "name": "年度抽查", "type": "random", "ratio": 0.5,
		"seed_sha256": draw.Commitment(seed), "seed_source": "双色球"}
	for _, bad := range []map[string]any{
		{"year": year, "name": "x", "type": "random", "count": 1, "seed_sha256": "00", "seed_source": "x"},
		{"year": year, "name": "x", "type": "random", "count": "1", "seed_sha256": draw.Commitment(seed), "seed_source": "x"},
		{"year": year, "name": "x", "type": "random", "count": 1, "seed": seed, "seed_source": "x"},
	} {
		if r := e.do(supervisor, "POST", "/api/v1/plans", bad); r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest {
			t.Errorf("bad plan %v: %d %s", bad, r.status, r.body)
		}
	}
	if r := e.do(viewer, "POST", "/api/v1/plans", body); r.status != http.StatusForbidden {
		t.Errorf("viewer publishes: %d", r.status)
	}
	r := e.do(supervisor, "POST", "/api/v1/plans", body)
	if r.status != http.StatusCreated {
		t.Fatalf("publish: %d %s", r.status, r.body)
	}
	id := strconv.FormatInt(int64(r.obj(t)["id"].(float64)), 10)
	if r := e.do(supervisor, "POST", "/api/v1/plans/"+id+"/draw", map[string]any{"version": 1, "seed": seed + "!"}); r.status != http.StatusBadRequest || r.err(t).FieldCodes["seed"] != "seed_mismatch" {
		t.Errorf("wrong seed: %d %s", r.status, r.body)
	}
	if n := storetest.Count(t, e.store, "plan_units"); n != 0 {
		t.Errorf("a refused draw stored %d units", n)
	}
	// One inspector is too few: the draw names the first unit.
	r = e.do(supervisor, "POST", "/api/v1/plans/"+id+"/draw", map[string]any{"version": 1, "seed": seed})
	if r.status != http.StatusBadRequest || r.err(t).Code != "EINVALID" {
		t.Fatalf("draw with one inspector: %d %s", r.status, r.body)
	}
	// With no inspectors at all, the draw names no teams.
	storetest.Exec(t, e.store, "UPDATE inspectors SET active = ?", false)
	r = e.do(supervisor, "POST", "/api/v1/plans/"+id+"/draw", map[string]any{"version": 1, "seed": seed})
	if r.status != http.StatusOK {
		t.Fatalf("draw: %d %s", r.status, r.body)
	}
	got := r.obj(t)
	if got["seed"] != seed || len(got["units"].([]any)) != 1 || got["pool"].(float64) != 2 {
		t.Errorf("drawn plan = %v", got)
	}
	if r := e.do(supervisor, "POST", "/api/v1/plans/"+id+"/draw", map[string]any{"version": 2, "seed": seed}); r.status != http.StatusConflict {
		t.Errorf("second draw: %d %s", r.status, r.body)
	}
	for _, c := range []string{supervisor, viewer} {
		if r := e.do(c, "GET", "/api/v1/plans/"+id+"/verify", nil); r.status != 200 || r.obj(t)["ok"] != true {
			t.Errorf("%s verify: %d %s", c, r.status, r.body)
		}
		if r := e.do(c, "GET", "/api/v1/plans/"+id, nil); r.status != 200 {
			t.Errorf("%s get: %d", c, r.status)
		}
		if r := e.do(c, "GET", "/api/v1/plans?year="+strconv.Itoa(year), nil); r.status != 200 || r.obj(t)["total"].(float64) != 1 {
			t.Errorf("%s list: %d %s", c, r.status, r.body)
		}
	}
	if r := e.do(instA, "GET", "/api/v1/plans", nil); r.status != http.StatusForbidden {
		t.Errorf("institution user lists plans: %d", r.status)
	}
	if r := e.do(supervisor, "GET", "/api/v1/plans?x=1", nil); r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest {
		t.Errorf("unknown filter: %d", r.status)
	}
}
