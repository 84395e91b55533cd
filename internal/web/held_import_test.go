package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/htmltest"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestHeldImportPages: with review on, the institution's upload of a clean
// staff list ends held: its job page says so and links to the queue,
// where both sides see it with what it would do and its first rows. The
// office approves it and the person is filed. A held dose report the
// office has since made overlap is refused on approval with the report,
// row by row, and stays pending.
func TestHeldImportPages(t *testing.T) {
	e := newEnv(t)
	if w := e.do("supervisor", "POST", "/reviews/setting", url.Values{"on": {"1"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("turn review on: %d", w.Code)
	}
	idNo := storetest.IDNumber()
	staff := "姓名,身份证号,统一社会信用代码,职业类别,开始放射工作日期\n王五," + idNo + "," + e.a.inst.CreditCode + ",诊断放射学,2020-01-01\n"
	w := e.upload("inst", "人员.csv", staff, false)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", w.Code, excerpt(w.Body.String()))
	}
	job := e.waitJobPage("inst", w.Header().Get("Location"))
	if res, ok := element(job, "p", "id", "result"); !ok || !strings.Contains(res, "已提交审核") || !strings.Contains(res, `href="/reviews?state=pending"`) {
		t.Errorf("job page of a held import: %s", res)
	}
	if n := storetest.Count(t, e.store, "people WHERE id_number = ?", idNo); n != 0 {
		t.Fatal("a held import filed the person")
	}
	subs, err := e.reg.Submissions(t.Context(), e.super(), store.SubmissionFilter{State: domain.SubmissionPending, Entity: domain.SubmissionImport})
	if err != nil || len(subs) != 1 {
		t.Fatalf("pending imports: %d %v", len(subs), err)
	}
	staffID := id(subs[0].ID)
	for _, role := range []string{"inst", "supervisor"} {
		page := e.do(role, "GET", "/reviews?entity=import", nil).Body.String()
		row := htmltest.Find(htmltest.Parse(page), "tr", "id", "review-"+staffID)
		if row == nil {
			t.Fatalf("%s: the held import is not in the queue", role)
		}
		text := htmltest.Text(row)
		for _, want := range []string{"人员.csv", "1 行：新增 1，更新 0，未变 0", "王五", idNo, "待审核"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the queue's row of the held import lacks %q: %s", role, want, text)
			}
		}
	}
	if w := e.do("supervisor", "POST", "/reviews/approve", url.Values{"id": {staffID}}); w.Code != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", w.Code, excerpt(w.Body.String()))
	}
	if n := storetest.Count(t, e.store, "people WHERE id_number = ?", idNo); n != 1 {
		t.Errorf("approved, %d people with the ID number", n)
	}

	y := time.Now().Year() - 2
	doses := "身份证号,统一社会信用代码,监测周期,Hp(10)\n" + idNo + "," + e.a.inst.CreditCode + "," + fmt.Sprintf("%d年第1季度", y) + ",0.100\n"
	e.waitJobPage("inst", e.upload("inst", "剂量.csv", doses, false).Header().Get("Location"))
	subs, _ = e.reg.Submissions(t.Context(), e.super(), store.SubmissionFilter{State: domain.SubmissionPending, Entity: domain.SubmissionImport})
	if len(subs) != 1 {
		t.Fatalf("%d held dose reports", len(subs))
	}
	office := "身份证号,统一社会信用代码,监测起始日期,监测结束日期,Hp(10)\n" + idNo + "," + e.a.inst.CreditCode + "," + fmt.Sprintf("%d-02-01,%d-04-30", y, y) + ",0.200\n"
	if page := e.waitJobPage("supervisor", e.upload("supervisor", "剂量.csv", office, false).Header().Get("Location")); !strings.Contains(page, "导入完成") {
		t.Fatalf("the office's dose: %s", excerpt(page))
	}
	w = e.do("supervisor", "POST", "/reviews/approve", url.Values{"id": {id(subs[0].ID)}})
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("approving a held import that no longer applies: %d", w.Code)
	}
	body := w.Body.String()
	msg, _ := element(body, "p", "id", "review-error")
	problems, ok := element(body, "table", "id", "problems")
	if !strings.Contains(msg, "已不能原样写入") || !ok || !strings.Contains(problems, "剂量.csv") || !strings.Contains(problems, "重叠") {
		t.Errorf("the refusal: %s\n%s", msg, problems)
	}
	if n := storetest.Count(t, e.store, "doses WHERE person_id IN (SELECT id FROM people WHERE id_number = ?)", idNo); n != 1 {
		t.Errorf("%d doses after a refused approval, want the office's", n)
	}
	if n := storetest.Count(t, e.store, "submissions WHERE id = ? AND state = 'pending'", subs[0].ID); n != 1 {
		t.Error("the refused held import is no longer pending")
	}
}
