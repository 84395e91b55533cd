// Package xlsx reads and writes the spreadsheets institutions exchange with
// radsup: workbook/CSV ↔ rows of canonical strings with cell-addressed
// problems; no database.
package xlsx

import (
	"strconv"
	"strings"
	"unicode"

	"radsup/internal/domain"
)

// This file turns what people type into cells into the canonical strings
// domain.Assign accepts (spec/formats.md "Values").

// cleanValue folds full-width characters (domain.FoldWidth) and trims white
// space, the ideographic space, NBSP and zero-width characters at both ends.
// It is domain.Clean plus the zero-width characters copy-and-paste brings in,
// so domain.Clean of its result changes nothing.
func cleanValue(s string) string {
	return strings.TrimFunc(domain.FoldWidth(s), isBlankRune)
}

func isBlankRune(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return unicode.IsSpace(r)
}

// removeBlankRunes drops every blank rune (see isBlankRune) from s.
func removeBlankRunes(s string) string {
	return strings.Map(func(r rune) rune {
		if isBlankRune(r) {
			return -1
		}
		return r
	}, s)
}

// quoteValue quotes a raw value for a message: cleaned, made valid UTF-8
// without control characters, and shortened.
func quoteValue(raw string) string {
	s := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(cleanValue(raw), "\uFFFD"))
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return "“" + s + "”"
}

// Canonical converts what a person typed in a cell for field f into the canonical string
// that domain.Assign accepts for that field type, or returns a *ValueError.
// "" stays "" (emptiness/required is checked elsewhere).
//
// Canonical forms: dates 2006-01-02; integers in plain decimal (no plus
// sign, leading zeros or decimals); doses in mSv with 3 decimals; yes/no
// "true"/"false"; enumerations their key; lists their keys joined by ",";
// text cleaned as domain.Clean does (which also folds full-width
// punctuation). By field key: id_number goes through ParseIDNumberText,
// credit_code likewise (upper-cased), phone loses spaces and +86 when that
// makes it valid; division_code also takes any 6-digit code, street any
// text (the record's validation checks it against its division). A text
// cell that Excel showed in scientific notation (1.23457E+11) is refused.
func Canonical(f domain.Field, raw string) (string, error) {
	if cleanValue(raw) == "" {
		return "", nil
	}
	switch f.Type {
	case domain.DateField:
		d, err := ParseDate(raw)
		if err != nil {
			return "", err
		}
		return d.String(), nil
	case domain.IntField, domain.RefField:
		n, err := parseInt(f, raw)
		if err != nil {
			return "", err
		}
		return strconv.FormatInt(n, 10), nil
	case domain.DoseField:
		d, err := parseDose(f, raw)
		if err != nil {
			return "", err
		}
		return d.String(), nil
	case domain.BoolField:
		b, err := parseBool(f, raw)
		if err != nil {
			return "", err
		}
		return strconv.FormatBool(b), nil
	case domain.ListField:
		return canonicalList(f, raw)
	case domain.EnumField:
		return canonicalEnum(f, raw)
	}
	switch f.Key {
	case "id_number":
		return ParseIDNumberText(raw)
	case "credit_code":
		return parseCreditCodeText(raw)
	}
	s := cleanValue(raw)
	if reValExcelSci.MatchString(s) {
		return "", valueError(keyExcelSci.Msg(fieldName(f.ZH, f.EN), quoted(raw)))
	}
	if f.Key == "phone" {
		return canonicalPhone(s), nil
	}
	return s, nil
}
