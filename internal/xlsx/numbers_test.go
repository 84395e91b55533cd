package xlsx

import (
	"testing"
)

func TestCanonicalIntegers(t *testing.T) {
	checkCanonical(t, []canonicalCase{
		{"institution", "beds", "12", "12", ""},
		{"institution", "beds", "12.0", "12", ""},
		{"institution", "beds", "12.", "12", ""},
		{"institution", "beds", "１２", "12", ""},
		{"institution", "beds", "1,200", "1200", ""},
		{"institution", "beds", "120张", "120", ""},
		{"institution", "beds", "007", "7", ""},
		{"institution", "beds", "0", "0", ""},
		{"institution", "beds", "+5", "5", ""},
		{"institution", "beds", "-3", "-3", ""}, // validation says it must not be negative
		{"training", "days", "3天", "3", ""},
		{"institution", "beds", "12.5", "", "床位数“12.5”不是整数：请填写整数，如 12。"},
		{"institution", "beds", "十二", "", "床位数“十二”不是数字：请填写整数，如 12。"},
		{"institution", "beds", "1,20", "!", ""},
		{"institution", "beds", "99999999999", "", "床位数“99999999999”数值过大：请核对后填写。"},
		{"employment", "institution_id", "42", "42", ""},
		{"employment", "institution_id", "42.0", "42", ""},
	})
}
