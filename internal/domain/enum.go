package domain

import "strings"

// Option is one value of an enumeration: the key stored and sent over the API,
// and its labels.
type Option struct {
	Key string
	ZH  string
	EN  string
}

// Enum is a closed list of options.
type Enum struct {
	Name    string
	Options []Option
}

// Has reports whether key is one of the enumeration's keys.
func (e *Enum) Has(key string) bool {
	_, ok := e.Option(key)
	return ok
}

// Option returns the option with the given key.
func (e *Enum) Option(key string) (Option, bool) {
	for _, o := range e.Options {
		if o.Key == key {
			return o, true
		}
	}
	return Option{}, false
}

// Label returns the Chinese label of key, or key itself if unknown.
func (e *Enum) Label(key string) string {
	if o, ok := e.Option(key); ok {
		return o.ZH
	}
	return key
}

// Lookup finds the key for what a person typed: the key in any letter case,
// the Chinese or English label, or the short name before a bracket in the
// label ("CT" for "CT (X射线计算机体层摄影装置)").
func (e *Enum) Lookup(s string) (string, bool) {
	s = Clean(s)
	if s == "" {
		return "", false
	}
	for _, o := range e.Options {
		if strings.EqualFold(o.Key, s) || o.ZH == s || strings.EqualFold(o.EN, s) {
			return o.Key, true
		}
	}
	for _, o := range e.Options {
		short, _, found := strings.Cut(o.ZH, " (")
		if !found {
			short, _, found = strings.Cut(o.ZH, "（")
		}
		if found && strings.EqualFold(strings.TrimSpace(short), s) {
			return o.Key, true
		}
	}
	return "", false
}

func enum(name string, opts ...Option) *Enum { return &Enum{Name: name, Options: opts} }

// The enumerations of the data model (spec/data-model.md).
var (
	InstitutionKinds = enum("institution_kind",
		Option{"general_hospital", "综合医院", "General hospital"},
		Option{"tcm_hospital", "中医医院", "TCM hospital"},
		Option{"specialist_hospital", "专科医院", "Specialist hospital"},
		Option{"maternal_child", "妇幼保健院", "Maternal and child health hospital"},
		Option{"community_centre", "社区卫生服务中心", "Community health centre"},
		Option{"township_centre", "乡镇卫生院", "Township health centre"},
		Option{"outpatient", "门诊部", "Outpatient department"},
		Option{"clinic", "诊所", "Clinic"},
		Option{"dental_hospital", "口腔医院", "Dental hospital"},
		Option{"dental_clinic", "口腔门诊部/诊所", "Dental clinic"},
		Option{"checkup_centre", "体检中心", "Check-up centre"},
		Option{"other", "其他", "Other"},
	)
	Grades = enum("grade",
		Option{"3A", "三级甲等", "Tertiary A"},
		Option{"3B", "三级乙等", "Tertiary B"},
		Option{"2A", "二级甲等", "Secondary A"},
		Option{"2B", "二级乙等", "Secondary B"},
		Option{"1", "一级", "Primary"},
		Option{"none", "未定级", "Ungraded"},
	)
	Ownerships = enum("ownership",
		Option{"public", "公立", "Public"},
		Option{"private", "民营", "Private"},
	)
	// EconomicTypes are the 经济类型 of the 卫生行政执法文书 (inspection
	// record, case report card).
	EconomicTypes = enum("economic_type",
		Option{"state_owned", "国有全资", "Wholly state-owned"},
		Option{"collective", "集体全资", "Wholly collective-owned"},
		Option{"joint_stock_cooperative", "股份合作", "Joint-stock cooperative"},
		Option{"joint_venture", "联营", "Joint venture"},
		Option{"limited_liability", "有限责任", "Limited liability company"},
		Option{"joint_stock", "股份有限", "Joint-stock limited company"},
		Option{"private", "私有", "Private"},
		Option{"other", "其他", "Other"},
	)
	// UnitCategories are the 单位类别 of the same documents.
	UnitCategories = enum("unit_category",
		Option{"hospital", "医院", "Hospital"},
		Option{"maternal_child", "妇幼保健院", "Maternal and child health hospital"},
		Option{"community", "社区卫生服务机构", "Community health service"},
		Option{"health_centre", "卫生院", "Health centre"},
		Option{"sanatorium", "疗养院", "Sanatorium"},
		Option{"outpatient", "门诊部", "Outpatient department"},
		Option{"clinic", "诊所", "Clinic"},
		Option{"village_clinic", "村卫生室", "Village clinic"},
		Option{"emergency_centre", "急救中心", "Emergency centre"},
		Option{"clinical_lab", "临床检验机构", "Clinical laboratory"},
		Option{"disease_control", "专科疾病防治机构", "Specialist disease control institution"},
		Option{"nursing_home", "护理院", "Nursing home"},
		Option{"other", "其他", "Other"},
	)
	InstitutionStatuses = enum("institution_status",
		Option{"open", "开业", "Open"},
		Option{"suspended", "停业", "Suspended"},
		Option{"closed", "注销", "Closed"},
	)
	Categories = enum("category",
		Option{"radiotherapy", "放射治疗", "Radiotherapy"},
		Option{"nuclear_medicine", "核医学", "Nuclear medicine"},
		Option{"interventional", "介入放射学", "Interventional radiology"},
		Option{"xray_imaging", "X射线影像诊断", "X-ray imaging"},
	)
	// LicenceItems holds the licensable items; a category key is also an item
	// and covers its whole category.
	LicenceItems = enum("licence_item",
		Option{"radiotherapy", "放射治疗", "Radiotherapy"},
		Option{"nuclear_medicine", "核医学", "Nuclear medicine (all)"},
		Option{"pet", "PET", "PET"},
		Option{"spect", "SPECT", "SPECT"},
		Option{"nm_therapy", "核医学治疗", "Radionuclide therapy"},
		Option{"seed_implant", "放射性粒子植入", "Seed implantation"},
		Option{"interventional", "介入放射学", "Interventional radiology"},
		Option{"xray_imaging", "X射线影像诊断", "X-ray imaging (all)"},
		Option{"general_xray", "普通X射线诊断", "General radiography"},
		Option{"ct", "CT", "CT"},
		Option{"dental_xray", "牙科X射线", "Dental X-ray"},
		Option{"mammography", "乳腺X射线", "Mammography"},
		Option{"bone_density", "骨密度", "Bone densitometry"},
	)
	Occupations = enum("occupation",
		Option{"2A", "诊断放射学", "Diagnostic radiology"},
		Option{"2B", "牙科放射学", "Dental radiology"},
		Option{"2C", "核医学", "Nuclear medicine"},
		Option{"2D", "放射治疗", "Radiotherapy"},
		Option{"2E", "介入放射学", "Interventional radiology"},
		Option{"2F", "其他", "Other"},
	)
	Genders = enum("gender",
		Option{"M", "男", "Male"},
		Option{"F", "女", "Female"},
	)
	TrainingKinds = enum("training_kind",
		Option{"prejob", "上岗前", "Pre-job"},
		Option{"periodic", "在岗", "In service"},
	)
	Results = enum("result",
		Option{"pass", "合格", "Pass"},
		Option{"fail", "不合格", "Fail"},
	)
	ExamKinds = enum("exam_kind",
		Option{"prejob", "上岗前", "Pre-job"},
		Option{"periodic", "在岗期间", "In service"},
		Option{"leaving", "离岗时", "On leaving"},
		Option{"emergency", "应急照射或事故照射", "After emergency or accidental exposure"},
		Option{"recheck", "复查", "Re-examination"},
	)
	// Conclusions follows GBZ 98-2020 wording (see spec/regulations.md §5).
	Conclusions = enum("conclusion",
		Option{"fit", "可从事放射工作", "Fit for radiation work"},
		Option{"restricted", "在一定限制条件下可从事放射工作", "Fit with restrictions"},
		Option{"unfit", "不应（或不宜）从事放射工作", "Unfit for radiation work"},
		Option{"continue", "可继续原放射工作", "May continue radiation work"},
		Option{"suspend", "暂时脱离放射工作", "Temporarily removed from radiation work"},
		Option{"reassign", "不宜再做放射工作而调整做其他非放射工作", "Reassigned to non-radiation work"},
		Option{"observe", "需要复查或医学观察", "Re-examination or medical observation needed"},
	)
	EquipmentTypes = enum("equipment_type",
		Option{"ct", "CT (X射线计算机体层摄影装置)", "CT"},
		Option{"dr", "DR (数字化X射线摄影)", "DR"},
		Option{"cr", "CR (计算机X射线摄影)", "CR"},
		Option{"radiography", "普通X射线摄影机", "Radiography unit"},
		Option{"fluoroscopy", "X射线透视设备", "Fluoroscopy unit"},
		Option{"mammography", "乳腺X射线摄影设备", "Mammography unit"},
		Option{"dental_intraoral", "口内牙片机", "Intraoral dental X-ray"},
		Option{"dental_panoramic", "口腔全景/头颅摄影机", "Dental panoramic/ceph"},
		Option{"dental_cbct", "口腔CBCT", "Dental CBCT"},
		Option{"mobile_xray", "移动式X射线机", "Mobile X-ray unit"},
		Option{"c_arm", "C形臂X射线机", "C-arm"},
		Option{"bone_densitometer", "骨密度仪", "Bone densitometer"},
		Option{"dsa", "DSA (数字减影血管造影装置)", "DSA"},
		Option{"spect", "SPECT / SPECT-CT", "SPECT"},
		Option{"pet_ct", "PET-CT / PET-MR", "PET-CT"},
		Option{"linac", "医用电子直线加速器", "Linear accelerator"},
		Option{"tomotherapy", "螺旋断层放射治疗系统", "Tomotherapy"},
		Option{"gamma_knife", "伽玛刀", "Gamma knife"},
		Option{"afterloader", "后装治疗机", "Afterloader"},
		Option{"ct_simulator", "CT模拟定位机", "CT simulator"},
		Option{"xray_therapy", "X射线治疗机", "X-ray therapy unit"},
	)
	EquipmentStatuses = enum("equipment_status",
		Option{"in_use", "在用", "In use"},
		Option{"idle", "停用", "Out of use"},
		Option{"scrapped", "报废", "Scrapped"},
	)
	TestKinds = enum("test_kind",
		Option{"acceptance", "验收检测", "Acceptance test"},
		Option{"status", "状态检测", "Status test"},
		Option{"constancy", "稳定性检测", "Constancy test"},
		Option{"protection", "防护检测", "Protection test"},
	)
)

// typeCategory maps each equipment type to its 放射诊疗类别.
var typeCategory = map[string]string{
	"ct": "xray_imaging", "dr": "xray_imaging", "cr": "xray_imaging", "radiography": "xray_imaging",
	"fluoroscopy": "xray_imaging", "mammography": "xray_imaging", "dental_intraoral": "xray_imaging",
	"dental_panoramic": "xray_imaging", "dental_cbct": "xray_imaging", "mobile_xray": "xray_imaging",
	"c_arm": "xray_imaging", "bone_densitometer": "xray_imaging",
	"dsa":   "interventional",
	"spect": "nuclear_medicine", "pet_ct": "nuclear_medicine",
	"linac": "radiotherapy", "tomotherapy": "radiotherapy", "gamma_knife": "radiotherapy",
	"afterloader": "radiotherapy", "ct_simulator": "radiotherapy", "xray_therapy": "radiotherapy",
}

// itemCategory maps each licence item to its category.
var itemCategory = map[string]string{
	"radiotherapy":     "radiotherapy",
	"nuclear_medicine": "nuclear_medicine", "pet": "nuclear_medicine", "spect": "nuclear_medicine",
	"nm_therapy": "nuclear_medicine", "seed_implant": "nuclear_medicine",
	"interventional": "interventional",
	"xray_imaging":   "xray_imaging", "general_xray": "xray_imaging", "ct": "xray_imaging",
	"dental_xray": "xray_imaging", "mammography": "xray_imaging", "bone_density": "xray_imaging",
}

// CategoryItems returns the licence items that cover a category, in the
// order of LicenceItems.
func CategoryItems(category string) []string {
	var out []string
	for _, o := range LicenceItems.Options {
		if itemCategory[o.Key] == category {
			out = append(out, o.Key)
		}
	}
	return out
}

// ItemCategory returns the category of a licence item.
func ItemCategory(item string) string { return itemCategory[item] }

// unfitConclusions are the exam conclusions under which a person must not do
// radiation work (spec/rules.md PER-EXAM-UNFIT).
var unfitConclusions = map[string]bool{"unfit": true, "suspend": true, "reassign": true}

// ConclusionUnfit reports whether an exam conclusion bars radiation work.
func ConclusionUnfit(key string) bool { return unfitConclusions[key] }
