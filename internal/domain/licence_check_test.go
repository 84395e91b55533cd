package domain

import (
	"strconv"
	"testing"
)

// TestCheckYearsByKind: every institution kind at 99 and at 100 beds, and
// without beds filed: the hospitals and 妇幼保健院 go to three years at 100
// beds, every other kind stays at one (《医疗机构管理条例实施细则》第三十五条).
func TestCheckYearsByKind(t *testing.T) {
	want := map[string]int{ // years at 100 beds
		"general_hospital": 3, "tcm_hospital": 3, "specialist_hospital": 3, "maternal_child": 3, "dental_hospital": 3,
		"community_centre": 1, "township_centre": 1, "outpatient": 1, "clinic": 1, "dental_clinic": 1, "checkup_centre": 1,
		"other": 1, // without a unit category: not a kind the article lists
	}
	for _, o := range InstitutionKinds.Options {
		w, ok := want[o.Key]
		if !ok {
			t.Errorf("institution kind %s (%s) has no expected 校验期: decide it under 第三十五条", o.Key, o.ZH)
			continue
		}
		for _, c := range []struct {
			beds *int
			want int
		}{{nil, 1}, {ptr(0), 1}, {ptr(99), 1}, {ptr(100), w}, {ptr(800), w}} {
			inst := &Institution{Kind: o.Key, Beds: c.beds}
			if got := CheckYears(inst); got != c.want {
				t.Errorf("%s (%s) with %s beds: %d years, want %d", o.Key, o.ZH, bedsText(c.beds), got, c.want)
			}
		}
	}
}

// TestCheckYearsOtherByUnit: an institution of kind other is decided by
// its unit category: 医院, 妇幼保健院, 疗养院, 急救中心, 临床检验机构 and
// 专科疾病防治机构 are listed, the rest are not. A listed unit category does
// not lengthen a kind that is not other (a 诊所 stays a 诊所).
func TestCheckYearsOtherByUnit(t *testing.T) {
	want := map[string]int{
		"hospital": 3, "maternal_child": 3, "sanatorium": 3, "emergency_centre": 3, "clinical_lab": 3, "disease_control": 3,
		"community": 1, "health_centre": 1, "outpatient": 1, "clinic": 1, "village_clinic": 1, "nursing_home": 1, "other": 1,
	}
	for _, o := range UnitCategories.Options {
		w, ok := want[o.Key]
		if !ok {
			t.Errorf("unit category %s (%s) has no expected 校验期", o.Key, o.ZH)
			continue
		}
		if got := CheckYears(&Institution{Kind: "other", UnitCategory: o.Key, Beds: ptr(99)}); got != 1 {
			t.Errorf("other/%s with 99 beds: %d years, want 1", o.Key, got)
		}
		if got := CheckYears(&Institution{Kind: "other", UnitCategory: o.Key, Beds: ptr(100)}); got != w {
			t.Errorf("other/%s with 100 beds: %d years, want %d", o.Key, got, w)
		}
		if got := CheckYears(&Institution{Kind: "clinic", UnitCategory: o.Key, Beds: ptr(100)}); got != 1 {
			t.Errorf("clinic/%s with 100 beds: %d years, want 1", o.Key, got)
		}
	}
	if got := CheckYears(nil); got != 1 {
		t.Errorf("no institution: %d years, want 1", got)
	}
}

// TestProposedNextDue: the check date plus the interval, on the same day;
// 29 February goes to 28 February of a common year.
func TestProposedNextDue(t *testing.T) {
	hospital := &Institution{Kind: "general_hospital", Beds: ptr(500)}
	clinic := &Institution{Kind: "clinic"}
	for _, c := range []struct {
		inst     *Institution
		on, want string
	}{
		{hospital, "2026-06-30", "2029-06-30"},
		{clinic, "2026-06-30", "2027-06-30"},
		{clinic, "2024-02-29", "2025-02-28"},
		{hospital, "2024-02-29", "2027-02-28"},
		{&Institution{Kind: "general_hospital", Beds: ptr(99)}, "2026-01-31", "2027-01-31"},
	} {
		if got := ProposedNextDue(c.inst, MustDate(c.on)); got.String() != c.want {
			t.Errorf("%s with %s beds, checked %s: %s, want %s", c.inst.Kind, bedsText(c.inst.Beds), c.on, got, c.want)
		}
	}
	if got := ProposedNextDue(hospital, Date{}); !got.IsZero() {
		t.Errorf("no check date: %s, want none", got)
	}
}

func ptr(n int) *int { return &n }

func bedsText(b *int) string {
	if b == nil {
		return "no"
	}
	return strconv.Itoa(*b)
}
