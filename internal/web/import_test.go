package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"radsup/internal/htmltest"
	"radsup/internal/store/storetest"
)

// upload posts a file to /import as role and returns the response.
func (e *env) upload(role, name, content string, dryRun bool) *httptest.ResponseRecorder {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("files", name)
	if err != nil {
		e.t.Fatal(err)
	}
	fw.Write([]byte(content))
	if dryRun {
		mw.WriteField("dry_run", "1")
	}
	mw.Close()
	r := httptest.NewRequest(http.MethodPost, "/import", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.AddCookie(&http.Cookie{Name: "radsup_session", Value: e.tokens[role]})
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// get fetches target as role in lang.
func (e *env) get(role, target, lang string) *httptest.ResponseRecorder {
	e.t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.AddCookie(&http.Cookie{Name: "radsup_session", Value: e.tokens[role]})
	r.AddCookie(&http.Cookie{Name: "radsup_lang", Value: lang})
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// TestImportJobPage: an upload becomes a job whose page shows the report
// in the reader's language, to its owner only, with the annotated workbook
// in the reader's language too.
func TestImportJobPage(t *testing.T) {
	e := newEnv(t)
	csv := "机构名称,统一社会信用代码,机构类别,行政区划代码,地址,状态,床位数\n" +
		"郑州市中原区测试医院," + e.a.inst.CreditCode + ",综合医院,410102,中原区建设西路1号,开业,十二\n"
	w := e.upload("inst", "机构.csv", csv, true)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/import/jobs/") {
		t.Fatalf("upload: %d %q\n%s", w.Code, w.Header().Get("Location"), w.Body.String())
	}
	page := w.Header().Get("Location")
	deadline := time.Now().Add(30 * time.Second)
	var body string
	for {
		res := e.get("inst", page, "zh-CN")
		if res.Code != http.StatusOK {
			t.Fatalf("job page: %d", res.Code)
		}
		if body = res.Body.String(); strings.Contains(body, `id="result"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job does not end:\n%s", body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	problems, ok := element(body, "table", "id", "problems")
	if !ok || !strings.Contains(problems, "床位数“十二”不是数字：请填写整数，如 12。") {
		t.Errorf("the Chinese problems: %q", problems)
	}
	en := e.get("inst", page, "en").Body.String()
	if problems, _ := element(en, "table", "id", "problems"); !strings.Contains(problems, "Beds “十二” is not a number: write a whole number, such as 12.") ||
		strings.Contains(problems, "不是数字") {
		t.Errorf("the English problems: %q", problems)
	}
	if code := e.get("supervisor", page, "zh-CN").Code; code != http.StatusNotFound {
		t.Errorf("another user's view of the job: %d", code)
	}
	res := e.get("inst", page+"/annotated.xlsx", "en")
	if res.Code != http.StatusOK || !strings.Contains(res.Header().Get("Content-Disposition"), "problems.xlsx") {
		t.Fatalf("annotated workbook: %d %q", res.Code, res.Header().Get("Content-Disposition"))
	}
	f, err := excelize.OpenReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if rows, _ := f.GetRows("Problems"); len(rows) != 2 || !strings.Contains(rows[1][6], "is not a number") {
		t.Errorf("the English list of problems: %q", rows)
	}
}

// waitJobPage polls the job page at location as role until it shows the
// job's end, and returns the page.
func (e *env) waitJobPage(role, location string) string {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res := e.get(role, location, "zh-CN")
		if res.Code != http.StatusOK {
			e.t.Fatalf("job page: %d", res.Code)
		}
		if body := res.Body.String(); strings.Contains(body, `id="result"`) {
			return body
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("the job does not end:\n%s", res.Body.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestImportJobReportsTheFile: a failed import of a two-row file reports
// two rows read and nothing added; a file that is not a workbook though
// named .xlsx is told to the user as such.
func TestImportJobReportsTheFile(t *testing.T) {
	e := newEnv(t)
	csv := "机构名称,统一社会信用代码,机构类别,行政区划代码,地址,状态\n" +
		"郑州市中原区新医院," + storetest.CreditCode() + ",综合医院,410102,中原区建设西路2号,开业\n" +
		"郑州市中原区坏医院,123,综合医院,410102,中原区建设西路3号,开业\n"
	w := e.upload("supervisor", "机构.csv", csv, false)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d", w.Code)
	}
	page := e.waitJobPage("supervisor", w.Header().Get("Location"))
	counts, ok := startTag(page, "table", "id", "counts")
	if !ok {
		t.Fatalf("no counts:\n%s", excerpt(page))
	}
	var row []string
	for _, td := range htmltest.FindAll(counts, "td", "", "") {
		row = append(row, htmltest.Text(td))
	}
	if len(row) < 3 || row[1] != "2" || row[2] != "0" {
		t.Errorf("counts of the failed import: %q, want 2 rows read, 0 created", row)
	}
	w = e.upload("supervisor", "机构.xlsx", csv, false)
	page = e.waitJobPage("supervisor", w.Header().Get("Location"))
	if result, _ := element(page, "p", "id", "result"); !strings.Contains(result, "不是有效的 Excel 工作簿") {
		t.Errorf("a CSV named .xlsx: %q", result)
	}
}
