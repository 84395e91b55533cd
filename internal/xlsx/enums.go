package xlsx

import (
	"slices"
	"strings"
	"unicode"

	"radsup/internal/domain"
)

// Enumerations: labels, keys, short names and the variants people write.

// enumAliases are the obvious variants people write for the options of each
// enumeration (by Enum.Name), beyond what domain.Enum.Lookup accepts. They
// are compared squashed (see squashLabel).
var enumAliases = map[string]map[string][]string{
	"institution_kind": {
		"tcm_hospital":     {"中医院", "中西医结合医院"},
		"maternal_child":   {"妇幼保健所", "妇幼保健机构", "妇幼保健计划生育服务中心"},
		"community_centre": {"社区医院", "社区卫生服务中心(站)"},
		"township_centre":  {"卫生院", "乡卫生院", "镇卫生院", "中心卫生院"},
		"outpatient":       {"综合门诊部"},
		"clinic":           {"个体诊所"},
		"dental_hospital":  {"口腔专科医院"},
		"dental_clinic":    {"口腔门诊部", "口腔诊所", "口腔门诊", "牙科诊所"},
		"checkup_centre":   {"健康体检中心", "体检机构"},
		"other":            {"其它"},
	},
	"grade": {
		"3A":   {"三甲", "三级甲等医院"},
		"3B":   {"三乙", "三级乙等医院"},
		"2A":   {"二甲", "二级甲等医院"},
		"2B":   {"二乙", "二级乙等医院"},
		"1":    {"一级甲等", "一级乙等", "一级丙等", "一甲", "一乙", "一丙", "一级医院"},
		"none": {"未评级", "未分级", "无等级", "未定等级"},
	},
	"ownership": {
		"public":  {"公办", "国有", "公立医院"},
		"private": {"私立", "民办", "私营", "非公立", "社会办", "社会办医", "个体"},
	},
	"institution_status": {
		"open":      {"营业", "正常", "正常营业", "在业", "执业"},
		"suspended": {"歇业", "暂停营业", "暂停执业", "停业整顿"},
		"closed":    {"已注销", "关闭", "已关闭", "吊销", "已吊销"},
	},
	"licence_item": {
		"radiotherapy":   {"放疗", "加速器", "直线加速器", "后装", "后装治疗", "伽玛刀", "伽马刀", "γ刀", "质子/重离子", "质子重离子", "X射线治疗"},
		"pet":            {"PET/CT", "PET-MR", "PET/MR"},
		"spect":          {"SPECT/CT", "SPECT-CT"},
		"nm_therapy":     {"放射性药物治疗", "核素治疗"},
		"seed_implant":   {"粒子植入", "放射性粒子"},
		"interventional": {"DSA", "介入", "介入放射"},
		"xray_imaging":   {"X射线影像", "X线影像诊断"},
		"general_xray":   {"普通X射线", "普通放射", "普通X线诊断", "X射线摄影", "DR", "CR"},
		"ct":             {"X射线CT", "X线CT", "CT诊断"},
		"dental_xray":    {"牙科X射线诊断", "口腔X射线", "牙片", "口腔CBCT", "CBCT", "口腔全景"},
		"mammography":    {"乳腺", "乳腺X射线诊断", "乳腺X线", "钼靶", "乳腺钼靶"},
		"bone_density":   {"骨密度仪", "骨密度检测", "骨密度测量"},
	},
	"occupation": {
		"2A": {"放射诊断", "诊断放射", "放射诊断学"},
		"2B": {"牙科放射", "口腔放射", "口腔放射学"},
		"2C": {"核医学科"},
		"2D": {"放疗"},
		"2E": {"介入", "介入放射"},
		"2F": {"其它"},
	},
	"gender": {
		"M": {"男性", "1"},
		"F": {"女性", "2"},
	},
	"training_kind": {
		"prejob":   {"岗前", "岗前培训", "上岗前培训", "上岗培训"},
		"periodic": {"在岗培训", "在岗期间", "复训", "再培训", "定期培训"},
	},
	"result": {
		"pass": {"通过", "符合", "符合要求", "达标"},
		"fail": {"未通过", "不通过", "不符合", "不符合要求", "不达标"},
	},
	"exam_kind": {
		"prejob":    {"岗前", "上岗前检查", "上岗前体检", "岗前体检"},
		"periodic":  {"在岗", "在岗检查", "在岗体检", "在岗期间检查"},
		"leaving":   {"离岗", "离岗前", "离岗检查", "离岗时检查"},
		"emergency": {"应急", "应急照射", "事故照射", "应急检查"},
		"recheck":   {"复检"},
	},
	"conclusion": {
		"fit":        {"可以从事放射工作"},
		"restricted": {"限制条件下可从事放射工作"},
		"unfit":      {"不宜从事放射工作", "不应或不宜从事放射工作"},
		"continue":   {"可继续从事放射工作", "可继续原工作"},
		"suspend":    {"暂时脱离"},
		"reassign":   {"调离放射工作", "调整为非放射工作", "不宜再做放射工作"},
		"observe":    {"需要复查和医学观察", "需复查或医学观察", "需要复查", "医学观察"},
	},
	"equipment_type": {
		"ct":                {"X射线CT", "螺旋CT", "多排CT"},
		"dr":                {"数字X射线摄影", "DR摄影"},
		"cr":                {"CR摄影"},
		"radiography":       {"X光机", "普通X光机", "X射线摄影机", "拍片机"},
		"fluoroscopy":       {"透视机", "胃肠机", "数字胃肠机", "X射线透视机"},
		"mammography":       {"乳腺机", "钼靶", "乳腺钼靶", "钼靶机", "乳腺X射线机", "乳腺DR"},
		"dental_intraoral":  {"牙片机", "口内机", "牙科X射线机"},
		"dental_panoramic":  {"全景机", "口腔全景机", "口腔全景", "头颅摄影机", "全景牙片机"},
		"dental_cbct":       {"CBCT", "口腔锥形束CT"},
		"mobile_xray":       {"移动X光机", "移动DR", "床旁机", "床边机"},
		"c_arm":             {"C臂", "C形臂", "C型臂", "小C", "C臂机", "C形臂X线机"},
		"bone_densitometer": {"骨密度", "双能X线骨密度仪"},
		"dsa":               {"数字减影血管造影机", "血管造影机"},
		"spect":             {"SPECT/CT", "SPECTCT"},
		"pet_ct":            {"PET", "PET/CT", "PET-MR", "PET/MR", "PETCT"},
		"linac":             {"直线加速器", "加速器", "医用直线加速器"},
		"tomotherapy":       {"TOMO", "螺旋断层"},
		"gamma_knife":       {"伽马刀", "γ刀"},
		"afterloader":       {"后装机", "后装"},
		"ct_simulator":      {"CT模拟机", "CT定位机", "模拟定位CT"},
		"xray_therapy":      {"深部X线治疗机"},
	},
	"equipment_status": {
		"in_use":   {"使用", "使用中", "正常使用", "启用", "正常"},
		"idle":     {"停止使用", "闲置", "封存", "暂停使用"},
		"scrapped": {"已报废", "淘汰"},
	},
	"test_kind": {
		"acceptance": {"验收"},
		"status":     {"状态", "年度状态检测"},
		"constancy":  {"稳定性"},
		"protection": {"防护", "防护监测", "场所防护检测", "工作场所防护检测"},
	},
	"licence_act_kind": {
		"issue":   {"核发", "发放"},
		"check":   {"定期校验", "年度校验"},
		"change":  {"变更登记"},
		"cancel":  {"注销登记"},
		"suspend": {"暂缓校验", "暂缓校验/暂停", "暂停执业"},
	},
	"check_result": {
		"pass":     {"校验合格", "通过"},
		"deferred": {"暂缓"},
		"fail":     {"校验不合格", "未通过"},
	},
	"division": {
		"410104": {"管城区"},
	},
}

// squashLabel reduces a label to what matters for matching: folded, lower-case,
// without spaces, brackets and the punctuation people vary (- _ / · . 、).
func squashLabel(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', '/', '·', '.', '、', '(', ')', '（', '）', '[', ']', '【', '】', '—', '–', '\'', '"', '“', '”':
			return -1
		}
		if isBlankRune(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, domain.FoldWidth(s))
}

// enumIndex maps squashed forms to keys; "" marks a form two options share.
type enumIndex map[string]string

var enumIndexes = map[*domain.Enum]enumIndex{}

func init() {
	enums := []*domain.Enum{domain.Divisions}
	for _, fs := range domain.Fields {
		for _, f := range fs {
			if f.Enum != nil {
				enums = append(enums, f.Enum)
			}
		}
	}
	for _, f := range domain.LicenceActFields {
		if f.Enum != nil {
			enums = append(enums, f.Enum)
		}
	}
	for _, e := range domain.Streets {
		enums = append(enums, e)
	}
	for _, e := range enums {
		if _, done := enumIndexes[e]; !done {
			enumIndexes[e] = buildIndex(e)
		}
	}
}

// optionForms returns the forms an option is known by: key, Chinese and
// English label, the short name before a bracket, the bracket's content, the
// label without the bracket; for streets the name without 街道 or with
// 办事处; for divisions the name after 郑州市.
func optionForms(e *domain.Enum, o domain.Option) []string {
	forms := []string{o.Key, o.ZH, o.EN}
	zh := domain.FoldWidth(o.ZH)
	if i := strings.Index(zh, "("); i > 0 {
		if j := strings.Index(zh[i:], ")"); j > 0 {
			forms = append(forms, zh[:i], zh[i+1:i+j], zh[:i]+zh[i+j+1:])
		}
	}
	if strings.HasPrefix(e.Name, "street_") {
		base := strings.TrimSuffix(o.ZH, "街道")
		forms = append(forms, base, base+"街道办事处", base+"办事处")
	}
	if e.Name == "division" {
		forms = append(forms, "郑州市"+o.ZH)
	}
	return forms
}

// buildIndex indexes an enumeration's forms in three tiers — labels, then
// aliases, then "code label" compounds ("2A 诊断放射学", "中原区(410102)") —
// an earlier tier winning over a later one.
func buildIndex(e *domain.Enum) enumIndex {
	idx := enumIndex{}
	tier := map[string]int{}
	put := func(form, key string, t int) {
		form = squashLabel(form)
		if form == "" {
			return
		}
		prev, seen := idx[form]
		switch {
		case !seen || t < tier[form]:
			idx[form], tier[form] = key, t
		case t == tier[form] && prev != key:
			idx[form] = ""
		}
	}
	for _, o := range e.Options {
		for _, form := range optionForms(e, o) {
			put(form, o.Key, 0)
		}
		for _, a := range enumAliases[e.Name][o.Key] {
			put(a, o.Key, 1)
		}
	}
	for _, o := range e.Options {
		for _, form := range append(optionForms(e, o), enumAliases[e.Name][o.Key]...) {
			if squashLabel(form) != squashLabel(o.Key) {
				put(o.Key+form, o.Key, 2)
				put(form+o.Key, o.Key, 2)
			}
		}
	}
	return idx
}

// lookupEnum finds the key of e for what a person typed: as
// lookupEnumExact, else without a trailing bracket ("普通X射线摄影机（立式）").
func lookupEnum(e *domain.Enum, raw string) (string, bool) {
	if k, ok := lookupEnumExact(e, raw); ok {
		return k, true
	}
	if head, _, ok := splitTrailingBracket(cleanValue(raw)); ok {
		return lookupEnumExact(e, head)
	}
	return "", false
}

// lookupEnumExact finds the key of e for what a person typed:
// domain.Enum.Lookup first, then the squashed labels, aliases and compounds.
func lookupEnumExact(e *domain.Enum, raw string) (string, bool) {
	s := cleanValue(raw)
	if s == "" || e == nil {
		return "", false
	}
	if k, ok := e.Lookup(s); ok {
		return k, true
	}
	idx, ok := enumIndexes[e]
	if !ok {
		idx = buildIndex(e)
	}
	if k := idx[squashLabel(s)]; k != "" {
		return k, true
	}
	return "", false
}

// canonicalEnum resolves an enumerated value to its key.
func canonicalEnum(f domain.Field, raw string) (string, error) {
	if k, ok := lookupEnum(f.Enum, raw); ok {
		return k, nil
	}
	s := cleanValue(raw)
	switch f.Key {
	case "division_code":
		// Any GB/T 2260 county code is allowed, known or not; Excel may
		// have made it a float, a 12-digit statistical code has 6 zeros more.
		if reValInt.MatchString(s) && s[0] != '+' && s[0] != '-' {
			s, _, _ = strings.Cut(s, ".")
		}
		if len(s) == 12 && strings.HasSuffix(s, "000000") {
			s = s[:6]
		}
		if len(s) == 6 && strings.Trim(s, "0123456789") == "" {
			return s, nil
		}
		return "", valueError(keyEnumDivision.Msg(fieldName(f.ZH, f.EN), quoted(raw), allowedLabels(f.Enum)))
	case "street":
		// Streets of any known division; the record's validation checks
		// that the street belongs to its division, and a division without
		// a street list takes any name.
		divs := make([]string, 0, len(domain.Streets))
		for d := range domain.Streets {
			divs = append(divs, d)
		}
		slices.Sort(divs)
		for _, d := range divs {
			if k, ok := lookupEnum(domain.Streets[d], s); ok {
				return k, nil
			}
		}
		return s, nil
	}
	if f.Enum == nil {
		return s, nil
	}
	return "", valueError(keyEnumUnknown.Msg(fieldName(f.ZH, f.EN), quoted(raw), allowedLabels(f.Enum)))
}

// maxListedOptions is how many options a message lists before "and N in all".
const maxListedOptions = 12

// allowedLabels lists the options of e for a message: their labels (the
// short name for "CT (…)"), with the code first for codes people use.
func allowedLabels(e *domain.Enum) Arg {
	var zh, en []string
	for i, o := range e.Options {
		if i == maxListedOptions {
			break
		}
		z, _, _ := strings.Cut(o.ZH, " (")
		n, _, _ := strings.Cut(o.EN, " (")
		switch e.Name {
		case "occupation", "division":
			z, n = o.Key+" "+z, o.Key+" "+n
		}
		zh, en = append(zh, z), append(en, n)
	}
	list := Label(strings.Join(zh, "、"), strings.Join(en, ", "))
	if len(e.Options) > maxListedOptions {
		return Clause(keyOptionsAll.Msg(list, Int(len(e.Options))))
	}
	return list
}
