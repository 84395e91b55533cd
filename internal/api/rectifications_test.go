package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestRectificationEndpoints orders A to correct an open finding through
// the API: numbered documents, the institution's answer and file, a close
// refused while the finding is open (naming it) and allowed once screening
// has resolved it; B's user sees none of it.
func TestRectificationEndpoints(t *testing.T) {
	e := newEnv(t)
	var findingID int64
	err := e.store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		b := storetest.User(t, tx, domain.RoleInstitution, e.b["institutions"])
		e.users["instB"], e.tokens["instB"] = b, newToken(t, tx, b, false)
		day := domain.DateOf(tx.Now())
		f := &domain.Finding{Rule: "EQP-ACCEPTANCE-MISSING", Severity: domain.Violation, SubjectType: "equipment", SubjectKey: "DR-1",
			SubjectID: e.a["equipment"], InstitutionID: e.a["institutions"], Template: "EQP-ACCEPTANCE-MISSING", DueOn: day,
			Status: domain.FindingOpen, FirstSeen: day, LastSeen: day}
		if err := tx.PutFinding(f); err != nil {
			return err
		}
		findingID = f.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := e.do(instA, "POST", "/api/v1/rectifications", map[string]any{"finding_ids": []int64{findingID}}); r.status != http.StatusForbidden {
		t.Fatalf("an institution orders: %d", r.status)
	}
	if r := e.do(supervisor, "POST", "/api/v1/rectifications", map[string]any{"finding_ids": []int64{findingID}, "days": 0, "extra": 1}); r.status != http.StatusBadRequest {
		t.Fatalf("an unknown field: %d %s", r.status, r.body)
	}
	r := e.do(supervisor, "POST", "/api/v1/rectifications", map[string]any{"finding_ids": []int64{findingID}, "opinion": "补做验收检测", "days": 15})
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	got := r.obj(t)
	base := "/api/v1/rectifications/" + strconv.FormatInt(int64(got["id"].(float64)), 10)
	if docs := got["documents"].([]any); len(docs) != 2 || !strings.Contains(docs[0].(map[string]any)["number"].(string), "卫放意〔") {
		t.Fatalf("documents %v", got["documents"])
	}
	version := func() int { return int(e.do(supervisor, "GET", base, nil).obj(t)["version"].(float64)) }
	if r := e.do("instB", "GET", base, nil); r.status != http.StatusNotFound {
		t.Errorf("another institution reads: %d", r.status)
	}
	if r := e.do("instB", "POST", base+"/respond", map[string]any{"version": version(), "response": "x"}); r.status != http.StatusNotFound {
		t.Errorf("another institution answers: %d", r.status)
	}
	if r := e.do("instB", "GET", "/api/v1/rectifications", nil); r.status != 200 || r.obj(t)["total"].(float64) != 0 {
		t.Errorf("another institution lists: %d %s", r.status, r.body)
	}
	if r := e.do(instA, "POST", base+"/respond", map[string]any{"version": version(), "response": "已补做"}); r.status != 200 || r.obj(t)["state"] != "responded" {
		t.Fatalf("answer: %d %s", r.status, r.body)
	}
	r = e.do(instA, "POST", base+"/files?name=report.pdf", "%PDF-1.4\n")
	if r.status != http.StatusCreated {
		t.Fatalf("file: %d %s", r.status, r.body)
	}
	fileID := strconv.FormatInt(int64(r.obj(t)["id"].(float64)), 10)
	if r := e.do("instB", "GET", base+"/files/"+fileID, nil); r.status != http.StatusNotFound {
		t.Errorf("another institution downloads: %d", r.status)
	}
	if r := e.do(supervisor, "GET", base+"/files/"+fileID, nil); r.status != 200 || r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %d", r.status)
	}
	r = e.do(supervisor, "POST", base+"/close", map[string]any{"version": version()})
	if r.status/100 != 4 || !strings.Contains(string(r.body), "#"+strconv.FormatInt(findingID, 10)) {
		t.Fatalf("close with the finding open: %d %s", r.status, r.body)
	}
	storetest.Exec(t, e.store, "UPDATE findings SET status = 'resolved' WHERE id = ?", findingID)
	if r := e.do(instA, "POST", base+"/close", map[string]any{"version": version()}); r.status != http.StatusForbidden {
		t.Errorf("an institution closes: %d", r.status)
	}
	if r := e.do(supervisor, "POST", base+"/close", map[string]any{"version": version(), "note": "复核无误"}); r.status != 200 || r.obj(t)["state"] != "closed" {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	if r := e.do(supervisor, "GET", "/api/v1/rectifications?state=open", nil); r.obj(t)["total"].(float64) != 0 {
		t.Errorf("a closed one is listed as open: %s", r.body)
	}
	if r := e.do(supervisor, "GET", "/api/v1/rectifications?state=bogus", nil); r.status != http.StatusBadRequest {
		t.Errorf("a bad state filter: %d", r.status)
	}
}
