package domain

// FieldType says how a field is entered and shown.
type FieldType int

// The field types.
const (
	Text FieldType = iota
	DateField
	IntField
	DoseField
	EnumField
	BoolField
	ListField // several enum keys
	RefField  // the id of a parent record
)

// Field describes one field of an entity as the data model lists it: the key
// used in code, JSON and CSV, the labels and how it is entered.
type Field struct {
	Key      string
	ZH       string
	EN       string
	Type     FieldType
	Enum     *Enum
	Required bool
}

// Fields lists each entity's editable fields in data-model order, keyed by entity name.
var Fields = map[string][]Field{
	"institution": {
		{"name", "机构名称", "Name", Text, nil, true},
		{"credit_code", "统一社会信用代码", "Unified social credit code", Text, nil, true},
		{"medical_licence_no", "医疗机构执业许可证登记号", "Medical institution licence no.", Text, nil, false},
		{"kind", "机构类别", "Kind", EnumField, InstitutionKinds, true},
		{"grade", "医院等级", "Grade", EnumField, Grades, false},
		{"ownership", "经营性质", "Ownership", EnumField, Ownerships, false},
		{"beds", "床位数", "Beds", IntField, nil, false},
		{"division_code", "行政区划代码", "Division code", EnumField, Divisions, true},
		{"street", "所在街道", "Street", EnumField, Streets[DefaultDivision], false},
		{"address", "地址", "Address", Text, nil, true},
		{"legal_rep", "法定代表人", "Legal representative", Text, nil, false},
		{"radiation_officer", "放射防护负责人", "Radiation protection officer", Text, nil, false},
		{"phone", "联系电话", "Phone", Text, nil, false},
		{"status", "状态", "Status", EnumField, InstitutionStatuses, true},
	},
	"licence": {
		{"licence_no", "许可证编号", "Licence no.", Text, nil, true},
		{"issuer", "发证机关", "Issuer", Text, nil, true},
		{"issued_on", "发证日期", "Issued on", DateField, nil, true},
		{"valid_until", "校验有效期至", "Valid until (next check)", DateField, nil, true},
		{"items", "许可项目", "Licensed items", ListField, LicenceItems, true},
	},
	"person": {
		{"id_number", "身份证号", "ID number", Text, nil, true},
		{"name", "姓名", "Name", Text, nil, true},
		{"gender", "性别", "Gender", EnumField, Genders, false},
		{"birth_date", "出生日期", "Birth date", DateField, nil, false},
	},
	"employment": {
		{"institution_id", "机构", "Institution", RefField, nil, true},
		{"occupation", "职业类别", "Occupation", EnumField, Occupations, true},
		{"job", "岗位", "Job", Text, nil, false},
		{"started_on", "开始放射工作日期", "Started radiation work on", DateField, nil, true},
		{"ended_on", "离岗日期", "Left on", DateField, nil, false},
		{"permit_no", "放射工作人员证编号", "Radiation worker permit no.", Text, nil, false},
		{"permit_issued_on", "放射工作人员证发证日期", "Permit issued on", DateField, nil, false},
	},
	"training": {
		{"taken_on", "培训日期", "Date", DateField, nil, true},
		{"kind", "培训类型", "Kind", EnumField, TrainingKinds, true},
		{"days", "培训天数", "Days", IntField, nil, false},
		{"passed", "考核结果", "Result", EnumField, Results, true},
		{"certificate_no", "证书编号", "Certificate no.", Text, nil, false},
		{"provider", "培训机构", "Provider", Text, nil, false},
	},
	"exam": {
		{"examined_on", "检查日期", "Date", DateField, nil, true},
		{"kind", "检查类型", "Kind", EnumField, ExamKinds, true},
		{"conclusion", "检查结论", "Conclusion", EnumField, Conclusions, true},
		{"provider", "检查机构", "Provider", Text, nil, false},
	},
	"dose": {
		{"institution_id", "机构", "Institution", RefField, nil, true},
		{"period_start", "监测起始日期", "Period start", DateField, nil, true},
		{"period_end", "监测结束日期", "Period end", DateField, nil, true},
		{"hp10", "Hp(10) (mSv)", "Hp(10) (mSv)", DoseField, nil, false},
		{"hp007", "Hp(0.07) (mSv)", "Hp(0.07) (mSv)", DoseField, nil, false},
		{"hp3", "Hp(3) (mSv)", "Hp(3) (mSv)", DoseField, nil, false},
		{"below_mdl", "低于探测下限", "Below MDL", BoolField, nil, false},
		{"lost", "剂量计丢失", "Dosimeter lost", BoolField, nil, false},
		{"provider", "监测机构", "Provider", Text, nil, false},
		{"report_no", "报告编号", "Report no.", Text, nil, false},
	},
	"equipment": {
		{"type", "设备类型", "Type", EnumField, EquipmentTypes, true},
		{"interventional", "用于介入", "Used for intervention", BoolField, nil, false},
		{"name", "设备名称", "Name", Text, nil, false},
		{"manufacturer", "生产厂家", "Manufacturer", Text, nil, false},
		{"model", "型号", "Model", Text, nil, true},
		{"serial_no", "出厂编号", "Serial no.", Text, nil, true},
		{"manufactured_on", "出厂日期", "Manufactured on", DateField, nil, false},
		{"installed_on", "安装日期", "Installed on", DateField, nil, false},
		{"room", "机房/位置", "Room", Text, nil, false},
		{"status", "状态", "Status", EnumField, EquipmentStatuses, true},
	},
	"test": {
		{"kind", "检测类型", "Kind", EnumField, TestKinds, true},
		{"tested_on", "检测日期", "Date", DateField, nil, true},
		{"agency", "检测机构", "Agency", Text, nil, false},
		{"report_no", "报告编号", "Report no.", Text, nil, false},
		{"result", "检测结论", "Result", EnumField, Results, true},
	},
}

// FieldByKey returns the field of entity with the given key.
func FieldByKey(entity, key string) (Field, bool) {
	for _, f := range Fields[entity] {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}
