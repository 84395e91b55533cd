package api_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestHeldImportEndpoints: an institution's import held for review is a
// submission of entity import on both sides' queue; approving it after the
// register changed so that it no longer applies (the person it renames now
// works at B too) answers 422 with the import's problems row by row and
// writes nothing; approving a held import that applies answers 200 and
// files its rows.
func TestHeldImportEndpoints(t *testing.T) {
	e := newEnv(t)
	if r := e.do(supervisor, "PUT", "/api/v1/settings/review", map[string]any{"on": true}); r.status != http.StatusOK {
		t.Fatalf("review on: %d %s", r.status, r.body)
	}
	code := func(instID int64) string {
		t.Helper()
		var c string
		if err := storetest.Row(t, e.store, "SELECT credit_code FROM institutions WHERE id = ?", instID).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	codeA, codeB := code(e.a["institutions"]), code(e.b["institutions"])
	im := &exchange.Importer{Store: e.store}
	imp := func(u *domain.User, name, content string) *exchange.Report {
		t.Helper()
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		rep, err := im.Import(t.Context(), domain.Actor{Username: "test"}, u, []string{p}, exchange.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	idP, idQ := storetest.IDNumber(), storetest.IDNumber()
	staff := func(id, name, credit string) string {
		return "姓名,身份证号,统一社会信用代码,职业类别,开始放射工作日期\n" + name + "," + id + "," + credit + ",诊断放射学,2020-01-01\n"
	}
	held := imp(e.users[instA], "人员.csv", staff(idP, "王五", codeA)).Held
	if held == 0 {
		t.Fatal("not held")
	}
	list := e.do(instA, "GET", "/api/v1/submissions?entity=import&state=pending", nil).obj(t)
	items, _ := list["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["entity"] != "import" || !strings.Contains(items[0].(map[string]any)["data"].(string), idP) {
		t.Fatalf("the institution's queue: %v", list)
	}
	// Meanwhile the office files the same person, named otherwise, at B.
	if rep := imp(nil, "人员.csv", staff(idP, "王武", codeB)); !rep.Written {
		t.Fatalf("the office's import: %+v", rep.Problems)
	}
	r := e.do(supervisor, "POST", "/api/v1/submissions/approve", map[string]any{"ids": []int64{held}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("approving an import that no longer applies: %d %s", r.status, r.body)
	}
	body := r.obj(t)
	problems, _ := body["problems"].([]any)
	if body["code"] != domain.EINVALID || len(problems) == 0 || !strings.Contains(body["message"].(string), "已不能原样写入") {
		t.Fatalf("refusal %v", body)
	}
	first := problems[0].(map[string]any)
	if first["sheet"] != "人员.csv" || first["row"] != float64(2) || first["column"] != "姓名" && first["column"] != "身份证号" {
		t.Errorf("first problem %v", first)
	}
	if n := storetest.Count(t, e.store, "employments WHERE person_id IN (SELECT id FROM people WHERE id_number = ?)", idP); n != 1 {
		t.Errorf("%d employments of the person after a refused approval, want the office's", n)
	}

	ok := imp(e.users[instA], "人员.csv", staff(idQ, "赵六", codeA)).Held
	if r := e.do(supervisor, "POST", "/api/v1/submissions/approve", map[string]any{"ids": []int64{ok}}); r.status != http.StatusOK {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	if n := storetest.Count(t, e.store, "people WHERE id_number = ?", idQ); n != 1 {
		t.Errorf("approved, %d people", n)
	}
	var subs []*domain.Submission
	e.store.View(t.Context(), func(tx *store.Tx) (err error) {
		subs, err = tx.Submissions(domain.Scope{}, store.SubmissionFilter{Entity: domain.SubmissionImport})
		return err
	})
	states := map[string]int{}
	for _, s := range subs {
		states[s.State]++
	}
	if states[domain.SubmissionPending] != 1 || states[domain.SubmissionApproved] != 1 {
		t.Errorf("held imports by state: %v", states)
	}
}
