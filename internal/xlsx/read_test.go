package xlsx

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"radsup/internal/domain"
)

// bookSheet is one sheet of a workbook a test writes: rows from row 1 (a
// nil row leaves an empty row), and cell ranges to merge.
type bookSheet struct {
	name   string
	rows   [][]any
	merge  [][2]string
	hidden bool
}

// writeBook writes a real .xlsx file with excelize and returns its path.
func writeBook(t testing.TB, file string, sheets ...bookSheet) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			if row == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(s.name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range s.merge {
			if err := f.MergeCell(s.name, m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
		if s.hidden {
			if err := f.SetSheetVisible(s.name, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(t.TempDir(), file)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeFile(t testing.TB, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func openBook(t testing.TB, path, hint string) *Workbook {
	t.Helper()
	wb, err := Open(path, hint)
	if err != nil {
		t.Fatalf("Open(%s): %v", filepath.Base(path), err)
	}
	t.Cleanup(func() { wb.Close() })
	return wb
}

// readRows reads every row of a sheet.
func readRows(t testing.TB, s *Sheet) []Row {
	t.Helper()
	var rows []Row
	if err := s.Each(func(r Row) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatalf("Each: %v", err)
	}
	return rows
}

func onlySheet(t testing.TB, wb *Workbook) *Sheet {
	t.Helper()
	if len(wb.Sheets()) != 1 {
		t.Fatalf("%d sheets recognised, want 1 (skipped %v)", len(wb.Sheets()), wb.Skipped())
	}
	return wb.Sheets()[0]
}

func kindNames(ks ...*Kind) []string {
	var names []string
	for _, k := range ks {
		if k != nil {
			names = append(names, k.Name)
		}
	}
	return names
}

func rowNums(rows []Row) []int {
	var nums []int
	for _, r := range rows {
		nums = append(nums, r.Num)
	}
	return nums
}

// An ID number and a credit code with valid check characters.
var (
	idA     = withCheck("41010219800101001", domain.IDCheckChar)
	creditA = withCheck("12410102416009876", domain.CreditCheckChar)
)

func TestHeaderBelowMergedTitle(t *testing.T) {
	path := writeBook(t, "report.xlsx", bookSheet{
		name: "Sheet1",
		rows: [][]any{
			{"2025年第1季度个人剂量监测报告"},
			{"填报单位：河南省职业病防治研究院", nil, nil, "报告日期：2025-04-10"},
			{"序号", "身份证号*", "单位统一社会信用代码（必填）", " 监测起始日期 ", "Period End", "hp10", "Ｈｐ（０．０７）（ｍＳｖ）", "备注"},
			{1, idA, creditA, "2025-01-01", "2025-03-31", 0.12, "", ""},
			{2, idA, creditA, "2025-04-01", "2025-06-30", "0.08", nil, "补测"},
			nil,
			{3},                  // only the serial number: blank
			{nil, " ", "", "  "}, // spaces only: blank
			{4, idA, creditA, "2025-07-01", "2025-09-30", "MDL", nil, nil},
		},
		merge: [][2]string{{"A1", "H1"}, {"A2", "C2"}},
	})
	wb := openBook(t, path, "")
	s := onlySheet(t, wb)
	if s.Kind.Name != "doses" || s.Also != nil || s.HeaderRow != 3 {
		t.Fatalf("kind %v also %v header row %d, want doses on row 3", s.Kind.Name, s.Also, s.HeaderRow)
	}
	wantCols := map[string]string{"id_number": "身份证号*", "credit_code": "单位统一社会信用代码（必填）",
		"period_start": "监测起始日期", "period_end": "Period End", "hp10": "hp10", "hp007": "Ｈｐ（０．０７）（ｍＳｖ）"}
	if diff := cmp.Diff(wantCols, s.Columns); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"序号", "备注"}, s.Unknown); diff != "" {
		t.Errorf("unknown (-want +got):\n%s", diff)
	}
	if len(s.Missing) != 0 {
		t.Errorf("missing %v", s.Missing)
	}
	rows := readRows(t, s)
	if diff := cmp.Diff([]int{4, 5, 9}, rowNums(rows)); diff != "" {
		t.Fatalf("row numbers (-want +got):\n%s", diff)
	}
	got := rows[0].Cells
	want := map[string]Cell{
		"id_number": {idA, "B4"}, "credit_code": {creditA, "C4"}, "period_start": {"2025-01-01", "D4"},
		"period_end": {"2025-03-31", "E4"}, "hp10": {"0.12", "F4"}, "hp007": {"", "G4"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("row 4 (-want +got):\n%s", diff)
	}
	if c := rows[1].Cells["hp10"]; c != (Cell{"0.08", "F5"}) {
		t.Errorf("row 5 hp10 %+v", c)
	}
}

func TestHeaderForms(t *testing.T) {
	cases := []struct {
		name    string
		headers []any
		kind    string
		want    []string // keys recognised
	}{
		{"keys", []any{"credit_code", "licence_no", "issuer", "issued_on", "valid_until", "items"}, "licences",
			[]string{"credit_code", "licence_no", "issuer", "issued_on", "valid_until", "items"}},
		{"english any case", []any{"INSTITUTION CREDIT CODE", "licence no.", "Issuer", "issued on", "Valid Until (Next Check)", "licensed items"}, "licences",
			[]string{"credit_code", "licence_no", "issuer", "issued_on", "valid_until", "items"}},
		{"chinese with markers", []any{"*身份证号", "姓名*", "性别(选填)", "出生日期（yyyy-mm-dd）"}, "people",
			[]string{"id_number", "name", "gender", "birth_date"}},
		{"full width and spaces", []any{"身份证号码　（必填）", "姓 名", "ｇｅｎｄｅｒ"}, "people",
			[]string{"id_number", "name", "gender"}},
		{"synonyms", []any{"信用代码", "设备类型", "型号", "SN", "状态"}, "equipment",
			[]string{"credit_code", "type", "model", "serial_no", "status"}},
		{"line break in header", []any{"公民身份号码\n(必填)", "培训日期", "培训类型", "考核结果"}, "trainings",
			[]string{"id_number", "taken_on", "kind", "passed"}},
		{"composite period", []any{"身份证号", "社会信用代码", "监测周期", "Hp(10)"}, "doses",
			[]string{"id_number", "credit_code", "period", "hp10"}},
		{"licence acts", []any{"统一社会信用代码", "许可证号", "事项", "日期", "校验结论", "下次校验日期", "暂停至", "文号", "事由", "记录人"}, "licence_acts",
			[]string{"credit_code", "licence_no", "kind", "on", "result", "next_due", "until", "document_no", "note", "recorded_by"}},
		{"licence acts by key", []any{"credit_code", "licence_no", "kind", "on", "result", "next_due", "document_no"}, "licence_acts",
			[]string{"credit_code", "licence_no", "kind", "on", "result", "next_due", "document_no"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wb := openBook(t, writeBook(t, "x.xlsx", bookSheet{name: "Sheet1", rows: [][]any{c.headers}}), "")
			s := onlySheet(t, wb)
			if s.Kind.Name != c.kind {
				t.Fatalf("recognised as %s, want %s", s.Kind.Name, c.kind)
			}
			var keys []string
			for key := range s.Columns {
				keys = append(keys, key)
			}
			slices.Sort(keys)
			want := slices.Clone(c.want)
			slices.Sort(want)
			if diff := cmp.Diff(want, keys); diff != "" {
				t.Errorf("keys (-want +got):\n%s; unknown %v", diff, s.Unknown)
			}
		})
	}
}

func TestMissingRequiredColumns(t *testing.T) {
	wb := openBook(t, writeBook(t, "x.xlsx", bookSheet{name: "设备", rows: [][]any{
		{"机构统一社会信用代码", "设备类型", "设备名称", "生产厂家"},
	}}), "")
	s := onlySheet(t, wb)
	if s.Kind.Name != "equipment" {
		t.Fatalf("kind %s", s.Kind.Name)
	}
	if diff := cmp.Diff([]string{"model", "serial_no", "status"}, s.Missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}

	// A dose sheet with only one of the period dates misses the other,
	// while the composite period column stands for both.
	wb = openBook(t, writeBook(t, "y.xlsx",
		bookSheet{name: "剂量", rows: [][]any{{"身份证号", "机构统一社会信用代码", "监测起始日期", "Hp(10) (mSv)"}}},
		bookSheet{name: "剂量2", rows: [][]any{{"身份证号", "机构统一社会信用代码", "监测周期", "Hp(10) (mSv)"}}},
	), "")
	if got := wb.Sheets()[0].Missing; !slices.Equal(got, []string{"period_end"}) {
		t.Errorf("missing with the start date only: %v", got)
	}
	if got := wb.Sheets()[1].Missing; len(got) != 0 {
		t.Errorf("missing with the composite period: %v", got)
	}
}

func TestCombinedPeopleAndEmployments(t *testing.T) {
	path := writeBook(t, "staff.xlsx", bookSheet{name: "放射工作人员名单", rows: [][]any{
		{"郑州市中原区测试医院放射工作人员名单"},
		{"姓名", "性别", "身份证号", "统一社会信用代码", "职业类别", "岗位", "开始放射工作日期", "联系电话"},
		{"张伟", "男", idA, creditA, "诊断放射学", "技师", "2015-03-01", "13800000000"},
	}})
	s := onlySheet(t, openBook(t, path, ""))
	if s.Kind.Name != "people" || s.Also == nil || s.Also.Name != "employments" {
		t.Fatalf("kind %v also %v, want people + employments", kindNames(s.Kind), kindNames(s.Also))
	}
	if len(s.Missing) != 0 || !slices.Equal(s.Unknown, []string{"联系电话"}) {
		t.Errorf("missing %v unknown %v", s.Missing, s.Unknown)
	}
	rows := readRows(t, s)
	if len(rows) != 1 || rows[0].Num != 3 {
		t.Fatalf("rows %+v", rows)
	}
	for key, want := range map[string]string{"name": "张伟", "id_number": idA, "credit_code": creditA, "occupation": "诊断放射学"} {
		if got := rows[0].Cells[key].Value; got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}

	// A dose sheet that names the person is still a dose sheet.
	s = onlySheet(t, openBook(t, writeBook(t, "d.xlsx", bookSheet{name: "Sheet1", rows: [][]any{
		{"姓名", "身份证号", "信用代码", "监测周期", "Hp(10)"},
	}}), ""))
	if s.Kind.Name != "doses" || s.Also != nil || !slices.Equal(s.Unknown, []string{"姓名"}) {
		t.Errorf("dose sheet read as %v+%v, unknown %v", kindNames(s.Kind), kindNames(s.Also), s.Unknown)
	}

	// An employment export (no name) is employments alone.
	s = onlySheet(t, openBook(t, writeBook(t, "e.xlsx", bookSheet{name: "任职", rows: [][]any{
		{"身份证号", "机构统一社会信用代码", "职业类别", "开始放射工作日期"},
	}}), ""))
	if s.Kind.Name != "employments" || s.Also != nil {
		t.Errorf("employment sheet read as %v+%v", kindNames(s.Kind), kindNames(s.Also))
	}
}

func TestSheetsInImportOrderAndSkipped(t *testing.T) {
	path := writeBook(t, "all.xlsx",
		bookSheet{name: "填写说明", rows: [][]any{{"说明"}, {"1. 表头带*的列为必填列。"}}},
		bookSheet{name: "剂量", rows: [][]any{{"身份证号", "机构统一社会信用代码", "监测周期"}}},
		bookSheet{name: "Sheet3", rows: [][]any{{"统一社会信用代码", "机构名称", "地址"}}},
		bookSheet{name: "选项", rows: [][]any{{"男"}, {"女"}}, hidden: true},
		bookSheet{name: "空表"},
	)
	wb := openBook(t, path, "")
	var got []string
	for _, s := range wb.Sheets() {
		got = append(got, s.Name+":"+s.Kind.Name)
	}
	if diff := cmp.Diff([]string{"Sheet3:institutions", "剂量:doses"}, got); diff != "" {
		t.Errorf("sheets (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"空表"}, wb.Skipped()); diff != "" { // the template's instructions are no data
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

func TestSheetNameHint(t *testing.T) {
	// The same headers fit trainings, exams and tests; the sheet name decides.
	headers := []any{"身份证号", "Date", "Kind", "Result"}
	wb := openBook(t, writeBook(t, "x.xlsx",
		bookSheet{name: "体检", rows: [][]any{headers}},
		bookSheet{name: "Sheet2", rows: [][]any{headers}},
	), "")
	got := kindNames(wb.Sheets()[0].Kind, wb.Sheets()[1].Kind)
	if diff := cmp.Diff([]string{"trainings", "exams"}, got); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	// A kind hint decides for a sheet whose name is no kind's.
	wb = openBook(t, writeBook(t, "y.xlsx", bookSheet{name: "Sheet1", rows: [][]any{headers}}), "exams")
	if k := onlySheet(t, wb).Kind.Name; k != "exams" {
		t.Errorf("with hint exams: %s", k)
	}
}

func TestDateCellsAreSerials(t *testing.T) {
	f := excelize.NewFile()
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	f.SetSheetRow("Sheet1", "A1", &[]any{"身份证号", "姓名", "出生日期"})
	f.SetSheetRow("Sheet1", "A2", &[]any{idA, "张伟", time.Date(1985, 3, 15, 0, 0, 0, 0, time.UTC)})
	f.SetCellStyle("Sheet1", "C2", "C2", style)
	path := filepath.Join(t.TempDir(), "dates.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rows := readRows(t, onlySheet(t, openBook(t, path, "")))
	if got := rows[0].Cells["birth_date"].Value; got != "31121" {
		t.Errorf("date cell read as %q, want the serial 31121", got)
	}
}

func TestDate1904Workbook(t *testing.T) {
	f := excelize.NewFile()
	yes := true
	if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
		t.Fatal(err)
	}
	f.SetSheetRow("Sheet1", "A1", &[]any{"身份证号", "姓名", "出生日期"})
	f.SetSheetRow("Sheet1", "A2", &[]any{idA, "张伟", 29659}) // 1985-03-15 counted from 1904-01-01
	path := filepath.Join(t.TempDir(), "mac.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rows := readRows(t, onlySheet(t, openBook(t, path, "")))
	if got := rows[0].Cells["birth_date"].Value; got != "31121" {
		t.Errorf("1904-system date read as %q, want the 1900-system serial 31121", got)
	}
}

func TestEachStopsAtError(t *testing.T) {
	path := writeBook(t, "x.xlsx", bookSheet{name: "人员", rows: [][]any{
		{"身份证号", "姓名"}, {idA, "甲"}, {idA, "乙"}, {idA, "丙"},
	}})
	s := onlySheet(t, openBook(t, path, ""))
	stop := errors.New("stop here")
	n := 0
	err := s.Each(func(r Row) error {
		n++
		if r.Num == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Errorf("Each returned %v after %d rows", err, n)
	}
	// And reads again from the start.
	if rows := readRows(t, s); len(rows) != 3 {
		t.Errorf("second pass: %d rows", len(rows))
	}
}

// TestEachChunk reads rows in chunks from a goroutine of their own: every
// row once, in order, in chunks of the size asked; and an error of fn
// stops the reading and comes back.
func TestEachChunk(t *testing.T) {
	rowsIn := [][]any{{"身份证号", "姓名"}}
	for i := range 7 {
		rowsIn = append(rowsIn, []any{idA, fmt.Sprintf("人%d", i)})
	}
	s := onlySheet(t, openBook(t, writeBook(t, "x.xlsx", bookSheet{name: "人员", rows: rowsIn}), ""))
	var sizes, nums []int
	if err := s.EachChunk(3, func(chunk []Row) error {
		sizes = append(sizes, len(chunk))
		nums = append(nums, rowNums(chunk)...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sizes, []int{3, 3, 1}) || !slices.Equal(nums, []int{2, 3, 4, 5, 6, 7, 8}) {
		t.Errorf("chunks of %v, rows %v", sizes, nums)
	}

	stop := errors.New("stop here")
	calls := 0
	err := s.EachChunk(2, func([]Row) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("EachChunk returned %v after %d chunks", err, calls)
	}
	if rows := readRows(t, s); len(rows) != 7 {
		t.Errorf("read again after a stop: %d rows", len(rows))
	}

	// A panic of fn reaches the caller, and the reader still ends.
	before := runtime.NumGoroutine()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("fn's panic was swallowed")
			}
		}()
		s.EachChunk(2, func([]Row) error { panic("fn fails") })
	}()
	for i := 0; runtime.NumGoroutine() > before && i < 100; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after a panic of fn, %d before: the reader is left blocked", n, before)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(writeFile(t, "old.xls", []byte{0xD0, 0xCF, 0x11, 0xE0}), ""); !errors.Is(err, ErrFormat) {
		t.Errorf(".xls: %v, want ErrFormat", err)
	}
	if _, err := Open(writeFile(t, "fake.xlsx", []byte("身份证号,姓名\n")), ""); !errors.Is(err, ErrDamaged) {
		t.Errorf("a CSV named .xlsx: %v, want ErrDamaged", err)
	}
	if _, err := Open(writeFile(t, "a.csv", []byte("身份证号,姓名\n")), "nonsense"); err == nil {
		t.Error("an unknown kind hint was accepted")
	}
}

// CSV

var peopleCSV = "郑州市中原区测试医院人员名单,,\n" +
	"身份证号,姓名,性别\n" +
	idA + ",张伟,男\n" +
	"\n" +
	"410102199007040026,\"李\n娜\",女\n" +
	"410102199007040042,王芳,女\n"

func checkPeopleCSV(t *testing.T, wb *Workbook) {
	t.Helper()
	s := onlySheet(t, wb)
	if s.Kind.Name != "people" || s.HeaderRow != 2 {
		t.Fatalf("kind %s header row %d", s.Kind.Name, s.HeaderRow)
	}
	rows := readRows(t, s)
	// Rows as Excel shows the file: the blank line is row 4; the quoted
	// line break keeps 李娜 on one row.
	if diff := cmp.Diff([]int{3, 5, 6}, rowNums(rows)); diff != "" {
		t.Fatalf("row numbers (-want +got):\n%s", diff)
	}
	if got := rows[1].Cells["name"]; got != (Cell{"李\n娜", "B5"}) {
		t.Errorf("row 5 name %+v", got)
	}
	if got := rows[2].Cells["name"].Value; got != "王芳" {
		t.Errorf("row 6 name %q", got)
	}
}

func TestCSVEncodings(t *testing.T) {
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(peopleCSV)
	if err != nil {
		t.Fatal(err)
	}
	if gb == peopleCSV {
		t.Fatal("GB18030 encoding changed nothing")
	}
	cases := map[string][]byte{
		"utf8.csv":    []byte(peopleCSV),
		"bom.csv":     append([]byte("\xEF\xBB\xBF"), peopleCSV...),
		"gb18030.csv": []byte(gb),
		"crlf.csv":    []byte(strings.ReplaceAll(peopleCSV, "\n", "\r\n")),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			wb := openBook(t, writeFile(t, name, content), "")
			if wb.Sheets()[0].Name != name {
				t.Errorf("sheet named %q", wb.Sheets()[0].Name)
			}
			checkPeopleCSV(t, wb)
		})
	}
}

func TestCSVTabSeparated(t *testing.T) {
	tsv := strings.NewReplacer(",", "\t").Replace(peopleCSV)
	checkPeopleCSV(t, openBook(t, writeFile(t, "people.csv", []byte(tsv)), ""))
}

func TestCSVKind(t *testing.T) {
	content := []byte("身份证号,Date,Kind\n" + idA + ",2025-05-10,在岗期间\n")
	if k := onlySheet(t, openBook(t, writeFile(t, "a.csv", content), "exams")).Kind.Name; k != "exams" {
		t.Errorf("with hint: %s", k)
	}
	if k := onlySheet(t, openBook(t, writeFile(t, "00-体检.csv", content), "")).Kind.Name; k != "exams" {
		t.Errorf("named by the file: %s", k)
	}
	wb := openBook(t, writeFile(t, "notes.csv", []byte("说明\n这是一个说明文件\n")), "")
	if len(wb.Sheets()) != 0 || !slices.Equal(wb.Skipped(), []string{"notes.csv"}) {
		t.Errorf("a CSV without header: sheets %d skipped %v", len(wb.Sheets()), wb.Skipped())
	}
}

func TestValidUTF8AcrossChunks(t *testing.T) {
	// A long file whose multi-byte characters straddle the 64 KiB reads.
	var b strings.Builder
	for b.Len() < 300<<10 {
		b.WriteString("中原区,")
	}
	for _, prefix := range []string{"", "a", "ab"} {
		ok, err := validUTF8(strings.NewReader(prefix + b.String()))
		if err != nil || !ok {
			t.Errorf("prefix %q: valid %v, %v", prefix, ok, err)
		}
	}
	ok, _ := validUTF8(strings.NewReader(b.String() + "\xD6\xD0")) // 中 in GBK at the end
	if ok {
		t.Error("GBK bytes at the end were taken for UTF-8")
	}
}

// TestReadOnlyColumnsDoNotNameTheKind: a sheet headed 机构名称 and
// 统一社会信用代码 is an institutions sheet, though an equipment export has
// both columns too (its 机构名称 is read-only).
func TestReadOnlyColumnsDoNotNameTheKind(t *testing.T) {
	if k, _ := recognise([]string{"机构名称", "统一社会信用代码"}, nil); k == nil || k.Name != "institutions" {
		t.Errorf("recognised as %v, want institutions", k)
	}
}
