package xlsx

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"radsup/internal/i18n"

	"github.com/xuri/excelize/v2"
)

func annotateFile(t *testing.T, src string, problems []Problem, lang string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Annotate(src, problems, lang, &buf); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "annotated.xlsx", buf.Bytes())
}

// fillOf returns the fill colour of a cell, or "".
func fillOf(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Fill.Color) == 0 {
		return ""
	}
	return strings.ToUpper(s.Fill.Color[0])
}

// commentsOf returns the text of a sheet's comments by cell.
func commentsOf(t *testing.T, f *excelize.File, sheet string) map[string]string {
	t.Helper()
	list, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, c := range list {
		text := c.Text
		for _, r := range c.Paragraph {
			text += r.Text
		}
		if _, dup := m[c.Cell]; dup {
			t.Errorf("%s!%s has two comments", sheet, c.Cell)
		}
		m[c.Cell] = text
	}
	return m
}

func TestAnnotateWorkbook(t *testing.T) {
	src := writeBook(t, "doses.xlsx",
		bookSheet{name: "填写说明", rows: [][]any{{"说明"}}},
		bookSheet{name: "剂量", rows: [][]any{
			{"身份证号", "机构统一社会信用代码", "监测周期", "Hp(10) (mSv)"},
			{idA, creditA, "2025Q1", 0.1},
			{"4.10102E+17", creditA, "2025-04-01~2025-03-31", "abc"},
		}},
	)
	// Keep a number format on the cell that gets marked: the fill must not lose it.
	f0 := openExcelize(t, src)
	keep, _ := f0.NewStyle(&excelize.Style{NumFmt: 2})
	f0.SetCellStyle("剂量", "D3", "D3", keep)
	if err := f0.AddComment("剂量", excelize.Comment{Cell: "C3", Author: "王芳", Text: "请核对周期"}); err != nil {
		t.Fatal(err)
	}
	if err := f0.Save(); err != nil {
		t.Fatal(err)
	}

	hp10 := Label("Hp(10) (mSv)", "")
	problems := []Problem{
		{Sheet: "剂量", Row: 3, Col: Text("身份证号"), Ref: "A3", Value: "4.10102E+17", Message: keyIDNumberLost.Msg(quoted("4.10102E+17"))},
		{Sheet: "剂量", Row: 3, Col: Text("监测周期"), Ref: "C3", Value: "2025-04-01~2025-03-31", Message: keyPeriodReversed.Msg(quoted("2025-04-01~2025-03-31"))},
		{Sheet: "剂量", Row: 3, Col: Text("Hp(10) (mSv)"), Ref: "D3", Value: "abc", Message: keyDoseInvalid.Msg(hp10, quoted("abc"))},
		{Sheet: "剂量", Row: 2, Col: Text("Hp(10) (mSv)"), Ref: "D2", Value: "0.1", Message: keyDoseTooLarge.Msg(hp10, quoted("0.1")), Warning: true},
		{Sheet: "剂量", Row: 2, Message: keyDateYearMonth.Msg(quoted("202505"))}, // row-level: first cell of the row
		{Sheet: "剂量", Row: 3, Col: Text("身份证号"), Ref: "A3", Message: FieldMessage("id_number", "checksum")},
		{Sheet: "填写说明", Message: keyPeriodOneDate.Msg(quoted("2025-03-31")), Warning: true},
		{Sheet: "人员", Row: 4, Ref: "B4", Message: keyPeriodAmbiguous.Msg(quoted("x"))},
	}
	path := annotateFile(t, src, problems, "zh-CN")
	f := openExcelize(t, path)
	if got := f.GetSheetList(); len(got) != 3 || got[0] != "错误清单" || got[1] != "填写说明" || got[2] != "剂量" {
		t.Fatalf("sheets %v", got)
	}
	if f.GetActiveSheetIndex() != 0 {
		t.Errorf("active sheet %d", f.GetActiveSheetIndex())
	}

	// Fills: red for errors, yellow for warnings, none elsewhere.
	for cell, want := range map[string]string{"A3": errorFill, "C3": errorFill, "D3": errorFill, "D2": warningFill, "A2": errorFill, "B2": "", "B3": ""} {
		if got := fillOf(t, f, "剂量", cell); got != want {
			t.Errorf("%s fill %q, want %q", cell, got, want)
		}
	}
	id, _ := f.GetCellStyle("剂量", "D3")
	if s, _ := f.GetStyle(id); s.NumFmt != 2 {
		t.Errorf("D3 lost its number format: %d", s.NumFmt)
	}

	// Comments: every message of the cell, the original comment kept.
	comments := commentsOf(t, f, "剂量")
	for cell, wants := range map[string][]string{
		"A3": {"导入检查：", "已被Excel转成数字", "校验位不正确"},
		"C3": {"请核对周期", "起始日期晚于结束日期"},
		"D2": {"（提示）Hp(10) (mSv)“0.1”过大"},
		"A2": {"只有年和月"},
	} {
		for _, w := range wants {
			if !strings.Contains(comments[cell], w) {
				t.Errorf("comment on %s = %q, want it to contain %q", cell, comments[cell], w)
			}
		}
	}
	if len(comments) != 5 {
		t.Errorf("comments on %d cells: %v", len(comments), comments)
	}

	// The list: a header and one row per problem, with a link to the cell.
	rows, err := f.GetRows("错误清单")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(problems)+1 {
		t.Fatalf("%d rows in the list, want %d", len(rows), len(problems)+1)
	}
	if strings.Join(rows[0], ",") != "类别,工作表,行号,列,单元格,值,问题" {
		t.Errorf("list header %v", rows[0])
	}
	if got := rows[1]; got[0] != "错误" || got[1] != "剂量" || got[2] != "3" || got[3] != "身份证号" || got[4] != "A3" || got[5] != "4.10102E+17" {
		t.Errorf("first problem listed as %v", got)
	}
	if rows[4][0] != "提示" {
		t.Errorf("warning listed as %v", rows[4])
	}
	if ok, target, _ := f.GetCellHyperLink("错误清单", "E2"); !ok || target != "'剂量'!A3" {
		t.Errorf("link %v %q", ok, target)
	}

	// Annotating the annotated file again replaces the list and our comments.
	again := openExcelize(t, annotateFile(t, path, problems[:1], "zh-CN"))
	if got := again.GetSheetList(); len(got) != 3 || got[0] != "错误清单" {
		t.Errorf("re-annotated sheets %v", got)
	}
	if rows, _ := again.GetRows("错误清单"); len(rows) != 2 {
		t.Errorf("re-annotated list has %d rows", len(rows))
	}
	if c := commentsOf(t, again, "剂量")["A3"]; strings.Contains(c, "校验位不正确") || !strings.Contains(c, "已被Excel转成数字") {
		t.Errorf("re-annotated comment %q", c)
	}
	// And the annotated file still imports: the list is not a kind's sheet.
	wb := openBook(t, path, "")
	if len(wb.Sheets()) != 1 || wb.Sheets()[0].Name != "剂量" {
		t.Errorf("annotated workbook reads as %d sheets", len(wb.Sheets()))
	}
}

func TestAnnotateCSV(t *testing.T) {
	csvText := "剂量报告\n身份证号,机构统一社会信用代码,监测周期,报告编号\n" +
		idA + "," + creditA + ",2025Q1,007\n" +
		"4.10102E+17," + creditA + ",2025Q5,008\n"
	src := writeFile(t, "00-剂量.csv", []byte(csvText))
	problems := []Problem{
		{Sheet: "00-剂量.csv", Row: 4, Col: Text("监测周期"), Ref: "C4", Value: "2025Q5", Message: keyPeriodQuarter.Msg(quoted("2025Q5"))},
		{Sheet: "00-剂量.csv", Row: 4, Col: Text("身份证号"), Ref: "A4", Value: "4.10102E+17", Message: keyIDNumberLost.Msg(quoted("4.10102E+17"))},
	}
	f := openExcelize(t, annotateFile(t, src, problems, "zh-CN"))
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "错误清单" || got[1] != "00-剂量" {
		t.Fatalf("sheets %v", got)
	}
	rows, _ := f.GetRows("00-剂量")
	if len(rows) != 4 || rows[0][0] != "剂量报告" || rows[2][0] != idA || rows[2][3] != "007" || rows[3][2] != "2025Q5" {
		t.Errorf("CSV copied as %v", rows)
	}
	if typ, _ := f.GetCellType("00-剂量", "D3"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Errorf("报告编号 cell type %v, want text", typ)
	}
	if got := fillOf(t, f, "00-剂量", "C4"); got != errorFill {
		t.Errorf("C4 fill %q", got)
	}
	if c := commentsOf(t, f, "00-剂量"); !strings.Contains(c["C4"], "季度应为1至4") || !strings.Contains(c["A4"], "已被Excel转成数字") {
		t.Errorf("comments %v", c)
	}
	if ok, target, _ := f.GetCellHyperLink("错误清单", "E2"); !ok || target != "'00-剂量'!C4" {
		t.Errorf("link %v %q", ok, target)
	}
}

// TestAnnotateEnglish: an English reader's annotation is English
// throughout, and replaces a Chinese one.
func TestAnnotateEnglish(t *testing.T) {
	csvText := "身份证号,机构统一社会信用代码,监测周期\n" + idA + "," + creditA + ",2025Q5\n"
	src := writeFile(t, "剂量.csv", []byte(csvText))
	problems := []Problem{
		{Sheet: "剂量.csv", Row: 2, Col: Text("监测周期"), Ref: "C2", Value: "2025Q5", Message: keyPeriodQuarter.Msg(quoted("2025Q5"))},
		{Sheet: "剂量.csv", Row: 2, Col: Label("身份证号", "ID number"), Ref: "A2", Message: FieldMessage("id_number", "checksum"), Warning: true},
	}
	// The Chinese annotation of the CSV file, annotated again in English:
	// its sheet is now 剂量.
	zh := annotateFile(t, src, problems, "zh-CN")
	for i := range problems {
		problems[i].Sheet = "剂量"
	}
	f := openExcelize(t, annotateFile(t, zh, problems, "en"))
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "Problems" {
		t.Fatalf("sheets %v", got)
	}
	rows, _ := f.GetRows("Problems")
	if len(rows) != 3 || strings.Join(rows[0], ",") != "Level,Sheet,Row,Column,Cell,Value,Problem" {
		t.Fatalf("list %v", rows)
	}
	if got := rows[1]; got[0] != "Error" || got[6] != "The monitoring period “2025Q5” is not valid: the quarter must be from 1 to 4." {
		t.Errorf("first problem listed as %q", got)
	}
	if got := rows[2]; got[0] != "Note" || got[3] != "ID number" || got[6] != i18n.FieldMessage("en", "id_number", "checksum") {
		t.Errorf("second problem listed as %q", got)
	}
	c := commentsOf(t, f, "剂量")
	if !strings.HasPrefix(c["C2"], "Import check:\nThe monitoring period") || !strings.HasPrefix(c["A2"], "Import check:\n(Note) ") {
		t.Errorf("comments %q", c)
	}
}

func TestProblemJSON(t *testing.T) {
	p := Problem{Sheet: "剂量", Row: 3, Col: Text("身份证号"), Ref: "A3", Value: "x", Message: keyIDNumberLost.Msg(Text("“x”")), Warning: true}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"sheet":"剂量","row":3,"col":{"s":"身份证号"},"ref":"A3","value":"x","message":{"key":"import.problem.id_number.lost_digits","args":[{"s":"“x”"}]},"warning":true}`
	if string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back Problem
	if err := json.Unmarshal(b, &back); err != nil || back.Text("en") != p.Text("en") || back.Col.Render("en") != "身份证号" {
		t.Errorf("read back as %+v, %v", back, err)
	}
}

func TestSheetName(t *testing.T) {
	for in, want := range map[string]string{
		"剂量":                    "剂量",
		"a/b:c":                 "a_b_c",
		"":                      "Sheet1",
		"错误清单":                  "Sheet1",
		"Problems":              "Sheet1",
		strings.Repeat("长", 40): strings.Repeat("长", 31),
	} {
		if got := sheetName(in); got != want {
			t.Errorf("sheetName(%q) = %q, want %q", in, got, want)
		}
	}
}
