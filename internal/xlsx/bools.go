package xlsx

import (
	"slices"
	"strings"

	"radsup/internal/domain"
)

// Yes/no cells.

var (
	boolTrueWords  = []string{"是", "y", "yes", "true", "t", "1", "1.0", "✓", "✔", "√", "☑", "有", "对", "on"}
	boolFalseWords = []string{"否", "n", "no", "false", "f", "0", "0.0", "✗", "✘", "×", "☐", "□", "无", "没有", "不是", "错", "off"}
)

// ParseBool reads yes/no: 是/否, Y/N, yes/no, true/false, 1/0, ✓/✗/×, √,
// 有/无, in any letter case. "" is false with no error.
func ParseBool(raw string) (bool, error) {
	return parseBool(domain.Field{}, raw)
}

func parseBool(f domain.Field, raw string) (bool, error) {
	s := strings.ToLower(removeBlankRunes(cleanValue(raw)))
	switch {
	case s == "":
		return false, nil
	case slices.Contains(boolTrueWords, s):
		return true, nil
	case slices.Contains(boolFalseWords, s):
		return false, nil
	}
	return false, valueError(keyBool.Msg(fieldName(f.ZH, f.EN), quoted(raw)))
}
