package api_test

import (
	"net/http"
	"reflect"
	"testing"

	"radsup/internal/i18n"
	"radsup/internal/store/storetest"
)

// The actions on each resource, in the order a scenario runs them.
var actions = []string{"get", "list", "update", "retire", "restore", "create"}

// expect maps an action to the status wanted.
type expect map[string]int

func all(ok, created int) expect {
	return expect{"get": ok, "list": ok, "update": ok, "retire": ok, "restore": ok, "create": created}
}

// scenarios are the callers, the institution whose records they act on, and
// what they get. An institution user of A acting on B's records (or filing
// records under B's ids) gets 404 for every endpoint; its list answers but
// holds none of B's records.
var scenarios = []struct {
	caller, target string
	want           expect
	institutions   expect // what differs for /institutions
	health         expect // what differs for /exams and /doses
	people         expect // what differs for /people
}{
	{admin, "B", all(403, 403), nil, nil, nil},
	{supervisor, "B", all(200, 201), nil, nil, nil},
	// An institution user ends its own employment; retiring a person of
	// the shared register is the office's.
	{instA, "A", all(200, 201), expect{"retire": 403, "restore": 403, "create": 403}, nil, expect{"retire": 403, "restore": 403}},
	{instA, "B", expect{"get": 404, "list": 200, "update": 404, "retire": 404, "restore": 404, "create": 404},
		expect{"create": 403, "retire": 403, "restore": 403}, nil, expect{"retire": 403, "restore": 403}},
	{viewer, "B", expect{"get": 200, "list": 200, "update": 403, "retire": 403, "restore": 403, "create": 403}, nil,
		expect{"get": 403, "list": 403}, nil},
	{noToken, "A", all(401, 401), nil, nil, nil},
	{revoked, "A", all(401, 401), nil, nil, nil},
}

// TestScenarios runs every endpoint of every resource as each caller.
func TestScenarios(t *testing.T) {
	e := newEnv(t)
	for _, sc := range scenarios {
		for _, res := range resources {
			t.Run(sc.caller+"/"+sc.target+"/"+res, func(t *testing.T) {
				e.t = t
				f := e.a
				if sc.target == "B" {
					f = e.b
				}
				before, count := e.record(res, f[res]), e.total(res)
				for _, action := range actions {
					want := sc.want[action]
					if res == "institutions" && sc.institutions[action] != 0 {
						want = sc.institutions[action]
					}
					if (res == "exams" || res == "doses") && sc.health[action] != 0 {
						want = sc.health[action]
					}
					if res == "people" && sc.people[action] != 0 {
						want = sc.people[action]
					}
					if res == "licences" && sc.caller == instA && action != "get" && action != "list" {
						want = http.StatusForbidden // the office's: an institution asks for a change
					}
					runAction(t, e, sc.caller, res, action, f, want)
				}
				if sc.want["update"] == 200 && !(res == "licences" && sc.caller == instA) {
					return
				}
				if after := e.record(res, f[res]); !reflect.DeepEqual(before, after) {
					t.Errorf("%s changed the record:\nbefore %v\nafter  %v", sc.caller, before, after)
				}
				if n := e.total(res); n != count {
					t.Errorf("%s changed the number of %s: %d → %d", sc.caller, res, count, n)
				}
			})
		}
	}
}

// runAction performs one action as caller on f's record of res and checks
// the status and the body.
func runAction(t *testing.T, e *env, caller, res, action string, f fixture, want int) {
	t.Helper()
	id := f[res]
	var r *response
	switch action {
	case "get":
		r = e.do(caller, "GET", path(res, id), nil)
	case "list":
		r = e.do(caller, "GET", "/api/v1/"+res+"?limit=500", nil)
	case "update":
		r = e.do(caller, "PUT", path(res, id), edited(res, e.record(res, id), "改"+caller))
	case "retire", "restore":
		r = e.do(caller, "POST", path(res, id, action), map[string]any{"version": e.record(res, id)["version"]})
	case "create":
		r = e.do(caller, "POST", "/api/v1/"+res, newBody(res, f))
	}
	if r.status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", action, res, r.status, want, r.body)
	}
	if want >= 400 {
		checkError(t, r, want)
		return
	}
	checkBody(t, e, caller, res, action, id, r)
}

// checkError checks the code and Chinese message of an error response.
func checkError(t *testing.T, r *response, status int) {
	t.Helper()
	codes := map[int]string{401: "EUNAUTHORIZED", 403: "EFORBIDDEN", 404: "ENOTFOUND"}
	keys := map[int]string{401: "error.unauthorized", 403: "error.forbidden", 404: "error.not_found"}
	got := r.err(t)
	if got.Code != codes[status] || got.Message != i18n.T("zh-CN", keys[status]) {
		t.Errorf("error body %+v, want code %s and %q", got, codes[status], i18n.T("zh-CN", keys[status]))
	}
	if status == 401 && r.header.Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
}

// checkBody checks the key content of a successful answer.
func checkBody(t *testing.T, e *env, caller, res, action string, id int64, r *response) {
	t.Helper()
	if action == "list" {
		ids, _, _ := e.list(caller, "/api/v1/"+res+"?limit=500")
		seesB := caller != instA
		if !ids[e.a[res]] || ids[e.b[res]] != seesB {
			t.Errorf("list as %s: has A's %v, has B's %v (want true, %v)", caller, ids[e.a[res]], ids[e.b[res]], seesB)
		}
		return
	}
	body := r.obj(t)
	switch action {
	case "get":
		if int64(body["id"].(float64)) != id {
			t.Errorf("get: id %v, want %d", body["id"], id)
		}
	case "update":
		if body[editField[res]] != "改"+caller {
			t.Errorf("update: %s = %v", editField[res], body[editField[res]])
		}
	case "retire", "restore":
		if body["retired"] != (action == "retire") {
			t.Errorf("%s: retired = %v", action, body["retired"])
		}
	case "create":
		if body["id"].(float64) <= 0 || body["version"].(float64) != 1 || r.header.Get("Location") == "" {
			t.Errorf("create: id %v, version %v, Location %q", body["id"], body["version"], r.header.Get("Location"))
		}
	}
}

// TestMe answers each caller's identity.
func TestMe(t *testing.T) {
	e := newEnv(t)
	for caller, want := range map[string][2]any{
		supervisor: {"supervisor", nil}, viewer: {"viewer", nil}, instA: {"institution", float64(e.a["institutions"])},
	} {
		r := e.do(caller, "GET", "/api/v1/me", nil)
		if r.status != http.StatusOK {
			t.Fatalf("me as %s: %d %s", caller, r.status, r.body)
		}
		me := r.obj(t)
		if me["role"] != want[0] || me["institution_id"] != want[1] || me["username"] == "" {
			t.Errorf("me as %s: %v", caller, me)
		}
	}
	for _, caller := range []string{noToken, revoked} {
		if r := e.do(caller, "GET", "/api/v1/me", nil); r.status != http.StatusUnauthorized {
			t.Errorf("me as %s: %d", caller, r.status)
		}
	}
}

// TestBadTokens refuses malformed, unknown and disabled users' tokens.
func TestBadTokens(t *testing.T) {
	e := newEnv(t)
	for name, header := range map[string]string{
		"unknown": "Bearer not-a-token", "basic": "Basic YWRtaW46YWRtaW4=", "empty bearer": "Bearer ",
		"raw token": e.tokens[admin],
	} {
		r := e.do(noToken, "GET", "/api/v1/institutions", nil, "Authorization", header)
		if r.status != http.StatusUnauthorized || r.err(t).Code != "EUNAUTHORIZED" {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	if r := e.do(noToken, "GET", "/api/v1/institutions", nil, "Authorization", "bearer "+e.tokens[supervisor]); r.status != 200 {
		t.Errorf("lower-case scheme: %d", r.status)
	}
	storetest.Exec(t, e.store, "UPDATE users SET disabled = ? WHERE role = ?", true, "supervisor")
	if r := e.do(supervisor, "GET", "/api/v1/me", nil); r.status != http.StatusUnauthorized {
		t.Errorf("disabled user's token: %d", r.status)
	}
}
