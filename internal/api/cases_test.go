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

// TestCaseEndpoints runs a case through the API: the catalogue, a case
// opened from a finding, a skipped step and a fine out of range refused,
// the review refused to a handler and taken by a third supervisor, the
// decision numbered and locked, the report recorded; an institution user
// sees only its own decided case.
func TestCaseEndpoints(t *testing.T) {
	e := newEnv(t)
	const partner, reviewer = "partner", "reviewer"
	var findingID int64
	err := e.store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		for _, name := range []string{partner, reviewer} {
			u := storetest.User(t, tx, domain.RoleSupervisor, 0)
			e.users[name], e.tokens[name] = u, newToken(t, tx, u, false)
		}
		day := domain.DateOf(time.Now())
		f := &domain.Finding{Rule: "EQP-STATUS-OVERDUE", Severity: domain.Violation, SubjectType: "equipment", SubjectKey: "k",
			SubjectID: 1, InstitutionID: e.a["institutions"], Template: "EQP-STATUS-OVERDUE", DueOn: day, Status: domain.FindingOpen,
			FirstSeen: day, LastSeen: day}
		if err := tx.PutFinding(f); err != nil {
			return err
		}
		findingID = f.ID
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
	if r := e.do(viewer, "GET", "/api/v1/articles", nil); r.status != 200 || len(r.obj(t)["items"].([]any)) < 3 {
		t.Fatalf("articles: %d %s", r.status, r.body)
	}
	body := map[string]any{"source": "findings", "finding_ids": []int64{findingID}, "institution_id": e.a["institutions"],
		"cause": "未按规定进行状态检测", "facts": "CT机逾期未检测", "articles": []string{"RDM-41"},
		"handlers": []string{e.users[supervisor].Username, e.users[partner].Username}}
	if r := e.do(supervisor, "POST", "/api/v1/cases", map[string]any{"source": "findings", "cause": "x"}); r.status != http.StatusBadRequest {
		t.Errorf("a bad case: %d %s", r.status, r.body)
	}
	r := e.do(supervisor, "POST", "/api/v1/cases", body)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	base := "/api/v1/cases/" + strconv.FormatInt(int64(r.obj(t)["id"].(float64)), 10)
	version := func() int {
		return int(e.do(supervisor, "GET", base, nil).obj(t)["version"].(float64))
	}
	step := func(caller, to string, extra map[string]any) *response {
		b := map[string]any{"version": version(), "to": to, "note": "依法办理"}
		for k, v := range extra {
			b[k] = v
		}
		return e.do(caller, "POST", base+"/steps", b)
	}
	if r := e.do(supervisor, "PUT", base, map[string]any{"version": version(), "cause": "未按规定检测", "facts": "CT机逾期未检测",
		"articles": []string{"RDM-41"}}); r.status != 200 {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	if r := step(supervisor, "notified", nil); r.status != http.StatusConflict {
		t.Errorf("skipping investigated: %d %s", r.status, r.body)
	}
	if r := step(supervisor, "investigated", nil); r.status != 200 {
		t.Fatalf("investigated: %d %s", r.status, r.body)
	}
	over := []map[string]any{{"article": "RDM-41", "warning": true, "fine": 10001}}
	if r := step(supervisor, "notified", map[string]any{"penalties": over}); r.status != http.StatusBadRequest {
		t.Errorf("a fine above the range: %d %s", r.status, r.body)
	}
	good := []map[string]any{{"article": "RDM-41", "warning": true, "fine": 10000}}
	if r := step(supervisor, "notified", map[string]any{"penalties": good}); r.status != 200 || r.obj(t)["hearing"] != true {
		t.Fatalf("notified: %d %s", r.status, r.body)
	}
	if r := step(supervisor, "decided", map[string]any{"penalties": good, "summary": "CT机逾期未检测"}); r.status != http.StatusConflict {
		t.Errorf("a decision without review: %d %s", r.status, r.body)
	}
	if r := step(partner, "reviewed", nil); r.status != http.StatusForbidden {
		t.Errorf("a handler's review: %d %s", r.status, r.body)
	}
	if r := step(reviewer, "reviewed", nil); r.status != 200 {
		t.Fatalf("review: %d %s", r.status, r.body)
	}
	if r := e.do(instA, "GET", base, nil); r.status != http.StatusNotFound {
		t.Errorf("an institution reads its undecided case: %d", r.status)
	}
	r = step(supervisor, "decided", map[string]any{"penalties": good, "summary": "CT机逾期未检测"})
	if r.status != 200 || r.obj(t)["decided"] != true || r.obj(t)["decision_no"] == "" {
		t.Fatalf("decided: %d %s", r.status, r.body)
	}
	if r := e.do(supervisor, "PUT", base, map[string]any{"version": version(), "cause": "x", "facts": "y",
		"articles": []string{"RDM-41"}}); r.status != http.StatusConflict {
		t.Errorf("editing a decided case: %d %s", r.status, r.body)
	}
	if r := e.do(instA, "GET", base, nil); r.status != 200 {
		t.Errorf("an institution reads its decided case: %d", r.status)
	}
	if r := e.do(instA, "GET", "/api/v1/cases", nil); r.status != 200 || r.obj(t)["total"].(float64) != 1 {
		t.Errorf("an institution's list: %d %s", r.status, r.body)
	}
	if r := e.do(supervisor, "POST", base+"/reports", map[string]any{"version": version(), "which": 1}); r.status != http.StatusConflict {
		t.Errorf("a report before served: %d %s", r.status, r.body)
	}
	if r := step(supervisor, "served", nil); r.status != 200 || r.obj(t)["report1_due"] == nil {
		t.Fatalf("served: %d %s", r.status, r.body)
	}
	if r := e.do(supervisor, "POST", base+"/reports", map[string]any{"version": version(), "which": 1}); r.status != 200 {
		t.Errorf("first report: %d %s", r.status, r.body)
	}
	if r := e.do(supervisor, "GET", "/api/v1/cases?state=served", nil); r.status != 200 || r.obj(t)["total"].(float64) != 1 {
		t.Errorf("served cases: %d %s", r.status, r.body)
	}
}
