package api_test

import (
	"net/http"
	"strconv"
	"testing"
)

// TestSubmissionEndpoints: with review on, an institution's change of its
// equipment answers 202 and waits; it cannot approve its own; the office
// lists it, approves it (the record changes) or rejects another with a
// reason (the record stays).
func TestSubmissionEndpoints(t *testing.T) {
	e := newEnv(t)
	eq := e.a["equipment"]
	for caller, want := range map[string]int{instA: http.StatusForbidden, viewer: http.StatusForbidden, supervisor: http.StatusOK} {
		if r := e.do(caller, "PUT", "/api/v1/settings/review", map[string]any{"on": true}); r.status != want {
			t.Fatalf("turn review on as %s: %d %s", caller, r.status, r.body)
		}
	}
	if r := e.do(supervisor, "GET", "/api/v1/settings/review", nil); r.status != http.StatusOK || r.obj(t)["on"] != true {
		t.Fatalf("review setting: %d %s", r.status, r.body)
	}
	change := func(room string) int64 {
		rec := e.record("equipment", eq)
		rec["room"] = room
		r := e.do(instA, "PUT", path("equipment", eq), rec)
		if r.status != http.StatusAccepted {
			t.Fatalf("held change: %d %s", r.status, r.body)
		}
		return int64(r.obj(t)["submission_id"].(float64))
	}
	before := e.record("equipment", eq)["room"]
	id := change("待审核机房")
	if got := e.record("equipment", eq)["room"]; got != before {
		t.Fatalf("held change applied: %v", got)
	}
	r := e.do(instA, "GET", "/api/v1/submissions?state=pending&entity=equipment", nil)
	if r.status != http.StatusOK || r.obj(t)["total"].(float64) != 1 {
		t.Fatalf("institution's pending: %d %s", r.status, r.body)
	}
	for name, tc := range map[string]struct {
		r    *response
		want int
	}{
		"approve own":    {e.do(instA, "POST", "/api/v1/submissions/approve", map[string]any{"ids": []int64{id}}), http.StatusForbidden},
		"viewer reads":   {e.do(viewer, "GET", "/api/v1/submissions", nil), http.StatusForbidden},
		"unknown filter": {e.do(supervisor, "GET", "/api/v1/submissions?status=x", nil), http.StatusBadRequest},
		"bad date":       {e.do(supervisor, "GET", "/api/v1/submissions?from=yesterday", nil), http.StatusBadRequest},
		"no ids":         {e.do(supervisor, "POST", "/api/v1/submissions/approve", map[string]any{"ids": []int64{}}), http.StatusBadRequest},
	} {
		if tc.r.status != tc.want {
			t.Errorf("%s: %d, want %d: %s", name, tc.r.status, tc.want, tc.r.body)
		}
	}
	if r := e.do(supervisor, "POST", "/api/v1/submissions/approve", map[string]any{"ids": []int64{id}}); r.status != http.StatusOK {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	if got := e.record("equipment", eq)["room"]; got != "待审核机房" {
		t.Fatalf("approved change not applied: %v", got)
	}
	id = change("被驳回机房")
	reject := "/api/v1/submissions/" + strconv.FormatInt(id, 10) + "/reject"
	if r := e.do(supervisor, "POST", reject, map[string]any{}); r.status != http.StatusBadRequest {
		t.Errorf("reject without reason: %d %s", r.status, r.body)
	}
	if r := e.do(supervisor, "POST", reject, map[string]any{"reason": "资料不全"}); r.status != http.StatusOK {
		t.Fatalf("reject: %d %s", r.status, r.body)
	}
	if got := e.record("equipment", eq)["room"]; got != "待审核机房" {
		t.Errorf("rejected change applied: %v", got)
	}
	r = e.do(supervisor, "GET", "/api/v1/submissions?state=rejected", nil)
	if r.status != http.StatusOK || r.obj(t)["total"].(float64) != 1 {
		t.Errorf("rejected: %d %s", r.status, r.body)
	}
}
