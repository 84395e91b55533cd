package domain

import "reflect"

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
// used in code, JSON, CSV and as the column name, the labels and how it is
// entered.
type Field struct {
	Key      string
	ZH       string
	EN       string
	Type     FieldType
	Enum     *Enum
	Required bool
	// Code marks codes and numbers kept as text in spreadsheets, so that
	// Excel keeps every digit and leading zero.
	Code bool
	// OwnCheck says the entity checks the value itself, not against Enum,
	// whose options are then only what a form offers: a division code may
	// be any GB/T 2260 code, a street must be one of its district's.
	OwnCheck bool
}

// Parent is a record an entity's records belong to, named by the field
// that holds its id.
type Parent struct {
	Field  string // "institution_id"
	Entity string // "institution"
}

// Entity is the one description of a kind of record: its fields, its
// parents, its natural key and what screening looks at when it changes.
// Store columns, spreadsheet columns, forms and API resources are derived
// from it; adding a field is adding it here, to the struct, to the store's
// typed column lists (a test checks they line up) and to the migrations.
type Entity struct {
	Name   string // "institution": audit events, i18n keys
	Plural string // "institutions": URLs, API resources, import kinds
	Sheet  string // "机构": the sheet of a workbook (spec/formats.md)
	// Fields are the editable fields in data-model order.
	Fields []Field
	// Parents are the records this one belongs to, the one it is filed
	// under first (the page it is added from).
	Parents []Parent
	// Key lists the fields of the natural key (spec/formats.md), unique
	// among all records, retired ones included.
	Key []string
	// KeyField is the field a duplicate natural key is reported on.
	KeyField string
	// Subject is the screening subject whose findings a change re-screens:
	// the record itself or the parent it is about.
	Subject string
	// New returns an empty record of the entity.
	New func() Record
	// FiledBy says the records carry the institution that filed them
	// (filed_by, 0 for the office): a person's records filed by one
	// employer are not another employer's to change.
	FiledBy bool
}

// Columns are the stored fields in order: the parent ids that are not
// editable fields, then the fields.
func (e *Entity) Columns() []string {
	var cols []string
	for _, p := range e.Parents {
		if _, ok := e.Field(p.Field); !ok {
			cols = append(cols, p.Field)
		}
	}
	for _, f := range e.Fields {
		cols = append(cols, f.Key)
	}
	if e.FiledBy {
		cols = append(cols, "filed_by")
	}
	return cols
}

// Field returns the field with the given key.
func (e *Entity) Field(key string) (Field, bool) {
	for _, f := range e.Fields {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// Parent returns the parent the record is filed under, if it has one.
func (e *Entity) Parent() (Parent, bool) {
	if len(e.Parents) == 0 {
		return Parent{}, false
	}
	return e.Parents[0], true
}

// Entities lists every kind of record of the register in data-model order,
// which is also the order of import.
var Entities = []*Entity{
	{Name: "institution", New: func() Record { return new(Institution) }, Plural: "institutions", Sheet: "机构", Key: []string{"credit_code"}, KeyField: "credit_code", Subject: SubjectInstitution,
		Fields: []Field{
			{Key: "name", ZH: "机构名称", EN: "Name", Type: Text, Required: true},
			{Key: "credit_code", ZH: "统一社会信用代码", EN: "Unified social credit code", Type: Text, Required: true, Code: true},
			{Key: "medical_licence_no", ZH: "医疗机构执业许可证登记号", EN: "Medical institution licence no.", Type: Text, Code: true},
			{Key: "kind", ZH: "机构类别", EN: "Kind", Type: EnumField, Enum: InstitutionKinds, Required: true},
			{Key: "grade", ZH: "医院等级", EN: "Grade", Type: EnumField, Enum: Grades},
			{Key: "ownership", ZH: "经营性质", EN: "Ownership", Type: EnumField, Enum: Ownerships},
			{Key: "economic_type", ZH: "经济类型", EN: "Economic type", Type: EnumField, Enum: EconomicTypes},
			{Key: "unit_category", ZH: "单位类别", EN: "Unit category", Type: EnumField, Enum: UnitCategories},
			{Key: "beds", ZH: "床位数", EN: "Beds", Type: IntField},
			{Key: "division_code", ZH: "行政区划代码", EN: "Division code", Type: EnumField, Enum: Divisions, Required: true, Code: true, OwnCheck: true},
			{Key: "street", ZH: "所在街道", EN: "Street", Type: EnumField, Enum: Streets[DefaultDivision], OwnCheck: true},
			{Key: "address", ZH: "地址", EN: "Address", Type: Text, Required: true},
			{Key: "legal_rep", ZH: "法定代表人", EN: "Legal representative", Type: Text},
			{Key: "radiation_officer", ZH: "放射防护负责人", EN: "Radiation protection officer", Type: Text},
			{Key: "phone", ZH: "联系电话", EN: "Phone", Type: Text, Code: true},
			{Key: "status", ZH: "状态", EN: "Status", Type: EnumField, Enum: InstitutionStatuses, Required: true},
		}},
	{Name: "licence", New: func() Record { return new(Licence) }, Plural: "licences", Sheet: "许可证", Parents: []Parent{{"institution_id", "institution"}},
		Key: []string{"institution_id", "licence_no"}, KeyField: "licence_no", Subject: SubjectInstitution,
		Fields: []Field{
			{Key: "licence_no", ZH: "许可证编号", EN: "Licence no.", Type: Text, Required: true, Code: true},
			{Key: "issuer", ZH: "发证机关", EN: "Issuer", Type: Text, Required: true},
			{Key: "issued_on", ZH: "发证日期", EN: "Issued on", Type: DateField, Required: true},
			{Key: "valid_until", ZH: "校验有效期至", EN: "Valid until (next check)", Type: DateField, Required: true},
			{Key: "items", ZH: "许可项目", EN: "Licensed items", Type: ListField, Enum: LicenceItems, Required: true},
		}},
	{Name: "person", New: func() Record { return new(Person) }, Plural: "people", Sheet: "人员", Key: []string{"id_number"}, KeyField: "id_number", Subject: SubjectPerson,
		Fields: []Field{
			{Key: "id_number", ZH: "身份证号", EN: "ID number", Type: Text, Required: true, Code: true},
			{Key: "name", ZH: "姓名", EN: "Name", Type: Text, Required: true},
			{Key: "gender", ZH: "性别", EN: "Gender", Type: EnumField, Enum: Genders},
			{Key: "birth_date", ZH: "出生日期", EN: "Birth date", Type: DateField},
		}},
	{Name: "employment", New: func() Record { return new(Employment) }, Plural: "employments", Sheet: "任职", Parents: []Parent{{"person_id", "person"}, {"institution_id", "institution"}},
		Key: []string{"person_id", "institution_id", "started_on"}, KeyField: "started_on", Subject: SubjectPerson,
		Fields: []Field{
			{Key: "institution_id", ZH: "机构", EN: "Institution", Type: RefField, Required: true},
			{Key: "occupation", ZH: "职业类别", EN: "Occupation", Type: EnumField, Enum: Occupations, Required: true},
			{Key: "job", ZH: "岗位", EN: "Job", Type: Text},
			{Key: "started_on", ZH: "开始放射工作日期", EN: "Started radiation work on", Type: DateField, Required: true},
			{Key: "ended_on", ZH: "离岗日期", EN: "Left on", Type: DateField},
			{Key: "permit_no", ZH: "放射工作人员证编号", EN: "Radiation worker permit no.", Type: Text, Code: true},
			{Key: "permit_issued_on", ZH: "放射工作人员证发证日期", EN: "Permit issued on", Type: DateField},
		}},
	{Name: "training", New: func() Record { return new(Training) }, Plural: "trainings", Sheet: "培训", Parents: []Parent{{"person_id", "person"}}, FiledBy: true,
		Key: []string{"person_id", "taken_on", "kind"}, KeyField: "taken_on", Subject: SubjectPerson,
		Fields: []Field{
			{Key: "taken_on", ZH: "培训日期", EN: "Date", Type: DateField, Required: true},
			{Key: "kind", ZH: "培训类型", EN: "Kind", Type: EnumField, Enum: TrainingKinds, Required: true},
			{Key: "days", ZH: "培训天数", EN: "Days", Type: IntField},
			{Key: "passed", ZH: "考核结果", EN: "Result", Type: EnumField, Enum: Results, Required: true},
			{Key: "certificate_no", ZH: "证书编号", EN: "Certificate no.", Type: Text, Code: true},
			{Key: "provider", ZH: "培训机构", EN: "Provider", Type: Text},
		}},
	{Name: "exam", New: func() Record { return new(Exam) }, Plural: "exams", Sheet: "体检", Parents: []Parent{{"person_id", "person"}}, FiledBy: true,
		Key: []string{"person_id", "examined_on", "kind"}, KeyField: "examined_on", Subject: SubjectPerson,
		Fields: []Field{
			{Key: "examined_on", ZH: "检查日期", EN: "Date", Type: DateField, Required: true},
			{Key: "kind", ZH: "检查类型", EN: "Kind", Type: EnumField, Enum: ExamKinds, Required: true},
			{Key: "conclusion", ZH: "检查结论", EN: "Conclusion", Type: EnumField, Enum: Conclusions, Required: true},
			{Key: "provider", ZH: "检查机构", EN: "Provider", Type: Text},
		}},
	{Name: "dose", New: func() Record { return new(DoseRecord) }, Plural: "doses", Sheet: "剂量", Parents: []Parent{{"person_id", "person"}, {"institution_id", "institution"}},
		Key: []string{"person_id", "institution_id", "period_start"}, KeyField: "period_start", Subject: SubjectPerson,
		Fields: []Field{
			{Key: "institution_id", ZH: "机构", EN: "Institution", Type: RefField, Required: true},
			{Key: "period_start", ZH: "监测起始日期", EN: "Period start", Type: DateField, Required: true},
			{Key: "period_end", ZH: "监测结束日期", EN: "Period end", Type: DateField, Required: true},
			{Key: "hp10", ZH: "Hp(10) (mSv)", EN: "Hp(10) (mSv)", Type: DoseField},
			{Key: "hp007", ZH: "Hp(0.07) (mSv)", EN: "Hp(0.07) (mSv)", Type: DoseField},
			{Key: "hp3", ZH: "Hp(3) (mSv)", EN: "Hp(3) (mSv)", Type: DoseField},
			{Key: "below_mdl", ZH: "低于探测下限", EN: "Below MDL", Type: BoolField},
			{Key: "lost", ZH: "剂量计丢失", EN: "Dosimeter lost", Type: BoolField},
			{Key: "provider", ZH: "监测机构", EN: "Provider", Type: Text},
			{Key: "report_no", ZH: "报告编号", EN: "Report no.", Type: Text, Code: true},
		}},
	{Name: "equipment", New: func() Record { return new(Equipment) }, Plural: "equipment", Sheet: "设备", Parents: []Parent{{"institution_id", "institution"}},
		Key: []string{"institution_id", "serial_no"}, KeyField: "serial_no", Subject: SubjectEquipment,
		Fields: []Field{
			{Key: "type", ZH: "设备类型", EN: "Type", Type: EnumField, Enum: EquipmentTypes, Required: true},
			{Key: "interventional", ZH: "用于介入", EN: "Used for intervention", Type: BoolField},
			{Key: "name", ZH: "设备名称", EN: "Name", Type: Text},
			{Key: "manufacturer", ZH: "生产厂家", EN: "Manufacturer", Type: Text},
			{Key: "model", ZH: "型号", EN: "Model", Type: Text, Required: true},
			{Key: "serial_no", ZH: "出厂编号", EN: "Serial no.", Type: Text, Required: true, Code: true},
			{Key: "manufactured_on", ZH: "出厂日期", EN: "Manufactured on", Type: DateField},
			{Key: "installed_on", ZH: "安装日期", EN: "Installed on", Type: DateField},
			{Key: "room", ZH: "机房/位置", EN: "Room", Type: Text},
			{Key: "status", ZH: "状态", EN: "Status", Type: EnumField, Enum: EquipmentStatuses, Required: true},
		}},
	{Name: "test", New: func() Record { return new(EquipmentTest) }, Plural: "tests", Sheet: "检测", Parents: []Parent{{"equipment_id", "equipment"}},
		Key: []string{"equipment_id", "kind", "tested_on"}, KeyField: "tested_on", Subject: SubjectEquipment,
		Fields: []Field{
			{Key: "kind", ZH: "检测类型", EN: "Kind", Type: EnumField, Enum: TestKinds, Required: true},
			{Key: "tested_on", ZH: "检测日期", EN: "Date", Type: DateField, Required: true},
			{Key: "agency", ZH: "检测机构", EN: "Agency", Type: Text},
			{Key: "report_no", ZH: "报告编号", EN: "Report no.", Type: Text, Code: true},
			{Key: "result", ZH: "检测结论", EN: "Result", Type: EnumField, Enum: Results, Required: true},
		}},
}

// EntityByName returns the entity with the given name ("institution") or
// plural ("institutions"), or nil.
func EntityByName(name string) *Entity {
	for _, e := range Entities {
		if e.Name == name || e.Plural == name {
			return e
		}
	}
	return nil
}

// entityOf maps each record type to its entity.
var entityOf = func() map[reflect.Type]*Entity {
	m := make(map[reflect.Type]*Entity, len(Entities))
	for _, e := range Entities {
		m[reflect.TypeOf(e.New())] = e
	}
	return m
}()

// EntityOf returns the entity of a record (a pointer to one of the entity
// structs).
func EntityOf(rec Record) *Entity { return entityOf[reflect.TypeOf(rec)] }

// Fields lists each entity's editable fields in data-model order, keyed by
// entity name (derived from Entities).
var Fields = func() map[string][]Field {
	m := make(map[string][]Field, len(Entities))
	for _, e := range Entities {
		m[e.Name] = e.Fields
	}
	return m
}()

// FieldByKey returns the field of entity with the given key.
func FieldByKey(entity, key string) (Field, bool) {
	for _, f := range Fields[entity] {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}
