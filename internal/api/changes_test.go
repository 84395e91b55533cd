package api_test

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
	"time"

	"radsup/internal/domain"
)

var pdf = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// TestChangeRequestEndpoints: an institution asks for a change of its
// licence with a PDF; it may neither decide, nor ask about B's licence,
// nor smuggle other fields; the office approves (the licence changes),
// rejects with a reason; the institution withdraws; files download as
// attachments to those who may see the request.
func TestChangeRequestEndpoints(t *testing.T) {
	e := newEnv(t)
	lic := e.a["licences"]
	ask := func(caller string, body map[string]any) *response {
		return e.do(caller, "POST", "/api/v1/change-requests", body)
	}
	body := func(rec int64, values map[string]string) map[string]any {
		return map[string]any{"entity": "licence", "record_id": rec, "values": values, "reason": "已通过校验",
			"files": []map[string]any{{"name": "校验结论.pdf", "data": pdf}}}
	}
	r := ask(instA, body(lic, map[string]string{"valid_until": "2036-06-30"}))
	if r.status != http.StatusCreated {
		t.Fatalf("request: %d %s", r.status, r.body)
	}
	c := r.obj(t)
	cid := int64(c["id"].(float64))
	files := c["files"].([]any)
	if c["status"] != "pending" || len(files) != 1 {
		t.Fatalf("request %v", c)
	}
	fileID := int64(files[0].(map[string]any)["id"].(float64))
	for name, tc := range map[string]struct {
		r    *response
		want int
	}{
		"B's licence":       {ask(instA, body(e.b["licences"], map[string]string{"issuer": "x"})), http.StatusNotFound},
		"move to B":         {ask(instA, body(lic, map[string]string{"institution_id": strconv.FormatInt(e.b["institutions"], 10)})), http.StatusBadRequest},
		"unknown key":       {ask(instA, map[string]any{"entity": "licence", "record_id": lic, "status": "approved"}), http.StatusBadRequest},
		"HTML as PDF":       {ask(instA, map[string]any{"entity": "licence", "record_id": lic, "values": map[string]string{"issuer": "x"}, "reason": "r", "files": []map[string]any{{"name": "a.pdf", "data": []byte("<html>")}}}), http.StatusBadRequest},
		"approve own":       {e.do(instA, "POST", "/api/v1/change-requests/"+strconv.FormatInt(cid, 10)+"/approve", map[string]any{}), http.StatusForbidden},
		"supervisor asks":   {ask(supervisor, body(lic, map[string]string{"issuer": "x"})), http.StatusForbidden},
		"viewer reads":      {e.do(viewer, "GET", "/api/v1/change-requests", nil), http.StatusForbidden},
		"viewer downloads":  {e.do(viewer, "GET", "/api/v1/attachments/"+strconv.FormatInt(fileID, 10), nil), http.StatusNotFound},
		"licence unchanged": {e.do(instA, "GET", path("licences", lic), nil), http.StatusOK},
	} {
		if tc.r.status != tc.want {
			t.Errorf("%s: %d, want %d: %s", name, tc.r.status, tc.want, tc.r.body)
		}
	}
	if got := e.record("licences", lic)["valid_until"]; got == "2036-06-30" {
		t.Fatal("the request changed the licence")
	}
	r = e.do(instA, "GET", "/api/v1/attachments/"+strconv.FormatInt(fileID, 10), nil)
	if r.status != 200 || !bytes.Equal(r.body, pdf) || r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Content-Type") != "application/pdf" {
		t.Errorf("download: %d %v", r.status, r.header)
	}
	list := e.do(supervisor, "GET", "/api/v1/change-requests?status=pending", nil).obj(t)
	if list["total"].(float64) != 1 {
		t.Errorf("pending list %v", list)
	}
	r = e.do(supervisor, "POST", "/api/v1/change-requests/"+strconv.FormatInt(cid, 10)+"/approve", map[string]any{"decision": "同意"})
	if r.status != 200 || r.obj(t)["status"] != "approved" {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	if got := e.record("licences", lic)["valid_until"]; got != "2036-06-30" {
		t.Errorf("valid_until %v after approval", got)
	}
	// A second request is rejected with a reason, a third withdrawn.
	for _, act := range []string{"reject", "withdraw"} {
		r := ask(instA, body(lic, map[string]string{"issuer": "新发证机关" + act}))
		id := strconv.FormatInt(int64(r.obj(t)["id"].(float64)), 10)
		caller := supervisor
		if act == "withdraw" {
			caller = instA
		}
		if act == "reject" {
			if r := e.do(caller, "POST", "/api/v1/change-requests/"+id+"/reject", map[string]any{}); r.status != http.StatusBadRequest {
				t.Errorf("reject without a reason: %d", r.status)
			}
		}
		r = e.do(caller, "POST", "/api/v1/change-requests/"+id+"/"+act, map[string]any{"decision": "材料不全"})
		if r.status != 200 {
			t.Errorf("%s: %d %s", act, r.status, r.body)
		}
		if got := e.do(instA, "GET", "/api/v1/change-requests/"+id, nil).obj(t)["status"]; got != act+"ed" && got != act+"n" {
			t.Errorf("%s: status %v", act, got)
		}
	}
	if got := e.record("licences", lic)["issuer"]; got != "郑州市中原区卫生健康委员会" {
		t.Errorf("issuer %v", got)
	}
}

// TestFileEndpoints: an institution keeps a test report with its device's
// test; the office lists it; B's test is not found; HTML is refused.
func TestFileEndpoints(t *testing.T) {
	e := newEnv(t)
	test := strconv.FormatInt(e.a["tests"], 10)
	r := e.do(instA, "POST", "/api/v1/files/test/"+test+"?name=检测报告.pdf", string(pdf))
	if r.status != http.StatusCreated || r.obj(t)["content_type"] != "application/pdf" {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	list := e.do(supervisor, "GET", "/api/v1/files/test/"+test, nil).obj(t)
	if list["total"].(float64) != 1 {
		t.Errorf("office lists %v", list)
	}
	for name, tc := range map[string]struct {
		r    *response
		want int
	}{
		"HTML":        {e.do(instA, "POST", "/api/v1/files/test/"+test+"?name=a.pdf", "<html>"), http.StatusBadRequest},
		"B's test":    {e.do(instA, "POST", "/api/v1/files/test/"+strconv.FormatInt(e.b["tests"], 10)+"?name=a.pdf", string(pdf)), http.StatusNotFound},
		"B's list":    {e.do(instA, "GET", "/api/v1/files/test/"+strconv.FormatInt(e.b["tests"], 10), nil), http.StatusNotFound},
		"licence":     {e.do(instA, "POST", "/api/v1/files/licence/"+strconv.FormatInt(e.a["licences"], 10)+"?name=a.pdf", string(pdf)), http.StatusForbidden},
		"institution": {e.do(supervisor, "GET", "/api/v1/files/institution/"+strconv.FormatInt(e.a["institutions"], 10), nil), http.StatusNotFound},
	} {
		if tc.r.status != tc.want {
			t.Errorf("%s: %d, want %d: %s", name, tc.r.status, tc.want, tc.r.body)
		}
	}
}

// TestLicenceActEndpoints: the office records a passed check (the
// licence's validity follows) and a cancellation; the institution reads
// the history but records nothing.
func TestLicenceActEndpoints(t *testing.T) {
	e := newEnv(t)
	base := "/api/v1/licences/" + strconv.FormatInt(e.a["licences"], 10) + "/acts"
	if r := e.do(instA, "POST", base, map[string]any{"kind": "check", "on": "2026-01-05", "result": "pass", "next_due": "2029-01-05", "document_no": "X"}); r.status != http.StatusForbidden {
		t.Errorf("institution records a check: %d", r.status)
	}
	if r := e.do(supervisor, "POST", base, map[string]any{"kind": "check", "on": "2026-01-05", "result": "pass", "next_due": "2029-01-05", "document_no": "中卫放校〔2026〕1号"}); r.status != http.StatusCreated {
		t.Fatalf("check: %d %s", r.status, r.body)
	}
	if got := e.record("licences", e.a["licences"])["valid_until"]; got != "2029-01-05" {
		t.Errorf("valid_until %v after the check", got)
	}
	if r := e.do(supervisor, "POST", base, map[string]any{"kind": "cancel", "on": "2026-02-01", "document_no": "中卫放注〔2026〕1号", "note": "注销"}); r.status != http.StatusCreated {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	h := e.do(instA, "GET", base, nil).obj(t)
	if h["in_force"] != false || len(h["acts"].([]any)) != 2 {
		t.Errorf("history %v", h)
	}
	if years, _ := h["check_years"].(float64); (years != 1 && years != 3) ||
		h["proposed_next_due"] != domain.DateOf(time.Now()).AddDate(int(years), 0, 0).String() {
		t.Errorf("proposal for a check today: %v years, due %v", h["check_years"], h["proposed_next_due"])
	}
	if r := e.do(instA, "GET", "/api/v1/licences/"+strconv.FormatInt(e.b["licences"], 10)+"/acts", nil); r.status != http.StatusNotFound {
		t.Errorf("B's history: %d", r.status)
	}
}
