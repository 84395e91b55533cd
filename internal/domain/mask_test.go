package domain

import "testing"

func TestMask(t *testing.T) {
	ids := map[string]string{
		"41010219850315123X": "410102********123X",
		"":                   "",
		"12345":              "*****",
		"4101021985":         "4101021985"[:6] + "1985",
	}
	for in, want := range ids {
		if got := MaskIDNumber(in); got != want {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", in, got, want)
		}
	}
	phones := map[string]string{
		"13812345678":  "138****5678",
		"0371-6666888": "037*****6888",
		"66668888":     "66**8888",
		"12345":        "*****",
	}
	for in, want := range phones {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
