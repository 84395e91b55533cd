package screening

import (
	"strings"
	"testing"

	"radsup/internal/domain"
)

// TestEnglishMessages pins the English of one finding of each severity,
// and of a notice with its deadline.
func TestEnglishMessages(t *testing.T) {
	e := equipmentFacts(eqTest(1, 7, "acceptance", "2024-05-10", "pass"), eqTest(2, 7, "protection", "2025-01-01", "pass"))
	fs := checkEquipment(t, e, day("2025-05-11"), DefaultThresholds())
	want := "Equipment CT (model uCT 760, serial no. A123): last passed acceptance or status test on 2024-05-10, " +
		"more than 1 year(s) ago (due by 2025-05-10). This breaches Article 20(2) (a status test at least once a year) " +
		"and Article 41(3) of the Regulations on the Administration of Radiodiagnosis and Radiotherapy (《放射诊疗管理规定》)."
	if len(fs) != 1 || en(fs[0]) != want {
		t.Errorf("violation:\n got %q\nwant %q", en(fs[0]), want)
	}
	fs = checkEquipment(t, e, day("2025-05-01"), DefaultThresholds())
	want = "Equipment CT (model uCT 760, serial no. A123): last passed acceptance or status test on 2024-05-10; " +
		"the next status test is due by 2025-05-10. Action by 2025-05-10: Have a qualified testing body complete the status test."
	if len(fs) != 1 || en(fs[0]) != want {
		t.Errorf("notice:\n got %q\nwant %q", en(fs[0]), want)
	}

	f := compliant(start, asOf)
	addDoses(doseRec(1, "2024-04-01", "2024-06-30", "1.247"))(&f)
	fs = checkPerson(t, f, asOf, DefaultThresholds())
	want = "Radiation worker 张伟: Hp(10) above the investigation level in 1 monitoring period(s) at 甲医院 " +
		"(2024-04-01 to 2024-06-30: Hp(10) 1.247 mSv, investigation level 1.246 mSv). Basis: the investigation level of " +
		"GBZ 128-2019 Specifications for Individual Monitoring of Occupational External Exposure (《职业性外照射个人监测规范》) " +
		"(an annual effective dose of 5 mSv, prorated to the monitoring period). Action: Investigate the dose, find the cause and record the conclusion."
	if len(fs) != 1 || en(fs[0]) != want {
		t.Errorf("warning:\n got %q\nwant %q", en(fs[0]), want)
	}
}

// TestEnumerationsByLabel: evidence holds enumeration keys, and every
// reader sees their labels in the message and among the facts.
func TestEnumerationsByLabel(t *testing.T) {
	e := equipmentFacts(eqTest(1, 7, "acceptance", "2024-01-01", "pass"), eqTest(2, 7, "status", "2025-01-05", "fail"),
		eqTest(3, 7, "protection", "2024-12-01", "pass"))
	fs := checkEquipment(t, e, day("2025-01-10"), DefaultThresholds())
	if len(fs) != 1 || fs[0].Evidence.Value("test_kind") != "status" || fs[0].Evidence.Value("result") != "fail" {
		t.Fatalf("findings %+v", fs)
	}
	if m := zh(fs[0]); !strings.Contains(m, "最近一次状态检测（2025-01-05）结论为不合格") {
		t.Errorf("zh: %q", m)
	}
	if m := en(fs[0]); !strings.Contains(m, "failed its latest test (Status test, 2025-01-05)") {
		t.Errorf("en: %q", m)
	}
	want := map[string]map[string]string{
		"zh-CN": {"test_kind": "状态检测", "result": "不合格", "type": "CT (X射线计算机体层摄影装置)"},
		"en":    {"test_kind": "Status test", "result": "Fail", "type": "CT"},
	}
	for lang, w := range want {
		for _, d := range Details(lang, fs[0].Template, fs[0].Evidence) {
			if v, ok := w[d.Key]; ok && d.Value != v {
				t.Errorf("%s %s: %q, want %q", lang, d.Key, d.Value, v)
			}
			if d.Key == "test_kind" && d.Label != map[string]string{"zh-CN": "检测类型", "en": "Test kind"}[lang] {
				t.Errorf("%s label of test_kind: %q", lang, d.Label)
			}
		}
	}
}

// TestNoticeWithoutDeadline: a stored PER-MULTI-SITE finding is due a
// rectification period after it was first seen, a date its message does
// not state, as the notice announces none.
func TestNoticeWithoutDeadline(t *testing.T) {
	f := compliant(start, asOf)
	secondEmployer(&f)
	fs := findingsOf(checkPerson(t, f, asOf, DefaultThresholds()), PerMultiSite)
	if len(fs) != 2 {
		t.Fatalf("findings %v", fs)
	}
	stored := fs[0]
	stored.DueOn = asOf.AddDate(0, 0, 30)
	for lang, m := range map[string]string{"zh-CN": zh(stored), "en": en(stored)} {
		if m != Message(lang, fs[0].Template, fs[0].Evidence, domain.Date{}) || strings.Contains(m, stored.DueOn.String()) {
			t.Errorf("%s: %q", lang, m)
		}
	}
}

// TestEvidenceOfEarlierVersions renders evidence stored before findings
// named their template: labels and lists as Chinese text, year sums as a
// summary. The message is the one stored then.
func TestEvidenceOfEarlierVersions(t *testing.T) {
	ev := domain.Evidence{}
	for k, v := range map[string]string{
		"name": "张伟", "institution_name": "甲医院", "credit_code": codeA, "years": "2024、2025",
		"years_summary": "2024年为22.000 mSv、2025年为21.500 mSv", "sum_2024": "22.000", "sum_2025": "21.500",
		"high": "20.000", "limit": "50.000",
	} {
		ev[k] = domain.Fact{Value: v}
	}
	want := "放射工作人员张伟各单位合计的年度Hp(10)2024年为22.000 mSv、2025年为21.500 mSv，超过20.000 mSv但未超过50.000 mSv，" +
		"依据GB 18871-2002《电离辐射防护与辐射源安全基本标准》附录B B1.1（连续5年的年平均有效剂量20 mSv），应调查剂量偏高原因，优化防护，控制今后的职业照射。"
	if got := Message("zh-CN", PerDoseAnnualHigh, ev, asOf); got != want {
		t.Errorf("annual sums:\n got %q\nwant %q", got, want)
	}
	ev = domain.Evidence{"equipment": {Value: "CT"}, "type": {Value: "ct"}, "model": {Value: "uCT 760"}, "serial_no": {Value: "A123"},
		"test_kind": {Value: "状态检测"}, "tested_on": {Value: "2025-01-05"}, "result": {Value: "不合格"}}
	want = "设备 CT（型号 uCT 760，出厂编号 A123）最近一次状态检测（2025-01-05）结论为不合格，仍在使用，" +
		"违反《放射诊疗管理规定》第二十条(四)、第四十一条(一)。"
	if got := Message("zh-CN", EqpFailedInUse, ev, asOf); got != want {
		t.Errorf("failed test:\n got %q\nwant %q", got, want)
	}
	for _, d := range Details("zh-CN", PerDoseAnnualHigh, domain.Evidence{"sum_2024": {Value: "22.000"}}) {
		if d.Label != "2024年合计 (mSv)" {
			t.Errorf("label of sum_2024: %q", d.Label)
		}
	}
}

// TestProtectionNeverTestedIsMissingNotOverdue: a device in use that has
// never had a workplace protection test (a new one with only its
// acceptance test, say) is told the test is missing, not overdue.
func TestProtectionNeverTestedIsMissingNotOverdue(t *testing.T) {
	none, stale := EqpProtectionOverdue+"/"+VariantNone, EqpProtectionOverdue+"/"+VariantStale
	if got := Title("zh-CN", none); strings.Contains(got, "逾期") || !strings.Contains(got, "无") {
		t.Errorf("title of a device never tested: %q", got)
	}
	if got := Title("en", none); strings.Contains(strings.ToLower(got), "overdue") {
		t.Errorf("English title of a device never tested: %q", got)
	}
	if got := Title("zh-CN", stale); got != Title("zh-CN", EqpProtectionOverdue) || !strings.Contains(got, "逾期") {
		t.Errorf("title of a stale test: %q", got)
	}
}

// TestEvidenceCodesShownByLabel: an evidence value that is an enumeration
// code — as stored, in another letter case, or written as a label by an
// earlier version — is shown by its label in the reader's language, never
// as the code (设备类型 CT (X射线计算机体层摄影装置), not ct), alone or in a list.
func TestEvidenceCodesShownByLabel(t *testing.T) {
	for key, e := range enums {
		for _, o := range e.Options {
			for _, stored := range []string{o.Key, strings.ToUpper(o.Key), o.ZH} {
				for lang, want := range map[string]string{"zh-CN": o.ZH, "en": o.EN} {
					ds := Details(lang, EqpFailedInUse, domain.Evidence{key: {Value: stored}})
					if len(ds) != 1 || ds[0].Value != want {
						t.Errorf("%s %s = %q: %+v, want %q", lang, key, stored, ds, want)
					}
				}
			}
		}
	}
	ev := domain.Evidence{"in_use": domain.ListFact([]domain.Item{{"type": "CT", "serial_no": "A1"}}), "in_use_count": {Value: "1"}}
	if m := Message("zh-CN", InsLicenceMissing, ev, asOf); strings.Contains(m, "ct（") || !strings.Contains(m, "CT（A1）") {
		t.Errorf("a listed device by its code: %q", m)
	}
}
