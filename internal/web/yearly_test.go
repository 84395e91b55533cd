package web_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"radsup/internal/htmltest"
	"radsup/internal/reports"
	"radsup/internal/web"
)

// TestYearlyReportPage: the supervisor's yearly report is headed by the
// office's name and its dose table shows the figures of reports.Service.Dose
// cell for cell; the workbook download has the same tables; an institution
// user is refused.
func TestYearlyReportPage(t *testing.T) {
	e := newEnvWith(t, web.Config{Office: "测试区卫生健康监督所"})
	year := time.Now().Year()
	target := fmt.Sprintf("/reports/yearly?year=%d", year)
	w := e.do("supervisor", "GET", target, nil)
	if w.Code != 200 {
		t.Fatalf("supervisor: %d", w.Code)
	}
	doc := htmltest.Parse(w.Body.String())
	if head := htmltest.Find(doc, "header", "class", "yearly-head"); head == nil ||
		htmltest.Text(htmltest.Find(head, "p", "class", "office")) != "测试区卫生健康监督所" {
		t.Errorf("the report is not headed by the office's name")
	}
	dose, err := (&reports.Service{Store: e.store}).Dose(context.Background(), e.super(), year, 0)
	if err != nil {
		t.Fatal(err)
	}
	if dose.All.Monitored == 0 {
		t.Fatalf("no doses in %d to compare", year)
	}
	var want [][]string
	for _, f := range append(dose.Categories, dose.All) {
		var row []string
		for _, c := range reports.DoseRow("zh-CN", f) {
			row = append(row, c.Text)
		}
		want = append(want, row)
	}
	section := htmltest.Find(doc, "section", "id", "yearly-doses")
	if section == nil {
		t.Fatal("no dose table")
	}
	tbody := htmltest.Find(section, "tbody", "", "")
	var got [][]string
	for _, tr := range htmltest.FindAll(tbody, "tr", "", "") {
		var row []string
		for _, td := range htmltest.FindAll(tr, "td", "", "") {
			row = append(row, htmltest.Text(td))
		}
		got = append(got, row)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("dose table %v, want %v", got, want)
	}

	x := e.do("supervisor", "GET", fmt.Sprintf("/reports/yearly.xlsx?year=%d", year), nil)
	if x.Code != 200 {
		t.Fatalf("workbook: %d", x.Code)
	}
	f, err := excelize.OpenReader(bytes.NewReader(x.Body.Bytes()))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	if sheets := fmt.Sprint(f.GetSheetList()); sheets != "[机构 设备 人员 个人剂量 问题 监督执法]" {
		t.Errorf("sheets %s", sheets)
	}
	if w := e.do("inst", "GET", target, nil); w.Code != 403 {
		t.Errorf("institution user: %d, want 403", w.Code)
	}
	if w := e.do("supervisor", "GET", fmt.Sprintf("/reports/yearly?year=%d", year+1), nil); w.Code != 400 {
		t.Errorf("next year: %d, want 400", w.Code)
	}
}
