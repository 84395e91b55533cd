package domain

import "strings"

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
