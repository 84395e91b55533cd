package xlsx

import (
	"strings"
	"testing"

	"radsup/internal/domain"
)

func TestCanonicalEnums(t *testing.T) {
	checkCanonical(t, []canonicalCase{
		{"institution", "kind", "综合医院", "general_hospital", ""},
		{"institution", "kind", "GENERAL_HOSPITAL", "general_hospital", ""},
		{"institution", "kind", "Clinic", "clinic", ""},
		{"institution", "kind", "中医院", "tcm_hospital", ""},
		{"institution", "kind", "口腔门诊部/诊所", "dental_clinic", ""},
		{"institution", "kind", "口腔门诊部／诊所", "dental_clinic", ""},
		{"institution", "kind", "口腔诊所", "dental_clinic", ""},
		{"institution", "kind", "诊所", "clinic", ""},
		{"institution", "kind", "社区卫生服务中心", "community_centre", ""},
		{"institution", "kind", "卫生院", "township_centre", ""},
		{"institution", "kind", "其它", "other", ""},
		{"institution", "kind", "医院", "", "机构类别“医院”无法识别：应填写 综合医院、中医医院、专科医院、妇幼保健院、社区卫生服务中心、乡镇卫生院、门诊部、诊所、口腔医院、口腔门诊部/诊所、体检中心、其他 之一。"},

		{"institution", "grade", "三级甲等", "3A", ""},
		{"institution", "grade", "三甲", "3A", ""},
		{"institution", "grade", "3a", "3A", ""},
		{"institution", "grade", "二乙", "2B", ""},
		{"institution", "grade", "一级", "1", ""},
		{"institution", "grade", "一级甲等", "1", ""},
		{"institution", "grade", "未定级", "none", ""},
		{"institution", "grade", "未评级", "none", ""},
		{"institution", "grade", "三级", "", "医院等级“三级”无法识别：应填写 三级甲等、三级乙等、二级甲等、二级乙等、一级、未定级 之一。"},

		{"institution", "ownership", "公立", "public", ""},
		{"institution", "ownership", "民营", "private", ""},
		{"institution", "ownership", "私立", "private", ""},
		{"institution", "ownership", "Public", "public", ""},

		{"institution", "status", "开业", "open", ""},
		{"institution", "status", "停业", "suspended", ""},
		{"institution", "status", "注销", "closed", ""},
		{"institution", "status", "已注销", "closed", ""},
		{"institution", "status", "营业", "open", ""},

		{"institution", "division_code", "410102", "410102", ""},
		{"institution", "division_code", "410102.0", "410102", ""},
		{"institution", "division_code", "４１０１０２", "410102", ""},
		{"institution", "division_code", "中原区", "410102", ""},
		{"institution", "division_code", "郑州市中原区", "410102", ""},
		{"institution", "division_code", "410102 中原区", "410102", ""},
		{"institution", "division_code", "中原区（410102）", "410102", ""},
		{"institution", "division_code", "管城区", "410104", ""},
		{"institution", "division_code", "410181", "410181", ""},       // a code radsup has no name for
		{"institution", "division_code", "410102000000", "410102", ""}, // 12-digit statistical code
		{"institution", "division_code", "中原", "", "行政区划代码“中原”无效：应为6位数字的行政区划代码（如 410102），或区县名称（410102 中原区、410103 二七区、410104 管城回族区、410105 金水区、410106 上街区、410108 惠济区）。"},
		{"institution", "division_code", "41010", "!", ""},

		{"institution", "street", "林山寨街道", "410102001", ""},
		{"institution", "street", "林山寨", "410102001", ""},
		{"institution", "street", "建设路街道办事处", "410102002", ""},
		{"institution", "street", "410102013", "410102013", ""},
		{"institution", "street", "某某街道", "某某街道", ""}, // the record's validation checks it against the division

		{"employment", "occupation", "2A", "2A", ""},
		{"employment", "occupation", "2a", "2A", ""},
		{"employment", "occupation", "2A 诊断放射学", "2A", ""},
		{"employment", "occupation", "2A诊断放射学", "2A", ""},
		{"employment", "occupation", "2A-诊断放射学", "2A", ""},
		{"employment", "occupation", "诊断放射学（2A）", "2A", ""},
		{"employment", "occupation", "２Ｅ", "2E", ""},
		{"employment", "occupation", "介入放射学", "2E", ""},
		{"employment", "occupation", "2B 牙科放射学", "2B", ""},
		{"employment", "occupation", "核医学", "2C", ""},
		{"employment", "occupation", "放射治疗", "2D", ""},
		{"employment", "occupation", "其它", "2F", ""},
		{"employment", "occupation", "Interventional radiology", "2E", ""},
		{"employment", "occupation", "2G", "", "职业类别“2G”无法识别：应填写 2A 诊断放射学、2B 牙科放射学、2C 核医学、2D 放射治疗、2E 介入放射学、2F 其他 之一。"},

		{"person", "gender", "男", "M", ""},
		{"person", "gender", "女", "F", ""},
		{"person", "gender", "女性", "F", ""},
		{"person", "gender", "male", "M", ""},
		{"person", "gender", "f", "F", ""},
		{"person", "gender", "未知", "", "性别“未知”无法识别：应填写 男、女 之一。"},

		{"training", "kind", "上岗前", "prejob", ""},
		{"training", "kind", "在岗", "periodic", ""},
		{"training", "kind", "岗前培训", "prejob", ""},
		{"training", "kind", "复训", "periodic", ""},
		{"training", "passed", "合格", "pass", ""},
		{"training", "passed", "不合格", "fail", ""},
		{"training", "passed", "通过", "pass", ""},

		{"exam", "kind", "上岗前", "prejob", ""},
		{"exam", "kind", "在岗期间", "periodic", ""},
		{"exam", "kind", "在岗", "periodic", ""},
		{"exam", "kind", "离岗时", "leaving", ""},
		{"exam", "kind", "离岗", "leaving", ""},
		{"exam", "kind", "应急照射或事故照射", "emergency", ""},
		{"exam", "kind", "复查", "recheck", ""},
		{"exam", "kind", "复检", "recheck", ""},
		{"exam", "conclusion", "可从事放射工作", "fit", ""},
		{"exam", "conclusion", "在一定限制条件下可从事放射工作", "restricted", ""},
		{"exam", "conclusion", "不应（或不宜）从事放射工作", "unfit", ""}, // the label itself; domain.Enum.Lookup misses it
		{"exam", "conclusion", "不应(或不宜)从事放射工作", "unfit", ""},
		{"exam", "conclusion", "不宜从事放射工作", "unfit", ""},
		{"exam", "conclusion", "可继续原放射工作", "continue", ""},
		{"exam", "conclusion", "暂时脱离放射工作", "suspend", ""},
		{"exam", "conclusion", "不宜再做放射工作而调整做其他非放射工作", "reassign", ""},
		{"exam", "conclusion", "需要复查或医学观察", "observe", ""},
		{"exam", "conclusion", "正常", "!", ""},

		{"equipment", "type", "DR", "dr", ""},
		{"equipment", "type", "dr", "dr", ""},
		{"equipment", "type", "CT", "ct", ""},
		{"equipment", "type", "CT (X射线计算机体层摄影装置)", "ct", ""},
		{"equipment", "type", "CT（X射线计算机体层摄影装置）", "ct", ""},
		{"equipment", "type", "X射线计算机体层摄影装置", "ct", ""},
		{"equipment", "type", "DSA", "dsa", ""},
		{"equipment", "type", "PET-CT", "pet_ct", ""},
		{"equipment", "type", "PET/CT", "pet_ct", ""},
		{"equipment", "type", "pet ct", "pet_ct", ""},
		{"equipment", "type", "PET-MR", "pet_ct", ""},
		{"equipment", "type", "SPECT", "spect", ""},
		{"equipment", "type", "SPECT/CT", "spect", ""},
		{"equipment", "type", "口腔CBCT", "dental_cbct", ""},
		{"equipment", "type", "CBCT", "dental_cbct", ""},
		{"equipment", "type", "C形臂X射线机", "c_arm", ""},
		{"equipment", "type", "C臂", "c_arm", ""},
		{"equipment", "type", "牙片机", "dental_intraoral", ""},
		{"equipment", "type", "医用电子直线加速器", "linac", ""},
		{"equipment", "type", "直线加速器", "linac", ""},
		{"equipment", "type", "伽马刀", "gamma_knife", ""},
		{"equipment", "type", "乳腺钼靶", "mammography", ""},
		{"equipment", "type", "胃肠机", "fluoroscopy", ""},
		{"equipment", "type", "普通X射线摄影机（立式）", "radiography", ""},
		{"equipment", "type", "mobile_xray", "mobile_xray", ""},
		{"equipment", "type", "MRI", "", "设备类型“MRI”无法识别：应填写 CT、DR、CR、普通X射线摄影机、X射线透视设备、乳腺X射线摄影设备、口内牙片机、口腔全景/头颅摄影机、口腔CBCT、移动式X射线机、C形臂X射线机、骨密度仪 等21项 之一。"},
		{"equipment", "status", "在用", "in_use", ""},
		{"equipment", "status", "停用", "idle", ""},
		{"equipment", "status", "报废", "scrapped", ""},
		{"equipment", "status", "闲置", "idle", ""},

		{"test", "kind", "验收检测", "acceptance", ""},
		{"test", "kind", "状态检测", "status", ""},
		{"test", "kind", "稳定性检测", "constancy", ""},
		{"test", "kind", "防护检测", "protection", ""},
		{"test", "kind", "验收", "acceptance", ""},
		{"test", "result", "合格", "pass", ""},
		{"test", "result", "不合格", "fail", ""},
		{"test", "result", "符合要求", "pass", ""},
		{"test", "result", "基本合格", "!", ""},
	})
}

// TestEnumForms checks that every option of every enumeration is found by
// its key, labels and enumAliases, so no alias or label shadows another option.
func TestEnumForms(t *testing.T) {
	enums := map[*domain.Enum]bool{domain.Divisions: true, domain.Categories: true}
	for _, fs := range domain.Fields {
		for _, f := range fs {
			if f.Enum != nil {
				enums[f.Enum] = true
			}
		}
	}
	for _, e := range domain.Streets {
		enums[e] = true
	}
	for _, f := range domain.LicenceActFields {
		if f.Enum != nil {
			enums[f.Enum] = true
		}
	}
	for e := range enums {
		for _, o := range e.Options {
			forms := append([]string{o.Key, o.ZH, o.EN, strings.ToUpper(o.Key), strings.ToLower(o.EN)}, enumAliases[e.Name][o.Key]...)
			for _, form := range forms {
				if k, ok := lookupEnum(e, form); !ok || k != o.Key {
					t.Errorf("%s: %q gives %q, %v; want %q", e.Name, form, k, ok, o.Key)
				}
			}
		}
	}
	for name, byKey := range enumAliases {
		for key := range byKey {
			found := false
			for e := range enums {
				if e.Name == name && e.Has(key) {
					found = true
				}
			}
			if !found {
				t.Errorf("enumAliases name %s.%s, which is no option", name, key)
			}
		}
	}
}
