package api_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store"
)

// TestNoticeEndpoints: a supervisor writes to A and B by credit code; A's
// user lists only A's notice, marks it read, cannot read B's, and says
// where it wants notices; a wrong address is refused by field.
func TestNoticeEndpoints(t *testing.T) {
	e := newEnv(t)
	codes := map[int64]string{}
	err := e.store.View(context.Background(), func(tx *store.Tx) error {
		for _, id := range []int64{e.a["institutions"], e.b["institutions"]} {
			inst, err := store.Find(tx, store.Institutions, domain.Scope{}, id)
			if err != nil {
				return err
			}
			codes[id] = inst.CreditCode
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"credit_codes": []string{codes[e.a["institutions"]], codes[e.b["institutions"]]}, "body": "请于月底前报送年度评估报告。"}
	if r := e.do(supervisor, "POST", "/api/v1/notices", map[string]any{"credit_codes": []string{"NOSUCH"}, "body": "x"}); r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown code: %d %s", r.status, r.body)
	}
	if r := e.do(supervisor, "POST", "/api/v1/notices", map[string]any{"to": "x", "body": "x"}); r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown key: %d %s", r.status, r.body)
	}
	r := e.do(supervisor, "POST", "/api/v1/notices", body)
	if r.status != http.StatusCreated || r.obj(t)["total"].(float64) != 2 {
		t.Fatalf("send: %d %s", r.status, r.body)
	}
	var aID, bID string
	for _, it := range r.obj(t)["items"].([]any) {
		n := it.(map[string]any)
		id := strconv.FormatInt(int64(n["id"].(float64)), 10)
		if int64(n["institution_id"].(float64)) == e.a["institutions"] {
			aID = id
		} else {
			bID = id
		}
	}
	r = e.do(instA, "GET", "/api/v1/notices?unread=1", nil)
	if r.status != http.StatusOK || r.obj(t)["total"].(float64) != 1 {
		t.Fatalf("A's unread notices: %d %s", r.status, r.body)
	}
	if r := e.do(instA, "POST", "/api/v1/notices/"+bID+"/read", nil); r.status != http.StatusNotFound {
		t.Errorf("A reads B's notice: %d", r.status)
	}
	if r := e.do(instA, "POST", "/api/v1/notices/"+aID+"/read", nil); r.status != http.StatusOK || r.obj(t)["read_by"] == "" {
		t.Errorf("A reads its notice: %d %s", r.status, r.body)
	}
	if r := e.do(instA, "GET", "/api/v1/notices?unread=1", nil); r.obj(t)["total"].(float64) != 0 {
		t.Errorf("A's unread after reading: %s", r.body)
	}
	if r := e.do(supervisor, "GET", "/api/v1/notices?limit=x", nil); r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad limit: %d", r.status)
	}
	r = e.do(supervisor, "GET", "/api/v1/notices", nil)
	if r.obj(t)["total"].(float64) != 2 {
		t.Errorf("supervisor's notices: %s", r.body)
	}
	if r := e.do(instA, "PUT", "/api/v1/notices/contact", map[string]any{"email": "x", "phone": ""}); r.err(t).FieldCodes["email"] != "invalid_email" {
		t.Errorf("bad e-mail: %d %s", r.status, r.body)
	}
	if r := e.do(instA, "PUT", "/api/v1/notices/contact", map[string]any{"email": "fangshe@a.example", "phone": "13812345678"}); r.status != http.StatusOK {
		t.Errorf("contact: %d %s", r.status, r.body)
	}
}

// TestTrendsEndpoint: supervisors and viewers read the trends; the months
// run up to today's and every severity has a count per month; the
// compliance figures are there (none inspected: rates 0).
func TestTrendsEndpoint(t *testing.T) {
	e := newEnv(t)
	for _, c := range []string{supervisor, viewer} {
		r := e.do(c, "GET", "/api/v1/stats/trends", nil)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", c, r.status, r.body)
		}
		o := r.obj(t)
		tr := o["trend"].(map[string]any)
		if n := len(tr["months"].([]any)); n != 12 {
			t.Errorf("%d months, want 12", n)
		}
		for sev, counts := range tr["open_by_severity"].(map[string]any) {
			if len(counts.([]any)) != 12 {
				t.Errorf("%s: %d counts", sev, len(counts.([]any)))
			}
		}
		if cp := o["compliance"].(map[string]any); cp["inspected"] == nil || cp["rate_30_days"] == nil {
			t.Errorf("compliance %v", cp)
		}
	}
	if r := e.do(supervisor, "GET", "/api/v1/stats/trends?x=1", nil); r.status == http.StatusOK {
		t.Errorf("unknown filter accepted")
	}
}
