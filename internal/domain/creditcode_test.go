package domain

import (
	"errors"
	"testing"
)

func TestCreditCheckChar(t *testing.T) {
	tests := []struct {
		in   string
		want byte
	}{
		{"91350100M000100Y4", '3'},
		{"12430621446197071", 'C'},
		{"12431225448464938", 'R'},
		{"00000000000000000", '0'}, // sum 0 → 31 → 0
		{"10000000000000000", 'Y'}, // sum 1 → 30 → 'Y'
		{"9135010000000000", 0},    // 16 chars
		{"91350100M000100Y43", 0},  // 18 chars
		{"91350100I000100Y4", 0},   // I is not in the alphabet
		{"91350100m000100y4", 0},   // lower case is not in the alphabet
		{"", 0},
	}
	for _, tt := range tests {
		if got := CreditCheckChar(tt.in); got != tt.want {
			t.Errorf("CreditCheckChar(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeCreditCode(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"91350100M000100Y43", "91350100M000100Y43"},
		{"91350100m000100y43", "91350100M000100Y43"},
		{"\u3000 91350100M000100Y43\u00A0", "91350100M000100Y43"},
		{"９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"},
		{"９１３５０１００ｍ０００１００ｙ４３", "91350100M000100Y43"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeCreditCode(tt.in); got != tt.want {
			t.Errorf("NormalizeCreditCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckCreditCode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"example 1", "91350100M000100Y43", nil},
		{"example 2", "12430621446197071C", nil},
		{"example 3", "12431225448464938R", nil},
		{"check char 0", "000000000000000000", nil},

		{"empty", "", ErrCreditLength},
		{"17 chars", "91350100M000100Y4", ErrCreditLength},
		{"19 chars", "91350100M000100Y430", ErrCreditLength},

		{"lower-case raw", "91350100m000100y43", ErrCreditChars},
		{"full-width raw", "９１３５０１００Ｍ０００１００Ｙ４３", ErrCreditChars},
		{"letter I", "91350100I000100Y43", ErrCreditChars},
		{"letter O", "91350100O000100Y43", ErrCreditChars},
		{"letter S", "91350100S000100Y43", ErrCreditChars},
		{"letter V", "91350100V000100Y43", ErrCreditChars},
		{"letter Z", "91350100Z000100Y43", ErrCreditChars},
		{"check char Z", "91350100M000100Y4Z", ErrCreditChars},
		{"hyphen", "91350100-000100Y43", ErrCreditChars},
		{"inner space", "91350100 000100Y43", ErrCreditChars},

		{"check char changed", "91350100M000100Y44", ErrCreditChecksum},
		{"body char changed", "91350100M000200Y43", ErrCreditChecksum},
		{"first char changed", "92350100M000100Y43", ErrCreditChecksum},
		{"letter changed", "12430621446197071D", ErrCreditChecksum},
		{"two chars swapped", "12431225448464983R", ErrCreditChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckCreditCode(tt.in); !errors.Is(got, tt.want) {
				t.Errorf("CheckCreditCode(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckCreditCodeAfterNormalize(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantRaw error
	}{
		{"lower-case", "91350100m000100y43", ErrCreditChars},
		{"lower-case check char", "12430621446197071c", ErrCreditChars},
		{"full-width", "９１３５０１００Ｍ０００１００Ｙ４３", ErrCreditChars},
		{"full-width lower-case", "１２４３１２２５４４８４６４９３８ｒ", ErrCreditChars},
		{"padded", "\u300012431225448464938R ", ErrCreditLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckCreditCode(tt.in); !errors.Is(got, tt.wantRaw) {
				t.Errorf("raw CheckCreditCode(%q) = %v, want %v", tt.in, got, tt.wantRaw)
			}
			n := NormalizeCreditCode(tt.in)
			if got := CheckCreditCode(n); got != nil {
				t.Errorf("CheckCreditCode(NormalizeCreditCode(%q) = %q) = %v, want nil", tt.in, n, got)
			}
		})
	}
}
