package api_test

import (
	"net/http"
	"strconv"
	"testing"
)

// TestHeldRetireAndHire: with review on, an institution's retirement of a
// training and its new person with an employment answer 202 with their
// submission and change nothing; a record's pending submissions are found
// by person; approving applies both. With review off they apply at once.
func TestHeldRetireAndHire(t *testing.T) {
	e := newEnv(t)
	if r := e.do(supervisor, "PUT", "/api/v1/settings/review", map[string]any{"on": true}); r.status != http.StatusOK {
		t.Fatalf("review on: %d %s", r.status, r.body)
	}
	tr := e.a["trainings"]
	version := e.record("trainings", tr)["version"]
	r := e.do(instA, "POST", path("trainings", tr, "retire"), map[string]any{"version": version})
	if r.status != http.StatusAccepted || r.obj(t)["state"] != "pending" {
		t.Fatalf("held retirement: %d %s", r.status, r.body)
	}
	retireID := int64(r.obj(t)["submission_id"].(float64))
	if e.record("trainings", tr)["retired"] != false {
		t.Fatal("a held retirement took effect")
	}
	people := e.total("people")
	body := newBody("people", e.a)
	r = e.do(instA, "POST", "/api/v1/people", body)
	if r.status != http.StatusAccepted {
		t.Fatalf("held hire: %d %s", r.status, r.body)
	}
	hireID := int64(r.obj(t)["submission_id"].(float64))
	if e.total("people") != people {
		t.Fatal("a held hire filed the person")
	}
	ids, total, r := e.list(instA, "/api/v1/submissions?person_id="+strconv.FormatInt(e.a["people"], 10))
	if r.status != http.StatusOK || total != 1 || !ids[retireID] {
		t.Errorf("pending about the person: %d %v %s", total, ids, r.body)
	}
	if _, total, _ := e.list(instA, "/api/v1/submissions?id="+strconv.FormatInt(hireID, 10)); total != 1 {
		t.Errorf("the hire by id: %d", total)
	}
	if r := e.do(supervisor, "POST", "/api/v1/submissions/approve", map[string]any{"ids": []int64{retireID, hireID}}); r.status != http.StatusOK {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	if e.record("trainings", tr)["retired"] != true || e.total("people") != people+1 {
		t.Errorf("approval did not apply the retirement and the hire")
	}
	if r := e.do(supervisor, "PUT", "/api/v1/settings/review", map[string]any{"on": false}); r.status != http.StatusOK {
		t.Fatal(r.status)
	}
	version = e.record("trainings", tr)["version"]
	if r := e.do(instA, "POST", path("trainings", tr, "restore"), map[string]any{"version": version}); r.status != http.StatusOK {
		t.Errorf("restore with review off: %d %s", r.status, r.body)
	}
	if r := e.do(instA, "POST", "/api/v1/people", newBody("people", e.a)); r.status != http.StatusCreated {
		t.Errorf("hire with review off: %d %s", r.status, r.body)
	}
}

// TestInstitutionChangesEndpoint: the office's feed over the API lists an
// institution's change with its fields, filters by institution, and is the
// office's alone.
func TestInstitutionChangesEndpoint(t *testing.T) {
	e := newEnv(t)
	eq := e.a["equipment"]
	if r := e.do(instA, "PUT", path("equipment", eq), edited("equipment", e.record("equipment", eq), "接口机房")); r.status != http.StatusOK {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	r := e.do(supervisor, "GET", "/api/v1/institution-changes?entity=equipment&institution_id="+strconv.FormatInt(e.a["institutions"], 10), nil)
	if r.status != http.StatusOK {
		t.Fatalf("feed: %d %s", r.status, r.body)
	}
	items := r.obj(t)["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("feed: %s", r.body)
	}
	it := items[0].(map[string]any)
	changes, _ := it["changes"].([]any)
	if it["action"] != "update" || it["equipment_id"] != float64(eq) || len(changes) != 1 || changes[0].(map[string]any)["after"] != "接口机房" {
		t.Errorf("the change: %v", it)
	}
	r = e.do(supervisor, "GET", "/api/v1/institution-changes?institution_id="+strconv.FormatInt(e.b["institutions"], 10), nil)
	if r.status != http.StatusOK || len(r.obj(t)["items"].([]any)) != 0 {
		t.Errorf("B's changes: %s", r.body)
	}
	for name, tc := range map[string]struct {
		caller, url string
		want        int
	}{
		"institution":               {instA, "/api/v1/institution-changes", http.StatusForbidden},
		"viewer":                    {viewer, "/api/v1/institution-changes", http.StatusForbidden},
		"bad page":                  {supervisor, "/api/v1/institution-changes?page=0", http.StatusBadRequest},
		"page past the last served": {supervisor, "/api/v1/institution-changes?page=201", http.StatusBadRequest},
		"last page served":          {supervisor, "/api/v1/institution-changes?page=200", http.StatusOK},
		"bad filter":                {supervisor, "/api/v1/institution-changes?user=x", http.StatusBadRequest},
	} {
		if r := e.do(tc.caller, "GET", tc.url, nil); r.status != tc.want {
			t.Errorf("%s: %d, want %d: %s", name, r.status, tc.want, r.body)
		}
	}
}
