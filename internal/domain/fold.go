package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// FoldWidth converts the full-width forms of printable ASCII (U+FF01..U+FF5E)
// to their ASCII counterparts (U+0021..U+007E) and the ideographic space
// U+3000 to an ASCII space. All other runes are left unchanged.
func FoldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFF01 + 0x21
		case r == 0x3000:
			return ' '
		}
		return r
	}, s)
}

// Clean applies FoldWidth and then trims leading and trailing white space,
// including the ideographic space U+3000 and the no-break space U+00A0.
func Clean(s string) string {
	return strings.TrimSpace(FoldWidth(s))
}

// HasControl reports whether s holds a control character (C0, DEL, C1:
// NUL, tab, line breaks …) or is not valid UTF-8.
func HasControl(s string) bool {
	return !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl)
}

// HasControlInText is HasControl for text of several lines (a reason, a
// note): line breaks and tabs are allowed there.
func HasControlInText(s string) bool {
	return !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
	})
}
