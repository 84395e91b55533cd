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
	"time"

	"radsup/internal/domain"
	"radsup/internal/registry"
	"radsup/internal/screening"
	"radsup/internal/store"
)

var pdfFile = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// changeRequests files, for A and B, two pending requests to change the
// licence, the first with a PDF.
func (e *env) changeRequests() {
	for _, f := range []*fixture{&e.a, &e.b} {
		u := &domain.User{ID: 9000 + f.inst.ID, Username: "inst-" + id(f.inst.ID), Role: domain.RoleInstitution, InstitutionID: f.inst.ID}
		ask := func(issuer string, files ...registry.Upload) *domain.ChangeRequest {
			c, err := e.reg.RequestChange(context.Background(), domain.Actor{Username: u.Username}, u, registry.ChangeInput{Entity: "licence",
				RecordID: f.licence.ID, Values: map[string]string{"issuer": issuer}, Reason: "发证机关更名", Files: files})
			if err != nil {
				e.t.Fatal(err)
			}
			return c
		}
		c := ask("郑州市卫生健康委员会", registry.Upload{Name: "更名文件.pdf", Data: pdfFile})
		f.change, f.file = c.ID, c.Files[0].ID
		f.change2 = ask("河南省卫生健康委员会").ID
	}
}

// uploadFiles posts a multipart form with files as role.
func (e *env) uploadFiles(role, target string, form url.Values, files map[string][]byte) *httptest.ResponseRecorder {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile("files", name)
		fw.Write(data)
	}
	mw.Close()
	r := httptest.NewRequest("POST", target, &buf)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.AddCookie(&http.Cookie{Name: "radsup_session", Value: e.tokens[role]})
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// licenceFindings returns the institution's findings of rule in status.
func (e *env) licenceFindings(instID int64, rule, status string) int {
	e.t.Helper()
	var page *store.FindingPage
	err := e.store.View(context.Background(), func(tx *store.Tx) (err error) {
		page, err = tx.FindFindings(domain.Scope{}, store.FindingFilter{Rule: rule, Status: status, SubjectType: "institution", SubjectID: instID})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return page.Total
}

// TestLicenceChangeFixesFinding: the institution cannot edit its expired
// licence; it asks for a change with a PDF; nothing changes until the
// supervisor approves; approval updates the licence and resolves the
// finding; the institution sees the outcome and downloads its file as an
// attachment, never inline.
func TestLicenceChangeFixesFinding(t *testing.T) {
	e := newEnv(t)
	ctx, sup := context.Background(), e.super()
	lic := find(e, store.Licences, e.a.licence.ID)
	lic.IssuedOn, lic.ValidUntil = domain.DateOf(time.Now()).AddDate(-6, 0, 0), domain.DateOf(time.Now()).AddDate(0, 0, -10)
	if err := registry.Update(ctx, e.reg, domain.Actor{Username: sup.Username}, sup, store.Licences, lic); err != nil {
		t.Fatal(err)
	}
	if n := e.licenceFindings(e.a.inst.ID, screening.InsLicenceExpired, domain.FindingOpen); n != 1 {
		t.Fatalf("%d open expiry findings", n)
	}
	page := e.do("inst", "GET", "/institutions/"+id(e.a.inst.ID)+"?tab=licence", nil).Body.String()
	if strings.Contains(page, "/licences/"+id(lic.ID)+"/edit") || !strings.Contains(page, "/changes/new?licence="+id(lic.ID)) {
		t.Errorf("institution's licence tab offers an edit or no change request")
	}
	lic = find(e, store.Licences, lic.ID)
	until := domain.DateOf(time.Now()).AddDate(3, 0, 0).String()
	form := url.Values{"licence": {id(lic.ID)}, "licence_no": {lic.LicenceNo}, "issuer": {lic.Issuer}, "issued_on": {lic.IssuedOn.String()},
		"valid_until": {until}, "items": lic.Items, "reason": {"已于上月通过校验"}}
	// A file that is HTML whatever its name is refused, and nothing filed.
	w := e.uploadFiles("inst", "/changes/new", form, map[string][]byte{"校验结论.pdf": []byte("<!doctype html><script>alert(1)</script>")})
	if w.Code != 422 || !strings.Contains(w.Body.String(), "按文件内容判断") {
		t.Fatalf("HTML as PDF: %d %s", w.Code, excerpt(w.Body.String()))
	}
	w = e.uploadFiles("inst", "/changes/new", form, map[string][]byte{"校验结论.pdf": pdfFile})
	if w.Code != 303 {
		t.Fatalf("request: %d %s", w.Code, excerpt(w.Body.String()))
	}
	at := w.Header().Get("Location")
	if got := find(e, store.Licences, lic.ID); got.ValidUntil != lic.ValidUntil {
		t.Fatalf("the request changed the licence")
	}
	if w := e.do("inst", "POST", at+"/approve", url.Values{}); w.Code != 403 {
		t.Errorf("institution approves: %d", w.Code)
	}
	body := e.do("supervisor", "GET", at, nil).Body.String()
	row, _ := element(body, "tr", "id", "field-valid_until")
	if !strings.Contains(row, until) || !strings.Contains(row, lic.ValidUntil.String()) || strings.Contains(body, `id="field-issuer"`) {
		t.Errorf("field row %q", row)
	}
	if w := e.do("supervisor", "POST", at+"/approve", url.Values{"decision": {"核对校验结论无误"}}); w.Code != 303 {
		t.Fatalf("approve: %d %s", w.Code, excerpt(w.Body.String()))
	}
	if got := find(e, store.Licences, lic.ID); got.ValidUntil.String() != until {
		t.Errorf("valid until %s after approval", got.ValidUntil)
	}
	if n := e.licenceFindings(e.a.inst.ID, screening.InsLicenceExpired, domain.FindingOpen); n != 0 {
		t.Errorf("%d expiry findings still open", n)
	}
	body = e.do("inst", "GET", at, nil).Body.String()
	if !strings.Contains(body, "已批准") || !strings.Contains(body, "核对校验结论无误") {
		t.Errorf("institution does not see the outcome")
	}
	link, ok := startTag(body, "a", "download", "")
	href, _ := attr(link, "href")
	if !ok || href == "" {
		t.Fatalf("no download link in %s", excerpt(body))
	}
	w = e.do("inst", "GET", href, nil)
	h := w.Header()
	if w.Code != 200 || h.Get("Content-Type") != "application/pdf" || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(h.Get("Content-Disposition"), "attachment") || !bytes.Equal(w.Body.Bytes(), pdfFile) {
		t.Errorf("download: %d %v", w.Code, h)
	}
	if n := e.count("audit_events WHERE action = 'download'"); n != 1 {
		t.Errorf("%d downloads audited", n)
	}
}

// TestTestReportFile: the institution keeps a test report with its
// device's test from the equipment page; HTML named .pdf is refused; the
// report downloads as an attachment.
func TestTestReportFile(t *testing.T) {
	e := newEnv(t)
	page := e.do("inst", "GET", "/equipment/"+id(e.a.equip.ID), nil).Body.String()
	target := "/files/test/" + id(e.a.test.ID)
	if !strings.Contains(page, `href="`+target+`"`) {
		t.Fatalf("no files link on the equipment page")
	}
	post := func(name string, data []byte) *httptest.ResponseRecorder {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
		mw.Close()
		r := httptest.NewRequest("POST", target, &buf)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		r.AddCookie(&http.Cookie{Name: "radsup_session", Value: e.tokens["inst"]})
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		return w
	}
	if w := post("检测报告.pdf", []byte("<html><script>alert(1)</script>")); w.Code != 422 || !strings.Contains(w.Body.String(), `id="files-error"`) {
		t.Errorf("HTML as PDF: %d", w.Code)
	}
	if w := post("检测报告.pdf", pdfFile); w.Code != 303 {
		t.Fatalf("upload: %d %s", w.Code, excerpt(w.Body.String()))
	}
	body := e.do("supervisor", "GET", target, nil).Body.String()
	link, ok := startTag(body, "a", "download", "")
	href, _ := attr(link, "href")
	if !ok || !strings.Contains(body, "检测报告.pdf") {
		t.Fatalf("files page %s", excerpt(body))
	}
	w := e.do("supervisor", "GET", href, nil)
	if w.Code != 200 || w.Header().Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("download %d %v", w.Code, w.Header())
	}
}

// TestLicenceHistoryPage: the supervisor records a cancellation on the
// licence's history page; the institution sees it there, without the form,
// and its licence no longer stands.
func TestLicenceHistoryPage(t *testing.T) {
	e := newEnv(t)
	target := "/licences/" + id(e.a.licence.ID)
	today := domain.DateOf(time.Now()).String()
	if w := e.do("supervisor", "POST", target+"/acts", url.Values{"kind": {"cancel"}, "on": {today}, "note": {"机构申请注销"}}); w.Code != 422 ||
		!strings.Contains(w.Body.String(), `id="act-error"`) {
		t.Errorf("cancellation without a document number: %d", w.Code)
	}
	w := e.do("supervisor", "POST", target+"/acts", url.Values{"kind": {"cancel"}, "on": {today}, "note": {"机构申请注销"}, "document_no": {"中卫放注〔2026〕3号"}})
	if w.Code != 303 {
		t.Fatalf("cancel: %d %s", w.Code, excerpt(w.Body.String()))
	}
	body := e.do("inst", "GET", target+"/history", nil).Body.String()
	if !strings.Contains(body, "中卫放注〔2026〕3号") || !strings.Contains(body, "已注销或暂停") || strings.Contains(body, `id="record-act"`) {
		t.Errorf("institution's history page %s", excerpt(body))
	}
	if w := e.do("inst", "POST", target+"/acts", url.Values{"kind": {"check"}}); w.Code != 403 {
		t.Errorf("institution records an act: %d", w.Code)
	}
}
