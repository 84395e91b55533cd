package screening

import (
	"slices"
	"strings"
	"testing"

	"radsup/internal/domain"
)

func institutionFacts() InstitutionFacts {
	return InstitutionFacts{
		Institution: institution(1, codeA, "甲医院"),
		Licences:    []*domain.Licence{licence(5, 1, "2020-01-10", "2025-06-15", "xray_imaging")},
		Equipment:   []*domain.Equipment{device(7, 1, "ct", "A123"), device(8, 1, "dr", "B456")},
	}
}

func TestCheckInstitution(t *testing.T) {
	idle := func(f *InstitutionFacts) {
		for _, e := range f.Equipment {
			e.Status = "idle"
		}
	}
	noLicence := func(f *InstitutionFacts) { f.Licences = nil }
	tests := []struct {
		name   string
		asOf   string
		mutate func(*InstitutionFacts)
		want   []string
		due    string // DueOn of the finding, if any
	}{
		// valid_until 2025-06-15: due-soon window D … D+30, expired after.
		{"32 days before valid_until", "2025-05-14", nil, nil, ""},
		{"31 days before valid_until", "2025-05-15", nil, nil, ""},
		{"30 days before valid_until", "2025-05-16", nil, []string{InsLicenceExpiring}, "2025-06-15"},
		{"day before valid_until", "2025-06-14", nil, []string{InsLicenceExpiring}, "2025-06-15"},
		{"on valid_until", "2025-06-15", nil, []string{InsLicenceExpiring}, "2025-06-15"},
		{"day after valid_until", "2025-06-16", nil, []string{InsLicenceExpired}, ""},
		{"long expired", "2026-01-01", nil, []string{InsLicenceExpired}, ""},
		{"expired, equipment idle", "2025-06-16", idle, nil, ""},
		{"expired, equipment scrapped or retired", "2025-06-16", func(f *InstitutionFacts) {
			f.Equipment[0].Status = "scrapped"
			f.Equipment[1].Retired = true
		}, nil, ""},
		{"expiring, equipment idle: still reminded", "2025-06-01", idle, []string{InsLicenceExpiring}, "2025-06-15"},
		{"no licence, equipment in use", "2025-01-01", noLicence, []string{InsLicenceMissing}, ""},
		{"no licence, equipment idle", "2025-01-01", func(f *InstitutionFacts) { noLicence(f); idle(f) }, nil, ""},
		{"no licence, no equipment", "2025-01-01", func(f *InstitutionFacts) { noLicence(f); f.Equipment = nil }, nil, ""},
		{"retired licence is absent", "2025-01-01", func(f *InstitutionFacts) { f.Licences[0].Retired = true }, []string{InsLicenceMissing}, ""},
		{"licence issued after asOf is not yet known", "2019-12-31", nil, []string{InsLicenceMissing}, ""},
		{"licence issued on asOf counts", "2020-01-10", nil, nil, ""},
		{"another institution's equipment is ignored", "2025-01-01", func(f *InstitutionFacts) {
			noLicence(f)
			for _, e := range f.Equipment {
				e.InstitutionID = 2
			}
		}, nil, ""},
		{"newer licence supersedes an expired one", "2025-07-01", func(f *InstitutionFacts) {
			f.Licences = append(f.Licences, licence(6, 1, "2025-06-20", "2026-06-20", "xray_imaging"))
		}, nil, ""},
		{"newer licence supersedes even when listed first", "2025-07-01", func(f *InstitutionFacts) {
			f.Licences = append([]*domain.Licence{licence(6, 1, "2025-06-20", "2026-06-20", "xray_imaging")}, f.Licences...)
		}, nil, ""},
		{"expired licence newer than a valid one wins", "2025-07-01", func(f *InstitutionFacts) {
			f.Licences = append(f.Licences, licence(4, 1, "2019-01-01", "2027-01-01", "xray_imaging"))
		}, []string{InsLicenceExpired}, ""},
		{"suspended institution", "2025-06-16", func(f *InstitutionFacts) { f.Institution.Status = "suspended" }, nil, ""},
		{"closed institution without licence", "2025-01-01", func(f *InstitutionFacts) {
			f.Institution.Status = "closed"
			noLicence(f)
		}, nil, ""},
		{"retired institution", "2025-06-16", func(f *InstitutionFacts) { f.Institution.Retired = true }, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := institutionFacts()
			if tc.mutate != nil {
				tc.mutate(&f)
			}
			fs := checkInstitution(t, f, day(tc.asOf), DefaultThresholds())
			if got := ruleIDs(fs); !slices.Equal(got, tc.want) {
				t.Fatalf("rules = %q, want %q", got, tc.want)
			}
			for _, x := range fs {
				if x.SubjectType != SubjectInstitution || x.SubjectKey != codeA || x.Institution != codeA || x.SubjectID != 1 {
					t.Errorf("subject %s %s %s %d", x.SubjectType, x.SubjectKey, x.Institution, x.SubjectID)
				}
				if x.DueOn.String() != tc.due {
					t.Errorf("due %v, want %q", x.DueOn, tc.due)
				}
			}
		})
	}
}

func TestInstitutionMessages(t *testing.T) {
	f := institutionFacts()
	f.Equipment[1].Name = "DR"
	fs := checkInstitution(t, f, day("2025-07-15"), DefaultThresholds())
	want := "甲医院的《放射诊疗许可证》（编号 豫卫放证字（2020）第005号）校验有效期至2025-06-15，已逾期30天，" +
		"仍有在用放射诊疗设备2台，违反《放射诊疗管理规定》第十七条、第三十八条(二)（未按照规定进行校验）。"
	if len(fs) != 1 || zh(fs[0]) != want {
		t.Fatalf("message:\n got %v\nwant %q", fs, want)
	}
	if f := fs[0]; zhFact(f, "valid_until") != "2025-06-15" || zhFact(f, "in_use_count") != "2" || zhFact(f, "in_use") != "CT（A123）、DR（B456）" {
		t.Errorf("evidence %v", f.Evidence)
	}
	// The devices are listed by type and, if they have one (the second),
	// name, in no language.
	wantUsed := []domain.Item{{"type": "ct", "serial_no": "A123"}, {"equipment": "DR", "type": "dr", "serial_no": "B456"}}
	if got := fs[0].Evidence["in_use"]; !got.Equal(domain.ListFact(wantUsed)) {
		t.Errorf("in_use evidence %v, want %v", got, wantUsed)
	}

	f.Licences = nil
	fs = checkInstitution(t, f, day("2025-07-15"), DefaultThresholds())
	if len(fs) != 1 || !strings.Contains(zh(fs[0]), "有在用放射诊疗设备2台（CT（A123）、DR（B456）），但无《放射诊疗许可证》") {
		t.Errorf("missing-licence message: %v", fs)
	}

	fs = checkInstitution(t, institutionFacts(), day("2025-06-05"), DefaultThresholds())
	want = "甲医院的《放射诊疗许可证》（编号 豫卫放证字（2020）第005号）校验有效期至2025-06-15，还有10天到期，请于2025-06-15前向发证机关提交许可证校验申请。"
	if len(fs) != 1 || zh(fs[0]) != want {
		t.Errorf("notice message:\n got %v\nwant %q", fs, want)
	}
}

func TestInstitutionDueSoonThreshold(t *testing.T) {
	th := DefaultThresholds()
	th.DueSoonDays = 60
	fs := checkInstitution(t, institutionFacts(), day("2025-04-16"), th)
	if got := ruleIDs(fs); !slices.Equal(got, []string{InsLicenceExpiring}) {
		t.Errorf("60-day lead time: rules = %q", got)
	}
	if fs := checkInstitution(t, institutionFacts(), day("2025-04-15"), th); len(fs) != 0 {
		t.Errorf("61 days before: %v", fs)
	}
}
