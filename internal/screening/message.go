package screening

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"

	"radsup/internal/domain"
)

// subjectTemplates name the subject at the start of every message; the
// {subject} placeholder of a fact template expands to one of these.
var subjectTemplates = map[string]string{
	SubjectInstitution: "{institution_name}",
	SubjectEquipment:   "设备 {equipment}（型号 {model}，出厂编号 {serial_no}）",
	SubjectPerson:      "放射工作人员{name}",
}

// factTemplates state the facts of a finding; the message is the template
// expanded from the finding's evidence plus a tail made of the rule's basis
// or action (see render). A rule with two wordings has a variant key
// "ID/variant". Every {key} must be in the evidence (the tests check this).
var factTemplates = map[string]string{
	InsLicenceMissing:  "{subject}有在用放射诊疗设备{in_use_count}台（{in_use}），但无《放射诊疗许可证》",
	InsLicenceExpired:  "{subject}的《放射诊疗许可证》（编号 {licence_no}）校验有效期至{valid_until}，已逾期{overdue_days}天，仍有在用放射诊疗设备{in_use_count}台",
	InsLicenceExpiring: "{subject}的《放射诊疗许可证》（编号 {licence_no}）校验有效期至{valid_until}，还有{days_left}天到期",

	EqpOutOfScope:                   "{subject}属于{category}类，不在《放射诊疗许可证》（编号 {licence_no}）许可的类别（{licensed}）之内，仍在使用",
	EqpAcceptanceMissing:            "{subject}在用，但无合格的验收检测记录",
	EqpFailedInUse:                  "{subject}最近一次{test_kind}（{tested_on}）结论为不合格，仍在使用",
	EqpStatusOverdue:                "{subject}最近一次合格的验收或状态检测为{last_passed}，已超过{years}年（应于{deadline}前完成）",
	EqpStatusDueSoon:                "{subject}最近一次合格的验收或状态检测为{last_passed}，下次状态检测应于{deadline}前完成",
	EqpProtectionOverdue + "/none":  "{subject}在用，但无合格的工作场所放射防护检测记录",
	EqpProtectionOverdue + "/stale": "{subject}最近一次合格的工作场所放射防护检测为{last_passed}，已超过{years}年（应于{deadline}前完成）",
	EqpProtectionFailed:             "{subject}最近一次工作场所放射防护检测（{tested_on}）结论为不合格，仍在使用",

	PerUnderage:        "{subject}出生于{birth_date}，{started_on}在{institution_name}开始放射工作时未满{min_age}周岁（{adult_on}满{min_age}周岁）",
	PerPermitMissing:   "{subject}自{started_on}起在{institution_name}从事放射工作，未登记《放射工作人员证》编号",
	PerTrainingPrejob:  "{subject}在{institution_name}从事放射工作，但无合格的上岗前放射防护培训记录",
	PerTrainingOverdue: "{subject}最近一次合格的放射防护培训为{last_passed}，已超过{years}年（应于{deadline}前参加培训）",
	PerExamPrejob:      "{subject}在{institution_name}从事放射工作，但无上岗前职业健康检查记录",
	PerExamOverdue:     "{subject}最近一次上岗前或在岗期间职业健康检查为{last_exam}，已超过{years}年（应于{deadline}前完成）",
	PerExamUnfit:       "{subject}最近一次职业健康检查（{examined_on}，{exam_kind}）结论为“{conclusion}”，仍在{institution_name}从事放射工作",
	PerDoseGap:         "{subject}在{institution_name}的个人剂量监测在{window_from}至{window_to}期间有{gap_days}天无监测记录（{gaps}）",
	PerDoseCycleLong:   "{subject}在{institution_name}有{count}条个人剂量监测记录的周期超过{max_days}天（{records}）",
	PerDoseInvestigate: "{subject}在{institution_name}有{count}个监测周期的Hp(10)超过调查水平（{records}）",
	PerDosimeterLost:   "{subject}在{institution_name}有{count}个监测周期的个人剂量计丢失（{records}）",
	PerDoseAnnualHigh:  "{subject}各单位合计的年度Hp(10){years_summary}，超过{high} mSv但未超过{limit} mSv",
	PerDoseAnnualLimit: "{subject}各单位合计的年度Hp(10){years_summary}，超过{limit} mSv的年剂量限值",
	PerDoseFiveYearLimit: "{subject}{from_year}至{to_year}年各单位合计的Hp(10)为{sum} mSv，" +
		"超过{limit} mSv的5年剂量限值",
	PerEyeLimit:  "{subject}各单位合计的年度Hp(3){years_summary}，超过眼晶体年当量剂量限值{limit} mSv",
	PerMultiSite: "{subject}同时在{count}个单位从事放射工作（{institutions}），个人剂量须合并评价",
}

// subject is what a finding is about and the evidence that names it.
type subject struct {
	typ, key string
	id       int64
	names    map[string]string
}

// finding builds the finding of rule ruleID (template variant, if any) for
// s at institution inst (id instID, for when inst is unknown).
func (s subject) finding(ruleID, variant string, inst *domain.Institution, instID int64, ev map[string]string, due domain.Date) Finding {
	r, ok := RuleByID(ruleID)
	if !ok {
		panic("screening: unknown rule " + ruleID) // a programming error, caught by every test
	}
	all := make(map[string]string, len(s.names)+len(ev)+2)
	maps.Copy(all, s.names)
	f := Finding{
		Rule: r.ID, Severity: r.Severity, SubjectType: s.typ, SubjectKey: s.key, SubjectID: s.id,
		InstitutionID: instID, DueOn: due,
	}
	if inst != nil {
		f.InstitutionID, f.Institution = inst.ID, inst.CreditCode
		all["institution_name"], all["credit_code"] = inst.Name, inst.CreditCode
	} else {
		// The loader should pass every institution; name it by id rather
		// than drop the finding.
		all["institution_name"] = institutionName(nil, instID)
	}
	maps.Copy(all, ev)
	f.Evidence = all
	key := r.ID
	if variant != "" {
		key += "/" + variant
	}
	f.Message = render(r, factTemplates[key], all, due)
	return f
}

// render makes the message: the facts, then for a violation the basis it
// breaks, for a warning the basis and the action, for a notice the action
// and its deadline. It is built only from the rule and the evidence, so the
// message cannot say something the evidence does not.
func render(r Rule, tmpl string, ev map[string]string, due domain.Date) string {
	tmpl = strings.ReplaceAll(tmpl, "{subject}", subjectTemplates[r.Subject])
	var b strings.Builder
	b.WriteString(expand(tmpl, ev))
	switch {
	case r.Severity == Violation:
		b.WriteString("，违反" + r.Basis)
	case r.Severity == Warning:
		b.WriteString("，依据" + r.Basis + "，应" + r.Action)
	case !due.IsZero():
		b.WriteString("，请于" + due.String() + "前" + r.Action)
	default:
		b.WriteString("，请" + r.Action)
	}
	b.WriteString("。")
	return b.String()
}

// expand replaces each {key} of tmpl by ev[key]; an unknown key is left as
// is so that a test can spot it.
func expand(tmpl string, ev map[string]string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			break
		}
		b.WriteString(tmpl[:i])
		if v, ok := ev[tmpl[i+1:i+j]]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(tmpl[i : i+j+1])
		}
		tmpl = tmpl[i+j+1:]
	}
	b.WriteString(tmpl)
	return b.String()
}

// finish sorts findings by institution credit code, rule ID and subject
// key, and keeps one finding per (rule, subject, institution): the first
// made, which the rules arrange to be the most telling.
func finish(fs []Finding) []Finding {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Institution, b.Institution), cmp.Compare(a.InstitutionID, b.InstitutionID),
			cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.SubjectKey, b.SubjectKey))
	})
	return slices.CompactFunc(fs, func(a, b Finding) bool {
		return a.Rule == b.Rule && a.SubjectKey == b.SubjectKey && a.SubjectType == b.SubjectType &&
			a.Institution == b.Institution && a.InstitutionID == b.InstitutionID
	})
}

// Evidence formatting: dates as 2006-01-02, doses as mSv with 3 decimals.
func dose(microSv int64) string { return domain.MicroSv(microSv).String() }

func itoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }
