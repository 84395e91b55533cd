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

// TestSharedIdentityEndpoints: with review off, an institution renames its
// own worker at once; once the worker also works at B, a rename answers
// 202 held "shared_person" with a message in the caller's language that
// does not name B, and changes nothing; the office approves one (applied,
// read by the institution) and rejects another (nothing changes); the
// office's own rename is immediate.
func TestSharedIdentityEndpoints(t *testing.T) {
	e := newEnv(t)
	pid := e.a["people"]
	rename := func(caller, name string, header ...string) *response {
		t.Helper()
		rec := e.record("people", pid)
		rec["name"] = name
		return e.do(caller, "PUT", path("people", pid), rec, header...)
	}
	if r := rename(instA, "本机构改名"); r.status != http.StatusOK || e.record("people", pid)["name"] != "本机构改名" {
		t.Fatalf("rename of an own-only worker: %d %s", r.status, r.body)
	}
	if err := e.store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		storetest.Employment(t, tx, pid, e.b["institutions"])
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	other := e.record("institutions", e.b["institutions"])["name"].(string)
	held := func(r *response, lang string) int64 {
		t.Helper()
		if r.status != http.StatusAccepted {
			t.Fatalf("held rename: %d %s", r.status, r.body)
		}
		o := r.obj(t)
		msg, _ := o["message"].(string)
		if o["held"] != "shared_person" || o["state"] != "pending" || !strings.Contains(msg, lang) || strings.Contains(msg, other) {
			t.Errorf("held rename answered %s", r.body)
		}
		return int64(o["submission_id"].(float64))
	}
	approved := held(rename(instA, "共享改名"), "其他机构")
	rejected := held(rename(instA, "被驳回改名", "Accept-Language", "en"), "another institution")
	if got := e.record("people", pid)["name"]; got != "本机构改名" {
		t.Fatalf("held rename applied: %v", got)
	}
	if _, total, _ := e.list(instA, "/api/v1/submissions?state=pending&person_id="+strconv.FormatInt(pid, 10)); total != 2 {
		t.Errorf("the institution sees %d pending renames, want 2", total)
	}
	reject := "/api/v1/submissions/" + strconv.FormatInt(rejected, 10) + "/reject"
	if r := e.do(supervisor, "POST", reject, map[string]any{"reason": "与身份证不符"}); r.status != http.StatusOK {
		t.Fatalf("reject: %d %s", r.status, r.body)
	}
	if got := e.record("people", pid)["name"]; got != "本机构改名" {
		t.Fatalf("rejected rename applied: %v", got)
	}
	if r := e.do(supervisor, "POST", "/api/v1/submissions/approve", map[string]any{"ids": []int64{approved}}); r.status != http.StatusOK {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	r := e.do(instA, "GET", path("people", pid), nil)
	if r.status != http.StatusOK || r.obj(t)["name"] != "共享改名" {
		t.Errorf("the institution reads %d %s after approval", r.status, r.body)
	}
	if r := rename(supervisor, "监管改名"); r.status != http.StatusOK || e.record("people", pid)["name"] != "监管改名" {
		t.Errorf("the office's rename: %d %s", r.status, r.body)
	}
}
