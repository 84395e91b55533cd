package api_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"radsup/internal/i18n"
	"radsup/internal/store/storetest"
)

func zh(key string) string { return i18n.T("zh-CN", key) }

// with returns body with the given fields replaced.
func with(body map[string]any, kv ...any) map[string]any {
	for i := 0; i+1 < len(kv); i += 2 {
		body[kv[i].(string)] = kv[i+1]
	}
	return body
}

// TestValidation sends bad records: each is refused with 400 EINVALID, the
// bad field named with a Chinese sentence and a code, and nothing is stored.
func TestValidation(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name, caller, res string
		body              any
		field, code, text string
	}{
		{"credit code checksum", supervisor, "institutions", with(newBody("institutions", e.a), "credit_code", badCheck(storetest.CreditCode())),
			"credit_code", "credit_code.checksum", "统一社会信用代码校验位不正确，请核对是否有输错的字符（GB 32100-2015）。"},
		{"licence valid before issued", supervisor, "licences", with(newBody("licences", e.a), "valid_until", "2023-12-31"),
			"valid_until", "valid_until_before_issued_on", "校验有效期至不能早于发证日期。"},
		{"dose period end before start", supervisor, "doses", with(newBody("doses", e.a), "period_start", "2020-02-01", "period_end", "2020-01-01"),
			"period_end", "period_end_before_period_start", "监测结束日期不能早于监测起始日期。"},
		{"employment ended before started", supervisor, "employments", with(newBody("employments", e.a), "started_on", "2020-02-01", "ended_on", "2019-01-01"),
			"ended_on", "ended_on_before_started_on", "离岗日期不能早于开始放射工作日期。"},
		{"unknown institution kind", supervisor, "institutions", with(newBody("institutions", e.a), "kind", "hospital"),
			"kind", "enum", zh("field.enum")},
		{"unknown equipment type", instA, "equipment", with(newBody("equipment", e.a), "type", "x-ray"),
			"type", "enum", zh("field.enum")},
		{"unknown licence item", supervisor, "licences", with(newBody("licences", e.a), "items", []string{"ct", "mri"}),
			"items", "enum", zh("field.enum")},
		{"unknown JSON field", supervisor, "institutions", with(newBody("institutions", e.a), "colour", "red"),
			"colour", "unknown_field", "未知字段。"},
		{"field name in another case", supervisor, "institutions", with(newBody("institutions", e.a), "Name", "某医院"),
			"Name", "unknown_field", zh("field.unknown_field")},
		{"date in another form", supervisor, "licences", with(newBody("licences", e.a), "issued_on", "2024/01/01"),
			"issued_on", "date", zh("field.date")},
		{"beds as text", supervisor, "institutions", with(newBody("institutions", e.a), "beds", "many"),
			"beds", "integer", zh("field.integer")},
		{"negative dose", supervisor, "doses", with(newBody("doses", e.a), "hp10", -0.1), "hp10", "dose", zh("field.dose")},
		{"dose with 4 decimals", supervisor, "doses", with(newBody("doses", e.a), "hp10", 0.0001), "hp10", "dose", zh("field.dose")},
		{"missing dose", supervisor, "doses", with(newBody("doses", e.a), "hp10", nil), "hp10", "dose_lost", zh("field.dose_lost")},
		{"bool as text", supervisor, "doses", with(newBody("doses", e.a), "lost", "maybe"), "lost", "bool", zh("field.bool")},
		{"missing required", supervisor, "exams", with(newBody("exams", e.a), "conclusion", ""), "conclusion", "required", zh("field.required")},
		{"bad ID number", supervisor, "people", with(newBody("people", e.a), "id_number", badCheck(storetest.IDNumber())),
			"id_number", "id_number.checksum", zh("field.id_number.checksum")},
		{"employment field of a new person", instA, "people", with(newBody("people", e.a),
			"employment", map[string]any{"occupation": "2A", "started_on": "2020-13-01"}),
			"employment.started_on", "date", zh("field.date")},
		{"institution user's person without employment", instA, "people", with(newBody("people", e.a), "employment", nil),
			"employment", "required", zh("field.required")},
		{"NUL in a name", supervisor, "institutions", with(newBody("institutions", e.a), "name", "中原\x00医院"),
			"name", "control", zh("field.control")},
		{"line break in a job", supervisor, "employments", with(newBody("employments", e.a), "job", "技师\n主任"),
			"job", "control", zh("field.control")},
		{"year 0", supervisor, "employments", with(newBody("employments", e.a), "started_on", "0000-01-01"),
			"started_on", "date_range", zh("field.date_range")},
		{"29 February of year 0", supervisor, "licences", with(newBody("licences", e.a), "issued_on", "0000-02-29"),
			"issued_on", "date_range", zh("field.date_range")},
		{"dose as text", supervisor, "doses", with(newBody("doses", e.a), "hp10", "0.1"), "hp10", "dose", zh("field.dose")},
		{"a licence item 100,000 times", supervisor, "licences", with(newBody("licences", e.a), "items", repeat("ct", 100000)),
			"items", "too_many", zh("field.too_many")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			count := e.total(c.res)
			r := e.do(c.caller, "POST", "/api/v1/"+c.res, c.body)
			got := r.err(t)
			if r.status != http.StatusBadRequest || got.Code != "EINVALID" || got.Message != zh("error.invalid") {
				t.Errorf("status %d, body %s", r.status, r.body)
			}
			if got.Fields[c.field] != c.text || got.FieldCodes[c.field] != c.code {
				t.Errorf("fields[%s] = %q (%q), want %q (%q); body %s", c.field, got.Fields[c.field], got.FieldCodes[c.field], c.text, c.code, r.body)
			}
			if n := e.total(c.res); n != count {
				t.Errorf("a refused record was stored: %d → %d", count, n)
			}
		})
	}
}

// repeat returns n copies of s.
func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// badCheck returns a valid code with another check character.
func badCheck(code string) string {
	last := "0"
	if strings.HasSuffix(code, "0") {
		last = "1"
	}
	return code[:len(code)-1] + last
}

// TestBadRequests covers bodies and queries that cannot be read, updates
// without a version, duplicates, languages and unknown routes.
func TestBadRequests(t *testing.T) {
	e := newEnv(t)
	inst := path("institutions", e.a["institutions"])
	big := `{"name":"` + strings.Repeat("x", 1<<20) + `"}`
	cases := []struct {
		name, method, url string
		body              any
		status            int
		code, field       string
	}{
		{"malformed JSON", "POST", "/api/v1/institutions", `{"name": "某医院",`, 400, "EINVALID", ""},
		{"not an object", "POST", "/api/v1/institutions", `[{"name": "某医院"}]`, 400, "EINVALID", ""},
		{"empty body", "PUT", inst, "", 400, "EINVALID", ""},
		{"two objects", "POST", "/api/v1/institutions", `{} {}`, 400, "EINVALID", ""},
		{"too large", "POST", "/api/v1/institutions", big, 413, "EINVALID", ""},
		{"update without version", "PUT", inst, with(e.record("institutions", e.a["institutions"]), "version", nil), 400, "EINVALID", "version"},
		{"update with another id", "PUT", inst, with(e.record("institutions", e.a["institutions"]), "id", e.b["institutions"]), 400, "EINVALID", "id"},
		{"retire without version", "POST", inst + "/retire", `{}`, 400, "EINVALID", "version"},
		{"retire with extra field", "POST", inst + "/retire", `{"version": 1, "reason": "x"}`, 400, "EINVALID", "reason"},
		{"duplicate credit code", "POST", "/api/v1/institutions", with(newBody("institutions", nil), "credit_code",
			e.record("institutions", e.b["institutions"])["credit_code"]), 409, "ECONFLICT", "credit_code"},
		{"unknown parent", "POST", "/api/v1/licences", with(newBody("licences", e.a), "institution_id", 999999), 404, "ENOTFOUND", "institution_id"},
		{"unknown filter", "GET", "/api/v1/people?institution=1", nil, 400, "EINVALID", "institution"},
		{"bad limit", "GET", "/api/v1/people?limit=ten", nil, 400, "EINVALID", "limit"},
		{"zero limit", "GET", "/api/v1/people?limit=0", nil, 400, "EINVALID", "limit"},
		{"negative offset", "GET", "/api/v1/people?offset=-1", nil, 400, "EINVALID", "offset"},
		{"bad retired", "GET", "/api/v1/people?retired=perhaps", nil, 400, "EINVALID", "retired"},
		{"bad date filter", "GET", "/api/v1/doses?from=2020/1/1", nil, 400, "EINVALID", "from"},
		{"bad id filter", "GET", "/api/v1/doses?person_id=abc", nil, 400, "EINVALID", "person_id"},
		{"bad path id", "GET", "/api/v1/people/abc", nil, 404, "ENOTFOUND", ""},
		{"missing record", "GET", "/api/v1/people/999999", nil, 404, "ENOTFOUND", ""},
		{"unknown resource", "GET", "/api/v1/patients", nil, 404, "ENOTFOUND", ""},
		{"unknown method", "DELETE", inst, nil, 405, "EINVALID", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			before := e.record("institutions", e.a["institutions"])
			r := e.do(supervisor, c.method, c.url, c.body)
			got := r.err(t)
			if r.status != c.status || got.Code != c.code || got.Message == "" {
				t.Errorf("status %d, want %d %s: %.300s", r.status, c.status, c.code, r.body)
			}
			if c.field != "" && got.Fields[c.field] == "" {
				t.Errorf("no message for field %s: %s", c.field, r.body)
			}
			if after := e.record("institutions", e.a["institutions"]); after["version"] != before["version"] {
				t.Errorf("institution changed")
			}
		})
	}
	if r := e.do(supervisor, "DELETE", inst, nil); !strings.Contains(r.header.Get("Allow"), "PUT") {
		t.Errorf("405 Allow = %q", r.header.Get("Allow"))
	}
}

// TestLanguage answers in English when asked, in Chinese otherwise.
func TestLanguage(t *testing.T) {
	e := newEnv(t)
	body := with(newBody("institutions", nil), "kind", "hospital")
	r := e.do(supervisor, "POST", "/api/v1/institutions", body, "Accept-Language", "en-US,en;q=0.9")
	if got := r.err(t); got.Message != i18n.T("en", "error.invalid") || got.Fields["kind"] != i18n.T("en", "field.enum") {
		t.Errorf("en: %s", r.body)
	}
	r = e.do(supervisor, "POST", "/api/v1/institutions", body, "Accept-Language", "fr")
	if got := r.err(t); got.Message != zh("error.invalid") {
		t.Errorf("fr falls back to Chinese: %s", r.body)
	}
}

// TestInternalError hides the cause of a 500 and logs it once with the
// request ID.
func TestInternalError(t *testing.T) {
	e := newEnv(t)
	e.store.Close()
	r := e.do(supervisor, "GET", "/api/v1/institutions", nil)
	got := r.err(t)
	if r.status != http.StatusInternalServerError || got.Code != "EINTERNAL" || got.Message != zh("error.internal") {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if id := r.header.Get("X-Request-ID"); id == "" || got.RequestID != id {
		t.Errorf("request ID %q in body, %q in header", got.RequestID, id)
	}
	if bytes.Contains(r.body, []byte("sql")) || bytes.Contains(r.body, []byte("closed")) {
		t.Errorf("internal text in the response: %s", r.body)
	}
	logs := e.logs.String()
	if n := strings.Count(logs, "level=ERROR"); n != 1 || !strings.Contains(logs, "request_id="+got.RequestID) {
		t.Errorf("logged %d errors, want 1 with the request ID:\n%s", n, logs)
	}
}

// TestAbandonedRequestNotAnError: a client that goes away in the middle of
// a request (its context cancelled) is not a failure of the server.
func TestAbandonedRequestNotAnError(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest("GET", "/api/v1/institutions", nil).WithContext(ctx)
	req.Header.Set("Authorization", "Bearer "+e.tokens[supervisor])
	e.h.ServeHTTP(httptest.NewRecorder(), req)
	if logs := e.logs.String(); strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "api request abandoned") {
		t.Errorf("logs:\n%s", logs)
	}
}

// TestAllFieldsReported names every bad field in one answer, those that
// could not be read and those that fail validation.
func TestAllFieldsReported(t *testing.T) {
	e := newEnv(t)
	r := e.do(supervisor, "POST", "/api/v1/institutions", `{"name": "x", "kind": "hospital", "beds": "many", "colour": 1}`)
	want := map[string]string{"name": "too_short", "kind": "enum", "beds": "integer", "colour": "unknown_field",
		"credit_code": "required", "address": "required", "status": "required", "division_code": "required"}
	if got := r.err(t).FieldCodes; !reflect.DeepEqual(got, want) {
		t.Errorf("institution: got %v\nwant %v", got, want)
	}
	r = e.do(supervisor, "POST", "/api/v1/people", `{"id_number": "1", "name": "某人", "employment": {"institution_id": "A", "started_on": "2020-01-01"}}`)
	want = map[string]string{"id_number": "id_number.length", "employment.institution_id": "integer", "employment.occupation": "required"}
	if got := r.err(t).FieldCodes; !reflect.DeepEqual(got, want) {
		t.Errorf("person: got %v\nwant %v", got, want)
	}
}
