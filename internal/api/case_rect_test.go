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

// TestCaseFromRectificationEndpoint: {"source": "rectification"} opens a
// case only once the rectification is overdue, with its institution and
// findings, and only once.
func TestCaseFromRectificationEndpoint(t *testing.T) {
	e := newEnv(t)
	var findingID int64
	err := e.store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		u := storetest.User(t, tx, domain.RoleSupervisor, 0)
		e.users["partner"], e.tokens["partner"] = u, newToken(t, tx, u, false)
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
	for _, c := range []string{supervisor, "partner"} {
		r := e.do(supervisor, "PUT", "/api/v1/inspectors/"+strconv.FormatInt(e.users[c].ID, 10),
			map[string]any{"version": 0, "cert_no": "豫卫执" + c, "active": true, "recused": []string{}})
		if r.status != http.StatusOK {
			t.Fatalf("put inspector: %d %s", r.status, r.body)
		}
	}
	r := e.do(supervisor, "POST", "/api/v1/rectifications", map[string]any{"finding_ids": []int64{findingID}, "opinion": "补做状态检测", "days": 15})
	if r.status != http.StatusCreated {
		t.Fatalf("rectification: %d %s", r.status, r.body)
	}
	rect := int64(r.obj(t)["id"].(float64))
	body := map[string]any{"source": "rectification", "rectification_id": rect, "cause": "逾期未改正", "facts": "CT机逾期仍未检测",
		"articles": []string{"RDM-41"}, "handlers": []string{e.users[supervisor].Username, e.users["partner"].Username}}
	if r := e.do(supervisor, "POST", "/api/v1/cases", body); r.status != http.StatusConflict {
		t.Fatalf("a case before the deadline: %d %s", r.status, r.body)
	}
	storetest.Exec(t, e.store, "UPDATE rectifications SET deadline = ? WHERE id = ?", time.Now().AddDate(0, 0, -1).Format(time.DateOnly), rect)
	if r := e.do(instA, "POST", "/api/v1/cases", body); r.status != http.StatusForbidden {
		t.Errorf("an institution opens a case: %d %s", r.status, r.body)
	}
	r = e.do(supervisor, "POST", "/api/v1/cases", body)
	if r.status != http.StatusCreated {
		t.Fatalf("a case from the overdue rectification: %d %s", r.status, r.body)
	}
	c := r.obj(t)
	ids, _ := c["finding_ids"].([]any)
	if c["source"] != "rectification" || c["rectification_id"] != float64(rect) || c["institution_id"] != float64(e.a["institutions"]) ||
		len(ids) != 1 || ids[0] != float64(findingID) {
		t.Fatalf("the case: %s", r.body)
	}
	if r := e.do(supervisor, "POST", "/api/v1/cases", body); r.status != http.StatusConflict {
		t.Errorf("a second case from the rectification: %d %s", r.status, r.body)
	}
}
