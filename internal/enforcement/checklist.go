package enforcement

import "strings"

// Item is one item of the on-site checklist (放射诊疗机构监督检查表,
// spec/enforcement.md §3): its code (the contract), titles, legal basis
// as regulations.md cites it, whether it is a 关键项, and the licensed
// categories it applies to (none: every institution).
type Item struct {
	Code       string   `json:"code"`
	Title      string   `json:"title"`
	TitleEN    string   `json:"title_en"`
	Basis      string   `json:"basis"`
	Key        bool     `json:"key"`
	Categories []string `json:"categories,omitempty"`
}

// AppliesTo reports whether the item applies to an institution licensed
// for the categories.
func (it Item) AppliesTo(cats map[string]bool) bool {
	if len(it.Categories) == 0 {
		return true
	}
	for _, c := range it.Categories {
		if cats[c] {
			return true
		}
	}
	return false
}

const (
	reg46 = "《放射诊疗管理规定》"
	reg55 = "《放射工作人员职业健康管理办法》"
)

var checklist = []Item{
	{"JC-01", "持有有效《放射诊疗许可证》并按期校验", "A valid radiological practice licence, revalidated on time",
		reg46 + "第十六条、第十七条", true, nil},
	{"JC-02", "开展项目与许可项目一致：无超范围、无擅自变更", "Practice matches the licensed items: nothing beyond them, no unapproved change",
		reg46 + "第十七条、第三十八条第（三）项", true, nil},
	{"JC-03", "《医疗机构执业许可证》登记相应诊疗科目", "The medical institution licence registers the matching department",
		reg46 + "第六条第（一）项、第十六条第二款", false, nil},
	{"JC-04", "建设项目：预评价审核、控制效果评价、竣工验收", "Construction projects: pre-assessment approved, control-effect evaluation, completion acceptance",
		reg46 + "第十二条、第十三条", true, nil},
	{"JC-05", "放射防护管理机构或专（兼）职管理人员", "A radiation protection body or designated managers",
		reg46 + "第六条第（三）项", false, nil},
	{"JC-06", "规章制度、操作规程、质量保证方案", "Rules, operating procedures and a quality assurance programme",
		reg46 + "第六条第（三）项、第二十四条", false, nil},
	{"JC-07", "放射事件应急预案及演练", "An emergency plan for radiation incidents, and drills",
		reg46 + "第六条第（五）项", false, nil},
	{"JC-08", "放射工作人员资质：持《放射工作人员证》、年满18周岁", "Radiation workers qualified: hold the radiation worker card, aged 18 or over",
		reg55 + "第五条、第六条；" + reg46 + "第七条", true, nil},
	{"JC-09", "放射防护培训：上岗前及定期（间隔不超过2年）", "Radiation protection training before the job and at most every 2 years",
		reg55 + "第七条、第八条；" + reg46 + "第二十三条", false, nil},
	{"JC-10", "个人剂量监测：全员、周期不超过90天、按规定佩戴、建档；异常剂量调查", "Personal dose monitoring: everyone, periods of at most 90 days, dosimeters worn, records kept; abnormal doses investigated",
		reg55 + "第十一条、第十二条、第十三条；" + reg46 + "第二十二条、第二十三条", true, nil},
	{"JC-11", "职业健康检查：上岗前、在岗期间、离岗时；结论处置；监护档案", "Occupational health exams before, during and after the job; conclusions acted on; surveillance records",
		reg55 + "第十九条、第二十条、第二十一条、第二十七条；" + reg46 + "第二十三条", true, nil},
	{"JC-12", "设备：验收检测、年度状态检测、稳定性检测；不使用不合格或淘汰设备", "Equipment: acceptance, yearly status and stability tests; no failed or obsolete equipment in use",
		reg46 + "第二十条第（一）项、第（二）项、第（四）项", true, nil},
	{"JC-13", "工作场所放射防护检测", "Radiation protection tests of the workplace",
		reg46 + "第二十一条", true, nil},
	{"JC-14", "警示标志、工作指示灯、门灯联锁、控制区与监督区", "Warning signs, working lights, door–light interlocks, controlled and supervised areas",
		reg46 + "第十条（条号待核）", false, nil},
	{"JC-15", "工作人员与受检者个人防护用品的配备和使用", "Protective equipment for staff and patients, provided and used",
		reg46 + "第六条第（三）项、第二十五条、第四十一条第（二）项", true, nil},
	{"JC-16", "辐射检测仪表检定或校准", "Radiation measuring instruments verified or calibrated",
		reg46 + "第二十条第（三）项", false, []string{"nuclear_medicine", "radiotherapy"}},
	{"JC-17", "放射性同位素储存与放射性废物处理", "Storage of radioisotopes and handling of radioactive waste",
		reg46 + "第六条第（四）项、第二十一条", false, []string{"nuclear_medicine"}},
	{"JC-18", "受检者保护：正当化、告知、育龄妇女与儿童、敏感器官屏蔽", "Patient protection: justification, information, women of child-bearing age and children, shielding of sensitive organs",
		reg46 + "第二十五条", false, nil},
}

// Checklist returns the checklist's items in order.
func Checklist() []Item { return append([]Item(nil), checklist...) }

// ChecklistItem returns the item with the code.
func ChecklistItem(code string) (Item, bool) {
	for _, it := range checklist {
		if it.Code == code {
			return it, true
		}
	}
	return Item{}, false
}

// ruleItems maps screening rules to checklist items (spec/enforcement.md
// §3): an entry ending in "-" matches every rule with that prefix, any
// other the rule itself. A test keeps it complete and unambiguous.
var ruleItems = []struct{ rule, item string }{
	{"INS-LICENCE-", "JC-01"},
	{"EQP-OUT-OF-SCOPE", "JC-02"},
	{"EQP-ACCEPTANCE-MISSING", "JC-12"},
	{"EQP-FAILED-IN-USE", "JC-12"},
	{"EQP-STATUS-", "JC-12"},
	{"EQP-PROTECTION-", "JC-13"},
	{"PER-UNDERAGE", "JC-08"},
	{"PER-PERMIT-MISSING", "JC-08"},
	{"PER-TRAINING-", "JC-09"},
	{"PER-EXAM-", "JC-11"},
	{"PER-DOSE-", "JC-10"},
	{"PER-DOSIMETER-LOST", "JC-10"},
	{"PER-EYE-LIMIT", "JC-10"},
	{"PER-MULTI-SITE", "JC-10"},
}

// RuleItems returns the codes of the checklist items a screening rule
// maps to: exactly one for every rule of the catalogue.
func RuleItems(rule string) []string {
	var out []string
	for _, m := range ruleItems {
		if m.rule == rule || strings.HasSuffix(m.rule, "-") && strings.HasPrefix(rule, m.rule) {
			out = append(out, m.item)
		}
	}
	return out
}

// RuleItem returns the code of the checklist item a screening rule maps
// to, "" for none.
func RuleItem(rule string) string {
	if its := RuleItems(rule); len(its) > 0 {
		return its[0]
	}
	return ""
}
