package xlsx

import (
	"slices"
	"strings"
	"unicode"

	"radsup/internal/domain"
)

// Column is one column of a kind's sheet.
type Column struct {
	Key      string        // data-model key, e.g. "credit_code", "id_number", "period_start"
	ZH, EN   string        // header labels
	Field    *domain.Field // the entity field it fills; nil for reference and composite columns
	Required bool
	Text     bool         // formatted as text in templates and exports, so Excel keeps every digit
	Enum     *domain.Enum // the options of a drop-down
	Date     bool
	// ReadOnly columns are written by exports for the reader (the
	// institution's name beside its credit code) and ignored on import.
	ReadOnly bool

	aliases []string // further header names that mean this column
}

// Kind is one importable and exportable kind of spec/formats.md.
type Kind struct {
	Name    string   // "institutions", "licences", ...
	Entity  string   // domain entity name: "institution", "licence", ...
	Sheet   string   // the sheet name: 机构, 许可证, ...
	Key     []string // natural key column keys, as in formats.md
	Columns []Column

	names map[string]string // normalized header → column key
}

// Kinds lists the kinds in the order of spec/formats.md, which is the
// order of import: one per entity of domain.Entities.
var Kinds = func() []*Kind {
	var ks []*Kind
	for _, e := range domain.Entities {
		k := newKind(e)
		ks = append(ks, k)
		if e.Name == "licence" {
			ks = append(ks, licenceActsKind(k))
		}
	}
	return ks
}()

// LicenceActs is the name of the kind of the office's acts on licences.
const LicenceActs = "licence_acts"

// licenceActsKind is the sheet of the office's acts on licences (许可证记录,
// spec/licence.md: 发证, 校验, 变更, 注销, 暂停), read and written after the
// licences. The acts are a history kept with the licence rather than an
// entity of the register, so their kind is described here from
// domain.LicenceActFields. A row names its licence by the institution's
// credit code and the licence number; who may import or export the sheet
// is who may import or export licences (Entity "licence"): the office
// imports it, an institution exports its own.
func licenceActsKind(licences *Kind) *Kind {
	k := &Kind{Name: LicenceActs, Entity: "licence", Sheet: "许可证记录", Key: []string{"credit_code", "licence_no", "kind", "on"}}
	no := mustColumn(licences, "licence_no")
	no.Field = nil // a reference to the licence here, not a field of the act
	k.Columns = append(k.Columns, refColumns["credit_code"], readOnlyColumns["institution_name"], no)
	for _, f := range domain.LicenceActFields {
		c := Column{Key: f.Key, ZH: f.ZH, EN: f.EN, Field: &f, Required: f.Required, Text: f.Code, Date: f.Type == domain.DateField}
		if f.Type == domain.EnumField {
			c.Enum = f.Enum
		}
		k.Columns = append(k.Columns, c)
	}
	k.Columns = append(k.Columns, readOnlyColumns["recorded_by"])
	for i := range k.Columns {
		c := &k.Columns[i]
		if c.Key == "credit_code" {
			c.aliases = aliases["credit_code"]
		} else if c.Key != "licence_no" { // the licence number keeps the licences' aliases
			c.aliases = aliases["licence_act."+c.Key]
		}
	}
	k.names = headerNames(k)
	return k
}

// refKeys are the columns by which a row names a parent: an institution by
// its credit code, a person by ID number, a device by its institution's
// credit code and its serial number.
var refKeys = map[string][]string{
	"institution": {"credit_code"},
	"person":      {"id_number"},
	"equipment":   {"credit_code", "serial_no"},
}

// sheetKey is a natural key of e in a workbook's columns: each parent id
// stands as the columns that name the parent.
func sheetKey(e *domain.Entity, fields []string) []string {
	var out []string
	for _, f := range fields {
		ref := ""
		for _, p := range e.Parents {
			if p.Field == f {
				ref = p.Entity
			}
		}
		if ref == "" {
			out = append(out, f)
			continue
		}
		for _, c := range refKeys[ref] {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// KindByName returns the kind with the given name or sheet name (in any
// letter case, full-width or not, spaces ignored), or nil.
func KindByName(name string) *Kind {
	n := strings.ToLower(strings.ReplaceAll(domain.Clean(name), " ", ""))
	if n == "" {
		return nil
	}
	for _, k := range Kinds {
		if n == k.Name || n == k.Sheet {
			return k
		}
	}
	return nil
}

// Column returns the column with the given key.
func (k *Kind) Column(key string) (Column, bool) {
	for _, c := range k.Columns {
		if c.Key == key {
			return c, true
		}
	}
	return Column{}, false
}

// refColumns are the columns that name a parent record rather than fill a
// field: the institution by credit code, the person by ID number, the
// device by serial number.
var refColumns = map[string]Column{
	"credit_code": {Key: "credit_code", ZH: "机构统一社会信用代码", EN: "Institution credit code", Required: true, Text: true},
	"id_number":   {Key: "id_number", ZH: "身份证号", EN: "ID number", Required: true, Text: true},
	"serial_no":   {Key: "serial_no", ZH: "出厂编号", EN: "Serial no.", Required: true, Text: true},
}

// readOnlyColumns are the columns an export adds for its reader and an
// import ignores: the name of the institution a row names by credit code,
// and the institutions a person works at.
var readOnlyColumns = map[string]Column{
	"institution_name": {Key: "institution_name", ZH: "机构名称", EN: "Institution name", ReadOnly: true},
	"employers":        {Key: "employers", ZH: "任职机构", EN: "Employers", ReadOnly: true},
	"recorded_by":      {Key: "recorded_by", ZH: "记录人", EN: "Recorded by", ReadOnly: true},
}

// periodColumn is the composite dose period column: one cell holding a date
// range, a quarter or a month; it stands for period_start and period_end.
var periodColumn = Column{Key: "period", ZH: "监测周期", EN: "Monitoring period"}

// aliases are header names seen in the files institutions and services send,
// by column key; a kind uses those of its own columns. Entity-specific ones
// are keyed "entity.key".
var aliases = map[string][]string{
	"credit_code":      {"统一社会信用代码", "社会信用代码", "信用代码", "机构信用代码", "单位统一社会信用代码", "单位信用代码", "USCC", "credit code"},
	"id_number":        {"身份证号码", "公民身份号码", "身份证", "身份证件号码", "证件号码", "身份号码", "ID No.", "ID card"},
	"serial_no":        {"序列号", "SN", "S/N", "出厂序列号", "出厂编码"},
	"period":           {"监测期间", "周期"},
	"period_start":     {"起始日期", "开始日期", "监测开始日期"},
	"period_end":       {"结束日期", "终止日期", "监测终止日期"},
	"hp10":             {"Hp(10)", "Hp10", "Hp(10)/mSv"},
	"hp007":            {"Hp(0.07)", "Hp0.07", "Hp(0.07)/mSv"},
	"hp3":              {"Hp(3)", "Hp3", "Hp(3)/mSv"},
	"below_mdl":        {"低于MDL", "小于MDL", "<MDL"},
	"lost":             {"丢失", "剂量计是否丢失"},
	"report_no":        {"报告号", "报告书编号"},
	"licence_no":       {"许可证号", "放射诊疗许可证编号", "放射诊疗许可证号"},
	"valid_until":      {"有效期至", "有效期", "校验有效期"},
	"items":            {"诊疗项目", "放射诊疗项目"},
	"phone":            {"电话", "联系方式", "手机号码"},
	"division_code":    {"行政区划", "区划代码", "所在区县"},
	"street":           {"街道", "所属街道"},
	"legal_rep":        {"法人代表", "法定代表人/负责人"},
	"occupation":       {"职业分类", "放射工作职业类别"},
	"started_on":       {"开始放射工作时间", "从事放射工作日期", "参加放射工作日期", "参加放射工作时间"},
	"ended_on":         {"离岗时间"},
	"permit_no":        {"放射工作人员证号", "工作人员证编号"},
	"permit_issued_on": {"放射工作人员证发证时间"},
	"gender":           {"sex"},
	"birth_date":       {"出生年月日"},
	"person.name":      {"人员姓名"},
	"institution.name": {"单位名称", "医疗机构名称"},
	"equipment.name":   {"名称"},
	"model":            {"设备型号", "规格型号"},
	"manufacturer":     {"厂家", "生产厂商", "制造商", "生产企业"},
	"manufactured_on":  {"生产日期"},
	"room":             {"机房", "位置", "安装位置", "所在机房"},
	"equipment.type":   {"设备类别"},
	"tested_on":        {"检测时间"},
	"result":           {"检测结果"},
	"agency":           {"检测单位"},
	"examined_on":      {"体检日期", "检查时间"},
	"conclusion":       {"体检结论"},
	"exam.kind":        {"体检类型", "体检类别"},
	"taken_on":         {"培训时间"},
	"training.kind":    {"培训类别"},
	"passed":           {"考核结论", "考核情况"},
	// The acts on a licence (许可证记录).
	"licence_act.kind":        {"事项类别", "记录事项", "类别"},
	"licence_act.on":          {"日期", "办理日期", "决定日期", "校验日期"},
	"licence_act.result":      {"结论", "校验结果"},
	"licence_act.next_due":    {"下次校验时间", "下次校验"},
	"licence_act.until":       {"暂停期限", "暂停截止日期"},
	"licence_act.document_no": {"文号", "文书号", "批准文号", "决定文号", "文件编号"},
	"licence_act.note":        {"事由", "变更内容", "原因", "备注"},
}

// newKind builds the kind of an entity: the columns naming its parents
// first, then its fields in data-model order (the composite dose period
// after its two dates); its key as in spec/formats.md.
func newKind(e *domain.Entity) *Kind {
	k := &Kind{Name: e.Plural, Entity: e.Name, Sheet: e.Sheet, Key: sheetKey(e, e.Key)}
	var parentIDs []string
	for _, p := range e.Parents {
		parentIDs = append(parentIDs, p.Field)
	}
	for _, r := range sheetKey(e, parentIDs) {
		k.Columns = append(k.Columns, refColumns[r])
		if r == "credit_code" {
			k.Columns = append(k.Columns, readOnlyColumns["institution_name"])
		}
	}
	entity := e.Name
	for _, f := range e.Fields {
		if f.Type == domain.RefField {
			continue
		}
		c := Column{Key: f.Key, ZH: f.ZH, EN: f.EN, Field: &f, Required: f.Required,
			Text: f.Code, Date: f.Type == domain.DateField}
		if f.Type == domain.EnumField || f.Type == domain.ListField {
			c.Enum = f.Enum
		}
		k.Columns = append(k.Columns, c)
		if f.Key == "period_end" {
			k.Columns = append(k.Columns, periodColumn)
		}
	}
	if e.Name == "person" {
		k.Columns = append(k.Columns, readOnlyColumns["employers"])
	}
	for i := range k.Columns {
		c := &k.Columns[i]
		c.aliases = append(append(c.aliases, aliases[c.Key]...), aliases[entity+"."+c.Key]...)
	}
	k.names = headerNames(k)
	return k
}

// headerNames maps every normalized name of k's columns to the column key.
// A name already taken keeps its first column.
func headerNames(k *Kind) map[string]string {
	m := map[string]string{}
	add := func(name, key string) {
		if n := normHeader(name); n != "" {
			if _, taken := m[n]; !taken {
				m[n] = key
			}
		}
	}
	for _, c := range k.Columns {
		add(c.Key, c.Key)
		add(c.ZH, c.Key)
		add(c.EN, c.Key)
	}
	for _, c := range k.Columns {
		for _, a := range c.aliases {
			add(a, c.Key)
		}
	}
	return m
}

// match returns the key of the column a header cell names.
func (k *Kind) match(header string) (string, bool) {
	names := k.names
	if names == nil {
		names = headerNames(k)
	}
	n := normHeader(header)
	for n != "" {
		if key, ok := names[n]; ok {
			return key, true
		}
		// A trailing note in brackets: 出生日期(yyyy-mm-dd), 剂量(mSv).
		cut := strings.LastIndexByte(n, '(')
		if cut <= 0 || !strings.HasSuffix(n, ")") {
			break
		}
		n = n[:cut]
	}
	return "", false
}

// requiredMarks are the markers of a required column stripped from headers.
var requiredMarks = []string{"(必填)", "(必填项)", "(选填)", "(可选)", "(非必填)", "必填"}

// normHeader folds a header cell for matching: full-width to half-width,
// no white space at all, no required-column marker (* or (必填)), no unit
// suffix /mSv, lower case.
func normHeader(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '_' {
			return -1
		}
		return r
	}, domain.FoldWidth(s))
	s = strings.ToLower(s)
	for changed := true; changed; {
		changed = false
		for _, m := range requiredMarks {
			if t := strings.TrimSuffix(s, m); t != s {
				s, changed = t, true
			}
		}
		if t := strings.Trim(s, "*★"); t != s {
			s, changed = t, true
		}
	}
	s = strings.TrimSuffix(s, "/msv")
	return s
}
