package domain

import "testing"

func TestFoldWidth(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", ""},
		{"ascii unchanged", "abc 123-XYZ", "abc 123-XYZ"},
		{"full-width digits", "１２３４５６７８９０", "1234567890"},
		{"full-width letters", "ＡＢＣｘｙｚ", "ABCxyz"},
		{"full-width range ends", "\uFF01\uFF5E", "!~"},
		{"full-width hyphen", "０１０－１２３４５６７８", "010-12345678"},
		{"ideographic space", "a\u3000b", "a b"},
		{"just outside range", "\uFF00\uFF5F", "\uFF00\uFF5F"},
		{"nbsp unchanged", "a\u00A0b", "a\u00A0b"},
		{"cjk unchanged", "张三", "张三"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FoldWidth(tt.in); got != tt.want {
				t.Errorf("FoldWidth(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", ""},
		{"only spaces", " \t\u3000\u00A0 ", ""},
		{"ascii trim", "  abc \n", "abc"},
		{"ideographic space trim", "\u3000abc\u3000", "abc"},
		{"nbsp trim", "\u00A0abc\u00A0", "abc"},
		{"inner space kept", " a\u3000b ", "a b"},
		{"fold and trim", "\u3000１２３ｘ\u00A0", "123x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHasControl(t *testing.T) {
	for s, want := range map[string]bool{
		"中原区医院": false, "a b": false, "": false, "a\x00b": true, "技师\n": true, "\t": true, "x\x7f": true,
		"\u0085": true, "\xff": true,
	} {
		if got := HasControl(s); got != want {
			t.Errorf("HasControl(%q) = %v", s, got)
		}
	}
	if HasControlInText("第一行\n第二行\t备注") || !HasControlInText("a\x00") {
		t.Error("HasControlInText: lines and tabs are text, NUL is not")
	}
}

func TestParseDateYears(t *testing.T) {
	for s, want := range map[string]error{
		"1799-12-31": ErrDateRange, "1800-01-01": nil, "9999-12-31": nil, "0000-02-29": ErrDateRange,
		"2026-02-30": ErrDateFormat,
	} {
		if _, err := ParseDate(s); err != want {
			t.Errorf("ParseDate(%s) = %v, want %v", s, err, want)
		}
	}
}
