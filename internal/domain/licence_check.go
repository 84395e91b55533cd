package domain

// The 校验期 (check interval) of a 放射诊疗许可证 (spec/licence.md): the
// licence is checked together with the 医疗机构执业许可证 (《放射诊疗管理规定》
// 第十七条), whose interval 《医疗机构管理条例实施细则》第三十五条 sets: "床位在
// 100张以上的综合医院、中医医院、中西医结合医院、民族医医院以及专科医院、疗养院、
// 康复医院、妇幼保健院、急救中心、临床检验中心和专科疾病防治机构的校验期为3年；
// 其他医疗机构的校验期为1年。"

// CheckBeds is the number of beds from which a listed kind of institution
// is checked every three years (第三十五条: 床位在100张以上, read as 100 or
// more, as the spec says).
const CheckBeds = 100

// longCheckKinds are the institution kinds (机构类别) that 第三十五条 lists:
// every kind of hospital (综合医院, 中医医院 — which takes in 中西医结合医院 —,
// 专科医院, 口腔医院, a 专科医院 of stomatology) and 妇幼保健院. The others —
// 社区卫生服务中心, 乡镇卫生院, 门诊部, 诊所, 口腔门诊部/诊所, 体检中心 — are
// "其他医疗机构", whatever their beds; "other" is decided by the unit
// category (longCheckUnits).
var longCheckKinds = map[string]bool{
	"general_hospital": true, "tcm_hospital": true, "specialist_hospital": true, "dental_hospital": true,
	"maternal_child": true,
}

// longCheckUnits are the unit categories (单位类别) that 第三十五条 lists,
// which say what an institution of kind "other" is: 医院 (a 中西医结合医院,
// 民族医医院 or 康复医院 filed as other), 妇幼保健院, 疗养院, 急救中心,
// 临床检验机构 (临床检验中心) and 专科疾病防治机构. 社区卫生服务机构, 卫生院,
// 门诊部, 诊所, 村卫生室 and 护理院 are not listed.
var longCheckUnits = map[string]bool{
	"hospital": true, "maternal_child": true, "sanatorium": true, "emergency_centre": true,
	"clinical_lab": true, "disease_control": true,
}

// CheckYears returns the 校验期 of an institution's licence in years: 3
// for a kind 第三十五条 lists with at least CheckBeds beds, else 1. Beds not
// filed count as none: the shorter interval, which the supervisor may
// lengthen, rather than a longer one that would hide a missed check.
func CheckYears(inst *Institution) int {
	if inst == nil || inst.Beds == nil || *inst.Beds < CheckBeds {
		return 1
	}
	listed := longCheckKinds[inst.Kind]
	if inst.Kind == "other" {
		listed = longCheckUnits[inst.UnitCategory]
	}
	if listed {
		return 3
	}
	return 1
}

// ProposedNextDue is the next 校验 due date radsup proposes for a check of
// inst's licence on the given date: CheckYears later, on the same day of
// the month (28 February for a check on 29 February whose year has none).
// The supervisor may change it.
func ProposedNextDue(inst *Institution, on Date) Date {
	if on.IsZero() {
		return Date{}
	}
	next := on.AddDate(CheckYears(inst), 0, 0)
	if next.Day() != on.Day() { // 29 February into a common year
		next = next.AddDate(0, 0, -next.Day())
	}
	return next
}
