package api_test

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"
)

// parentField is the field that ties each record to its institution (or to
// a parent that belongs to one).
var parentField = map[string]string{
	"licences": "institution_id", "employments": "institution_id", "trainings": "person_id", "exams": "person_id",
	"doses": "institution_id", "equipment": "institution_id", "tests": "equipment_id",
}

// parentRes is the resource each parent field refers to.
var parentRes = map[string]string{"institution_id": "institutions", "person_id": "people", "equipment_id": "equipment"}

// TestInstitutionUserCannotMoveRecords has the user of A update each of A's
// records to point at B's parent: 404, and the record is unchanged.
func TestInstitutionUserCannotMoveRecords(t *testing.T) {
	e := newEnv(t)
	for res, field := range parentField {
		t.Run(res, func(t *testing.T) {
			e.t = t
			before := e.record(res, e.a[res])
			body := edited(res, before, "搬到B")
			body[field] = e.b[parentRes[field]]
			r := e.do(instA, "PUT", path(res, e.a[res]), body)
			want, code := http.StatusNotFound, "ENOTFOUND"
			if res == "licences" {
				want, code = http.StatusForbidden, "EFORBIDDEN" // the office's, whatever it names
			}
			if r.status != want || r.err(t).Code != code {
				t.Errorf("move to B: %d %s", r.status, r.body)
			}
			if after := e.record(res, e.a[res]); !reflect.DeepEqual(before, after) {
				t.Errorf("record changed: %v", after)
			}
		})
	}
}

// TestInstitutionUserFiltersOnB lists with B's ids as filters: nothing.
func TestInstitutionUserFiltersOnB(t *testing.T) {
	e := newEnv(t)
	for _, q := range []string{
		"people?institution_id=%d", "employments?institution_id=%d", "doses?institution_id=%d",
		"equipment?institution_id=%d", "licences?institution_id=%d",
	} {
		url := "/api/v1/" + fmt.Sprintf(q, e.b["institutions"])
		ids, total, r := e.list(instA, url)
		if r.status != http.StatusOK || len(ids) != 0 || total != 0 {
			t.Errorf("%s as the user of A: %d, %d items, total %d", url, r.status, len(ids), total)
		}
		if ids, _, _ := e.list(supervisor, url); len(ids) == 0 {
			t.Errorf("%s as a supervisor: empty, so the check above proves nothing", url)
		}
	}
}

// TestInstitutionUserAddsPerson files people the way an institution does:
// a new person with a first employment (its institution defaulting to the
// user's), and a person already registered by B, who gets a second job.
func TestInstitutionUserAddsPerson(t *testing.T) {
	e := newEnv(t)
	r := e.do(instA, "POST", "/api/v1/people", map[string]any{"id_number": newBody("people", nil)["id_number"], "name": "新人",
		"employment": map[string]any{"occupation": "2A", "started_on": "2022-01-01"}})
	if r.status != http.StatusCreated {
		t.Fatalf("new person: %d %s", r.status, r.body)
	}
	created := r.obj(t)
	emp := created["employment"].(map[string]any)
	if emp["institution_id"] != float64(e.a["institutions"]) || emp["person_id"] != created["id"] {
		t.Errorf("employment: %v", emp)
	}
	if r := e.do(instA, "GET", path("people", int64(created["id"].(float64))), nil); r.status != http.StatusOK {
		t.Errorf("the user of A cannot read the person it filed: %d", r.status)
	}

	bPerson := e.record("people", e.b["people"])
	r = e.do(instA, "GET", path("people", e.b["people"]), nil)
	if r.status != http.StatusNotFound {
		t.Fatalf("B's person before the second job: %d", r.status)
	}
	r = e.do(instA, "POST", "/api/v1/people", map[string]any{"id_number": bPerson["id_number"], "name": bPerson["name"],
		"employment": map[string]any{"occupation": "2B", "started_on": "2023-01-01"}})
	if r.status != http.StatusCreated || r.obj(t)["id"] != bPerson["id"] {
		t.Fatalf("second job: %d %s", r.status, r.body)
	}
	if r := e.do(instA, "GET", path("people", e.b["people"]), nil); r.status != http.StatusOK {
		t.Errorf("B's person after the second job: %d", r.status)
	}
	if after := e.record("people", e.b["people"]); after["version"] != bPerson["version"] {
		t.Errorf("the person's record changed: %v", after)
	}
}
