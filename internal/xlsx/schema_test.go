package xlsx

import (
	"slices"
	"testing"
)

// TestKindsAsFormatsSays: the kinds derived from the domain description
// have the names, sheets, natural keys and leading reference columns that
// spec/formats.md lists.
func TestKindsAsFormatsSays(t *testing.T) {
	want := []struct {
		name, sheet string
		key, refs   []string
	}{
		{"institutions", "机构", []string{"credit_code"}, nil},
		{"licences", "许可证", []string{"credit_code", "licence_no"}, []string{"credit_code"}},
		{"licence_acts", "许可证记录", []string{"credit_code", "licence_no", "kind", "on"}, []string{"credit_code", "licence_no"}},
		{"people", "人员", []string{"id_number"}, nil},
		{"employments", "任职", []string{"id_number", "credit_code", "started_on"}, []string{"id_number", "credit_code"}},
		{"trainings", "培训", []string{"id_number", "taken_on", "kind"}, []string{"id_number"}},
		{"exams", "体检", []string{"id_number", "examined_on", "kind"}, []string{"id_number"}},
		{"doses", "剂量", []string{"id_number", "credit_code", "period_start"}, []string{"id_number", "credit_code"}},
		{"equipment", "设备", []string{"credit_code", "serial_no"}, []string{"credit_code"}},
		{"tests", "检测", []string{"credit_code", "serial_no", "kind", "tested_on"}, []string{"credit_code", "serial_no"}},
	}
	if len(Kinds) != len(want) {
		t.Fatalf("%d kinds, want %d", len(Kinds), len(want))
	}
	for i, w := range want {
		k := Kinds[i]
		var refs []string
		for _, c := range k.Columns {
			if c.Field == nil && c.Key != "period" && !c.ReadOnly {
				refs = append(refs, c.Key)
			}
		}
		if k.Name != w.name || k.Sheet != w.sheet || !slices.Equal(k.Key, w.key) || !slices.Equal(refs, w.refs) {
			t.Errorf("kind %d: %s %s key %v refs %v; want %s %s key %v refs %v", i, k.Name, k.Sheet, k.Key, refs,
				w.name, w.sheet, w.key, w.refs)
		}
		for _, c := range k.Columns {
			if c.Key == "credit_code" || c.Key == "id_number" || c.Key == "serial_no" {
				if !c.Text {
					t.Errorf("%s: code column %s is not kept as text", k.Name, c.Key)
				}
			}
		}
	}
}
