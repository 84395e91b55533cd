package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store/storetest"
)

// filterCase is one list filter: its value for the record under test and
// whether that record matches it.
type filterCase struct {
	name, value string
	matches     bool
}

// roundTrip is a record to create with values set apart from the fixtures',
// so that each filter both finds it and leaves something out.
type roundTrip struct {
	body    map[string]any
	filters func(created map[string]any) []filterCase
}

func str(v any) string {
	if f, ok := v.(float64); ok {
		return fmt.Sprint(int64(f))
	}
	return fmt.Sprint(v)
}

// roundTrips returns the record of each resource, parented under A.
func roundTrips(a fixture) map[string]roundTrip {
	id := func(k string) func(map[string]any) string { return func(c map[string]any) string { return str(c[k]) } }
	match := func(names ...string) func(map[string]any) []filterCase {
		return func(c map[string]any) []filterCase {
			var out []filterCase
			for _, n := range names {
				out = append(out, filterCase{n, id(n)(c), true})
			}
			return out
		}
	}
	name, model := unique("往返测试医院"), unique("往返型号")
	return map[string]roundTrip{
		"institutions": {map[string]any{"name": name, "credit_code": storetest.CreditCode(), "medical_licence_no": "PDY00001",
			"kind": "dental_hospital", "grade": "3A", "ownership": "private", "beds": 120, "division_code": "410103",
			"street": "410103001", "address": "二七区大学路1号", "legal_rep": "张三", "radiation_officer": "李四",
			"phone": "0371-67890123", "status": "suspended"},
			func(c map[string]any) []filterCase {
				return append(match("kind", "street", "status", "division_code", "grade", "credit_code")(c), filterCase{"q", name, true})
			}},
		"licences": {map[string]any{"institution_id": a["institutions"], "licence_no": unique("许可"), "issuer": "河南省卫生健康委员会",
			"issued_on": "2023-02-01", "valid_until": "2027-01-31", "items": []string{"ct", "dental_xray"}}, match("institution_id")},
		"people": {map[string]any{"id_number": storetest.IDNumber(), "name": unique("往返人员"),
			"employment": map[string]any{"institution_id": a["institutions"], "occupation": "2C", "job": "物理师",
				"started_on": "2021-03-01"}},
			func(c map[string]any) []filterCase {
				return append(match("id_number")(c), filterCase{"q", str(c["name"]), true},
					filterCase{"institution_id", str(a["institutions"]), true}, filterCase{"occupation", "2C", true})
			}},
		"employments": {map[string]any{"person_id": a["people"], "institution_id": a["institutions"], "occupation": "2E",
			"job": "医师", "started_on": "2019-05-01", "ended_on": "2023-06-30", "permit_no": "P-1", "permit_issued_on": "2019-04-01"},
			match("person_id", "institution_id", "occupation")},
		"trainings": {map[string]any{"person_id": a["people"], "taken_on": "2024-03-01", "kind": "prejob", "days": 3,
			"passed": "fail", "certificate_no": "C-1", "provider": "河南省职业病防治研究院"}, match("person_id", "kind")},
		"exams": {map[string]any{"person_id": a["people"], "examined_on": "2024-02-01", "kind": "prejob", "conclusion": "fit",
			"provider": "郑州市职业病防治院"}, match("person_id", "kind")},
		"doses": {map[string]any{"person_id": a["people"], "institution_id": a["institutions"], "period_start": "2020-01-01",
			"period_end": "2020-03-31", "hp10": 0.125, "hp007": 0.2, "hp3": nil, "below_mdl": false, "lost": false,
			"provider": "河南省职业病防治研究院", "report_no": "R-1"},
			func(c map[string]any) []filterCase {
				return append(match("person_id", "institution_id")(c),
					filterCase{"to", "2020-03-31", true}, filterCase{"from", "2020-04-01", false})
			}},
		"equipment": {map[string]any{"institution_id": a["institutions"], "type": "ct", "interventional": false, "name": "CT",
			"manufacturer": "联影", "model": model, "serial_no": unique("RT"), "manufactured_on": "2018-01-01",
			"installed_on": "2018-06-01", "room": "CT室", "status": "idle"},
			func(c map[string]any) []filterCase {
				return append(match("institution_id", "type", "status")(c), filterCase{"q", model, true})
			}},
		"tests": {map[string]any{"equipment_id": a["equipment"], "kind": "acceptance", "tested_on": "2023-05-05",
			"agency": "河南省疾病预防控制中心", "report_no": "T-1", "result": "fail"}, match("equipment_id", "kind")},
	}
}

// TestRoundTrip creates a record of each resource, reads it back, finds it
// with each filter, updates, retires and restores it.
func TestRoundTrip(t *testing.T) {
	e := newEnv(t)
	trips := roundTrips(e.a)
	for _, res := range resources {
		t.Run(res, func(t *testing.T) {
			e.t = t
			rt := trips[res]
			r := e.do(supervisor, "POST", "/api/v1/"+res, rt.body)
			if r.status != http.StatusCreated {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			created := r.obj(t)
			delete(created, "employment")
			id := int64(created["id"].(float64))
			checkSent(t, rt.body, created)
			if got := e.record(res, id); !reflect.DeepEqual(got, created) {
				t.Errorf("get differs from create:\n got %v\nwant %v", got, created)
			}
			checkFilters(t, e, res, id, rt.filters(created))
			updateRetireRestore(t, e, res, id, created, rt.filters(created)[0])
		})
	}
}

// checkSent checks that every field sent comes back as sent.
func checkSent(t *testing.T, sent, got map[string]any) {
	t.Helper()
	for k, v := range sent {
		if k == "employment" {
			continue
		}
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			t.Errorf("%s: sent %v, stored %v", k, v, got[k])
		}
	}
}

// checkFilters lists with each filter alone: the record is on the list if it
// matches, and the filter leaves out some record.
func checkFilters(t *testing.T, e *env, res string, id int64, cases []filterCase) {
	t.Helper()
	_, all, _ := e.list(supervisor, "/api/v1/"+res+"?limit=500")
	for _, c := range cases {
		u := "/api/v1/" + res + "?limit=500&" + url.Values{c.name: {c.value}}.Encode()
		ids, total, r := e.list(supervisor, u)
		if ids == nil {
			t.Errorf("%s: %d %s", u, r.status, r.body)
			continue
		}
		if ids[id] != c.matches || total >= all || total != len(ids) {
			t.Errorf("%s: has record %v (want %v), total %d of %d, %d items", u, ids[id], c.matches, total, all, len(ids))
		}
	}
}

// updateRetireRestore updates the record, retires it (gone from the default
// list, on the list with retired=true) and restores it.
func updateRetireRestore(t *testing.T, e *env, res string, id int64, rec map[string]any, f filterCase) {
	t.Helper()
	r := e.do(supervisor, "PUT", path(res, id), edited(res, rec, "修改后"))
	if r.status != http.StatusOK {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	if got := e.record(res, id); got["version"] != 2.0 || got[editField[res]] != "修改后" {
		t.Errorf("after update: %v", got)
	}
	r = e.do(supervisor, "POST", path(res, id, "retire"), map[string]any{"version": 2})
	if r.status != http.StatusOK || r.obj(t)["retired"] != true {
		t.Fatalf("retire: %d %s", r.status, r.body)
	}
	list := "/api/v1/" + res + "?limit=500&" + url.Values{f.name: {f.value}}.Encode()
	if ids, _, _ := e.list(supervisor, list); ids[id] {
		t.Errorf("retired record on the default list %s", list)
	}
	if ids, _, _ := e.list(supervisor, list+"&retired=true"); !ids[id] {
		t.Errorf("retired record missing with retired=true")
	}
	if r := e.do(supervisor, "POST", path(res, id, "restore"), map[string]any{"version": 3}); r.status != http.StatusOK {
		t.Fatalf("restore: %d %s", r.status, r.body)
	}
	if ids, _, _ := e.list(supervisor, list); !ids[id] {
		t.Errorf("restored record missing from the default list")
	}
}

// TestOptimisticConcurrency sends two updates read at the same version: the
// second is refused with ESTALE and the stored record is the first edit.
func TestOptimisticConcurrency(t *testing.T) {
	e := newEnv(t)
	for _, res := range resources {
		t.Run(res, func(t *testing.T) {
			e.t = t
			read := e.record(res, e.a[res])
			first := e.do(supervisor, "PUT", path(res, e.a[res]), edited(res, read, "第一次"))
			second := e.do(supervisor, "PUT", path(res, e.a[res]), edited(res, read, "第二次"))
			if first.status != http.StatusOK {
				t.Fatalf("first: %d %s", first.status, first.body)
			}
			if second.status != http.StatusConflict || second.err(t).Code != domain.ESTALE {
				t.Fatalf("second: %d %s", second.status, second.body)
			}
			got := e.record(res, e.a[res])
			if got[editField[res]] != "第一次" || got["version"] != read["version"].(float64)+1 {
				t.Errorf("stored: %s = %v, version %v", editField[res], got[editField[res]], got["version"])
			}
			stale := e.do(supervisor, "POST", path(res, e.a[res], "retire"), map[string]any{"version": read["version"]})
			if stale.status != http.StatusConflict || stale.err(t).Code != domain.ESTALE || e.record(res, e.a[res])["retired"] != false {
				t.Errorf("retire at a stale version: %d %s", stale.status, stale.body)
			}
		})
	}
}

// TestPagination pages through a list.
func TestPagination(t *testing.T) {
	e := newEnv(t)
	for range 5 {
		if r := e.do(supervisor, "POST", "/api/v1/institutions", newBody("institutions", nil)); r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
	}
	seen := map[int64]bool{}
	for offset := 0; offset < 8; offset += 3 {
		r := e.do(supervisor, "GET", fmt.Sprintf("/api/v1/institutions?limit=3&offset=%d", offset), nil)
		page := r.obj(t)
		ids, _, _ := e.list(supervisor, fmt.Sprintf("/api/v1/institutions?limit=3&offset=%d", offset))
		if page["total"] != 7.0 || page["limit"] != 3.0 || page["offset"] != float64(offset) || len(ids) != min(3, 7-offset) {
			t.Errorf("offset %d: %v", offset, page)
		}
		for id := range ids {
			if seen[id] {
				t.Errorf("id %d on two pages", id)
			}
			seen[id] = true
		}
	}
	if len(seen) != 7 {
		t.Errorf("pages hold %d institutions, want 7", len(seen))
	}
	page := e.do(supervisor, "GET", "/api/v1/institutions", nil).obj(t)
	if page["limit"] != 50.0 || page["offset"] != 0.0 {
		t.Errorf("default paging: %v", page)
	}
	if page := e.do(supervisor, "GET", "/api/v1/institutions?limit=10000", nil).obj(t); page["limit"] != 500.0 {
		t.Errorf("limit not capped at 500: %v", page["limit"])
	}
	if page := e.do(supervisor, "GET", "/api/v1/tests?kind=protection", nil).obj(t); page["total"] != 0.0 || len(page["items"].([]any)) != 0 {
		t.Errorf("empty list: %v", page)
	}
}
