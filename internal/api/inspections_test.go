package api_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestInspectionEndpoints runs an ad hoc inspection through the API: two
// inspectors, items saved at their version (a stale one is ESTALE), the
// outcome, both signatures, a refused edit after the lock, an amendment,
// evidence (content-checked, downloaded as an attachment); an institution
// user sees the signed record of its own institution only.
func TestInspectionEndpoints(t *testing.T) {
	e := newEnv(t)
	const partner = "partner"
	err := e.store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		u := storetest.User(t, tx, domain.RoleSupervisor, 0)
		e.users[partner], e.tokens[partner] = u, newToken(t, tx, u, false)
		b := storetest.User(t, tx, domain.RoleInstitution, e.b["institutions"])
		e.users["instB"], e.tokens["instB"] = b, newToken(t, tx, b, false)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{supervisor, partner} {
		r := e.do(supervisor, "PUT", "/api/v1/inspectors/"+strconv.FormatInt(e.users[c].ID, 10),
			map[string]any{"version": 0, "cert_no": "豫卫执" + c, "active": true, "recused": []string{}})
		if r.status != http.StatusOK {
			t.Fatalf("put inspector: %d %s", r.status, r.body)
		}
	}
	today := time.Now().Format("2006-01-02")
	body := map[string]any{"type": "routine", "institution_id": e.a["institutions"],
		"inspectors": []string{e.users[supervisor].Username, e.users[partner].Username}, "date": today, "place": "放射科"}
	for _, bad := range []map[string]any{
		{"type": "routine", "institution_id": e.a["institutions"], "inspectors": []string{e.users[supervisor].Username}, "date": today},
		{"type": "routine", "institution_id": e.a["institutions"], "inspectors": []string{e.users[supervisor].Username, e.users[supervisor].Username}, "date": today},
		{"type": "random", "institution_id": e.a["institutions"], "inspectors": []string{e.users[supervisor].Username, e.users[partner].Username}, "date": today},
		{"type": "routine", "institution_id": e.a["institutions"], "inspectors": []string{e.users[supervisor].Username, e.users[partner].Username}, "date": "昨天"},
		{"kind": "routine"},
	} {
		if r := e.do(supervisor, "POST", "/api/v1/inspections", bad); r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
			t.Errorf("bad inspection %v: %d %s", bad, r.status, r.body)
		}
	}
	if n := storetest.Count(t, e.store, "inspections"); n != 0 {
		t.Fatalf("bad input stored %d inspections", n)
	}
	r := e.do(supervisor, "POST", "/api/v1/inspections", body)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	got := r.obj(t)
	id := strconv.FormatInt(int64(got["id"].(float64)), 10)
	base := "/api/v1/inspections/" + id
	if n := len(got["items"].([]any)); n != 18 {
		t.Fatalf("%d items", n)
	}
	if r := e.do(supervisor, "PUT", base+"/items/JC-01", map[string]any{"version": 1, "result": "compliant", "note": "有效"}); r.status != 200 {
		t.Fatalf("item: %d %s", r.status, r.body)
	}
	if r := e.do(partner, "PUT", base+"/items/JC-01", map[string]any{"version": 1, "result": "noncompliant"}); r.status != http.StatusConflict || r.err(t).Code != "ESTALE" {
		t.Fatalf("stale item: %d %s", r.status, r.body)
	}
	if r := e.do(supervisor, "POST", base+"/evidence?code=JC-14&name=a.jpg", "<html>not a photo</html>"); r.status/100 != 4 {
		t.Fatalf("html evidence: %d %s", r.status, r.body)
	}
	r = e.do(supervisor, "POST", base+"/evidence?code=JC-14&name=sign.png", "\x89PNG\r\n\x1a\n0000")
	if r.status != http.StatusCreated {
		t.Fatalf("evidence: %d %s", r.status, r.body)
	}
	fileID := strconv.FormatInt(int64(r.obj(t)["id"].(float64)), 10)
	storetest.Exec(t, e.store, "UPDATE inspection_items SET result = 'compliant' WHERE inspection_id = ? AND result = 'unchecked'", id)
	version := func() int {
		return int(e.do(supervisor, "GET", base, nil).obj(t)["version"].(float64))
	}
	if r := e.do(supervisor, "PUT", base, map[string]any{"version": version(), "date": today, "place": "CT室", "outcome": "compliant"}); r.status != 200 {
		t.Fatalf("outcome: %d %s", r.status, r.body)
	}
	if r := e.do(viewer, "POST", base+"/sign", map[string]any{"version": version()}); r.status != http.StatusForbidden {
		t.Fatalf("viewer signs: %d", r.status)
	}
	if r := e.do(supervisor, "POST", base+"/sign", map[string]any{"version": version()}); r.status != 200 {
		t.Fatalf("sign: %d %s", r.status, r.body)
	}
	r = e.do(partner, "POST", base+"/sign", map[string]any{"version": version()})
	if r.status != 200 || r.obj(t)["locked"] != true {
		t.Fatalf("second sign: %d %s", r.status, r.body)
	}
	if r := e.do(supervisor, "PUT", base+"/items/JC-02", map[string]any{"version": 2, "result": "noncompliant"}); r.status != http.StatusConflict {
		t.Fatalf("edit after lock: %d %s", r.status, r.body)
	}
	if r := e.do(partner, "POST", base+"/amendments", map[string]any{"code": "JC-02", "result": "noncompliant", "reason": "补充"}); r.status != http.StatusCreated {
		t.Fatalf("amend: %d %s", r.status, r.body)
	}
	r = e.do(instA, "GET", base+"/evidence/"+fileID, nil)
	if r.status != 200 || r.header.Get("Content-Disposition") == "" || r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("download: %d %v", r.status, r.header)
	}
	if r := e.do("instB", "GET", base, nil); r.status != http.StatusNotFound {
		t.Errorf("another institution reads: %d", r.status)
	}
	if r := e.do("instB", "GET", base+"/evidence/"+fileID, nil); r.status != http.StatusNotFound {
		t.Errorf("another institution downloads: %d", r.status)
	}
	if r := e.do("instB", "GET", "/api/v1/inspections", nil); r.status != 200 || r.obj(t)["total"].(float64) != 0 {
		t.Errorf("another institution lists: %d %s", r.status, r.body)
	}
	if r := e.do(instA, "GET", "/api/v1/inspections?signed=1", nil); r.status != 200 || r.obj(t)["total"].(float64) != 1 {
		t.Errorf("its institution lists: %d %s", r.status, r.body)
	}
}
