package enforcement_test

import (
	"fmt"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/screening"
)

func TestChecklistIsTheSpecs(t *testing.T) {
	items := enforcement.Checklist()
	if len(items) != 18 {
		t.Fatalf("%d items, want 18", len(items))
	}
	keys := map[string]bool{"JC-01": true, "JC-02": true, "JC-04": true, "JC-08": true, "JC-10": true, "JC-11": true,
		"JC-12": true, "JC-13": true, "JC-15": true}
	for i, it := range items {
		if want := fmt.Sprintf("JC-%02d", i+1); it.Code != want {
			t.Errorf("item %d is %s, want %s", i, it.Code, want)
		}
		if it.Title == "" || it.TitleEN == "" || it.Basis == "" {
			t.Errorf("%s lacks a title or a legal basis: %+v", it.Code, it)
		}
		if it.Key != keys[it.Code] {
			t.Errorf("%s key item = %v", it.Code, it.Key)
		}
		for _, c := range it.Categories {
			if !domain.Categories.Has(c) {
				t.Errorf("%s names an unknown category %q", it.Code, c)
			}
		}
	}
	nm := map[string]bool{"nuclear_medicine": true}
	xr := map[string]bool{"xray_imaging": true}
	rt := map[string]bool{"radiotherapy": true}
	for _, c := range []struct {
		code string
		cats map[string]bool
		want bool
	}{
		{"JC-16", nm, true}, {"JC-16", rt, true}, {"JC-16", xr, false},
		{"JC-17", nm, true}, {"JC-17", rt, false}, {"JC-17", xr, false},
		{"JC-01", xr, true}, {"JC-01", nil, true},
	} {
		it, _ := enforcement.ChecklistItem(c.code)
		if got := it.AppliesTo(c.cats); got != c.want {
			t.Errorf("%s applies to %v = %v", c.code, c.cats, got)
		}
	}
}

func TestEveryRuleMapsToExactlyOneItem(t *testing.T) {
	for _, r := range screening.Catalog() {
		its := enforcement.RuleItems(r.ID)
		if len(its) != 1 {
			t.Errorf("%s maps to %v, want exactly one item", r.ID, its)
			continue
		}
		if _, ok := enforcement.ChecklistItem(its[0]); !ok {
			t.Errorf("%s maps to unknown item %s", r.ID, its[0])
		}
	}
	for rule, want := range map[string]string{"INS-LICENCE-EXPIRED": "JC-01", "EQP-OUT-OF-SCOPE": "JC-02",
		"EQP-STATUS-OVERDUE": "JC-12", "EQP-PROTECTION-FAILED": "JC-13", "PER-PERMIT-MISSING": "JC-08",
		"PER-TRAINING-OVERDUE": "JC-09", "PER-EXAM-UNFIT": "JC-11", "PER-MULTI-SITE": "JC-10", "NO-SUCH-RULE": ""} {
		if got := enforcement.RuleItem(rule); got != want {
			t.Errorf("%s → %q, want %q", rule, got, want)
		}
	}
}
