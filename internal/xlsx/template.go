package xlsx

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"radsup/internal/domain"
)

// Sheet names of a template besides the kinds' sheets.
const (
	instructionsSheet = "填写说明"
	optionsSheet      = "下拉选项" // hidden: the options of long drop-down lists
)

// templateRows is how many rows below the header a template prepares:
// drop-downs and input checks reach that far.
const templateRows = 5000

// WriteTemplate writes an import template for the given kinds (all kinds
// when none are given): a sheet of instructions, then one sheet per kind
// with its header (required columns marked * on an orange fill), an
// example row, drop-down lists for enumerations and yes/no columns, code
// columns formatted as text and date columns as yyyy-mm-dd.
func WriteTemplate(w io.Writer, kinds ...*Kind) error {
	return WriteTemplateFor(w, "", kinds...)
}

// WriteTemplateFor writes a template as WriteTemplate does, its example
// rows naming the institution with credit code creditCode: the own
// institution of the user it is for. With "" they name a neutral example
// code, which no institution of the register has.
func WriteTemplateFor(w io.Writer, creditCode string, kinds ...*Kind) error {
	if len(kinds) == 0 {
		kinds = Kinds
	}
	var uniq []*Kind
	for _, k := range kinds {
		if !slices.Contains(uniq, k) {
			uniq = append(uniq, k)
		}
	}
	kinds = uniq
	t, err := newTemplate()
	if err != nil {
		return err
	}
	defer t.f.Close()
	t.credit = creditCode
	if err := t.instructions(kinds); err != nil {
		return fmt.Errorf("xlsx: template: %w", err)
	}
	// All kinds' sheets first: the options sheet comes last.
	for _, k := range kinds {
		if _, err := t.f.NewSheet(k.Sheet); err != nil {
			return fmt.Errorf("xlsx: template %s: %w", k.Name, err)
		}
	}
	for _, k := range kinds {
		if err := t.sheet(k); err != nil {
			return fmt.Errorf("xlsx: template %s: %w", k.Name, err)
		}
	}
	if t.options > 0 {
		if err := t.f.SetSheetVisible(optionsSheet, false); err != nil {
			return fmt.Errorf("xlsx: template: %w", err)
		}
	}
	t.f.SetActiveSheet(0)
	if _, err := t.f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: write template: %w", err)
	}
	return nil
}

// template is a template being built.
type template struct {
	f       *excelize.File
	credit  string            // the credit code of the example rows; "": exampleCredit
	options int               // columns used on the options sheet
	lists   map[string]string // enum name → its range on the options sheet
	style   struct {
		required, optional, text, date, example, exampleText, exampleDate, title, note int
	}
}

func newTemplate() (*template, error) {
	t := &template{f: excelize.NewFile(), lists: map[string]string{}}
	header := func(fill string, color string) *excelize.Style {
		return &excelize.Style{
			Font:      &excelize.Font{Bold: true, Color: color},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
			Border:    thinBorder,
		}
	}
	dateFmt := "yyyy-mm-dd"
	example := &excelize.Font{Italic: true, Color: "808080"}
	styles := []struct {
		id *int
		s  *excelize.Style
	}{
		{&t.style.required, header("F8CBAD", "C00000")},
		{&t.style.optional, header("D9E1F2", "000000")},
		{&t.style.text, &excelize.Style{NumFmt: 49}},
		{&t.style.date, &excelize.Style{CustomNumFmt: &dateFmt}},
		{&t.style.example, &excelize.Style{Font: example}},
		{&t.style.exampleText, &excelize.Style{Font: example, NumFmt: 49}},
		{&t.style.exampleDate, &excelize.Style{Font: example, CustomNumFmt: &dateFmt}},
		{&t.style.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&t.style.note, &excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
	}
	for _, s := range styles {
		id, err := t.f.NewStyle(s.s)
		if err != nil {
			t.f.Close()
			return nil, err
		}
		*s.id = id
	}
	return t, nil
}

// instructions fills the first sheet with how to fill in the template.
func (t *template) instructions(kinds []*Kind) error {
	f := t.f
	if err := f.SetSheetName(f.GetSheetName(0), instructionsSheet); err != nil {
		return err
	}
	lines := []string{
		"放射诊疗监督数据导入模板 · 填写说明",
		"1. 每个工作表对应一类数据（机构、许可证、许可证记录、人员、任职、培训、体检、剂量、设备、检测）。请勿修改工作表名称和表头文字；用不到的工作表可以删除，列的先后顺序可以调整。“许可证”和“许可证记录”（发证、校验、变更、注销、暂停）由卫生健康行政部门登记，只有监督员可以导入；机构用户导入的工作簿中不能有这两个工作表。",
		"2. 表头带“*”且为橙色底的列为必填列，其他列可以留空。表中多出的、无法识别的列在导入时会被忽略并给出提示。",
		"3. 每行填写一条记录。不要合并单元格，不要在数据中间插入空行、小计行或说明文字。",
		"4. 第2行是灰色斜体的示例，可以直接覆盖改写；原样未改的示例行在导入时会被忽略。",
		"5. 日期请按 2025-05-10 的格式填写（也接受 2025/5/10、2025.5.10、2025年5月10日、20250510）。",
		"6. 身份证号、统一社会信用代码、出厂编号、许可证编号、报告编号、联系电话等列已设为“文本”格式，请保持为文本。若身份证号显示成 4.10102E+17 这样的数字，说明后几位已经丢失，须先把该列设为“文本”格式再重新输入。",
		"7. 带下拉箭头的列请从下拉列表中选择；“许可项目”可以填多项，用顿号“、”分隔，也可以填整个类别（如“X射线影像诊断”）。“是/否”列填“是”或“否”。",
		"8. 剂量的监测周期可以填“监测起始日期”“监测结束日期”两列，也可以改为一列“监测周期”，填写 2025-01-01~2025-03-31、2025年第1季度、2025Q1 或 2025年3月 等形式。",
		"9. 人员和任职可以写在同一张表中：每行一人，包含身份证号、姓名以及机构统一社会信用代码、职业类别、开始放射工作日期等任职信息。",
		"10. 同一条记录再次导入时按下面的“唯一标识”更新原记录，不会重复新增：",
	}
	for _, k := range kinds {
		labels := make([]string, len(k.Key))
		for i, key := range k.Key {
			labels[i] = mustColumn(k, key).ZH
		}
		lines = append(lines, "    "+k.Sheet+"："+strings.Join(labels, " + "))
	}
	lines = append(lines,
		"11. 导入时先检查全部数据：只要有一处错误，就不写入任何数据，并列出每个问题所在的工作表、行号、列和改正方法，还可以下载标出问题单元格的工作簿，改正后重新导入。",
		"12. 也可以导入 CSV 文件（UTF-8 或 GBK/GB18030 编码均可），一个 CSV 文件只放一类数据，表头与本模板相同。",
	)
	for i, line := range lines {
		cell := "A" + strconv.Itoa(i+1)
		if err := f.SetCellStr(instructionsSheet, cell, line); err != nil {
			return err
		}
		style := t.style.note
		if i == 0 {
			style = t.style.title
		}
		if err := f.SetCellStyle(instructionsSheet, cell, cell, style); err != nil {
			return err
		}
	}
	return f.SetColWidth(instructionsSheet, "A", "A", 100)
}

// templateColumns are the columns a template shows: all but the composite
// dose period, which the instructions describe, and the read-only columns
// of an export.
func templateColumns(k *Kind) []Column {
	var cols []Column
	for _, c := range k.Columns {
		if c.Key != periodColumn.Key && !c.ReadOnly {
			cols = append(cols, c)
		}
	}
	return cols
}

// sheet fills the sheet of one kind.
func (t *template) sheet(k *Kind) error {
	f := t.f
	cols := templateColumns(k)
	ex := exampleValues[k.Name]
	last := strconv.Itoa(templateRows + 1)
	for i, c := range cols {
		letter, _ := excelize.ColumnNumberToName(i + 1)
		if err := t.columnFormat(k.Sheet, letter, c); err != nil {
			return err
		}
		label, style := c.ZH, t.style.optional
		if c.Required {
			label, style = label+"*", t.style.required
		}
		if err := t.set(k.Sheet, letter+"1", label, style); err != nil {
			return err
		}
		exStyle := t.style.example
		switch {
		case c.Text:
			exStyle = t.style.exampleText
		case c.Date:
			exStyle = t.style.exampleDate
		}
		if v, ok := ex[c.Key]; ok {
			if c.Key == "credit_code" && t.credit != "" {
				v = t.credit
			}
			if err := t.set(k.Sheet, letter+"2", v, exStyle); err != nil {
				return err
			}
		}
		if err := t.validation(k.Sheet, letter+"2:"+letter+last, c); err != nil {
			return err
		}
	}
	if err := f.SetRowHeight(k.Sheet, 1, 30); err != nil {
		return err
	}
	return f.SetPanes(k.Sheet, frozenHeader())
}

// columnFormat sets a column's width and, for codes and dates, the number
// format every cell of the column takes when typed into.
func (t *template) columnFormat(sheet, letter string, c Column) error {
	style := 0
	switch {
	case c.Text:
		style = t.style.text
	case c.Date:
		style = t.style.date
	}
	if style != 0 {
		if err := t.f.SetColStyle(sheet, letter, style); err != nil {
			return err
		}
	}
	return t.f.SetColWidth(sheet, letter, letter, columnWidth(c))
}

func (t *template) set(sheet, cell string, v any, style int) error {
	if err := t.f.SetCellValue(sheet, cell, v); err != nil {
		return err
	}
	return t.f.SetCellStyle(sheet, cell, cell, style)
}

// validation adds a column's drop-down list: the Chinese labels of an
// enumeration, or 是/否. A value not in the list only draws a warning, as
// import also accepts keys and short names; a list of items takes any text.
func (t *template) validation(sheet, sqref string, c Column) error {
	var labels []string
	switch {
	case c.Enum != nil:
		for _, o := range c.Enum.Options {
			labels = append(labels, o.ZH)
		}
	case c.Field != nil && c.Field.Type == domain.BoolField:
		labels = []string{"是", "否"}
	case c.Date:
		dv := excelize.NewDataValidation(true)
		dv.Sqref = sqref
		dv.SetInput(c.ZH, "日期格式：2025-05-10")
		return t.f.AddDataValidation(sheet, dv)
	default:
		return nil
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	if err := t.dropList(dv, c, labels); err != nil {
		return err
	}
	if c.Field != nil && c.Field.Type == domain.ListField {
		dv.SetInput(c.ZH, "可从列表中选一项，或填写多项并用“、”分隔。")
	} else {
		dv.SetError(excelize.DataValidationErrorStyleWarning, c.ZH, "请从下拉列表中选择。")
	}
	return t.f.AddDataValidation(sheet, dv)
}

// dropList sets the options of a drop-down: inline when short (Excel takes
// at most 255 characters inline), else as a range of the hidden options sheet.
func (t *template) dropList(dv *excelize.DataValidation, c Column, labels []string) error {
	inline := len(labels) <= 12 && utf8.RuneCountInString(strings.Join(labels, ",")) <= 250
	for _, l := range labels {
		inline = inline && !strings.ContainsAny(l, `,"`)
	}
	if inline {
		return dv.SetDropList(labels)
	}
	name := c.Key
	if c.Enum != nil {
		name = c.Enum.Name
	}
	ref, ok := t.lists[name]
	if !ok {
		var err error
		if ref, err = t.addOptions(labels); err != nil {
			return err
		}
		t.lists[name] = ref
	}
	dv.SetSqrefDropList(ref)
	return nil
}

// addOptions writes a list of options into the next column of the options
// sheet and returns its absolute range.
func (t *template) addOptions(labels []string) (string, error) {
	if t.options == 0 {
		if _, err := t.f.NewSheet(optionsSheet); err != nil {
			return "", err
		}
	}
	t.options++
	letter, _ := excelize.ColumnNumberToName(t.options)
	for i, l := range labels {
		if err := t.f.SetCellStr(optionsSheet, letter+strconv.Itoa(i+1), l); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("'%s'!$%s$1:$%s$%d", optionsSheet, letter, letter, len(labels)), nil
}

// Example values: a credit code and an ID number with valid check
// characters. The credit code is neutral: its organisation code of zeros
// is no institution's.
var (
	exampleCredit = withCheck("12410102000000000", domain.CreditCheckChar)
	exampleID     = withCheck("41010219850315003", domain.IDCheckChar)
	exampleSerial = "U7600123456"
)

func withCheck(first17 string, check func(string) byte) string {
	return first17 + string(check(first17))
}

func exampleDay(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// exampleValues are the example row of each kind's template sheet.
var exampleValues = map[string]map[string]any{
	"institutions": {
		"name": "郑州市中原区人民医院", "credit_code": exampleCredit, "medical_licence_no": "41010212410102111A1001",
		"kind": "综合医院", "grade": "二级甲等", "ownership": "公立", "beds": 300, "division_code": "中原区",
		"street": "建设路街道", "address": "郑州市中原区建设西路100号", "legal_rep": "王建国",
		"radiation_officer": "李明", "phone": "0371-67890123", "status": "开业",
	},
	"licences": {
		"credit_code": exampleCredit, "licence_no": "豫卫放证字〔2022〕第0102001号", "issuer": "郑州市中原区卫生健康委员会",
		"issued_on": exampleDay("2022-06-15"), "valid_until": exampleDay("2027-06-14"), "items": "普通X射线诊断、CT",
	},
	"licence_acts": {
		"credit_code": exampleCredit, "licence_no": "豫卫放证字〔2022〕第0102001号", "kind": "校验", "on": exampleDay("2025-06-10"),
		"result": "合格", "next_due": exampleDay("2028-06-10"), "document_no": "中卫放校〔2025〕12号",
	},
	"people": {
		"id_number": exampleID, "name": "张伟", "gender": "男", "birth_date": exampleDay("1985-03-15"),
	},
	"employments": {
		"id_number": exampleID, "credit_code": exampleCredit, "occupation": "诊断放射学", "job": "技师",
		"started_on": exampleDay("2010-07-01"), "permit_no": "豫放工证〔2020〕0102015", "permit_issued_on": exampleDay("2020-05-20"),
	},
	"trainings": {
		"id_number": exampleID, "taken_on": exampleDay("2026-04-18"), "kind": "在岗", "days": 2, "passed": "合格",
		"certificate_no": "HNFH-2026-0418-031", "provider": "河南省职业病防治研究院",
	},
	"exams": {
		"id_number": exampleID, "examined_on": exampleDay("2026-03-12"), "kind": "在岗期间",
		"conclusion": "可继续原放射工作", "provider": "河南省职业病防治研究院",
	},
	"doses": {
		"id_number": exampleID, "credit_code": exampleCredit, "period_start": exampleDay("2026-07-01"),
		"period_end": exampleDay("2026-09-30"), "hp10": 0.08, "below_mdl": "否", "lost": "否",
		"provider": "河南省职业病防治研究院", "report_no": "HNGR-2026-Q3-0123",
	},
	"equipment": {
		"credit_code": exampleCredit, "type": "CT (X射线计算机体层摄影装置)", "interventional": "否",
		"name": "64排螺旋CT", "manufacturer": "联影", "model": "uCT 760", "serial_no": exampleSerial,
		"manufactured_on": exampleDay("2020-09-01"), "installed_on": exampleDay("2020-12-10"), "room": "影像科CT1室", "status": "在用",
	},
	"tests": {
		"credit_code": exampleCredit, "serial_no": exampleSerial, "kind": "状态检测", "tested_on": exampleDay("2026-06-20"),
		"agency": "河南省职业病防治研究院", "report_no": "HNJC-2026-0620-07", "result": "合格",
	},
}

// examples are the example rows as a sheet reads them back: dates as
// serial numbers, numbers in their shortest form.
var examples = rawExamples()

func rawExamples() map[string]map[string]string {
	out := map[string]map[string]string{}
	for kind, row := range exampleValues {
		m := map[string]string{}
		for key, v := range row {
			switch v := v.(type) {
			case time.Time:
				m[key] = strconv.Itoa(excelSerial(v))
			case int:
				m[key] = strconv.Itoa(v)
			case float64:
				m[key] = strconv.FormatFloat(v, 'f', -1, 64)
			default:
				m[key] = fmt.Sprint(v)
			}
		}
		out[kind] = m
	}
	return out
}

// excelSerial is the 1900-system serial number of a date.
func excelSerial(d time.Time) int {
	return int(d.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// frozenHeader freezes a sheet's first row.
func frozenHeader() *excelize.Panes {
	return &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}
}
