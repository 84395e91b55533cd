package xlsx

import (
	"testing"
)

func TestParseBool(t *testing.T) {
	for _, in := range []string{"是", "Y", "y", "yes", "YES", "Yes", "true", "TRUE", "1", "1.0", "✓", "✔", "√", "有", " 是 ", "１", "ｙｅｓ"} {
		if b, err := ParseBool(in); err != nil || !b {
			t.Errorf("ParseBool(%q) = %v, %v; want true", in, b, err)
		}
	}
	for _, in := range []string{"否", "N", "n", "no", "NO", "false", "FALSE", "0", "✗", "✘", "×", "无", "", "  "} {
		if b, err := ParseBool(in); err != nil || b {
			t.Errorf("ParseBool(%q) = %v, %v; want false", in, b, err)
		}
	}
	for _, in := range []string{"也许", "2", "是的吧", "x"} {
		_, err := ParseBool(in)
		wantValueError(t, in, err, "")
	}
	_, err := ParseBool("也许")
	wantValueError(t, "也许", err, "“也许”无法识别为是或否：请填写“是”或“否”。")
	_, err = Canonical(testField(t, "dose", "below_mdl"), "也许")
	wantValueError(t, "也许", err, "低于探测下限“也许”无法识别为是或否：请填写“是”或“否”。")
}

func TestCanonicalBools(t *testing.T) {
	checkCanonical(t, []canonicalCase{
		{"dose", "below_mdl", "是", "true", ""},
		{"dose", "below_mdl", "否", "false", ""},
		{"dose", "lost", "Y", "true", ""},
		{"dose", "lost", "n", "false", ""},
		{"dose", "lost", "TRUE", "true", ""},
		{"dose", "lost", "✓", "true", ""},
		{"dose", "lost", "×", "false", ""},
		{"equipment", "interventional", "有", "true", ""},
		{"equipment", "interventional", "无", "false", ""},
		{"equipment", "interventional", "1", "true", ""},
		{"equipment", "interventional", "0", "false", ""},
		{"equipment", "interventional", "true", "true", ""},
		{"equipment", "interventional", "不知道", "", "用于介入“不知道”无法识别为是或否：请填写“是”或“否”。"},
	})
}
