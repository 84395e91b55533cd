package xlsx

import (
	"regexp"
	"strings"

	"radsup/internal/domain"
)

// Codes Excel mangles: ID numbers, unified social credit codes, phone numbers.

var (
	// reValSciNumber is a number in scientific notation as Excel or a program shows it.
	reValSciNumber = regexp.MustCompile(`^\d+(?:\.\d*)?[eE][+-]?\d+$`)
	// reValExcelSci is the way Excel shows a long number in a General cell: 1.23457E+11.
	reValExcelSci = regexp.MustCompile(`^\d+(?:\.\d+)?E\+\d{2}$`)
	// reValFloatText is a number with a decimal point.
	reValFloatText = regexp.MustCompile(`^\d+\.\d*$`)
)

// stripApostrophes removes the apostrophes people put before a number to
// keep Excel from converting it (they survive in CSV files written by hand).
func stripApostrophes(s string) string {
	for {
		t := strings.TrimLeftFunc(s, func(r rune) bool { return r == '\'' || r == '‘' || r == '’' || r == '`' })
		t = strings.TrimFunc(t, isBlankRune)
		if t == s {
			return s
		}
		s = t
	}
}

// lostDigits reports whether s is a number that Excel (or another program)
// stored as a floating-point number, losing digits: scientific notation,
// a decimal point, or 18 digits whose last three are 000 (Excel keeps 15
// significant digits) when check(s) says the code is not valid. A valid
// code is never a lost number, even if it reads as one: a credit code's
// letters may be a single E between digits (12410102401E400063).
func lostDigits(s string, check func(string) bool) bool {
	switch {
	case reValSciNumber.MatchString(s):
		return !check(s)
	case reValFloatText.MatchString(s):
		return true
	case len(s) == 18 && strings.HasSuffix(s, "000") && strings.Trim(s, "0123456789") == "":
		return !check(s)
	}
	return false
}

// ParseIDNumberText cleans an ID number as typed: folds full-width digits,
// trims and removes spaces and leading apostrophes, and upper-cases a final x.
// It does not validate the number (domain.CheckIDNumber does), but refuses a
// number that Excel turned into a number and so lost digits (4.10102E+17,
// 410102197901011000, 410102197901011234.0), saying how to enter it as text.
func ParseIDNumberText(raw string) (string, error) {
	s := removeBlankRunes(stripApostrophes(cleanValue(raw)))
	if lostDigits(s, func(s string) bool { return domain.CheckIDNumber(s, domain.Date{}) == nil }) {
		return "", valueError(keyIDNumberLost.Msg(quoted(raw)))
	}
	return domain.NormalizeIDNumber(s), nil
}

// parseCreditCodeText cleans a unified social credit code: as
// ParseIDNumberText, upper-cased.
func parseCreditCodeText(raw string) (string, error) {
	s := strings.ToUpper(removeBlankRunes(stripApostrophes(cleanValue(raw))))
	if lostDigits(s, func(s string) bool { return domain.CheckCreditCode(s) == nil }) {
		return "", valueError(keyCreditCodeLost.Msg(quoted(raw)))
	}
	return s, nil
}

// canonicalPhone cleans a phone number and, when that makes it valid,
// removes inner spaces and a +86 prefix and writes "0371 12345678" as
// 0371-12345678. Anything else is left for validation to report.
func canonicalPhone(raw string) string {
	s := cleanValue(raw)
	if domain.CheckPhone(s) == nil {
		return s
	}
	t := stripApostrophes(s)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "+86"), "(86)")
	t = strings.TrimFunc(t, isBlankRune)
	for _, c := range []string{
		removeBlankRunes(t),
		removeBlankRunes(strings.Replace(strings.Join(strings.Fields(t), "-"), "(", "", 1)),
		removeBlankRunes(strings.NewReplacer("(", "", ")", "-").Replace(t)),
	} {
		if domain.CheckPhone(c) == nil {
			return c
		}
	}
	return s
}
