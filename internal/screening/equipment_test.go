package screening

import (
	"slices"
	"testing"

	"radsup/internal/domain"
)

// equipmentFacts returns a CT (serial A123) of institution 1, licensed for
// X射线影像诊断, with the given tests.
func equipmentFacts(tests ...*domain.EquipmentTest) EquipmentFacts {
	e := device(7, 1, "ct", "A123")
	e.Name, e.Model = "CT", "uCT 760"
	return EquipmentFacts{
		Equipment:   e,
		Institution: institution(1, codeA, "甲医院"),
		Licences:    []*domain.Licence{licence(5, 1, "2020-01-10", "2030-01-10", "xray_imaging")},
		Tests:       tests,
	}
}

func TestEquipmentStatusAndAcceptance(t *testing.T) {
	accepted := eqTest(1, 7, "acceptance", "2024-05-10", "pass")
	prot := func(on string) *domain.EquipmentTest { return eqTest(90, 7, "protection", on, "pass") }
	tests := []struct {
		name  string
		asOf  string
		tests []*domain.EquipmentTest
		want  []string
		due   string
	}{
		// L = 2024-05-10, deadline 2025-05-10, due-soon from 2025-04-10.
		{"31 days before the deadline", "2025-04-09", []*domain.EquipmentTest{accepted, prot("2025-01-01")}, nil, ""},
		{"30 days before the deadline", "2025-04-10", []*domain.EquipmentTest{accepted, prot("2025-01-01")}, []string{EqpStatusDueSoon}, "2025-05-10"},
		{"day before the deadline", "2025-05-09", []*domain.EquipmentTest{accepted, prot("2025-01-01")}, []string{EqpStatusDueSoon}, "2025-05-10"},
		{"on the deadline", "2025-05-10", []*domain.EquipmentTest{accepted, prot("2025-01-01")}, []string{EqpStatusDueSoon}, "2025-05-10"},
		{"day after the deadline", "2025-05-11", []*domain.EquipmentTest{accepted, prot("2025-01-01")}, []string{EqpStatusOverdue}, ""},
		// A test on 29 February: 2024-02-29 + 1 year = 2025-03-01.
		{"29 Feb test, 28 Feb", "2025-02-28", []*domain.EquipmentTest{eqTest(1, 7, "acceptance", "2024-02-29", "pass"), prot("2025-01-01")}, []string{EqpStatusDueSoon}, "2025-03-01"},
		{"29 Feb test, 1 Mar", "2025-03-01", []*domain.EquipmentTest{eqTest(1, 7, "acceptance", "2024-02-29", "pass"), prot("2025-01-01")}, []string{EqpStatusDueSoon}, "2025-03-01"},
		{"29 Feb test, 2 Mar", "2025-03-02", []*domain.EquipmentTest{eqTest(1, 7, "acceptance", "2024-02-29", "pass"), prot("2025-01-01")}, []string{EqpStatusOverdue}, ""},
		{"later status test supersedes acceptance", "2025-05-11", []*domain.EquipmentTest{
			accepted, eqTest(2, 7, "status", "2025-05-01", "pass"), prot("2025-01-01")}, nil, ""},
		{"constancy test does not count", "2025-05-11", []*domain.EquipmentTest{
			accepted, eqTest(2, 7, "constancy", "2025-05-01", "pass"), prot("2025-01-01")}, []string{EqpStatusOverdue}, ""},
		{"no tests at all", "2025-05-11", nil, []string{EqpAcceptanceMissing, EqpProtectionOverdue}, ""},
		{"no acceptance: status rules do not fire (chain)", "2025-05-11", []*domain.EquipmentTest{
			eqTest(2, 7, "status", "2020-01-01", "pass"), prot("2025-01-01")}, []string{EqpAcceptanceMissing}, ""},
		{"no acceptance, status due soon: chain too", "2025-04-20", []*domain.EquipmentTest{
			eqTest(2, 7, "status", "2024-05-10", "pass"), prot("2025-01-01")}, []string{EqpAcceptanceMissing}, ""},
		{"failed acceptance only", "2025-01-01", []*domain.EquipmentTest{
			eqTest(1, 7, "acceptance", "2024-12-01", "fail"), prot("2024-12-01")}, []string{EqpAcceptanceMissing, EqpFailedInUse}, ""},
		{"latest status test failed", "2025-01-10", []*domain.EquipmentTest{
			eqTest(1, 7, "acceptance", "2024-01-01", "pass"), eqTest(2, 7, "status", "2025-01-05", "fail"), prot("2024-12-01")},
			[]string{EqpFailedInUse}, ""},
		{"failed test suppresses status overdue (chain)", "2025-03-01", []*domain.EquipmentTest{
			eqTest(1, 7, "acceptance", "2023-01-01", "pass"), eqTest(2, 7, "status", "2025-01-05", "fail"), prot("2024-12-01")},
			[]string{EqpFailedInUse}, ""},
		{"older failed superseded by newer passed", "2025-01-10", []*domain.EquipmentTest{
			accepted, eqTest(2, 7, "status", "2024-06-01", "fail"), eqTest(3, 7, "status", "2024-12-01", "pass"), prot("2024-12-01")},
			nil, ""},
		{"same day: later entry (higher id) wins, passed", "2025-01-10", []*domain.EquipmentTest{
			accepted, eqTest(3, 7, "status", "2024-12-01", "pass"), eqTest(2, 7, "status", "2024-12-01", "fail"), prot("2024-12-01")},
			nil, ""},
		{"same day: later entry (higher id) wins, failed", "2025-01-10", []*domain.EquipmentTest{
			accepted, eqTest(2, 7, "status", "2024-12-01", "pass"), eqTest(3, 7, "status", "2024-12-01", "fail"), prot("2024-12-01")},
			[]string{EqpFailedInUse}, ""},
		{"failed test after asOf not yet known", "2025-01-10", []*domain.EquipmentTest{
			accepted, eqTest(2, 7, "status", "2025-01-11", "fail"), prot("2024-12-01")}, nil, ""},
		{"retired failed test ignored", "2025-01-10", []*domain.EquipmentTest{
			accepted, {Meta: domain.Meta{ID: 2, Retired: true}, EquipmentID: 7, Kind: "status", TestedOn: day("2025-01-05"), Result: "fail"},
			prot("2024-12-01")}, nil, ""},
		{"another device's test ignored", "2025-01-10", []*domain.EquipmentTest{
			accepted, eqTest(2, 8, "status", "2025-01-05", "fail"), prot("2024-12-01")}, nil, ""},
		{"failed protection does not make the device fail", "2025-01-10", []*domain.EquipmentTest{
			accepted, eqTest(2, 7, "protection", "2025-01-05", "fail")}, []string{EqpProtectionFailed}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := checkEquipment(t, equipmentFacts(tc.tests...), day(tc.asOf), DefaultThresholds())
			if got := distinct(fs); !slices.Equal(got, sorted(tc.want...)) {
				t.Fatalf("rules = %q, want %q", got, sorted(tc.want...))
			}
			for _, f := range fs {
				if f.Rule == EqpStatusDueSoon && f.DueOn.String() != tc.due {
					t.Errorf("due %v, want %s", f.DueOn, tc.due)
				}
			}
		})
	}
}

func TestEquipmentProtection(t *testing.T) {
	accepted := eqTest(1, 7, "acceptance", "2025-01-01", "pass")
	p := func(id int64, on, result string) *domain.EquipmentTest {
		return eqTest(id, 7, "protection", on, result)
	}
	twoYears := DefaultThresholds()
	twoYears.ProtectionTestYears = 2
	tests := []struct {
		name  string
		asOf  string
		th    Thresholds
		tests []*domain.EquipmentTest
		want  []string
	}{
		{"no protection test", "2025-03-01", DefaultThresholds(), []*domain.EquipmentTest{accepted}, []string{EqpProtectionOverdue}},
		{"day before deadline", "2025-05-09", DefaultThresholds(), []*domain.EquipmentTest{accepted, p(2, "2024-05-10", "pass")}, nil},
		{"on deadline", "2025-05-10", DefaultThresholds(), []*domain.EquipmentTest{accepted, p(2, "2024-05-10", "pass")}, nil},
		{"day after deadline", "2025-05-11", DefaultThresholds(), []*domain.EquipmentTest{accepted, p(2, "2024-05-10", "pass")}, []string{EqpProtectionOverdue}},
		{"29 Feb test, 1 Mar", "2025-03-01", DefaultThresholds(), []*domain.EquipmentTest{accepted, p(2, "2024-02-29", "pass")}, nil},
		{"29 Feb test, 2 Mar", "2025-03-02", DefaultThresholds(), []*domain.EquipmentTest{accepted, p(2, "2024-02-29", "pass")}, []string{EqpProtectionOverdue}},
		{"two-year interval configured", "2025-05-11", twoYears, []*domain.EquipmentTest{accepted, p(2, "2024-05-10", "pass")}, nil},
		{"two-year interval, day after", "2026-05-11", twoYears, []*domain.EquipmentTest{eqTest(1, 7, "acceptance", "2026-01-01", "pass"), p(2, "2024-05-10", "pass")}, []string{EqpProtectionOverdue}},
		{"only a failed test: failed, not overdue (chain)", "2025-03-01", DefaultThresholds(), []*domain.EquipmentTest{accepted, p(2, "2025-02-01", "fail")}, []string{EqpProtectionFailed}},
		{"stale pass then fail: failed only (chain)", "2025-03-01", DefaultThresholds(), []*domain.EquipmentTest{accepted, p(2, "2022-02-01", "pass"), p(3, "2025-02-01", "fail")}, []string{EqpProtectionFailed}},
		{"fail then pass", "2025-03-01", DefaultThresholds(), []*domain.EquipmentTest{accepted, p(2, "2025-01-01", "fail"), p(3, "2025-02-01", "pass")}, nil},
		{"pass then fail", "2025-03-01", DefaultThresholds(), []*domain.EquipmentTest{accepted, p(2, "2025-01-01", "pass"), p(3, "2025-02-01", "fail")}, []string{EqpProtectionFailed}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := checkEquipment(t, equipmentFacts(tc.tests...), day(tc.asOf), tc.th)
			if got := distinct(fs); !slices.Equal(got, sorted(tc.want...)) {
				t.Fatalf("rules = %q, want %q", got, sorted(tc.want...))
			}
		})
	}
}

func TestEquipmentScope(t *testing.T) {
	tests := []struct {
		name           string
		typ            string
		interventional bool
		licences       []*domain.Licence
		want           bool
	}{
		{"CT, X-ray licence", "ct", false, []*domain.Licence{licence(5, 1, "2020-01-10", "2030-01-10", "xray_imaging")}, false},
		{"CT, item ct covers the category", "ct", false, []*domain.Licence{licence(5, 1, "2020-01-10", "2030-01-10", "ct")}, false},
		{"DSA, X-ray licence", "dsa", false, []*domain.Licence{licence(5, 1, "2020-01-10", "2030-01-10", "xray_imaging")}, true},
		{"C-arm for imaging, X-ray licence", "c_arm", false, []*domain.Licence{licence(5, 1, "2020-01-10", "2030-01-10", "general_xray")}, false},
		{"C-arm for intervention, X-ray licence", "c_arm", true, []*domain.Licence{licence(5, 1, "2020-01-10", "2030-01-10", "xray_imaging", "ct")}, true},
		{"C-arm for intervention, interventional licence", "c_arm", true, []*domain.Licence{licence(5, 1, "2020-01-10", "2030-01-10", "interventional")}, false},
		{"C-arm for imaging, interventional-only licence", "c_arm", false, []*domain.Licence{licence(5, 1, "2020-01-10", "2030-01-10", "interventional")}, true},
		{"linac, radiotherapy", "linac", false, []*domain.Licence{licence(5, 1, "2020-01-10", "2030-01-10", "radiotherapy")}, false},
		{"PET-CT, item pet", "pet_ct", false, []*domain.Licence{licence(5, 1, "2020-01-10", "2030-01-10", "pet")}, false},
		{"PET-CT, X-ray licence", "pet_ct", false, []*domain.Licence{licence(5, 1, "2020-01-10", "2030-01-10", "xray_imaging")}, true},
		{"no licence: INS-LICENCE-MISSING's business", "dsa", false, nil, false},
		{"unknown type: no category to compare", "teleporter", false, []*domain.Licence{licence(5, 1, "2020-01-10", "2030-01-10", "xray_imaging")}, false},
		{"newer licence without the category supersedes", "dsa", false, []*domain.Licence{
			licence(5, 1, "2020-01-10", "2030-01-10", "interventional"), licence(6, 1, "2024-01-10", "2030-01-10", "xray_imaging")}, true},
		{"expired licence still defines the scope", "dsa", false, []*domain.Licence{licence(5, 1, "2020-01-10", "2024-01-10", "xray_imaging")}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := equipmentFacts(eqTest(1, 7, "acceptance", "2025-01-01", "pass"), eqTest(2, 7, "protection", "2025-01-01", "pass"))
			f.Equipment.Type, f.Equipment.Interventional, f.Licences = tc.typ, tc.interventional, tc.licences
			fs := checkEquipment(t, f, day("2025-03-01"), DefaultThresholds())
			if got := len(findingsOf(fs, EqpOutOfScope)) == 1; got != tc.want || len(fs) > 1 {
				t.Fatalf("out of scope = %v, want %v (findings %v)", got, tc.want, ruleIDs(fs))
			}
		})
	}
}

// TestEquipmentNotInUse: idle or scrapped equipment, and any equipment of
// a suspended or closed institution, has no findings at all.
func TestEquipmentNotInUse(t *testing.T) {
	for name, mutate := range map[string]func(*EquipmentFacts){
		"idle":                   func(f *EquipmentFacts) { f.Equipment.Status = "idle" },
		"scrapped":               func(f *EquipmentFacts) { f.Equipment.Status = "scrapped" },
		"retired":                func(f *EquipmentFacts) { f.Equipment.Retired = true },
		"institution suspended":  func(f *EquipmentFacts) { f.Institution.Status = "suspended" },
		"institution closed":     func(f *EquipmentFacts) { f.Institution.Status = "closed" },
		"institution retired":    func(f *EquipmentFacts) { f.Institution.Retired = true },
		"no institution":         func(f *EquipmentFacts) { f.Institution = nil },
		"another's institution":  func(f *EquipmentFacts) { f.Institution.ID = 2 },
		"no equipment":           func(f *EquipmentFacts) { f.Equipment = nil },
		"unknown status (empty)": func(f *EquipmentFacts) { f.Equipment.Status = "" },
	} {
		t.Run(name, func(t *testing.T) {
			f := equipmentFacts() // no tests, a DSA: would fire everything if in use
			if f.Equipment != nil {
				f.Equipment.Type = "dsa"
			}
			mutate(&f)
			if fs := CheckEquipment(f, day("2025-03-01"), DefaultThresholds()); len(fs) != 0 {
				t.Errorf("findings for equipment not in use: %v", ruleIDs(fs))
			}
		})
	}
	// The control: the same facts in use fire.
	f := equipmentFacts()
	f.Equipment.Type = "dsa"
	if fs := checkEquipment(t, f, day("2025-03-01"), DefaultThresholds()); len(fs) != 3 {
		t.Errorf("in use: %v", ruleIDs(fs))
	}
}

func TestEquipmentMessages(t *testing.T) {
	fs := checkEquipment(t, equipmentFacts(eqTest(1, 7, "acceptance", "2024-05-10", "pass"), eqTest(2, 7, "protection", "2025-01-01", "pass")),
		day("2025-05-11"), DefaultThresholds())
	want := "设备 CT（型号 uCT 760，出厂编号 A123）最近一次合格的验收或状态检测为2024-05-10，已超过1年（应于2025-05-10前完成），" +
		"违反《放射诊疗管理规定》第二十条(二)（每年至少进行一次状态检测）、第四十一条(三)。"
	if len(fs) != 1 || zh(fs[0]) != want {
		t.Fatalf("message:\n got %v\nwant %q", fs, want)
	}
	f := fs[0]
	if f.SubjectKey != codeA+"/A123" || f.SubjectID != 7 || f.Institution != codeA || f.InstitutionID != 1 {
		t.Errorf("subject %q id %d institution %q/%d", f.SubjectKey, f.SubjectID, f.Institution, f.InstitutionID)
	}
	if zhFact(f, "last_passed") != "2024-05-10" || zhFact(f, "deadline") != "2025-05-10" || zhFact(f, "serial_no") != "A123" {
		t.Errorf("evidence %v", f.Evidence)
	}

	fs = checkEquipment(t, equipmentFacts(eqTest(1, 7, "acceptance", "2024-05-10", "pass"), eqTest(2, 7, "protection", "2025-01-01", "pass")),
		day("2025-05-01"), DefaultThresholds())
	want = "设备 CT（型号 uCT 760，出厂编号 A123）最近一次合格的验收或状态检测为2024-05-10，下次状态检测应于2025-05-10前完成，" +
		"请于2025-05-10前委托有资质的检测机构完成状态检测。"
	if len(fs) != 1 || zh(fs[0]) != want {
		t.Errorf("notice:\n got %v\nwant %q", fs, want)
	}

	e := equipmentFacts(eqTest(1, 7, "acceptance", "2024-05-10", "pass"), eqTest(2, 7, "protection", "2025-01-01", "pass"))
	e.Equipment.Name, e.Equipment.Type = "", "dsa"
	fs = checkEquipment(t, e, day("2025-03-01"), DefaultThresholds())
	want = "设备 DSA（型号 uCT 760，出厂编号 A123）属于介入放射学类，不在《放射诊疗许可证》（编号 豫卫放证字（2020）第005号）" +
		"许可的类别（X射线影像诊断）之内，仍在使用，违反《放射诊疗管理规定》第三十八条(三)（超出批准范围从事放射诊疗工作）。"
	if len(fs) != 1 || zh(fs[0]) != want {
		t.Errorf("scope:\n got %v\nwant %q", fs, want)
	}
}
