package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// upload posts a file to an item of the env's unsigned inspection as role.
func (e *env) evidenceUpload(role, tokenOf string, name string, data []byte) *httptest.ResponseRecorder {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("code", "JC-14")
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	r := httptest.NewRequest("POST", "/inspections/"+id(e.insp)+"/evidence?code=JC-14", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	tok := e.tokens[role]
	if tokenOf != "" {
		tok = tokenOf
	}
	r.AddCookie(&http.Cookie{Name: "radsup_session", Value: tok})
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// TestEvidenceUpload: a photo is stored with its SHA-256 and served as an
// attachment; HTML named .jpg and an oversize file are refused with a
// Chinese message and store nothing; institution users never get it
// (another institution's, nor their own unsigned one).
func TestEvidenceUpload(t *testing.T) {
	e := newEnv(t)
	before := e.count("inspection_evidence")
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 200)...)
	if w := e.evidenceUpload("supervisor", "", "门灯联锁.jpg", jpeg); w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", w.Code, excerpt(w.Body.String()))
	}
	w := e.evidenceUpload("supervisor", "", "photo.jpg", []byte("<!doctype html><html><script>alert(1)</script></html>"))
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "只接受照片") {
		t.Fatalf("html as jpg: %d %s", w.Code, excerpt(w.Body.String()))
	}
	big := append([]byte("%PDF-1.7\n"), make([]byte, 11<<20)...)
	w = e.evidenceUpload("supervisor", "", "big.pdf", big)
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "文件过大") {
		t.Fatalf("oversize: %d %s", w.Code, excerpt(w.Body.String()))
	}
	if n := e.count("inspection_evidence"); n != before+1 {
		t.Fatalf("%d files stored, want %d", n, before+1)
	}
	var fileID int64
	if err := storetest.Row(t, e.store, "SELECT MAX(id) FROM inspection_evidence").Scan(&fileID); err != nil {
		t.Fatal(err)
	}
	path := "/inspections/" + id(e.insp) + "/evidence/" + id(fileID)
	w = e.do("supervisor", "GET", path, nil)
	if w.Code != 200 || w.Header().Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment") ||
		w.Header().Get("X-Content-Type-Options") != "nosniff" || !bytes.Equal(w.Body.Bytes(), jpeg) {
		t.Fatalf("download: %d %v", w.Code, w.Header())
	}
	// An institution user of B, and of A before signing, get nothing.
	var other *domain.User
	err := e.store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		other = storetest.User(t, tx, domain.RoleInstitution, e.b.inst.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	otherTok := e.login(other.Username)
	for _, tok := range []string{otherTok, e.tokens["inst"]} {
		r := httptest.NewRequest("GET", path, nil)
		r.AddCookie(&http.Cookie{Name: "radsup_session", Value: tok})
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, r)
		if rec.Code != http.StatusNotFound || bytes.Equal(rec.Body.Bytes(), jpeg) {
			t.Errorf("an institution user reads the evidence: %d", rec.Code)
		}
	}
	if w := e.evidenceUpload("inst", "", "x.jpg", jpeg); w.Code != http.StatusForbidden {
		t.Errorf("an institution user uploads: %d", w.Code)
	}
}

// TestInspectionOnThePage: items saved one by one, a stale form refused,
// signing by both locks the record, after which an edit is refused in
// Chinese and an amendment is shown beside the original.
func TestInspectionOnThePage(t *testing.T) {
	e := newEnv(t)
	base := "/inspections/" + id(e.insp)
	if w := e.do("supervisor", "POST", base+"/items/JC-01", url.Values{"result": {"compliant"}, "version": {"1"}}); w.Code != 303 {
		t.Fatalf("save: %d %s", w.Code, excerpt(w.Body.String()))
	}
	w := e.do("supervisor", "POST", base+"/items/JC-01", url.Values{"result": {"noncompliant"}, "version": {"1"}})
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), `id="item-error"`) {
		t.Fatalf("stale save: %d %s", w.Code, excerpt(w.Body.String()))
	}
	w = e.do("supervisor", "POST", base+"/items/JC-02", url.Values{"result": {"maybe"}, "version": {"1"}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "检查结果") {
		t.Fatalf("bad result: %d %s", w.Code, excerpt(w.Body.String()))
	}
	storetest.Exec(t, e.store, "UPDATE inspection_items SET result = 'compliant' WHERE inspection_id = ? AND result = 'unchecked'", e.insp)
	w = e.do("supervisor", "POST", base+"/outcome", url.Values{"date": {"2000-01-01"}, "place": {"x"}, "outcome": {"compliant"}, "version": {e.inspVersion()}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "检查日期") {
		t.Fatalf("bad date: %d %s", w.Code, excerpt(w.Body.String()))
	}
	today := e.reg.Today().String()
	if w := e.do("supervisor", "POST", base+"/outcome", url.Values{"date": {today}, "place": {"CT室"}, "outcome": {"compliant"}, "version": {e.inspVersion()}}); w.Code != 303 {
		t.Fatalf("outcome: %d %s", w.Code, excerpt(w.Body.String()))
	}
	if w := e.do("supervisor", "POST", base+"/sign", url.Values{"version": {e.inspVersion()}}); w.Code != 303 {
		t.Fatalf("sign: %d %s", w.Code, excerpt(w.Body.String()))
	}
	body := e.do("supervisor", "GET", "/", nil).Body.String()
	if !strings.Contains(body, `id="inspection-todo"`) {
		t.Error("the home page lacks the inspection to-do list")
	}
	partner := e.login(e.partner.Username)
	e.tokens["partner"] = partner
	body = e.do("partner", "GET", "/", nil).Body.String()
	if !strings.Contains(body, `id="inspections-to-sign">1<`) {
		t.Errorf("the partner's home lacks the inspection to sign: %s", excerpt(body))
	}
	if w := e.do("partner", "POST", base+"/sign", url.Values{"version": {e.inspVersion()}}); w.Code != 303 {
		t.Fatalf("second sign: %d %s", w.Code, excerpt(w.Body.String()))
	}
	w = e.do("supervisor", "POST", base+"/items/JC-01", url.Values{"result": {"noncompliant"}, "version": {"2"}})
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "已由两名执法人员签名并锁定") {
		t.Fatalf("edit after lock: %d %s", w.Code, excerpt(w.Body.String()))
	}
	if w := e.do("supervisor", "POST", base+"/amend", url.Values{"code": {"JC-01"}, "result": {"noncompliant"}, "reason": {"许可证校验已逾期，现场误记"}}); w.Code != 303 {
		t.Fatalf("amend: %d %s", w.Code, excerpt(w.Body.String()))
	}
	body = e.do("inst", "GET", base, nil).Body.String()
	for _, want := range []string{`id="locked"`, `id="amended-JC-01"`, "许可证校验已逾期，现场误记", "符合"} {
		if !strings.Contains(body, want) {
			t.Errorf("the signed record lacks %q", want)
		}
	}
	if strings.Contains(body, `action="`+base+`/items/`) {
		t.Error("a locked record offers item forms")
	}
	body = e.do("inst", "GET", "/institutions/"+id(e.a.inst.ID), nil).Body.String()
	if !strings.Contains(body, `id="inspection-`+id(e.insp)+`"`) {
		t.Error("the institution page lacks its signed inspection")
	}
	if strings.Contains(body, e.b.inst.Name) {
		t.Error("the institution page shows another institution")
	}
}

// TestInspectionRecordPrints: the 现场检查笔录 names the party, its
// address, legal representative and phone, the inspectors with their
// 执法证号, every item, both signatures and the seal, on A4.
func TestInspectionRecordPrints(t *testing.T) {
	e := newEnv(t)
	w := e.do("supervisor", "GET", "/inspections/"+id(e.a.signed)+"/record", nil)
	body := w.Body.String()
	if w.Code != 200 {
		t.Fatalf("record: %d", w.Code)
	}
	for _, want := range []string{"<h1>现场检查笔录</h1>", e.a.inst.Name, e.a.inst.Address, "法定代表人", "联系电话", "豫卫执字100", "豫卫执字101",
		"JC-18", "被检查单位（当事人）签名", `id="seal"`, "record.css", "搭档监督员"} {
		if !strings.Contains(body, want) {
			t.Errorf("record lacks %q", want)
		}
	}
	if strings.Contains(body, `class="mainnav"`) {
		t.Error("the record carries the site's navigation")
	}
	css := e.do("supervisor", "GET", staticPath(t, body, "record.css"), nil).Body.String()
	if !strings.Contains(css, "size: A4") {
		t.Error("record.css lacks @page size A4")
	}
}

// staticPath finds the hashed URL of a static file in a page.
func staticPath(t *testing.T, body, file string) string {
	t.Helper()
	i := strings.Index(body, "/static/")
	for i >= 0 {
		j := strings.Index(body[i:], `"`)
		if p := body[i : i+j]; strings.HasSuffix(p, "/"+file) {
			return p
		}
		k := strings.Index(body[i+1:], "/static/")
		if k < 0 {
			break
		}
		i += 1 + k
	}
	t.Fatalf("no %s in page", file)
	return ""
}

// TestPublicOutcomes: /public lists signed inspections' outcomes per unit,
// as HTML and JSON, and no inspector; an unsigned one is not listed.
func TestPublicOutcomes(t *testing.T) {
	e := newEnv(t)
	for _, accept := range []string{"text/html", "application/json"} {
		r := httptest.NewRequest("GET", "/public", nil)
		r.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, r)
		body := rec.Body.String()
		if rec.Code != 200 || !strings.Contains(body, e.a.inst.CreditCode) || !strings.Contains(body, e.b.inst.CreditCode) {
			t.Fatalf("%s: %d %s", accept, rec.Code, excerpt(body))
		}
		if strings.Count(body, "符合") < 2 && !strings.Contains(body, `"outcome":"compliant"`) {
			t.Errorf("%s: no outcome: %s", accept, excerpt(body))
		}
		for _, p := range []string{e.users["supervisor"].Username, e.partner.Username, "搭档监督员", "豫卫执字"} {
			if strings.Contains(body, p) {
				t.Errorf("%s: the public page names inspector data %q", accept, p)
			}
		}
		if accept == "application/json" && strings.Count(body, `"outcome":"compliant"`) != 2 {
			t.Errorf("JSON lists %d outcomes, want the 2 signed inspections", strings.Count(body, `"outcome":"compliant"`))
		}
	}
}

// TestInspectionOfADrawnUnitFromThePlanPage: once drawn, the plan page
// offers an inspection per unit; it takes the unit's team, and a second
// one of the same unit is refused in Chinese.
func TestInspectionOfADrawnUnitFromThePlanPage(t *testing.T) {
	e := newEnv(t)
	path := "/plans/" + id(e.plan.ID)
	if w := e.do("supervisor", "POST", path+"/draw", url.Values{"seed": {planSeed}, "version": {"1"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("draw: %d %s", w.Code, excerpt(w.Body.String()))
	}
	body := e.do("supervisor", "GET", path, nil).Body.String()
	if !strings.Contains(body, `id="inspect-1"`) {
		t.Fatalf("the plan page offers no inspection of unit 1: %s", excerpt(body))
	}
	if strings.Contains(e.do("viewer", "GET", path, nil).Body.String(), `id="inspect-1"`) {
		t.Error("a viewer is offered to create an inspection")
	}
	w := e.do("supervisor", "POST", "/inspections/new", url.Values{"plan": {id(e.plan.ID)}, "order": {"1"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("create from unit: %d %s", w.Code, excerpt(w.Body.String()))
	}
	body = e.do("supervisor", "GET", w.Header().Get("Location"), nil).Body.String()
	for _, want := range []string{"双随机抽查", "抽中第 1 家", "豫卫执字100", "豫卫执字101"} {
		if !strings.Contains(body, want) {
			t.Errorf("the unit's inspection lacks %q", want)
		}
	}
	if !strings.Contains(e.do("supervisor", "GET", path, nil).Body.String(), `class="unit-inspection"`) {
		t.Error("the plan page does not link the unit's inspection")
	}
	w = e.do("supervisor", "POST", "/inspections/new", url.Values{"plan": {id(e.plan.ID)}, "order": {"1"}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "该抽中单位已有检查记录") {
		t.Fatalf("second inspection of the unit: %d %s", w.Code, excerpt(w.Body.String()))
	}
}
