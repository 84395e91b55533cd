package xlsx

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"radsup/internal/domain"
)

func writeTemplateFile(t *testing.T, kinds ...*Kind) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, kinds...); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "template.xlsx", buf.Bytes())
}

func openExcelize(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// numFmtOf returns the number format of a style: the built-in id, or the
// custom format code.
func numFmtOf(t *testing.T, f *excelize.File, style int) (int, string) {
	t.Helper()
	s, err := f.GetStyle(style)
	if err != nil {
		t.Fatal(err)
	}
	if s.CustomNumFmt != nil {
		return s.NumFmt, *s.CustomNumFmt
	}
	return s.NumFmt, ""
}

func TestTemplateLayout(t *testing.T) {
	f := openExcelize(t, writeTemplateFile(t))
	sheets := f.GetSheetList()
	want := []string{instructionsSheet}
	for _, k := range Kinds {
		want = append(want, k.Sheet)
	}
	if !slices.Equal(sheets[:len(want)], want) {
		t.Fatalf("sheets %v, want %v first", sheets, want)
	}
	if f.GetActiveSheetIndex() != 0 {
		t.Errorf("active sheet %d, want the instructions", f.GetActiveSheetIndex())
	}

	// Instructions name the required marker, the date form, ID numbers as
	// text, the natural keys and the dose period forms.
	rows, err := f.GetRows(instructionsSheet)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(strings.Join(r, " ") + "\n")
	}
	for _, s := range []string{"*", "2025-05-10", "文本", "每行填写一条记录", "身份证号 + 培训日期 + 培训类型", "2025年第1季度"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("instructions do not mention %q", s)
		}
	}

	// Headers: Chinese labels, required ones marked and filled differently.
	people := KindByName("people")
	header, _ := f.GetRows(people.Sheet)
	if got := header[0]; !slices.Equal(got, []string{"身份证号*", "姓名*", "性别", "出生日期"}) {
		t.Errorf("people header %v", got)
	}
	req, _ := f.GetCellStyle(people.Sheet, "A1")
	opt, _ := f.GetCellStyle(people.Sheet, "C1")
	rs, _ := f.GetStyle(req)
	ps, _ := f.GetStyle(opt)
	if req == opt || len(rs.Fill.Color) == 0 || len(ps.Fill.Color) == 0 || rs.Fill.Color[0] == ps.Fill.Color[0] {
		t.Errorf("required header fill %v, optional %v: want two different fills", rs.Fill.Color, ps.Fill.Color)
	}
	dose, _ := f.GetRows("剂量")
	if slices.Contains(dose[0], "监测周期") {
		t.Errorf("dose template shows the composite period column: %v", dose[0])
	}

	// The frozen header.
	panes, err := f.GetPanes(people.Sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v, %v: want the first row frozen", panes, err)
	}
	if w, _ := f.GetColWidth(people.Sheet, "A"); w < 18 {
		t.Errorf("ID number column width %v", w)
	}
}

func TestTemplateFormats(t *testing.T) {
	f := openExcelize(t, writeTemplateFile(t))
	// ID numbers: text, for the whole column and the example cell.
	col, err := f.GetColStyle("人员", "A")
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := numFmtOf(t, f, col); id != 49 {
		t.Errorf("id_number column number format %d, want 49 (text)", id)
	}
	cell, _ := f.GetCellStyle("人员", "A2")
	if id, _ := numFmtOf(t, f, cell); id != 49 {
		t.Errorf("id_number example cell number format %d, want 49 (text)", id)
	}
	// Credit codes in the dose sheet, serial numbers in the tests sheet.
	for _, sc := range [][2]string{{"剂量", "B"}, {"检测", "B"}, {"机构", "B"}} {
		col, _ := f.GetColStyle(sc[0], sc[1])
		if id, _ := numFmtOf(t, f, col); id != 49 {
			t.Errorf("%s column %s number format %d, want text", sc[0], sc[1], id)
		}
	}
	// Dates: yyyy-mm-dd.
	col, _ = f.GetColStyle("人员", "D")
	if _, code := numFmtOf(t, f, col); code != "yyyy-mm-dd" {
		t.Errorf("birth date column format %q", code)
	}
}

func TestTemplateDropDowns(t *testing.T) {
	f := openExcelize(t, writeTemplateFile(t))
	find := func(sheet, cell string) *excelize.DataValidation {
		dvs, err := f.GetDataValidations(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, dv := range dvs {
			if strings.HasPrefix(dv.Sqref, cell+":") && dv.Type == "list" {
				return dv
			}
		}
		return nil
	}
	// Gender (people C): a short list inline.
	dv := find("人员", "C2")
	if dv == nil {
		t.Fatal("no drop-down on 人员!C")
	}
	if !strings.Contains(dv.Formula1, "男") || !strings.Contains(dv.Formula1, "女") || !strings.HasSuffix(dv.Sqref, "5001") {
		t.Errorf("gender drop-down %q over %s", dv.Formula1, dv.Sqref)
	}
	// Equipment type (设备 B): a long list on the hidden options sheet.
	dv = find("设备", "B2")
	if dv == nil || !strings.Contains(dv.Formula1, optionsSheet) {
		t.Fatalf("equipment type drop-down %+v, want a range of %s", dv, optionsSheet)
	}
	if visible, _ := f.GetSheetVisible(optionsSheet); visible {
		t.Error("the options sheet is visible")
	}
	opts, _ := f.GetRows(optionsSheet)
	var listed []string
	col := strings.Split(strings.Split(dv.Formula1, "!$")[1], "$")[0]
	for i := range opts {
		v, _ := f.GetCellValue(optionsSheet, col+strconv.Itoa(i+1))
		if v != "" {
			listed = append(listed, v)
		}
	}
	if len(listed) != len(domain.EquipmentTypes.Options) || listed[0] != domain.EquipmentTypes.Options[0].ZH {
		t.Errorf("equipment types listed %v", listed)
	}
	// Every enumeration and yes/no column of every kind has one.
	for _, k := range Kinds {
		for i, c := range templateColumns(k) {
			isBool := c.Field != nil && c.Field.Type == domain.BoolField
			if c.Enum == nil && !isBool {
				continue
			}
			letter, _ := excelize.ColumnNumberToName(i + 1)
			if find(k.Sheet, letter+"2") == nil {
				t.Errorf("%s %s (%s): no drop-down", k.Sheet, c.ZH, letter)
			}
		}
	}
}

func TestTemplateReadsBack(t *testing.T) {
	path := writeTemplateFile(t)
	wb := openBook(t, path, "")
	var kinds []string
	for _, s := range wb.Sheets() {
		kinds = append(kinds, s.Kind.Name)
		if s.Name != s.Kind.Sheet || s.HeaderRow != 1 || s.Also != nil || len(s.Unknown) != 0 || len(s.Missing) != 0 {
			t.Errorf("sheet %s: kind %s header %d also %v unknown %v missing %v",
				s.Name, s.Kind.Name, s.HeaderRow, s.Also, s.Unknown, s.Missing)
		}
		if len(s.Columns) != len(templateColumns(s.Kind)) {
			t.Errorf("sheet %s: %d columns recognised of %d", s.Name, len(s.Columns), len(templateColumns(s.Kind)))
		}
		// The untouched example row is not data.
		if rows := readRows(t, s); len(rows) != 0 {
			t.Errorf("sheet %s: the untouched example row was read: %+v", s.Name, rows)
		}
	}
	if !slices.Equal(kinds, kindNames(Kinds...)) {
		t.Errorf("kinds %v", kinds)
	}
	if len(wb.Skipped()) != 0 { // the instructions sheet is passed over without a warning
		t.Errorf("skipped %v", wb.Skipped())
	}
}

func TestTemplateExampleEdited(t *testing.T) {
	path := writeTemplateFile(t, KindByName("people"), KindByName("doses"))
	f := openExcelize(t, path)
	if got := f.GetSheetList(); !slices.Equal(got[:3], []string{instructionsSheet, "人员", "剂量"}) {
		t.Errorf("sheets %v", got)
	}
	if err := f.SetCellStr("人员", "B2", "李娜"); err != nil {
		t.Fatal(err)
	}
	edited := filepath.Join(t.TempDir(), "edited.xlsx")
	if err := f.SaveAs(edited); err != nil {
		t.Fatal(err)
	}
	wb := openBook(t, edited, "")
	rows := readRows(t, wb.Sheets()[0])
	if len(rows) != 1 {
		t.Fatalf("%d rows, want the edited example", len(rows))
	}
	want := map[string]Cell{
		"id_number": {exampleID, "A2"}, "name": {"李娜", "B2"}, "gender": {"男", "C2"}, "birth_date": {"31121", "D2"},
	}
	for key, c := range want {
		if rows[0].Cells[key] != c {
			t.Errorf("%s: %+v, want %+v", key, rows[0].Cells[key], c)
		}
	}
	if rows := readRows(t, wb.Sheets()[1]); len(rows) != 0 {
		t.Errorf("the dose example was read: %+v", rows)
	}
}

func TestTemplateExampleCodesValid(t *testing.T) {
	if err := domain.CheckCreditCode(exampleCredit); err != nil {
		t.Errorf("example credit code %s: %v", exampleCredit, err)
	}
	if err := domain.CheckIDNumber(exampleID, domain.Date{}); err != nil {
		t.Errorf("example ID number %s: %v", exampleID, err)
	}
	if domain.IDGender(exampleID) != "M" || exampleValues["people"]["gender"] != "男" {
		t.Errorf("example gender does not match the ID number %s", exampleID)
	}
	// Every example value of an enumeration is one of its labels.
	for _, k := range Kinds {
		for key, v := range exampleValues[k.Name] {
			c, ok := k.Column(key)
			if !ok {
				t.Errorf("%s example has no column %s", k.Name, key)
				continue
			}
			if c.Enum != nil && c.Field.Type == domain.EnumField {
				if _, ok := c.Enum.Lookup(v.(string)); !ok {
					t.Errorf("%s example %s = %v is not an option", k.Name, key, v)
				}
			}
		}
	}
}

func TestTemplateFileIsSmall(t *testing.T) {
	path := writeTemplateFile(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > 200<<10 {
		t.Errorf("template is %d bytes", fi.Size())
	}
}

// TestTemplateForAnInstitution: a template made for an institution user
// shows its own credit code in the example rows, and the untouched example
// row is still not read as data.
func TestTemplateForAnInstitution(t *testing.T) {
	own := withCheck("12410102T00000042", domain.CreditCheckChar)
	var buf bytes.Buffer
	if err := WriteTemplateFor(&buf, own, KindByName("equipment")); err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "template.xlsx", buf.Bytes())
	f := openExcelize(t, path)
	if v, _ := f.GetCellValue("设备", "A2"); v != own {
		t.Errorf("example credit code %q, want the own %q", v, own)
	}
	wb := openBook(t, path, "")
	if rows := readRows(t, wb.Sheets()[0]); len(rows) != 0 {
		t.Errorf("the example row was read: %+v", rows)
	}
}
