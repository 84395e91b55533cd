package xlsx

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"radsup/internal/domain"
)

// Whole numbers: counts and ids.

var (
	reValInt        = regexp.MustCompile(`^[+-]?\d+(?:\.0*)?$`)
	reValIntGrouped = regexp.MustCompile(`^[+-]?\d{1,3}(?:,\d{3})+(?:\.0*)?$`)
	reValDecimal    = regexp.MustCompile(`^[+-]?\d*\.\d+$`)
	// intUnits may follow an integer: 120张 (beds), 3天 (training days).
	intUnits = []string{"张", "天", "日", "个", "人"}
)

// parseInt reads a whole number: 12, 12.0 (Excel stores whole numbers as
// floats), 1,200, full-width digits, with an optional unit (张, 天). Counts
// (IntField) are bounded by ±2³¹, ids (RefField) by int64.
func parseInt(f domain.Field, raw string) (int64, error) {
	s := strings.ReplaceAll(removeBlankRunes(cleanValue(raw)), "−", "-")
	for _, u := range intUnits {
		if t, ok := strings.CutSuffix(s, u); ok && t != "" {
			s = t
			break
		}
	}
	if reValIntGrouped.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	if !reValInt.MatchString(s) {
		if reValDecimal.MatchString(s) {
			return 0, valueError(keyIntFraction.Msg(fieldName(f.ZH, f.EN), quoted(raw)))
		}
		return 0, valueError(keyIntNotNumber.Msg(fieldName(f.ZH, f.EN), quoted(raw)))
	}
	s, _, _ = strings.Cut(s, ".")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || (f.Type == domain.IntField && (n > math.MaxInt32 || n < math.MinInt32)) {
		return 0, valueError(keyIntTooLarge.Msg(fieldName(f.ZH, f.EN), quoted(raw)))
	}
	return n, nil
}
