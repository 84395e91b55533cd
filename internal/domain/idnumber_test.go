package domain

import (
	"errors"
	"testing"
	"time"
)

// withIDCheck appends the correct check character to 17 digits, so that a
// test case exercises the check it names rather than the checksum.
func withIDCheck(first17 string) string {
	return first17 + string(IDCheckChar(first17))
}

func TestIDCheckChar(t *testing.T) {
	tests := []struct {
		in   string
		want byte
	}{
		{"11010519491231002", 'X'}, // published example 11010519491231002X
		{"44052418800101001", '4'}, // published example 440524188001010014
		// The 8th digit has weight 1, so it sets S (and Y) directly: Y 0..9.
		{"00000000000000000", '1'},
		{"00000001000000000", '0'},
		{"00000002000000000", 'X'},
		{"00000003000000000", '9'},
		{"00000004000000000", '8'},
		{"00000005000000000", '7'},
		{"00000006000000000", '6'},
		{"00000007000000000", '5'},
		{"00000008000000000", '4'},
		{"00000009000000000", '3'},
		{"00100000000000000", '2'}, // 3rd digit has weight 10: Y=10
		{"10000000000000000", '5'}, // weight 7: Y=7
		{"00000000000000001", 'X'}, // weight 2: Y=2
		{"1101051949123100", 0},    // 16 digits
		{"110105194912310021", 0},  // 18 digits
		{"1101051949123100X", 0},   // not a digit
		{"", 0},
	}
	for _, tt := range tests {
		if got := IDCheckChar(tt.in); got != tt.want {
			t.Errorf("IDCheckChar(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeIDNumber(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"already normal", "11010519491231002X", "11010519491231002X"},
		{"lower-case x", "11010519491231002x", "11010519491231002X"},
		{"spaces", " \u300011010519491231002x\u00A0", "11010519491231002X"},
		{"full-width", "１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"},
		{"full-width upper X", "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"},
		{"x not trailing untouched", "1101x0519491231002", "1101x0519491231002"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeIDNumber(tt.in); got != tt.want {
				t.Errorf("NormalizeIDNumber(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckIDNumber(t *testing.T) {
	today := NewDate(2024, time.June, 1)
	tests := []struct {
		name  string
		in    string
		today Date
		want  error
	}{
		{"published female example", "11010519491231002X", today, nil},
		{"published male example", "440524188001010014", today, nil},
		{"born 1800-01-01", withIDCheck("11010518000101001"), today, nil},
		{"born 1899-12-31", withIDCheck("11010518991231001"), today, nil},
		{"born on leap day", withIDCheck("11010520000229001"), today, nil},
		{"born today", withIDCheck("11010520240601001"), today, nil},
		{"zero today skips future check", withIDCheck("11010599991231001"), Date{}, nil},

		{"empty", "", today, ErrIDLength},
		{"17 chars", "11010519491231002", today, ErrIDLength},
		{"19 chars", "11010519491231002X0", today, ErrIDLength},
		{"19 chars with space", "11010519491231002X ", today, ErrIDLength},

		{"lower-case x raw", "11010519491231002x", today, ErrIDChars},
		{"full-width raw", "１１０１０５１９４９１２３１００２Ｘ", today, ErrIDChars},
		{"letter in body", "1101051949123100AX", today, ErrIDChars},
		{"X in body", "1101051949123100X2", today, ErrIDChars},
		{"bad check letter", "11010519491231002Y", today, ErrIDChars},
		{"space inside", "110105 9491231002X", today, ErrIDChars},

		{"Feb 30", withIDCheck("11010519490230002"), today, ErrIDBirthDate},
		{"Feb 29 non-leap 1900", withIDCheck("11010519000229001"), today, ErrIDBirthDate},
		{"month 13", withIDCheck("11010519491301002"), today, ErrIDBirthDate},
		{"month 00", withIDCheck("11010519490001002"), today, ErrIDBirthDate},
		{"day 00", withIDCheck("11010519491200002"), today, ErrIDBirthDate},
		{"Apr 31", withIDCheck("11010519490431002"), today, ErrIDBirthDate},
		{"before 1800", withIDCheck("11010517991231002"), today, ErrIDBirthDate},
		{"year 0000", withIDCheck("11010500000101002"), today, ErrIDBirthDate},
		{"tomorrow", withIDCheck("11010520240602001"), today, ErrIDBirthDate},
		{"far future", withIDCheck("11010530000101001"), today, ErrIDBirthDate},

		{"check char changed", "110105194912310021", today, ErrIDChecksum},
		{"17th digit changed", "11010519491231003X", today, ErrIDChecksum},
		{"first digit changed", "21010519491231002X", today, ErrIDChecksum},
		{"male example digit changed", "440524188001010024", today, ErrIDChecksum},
		{"two digits swapped", "11010519491231020X", today, ErrIDChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckIDNumber(tt.in, tt.today); !errors.Is(got, tt.want) {
				t.Errorf("CheckIDNumber(%q, %v) = %v, want %v", tt.in, tt.today, got, tt.want)
			}
		})
	}
}

func TestCheckIDNumberAfterNormalize(t *testing.T) {
	today := NewDate(2024, time.June, 1)
	tests := []struct {
		name    string
		in      string
		wantRaw error
	}{
		{"lower-case x", "11010519491231002x", ErrIDChars},
		{"full-width", "１１０１０５１９４９１２３１００２Ｘ", ErrIDChars},
		{"full-width lower x", "１１０１０５１９４９１２３１００２ｘ", ErrIDChars},
		{"padded", " 440524188001010014\u3000", ErrIDLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckIDNumber(tt.in, today); !errors.Is(got, tt.wantRaw) {
				t.Errorf("raw CheckIDNumber(%q) = %v, want %v", tt.in, got, tt.wantRaw)
			}
			n := NormalizeIDNumber(tt.in)
			if got := CheckIDNumber(n, today); got != nil {
				t.Errorf("CheckIDNumber(NormalizeIDNumber(%q) = %q) = %v, want nil", tt.in, n, got)
			}
		})
	}
}

func TestIDBirthDate(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"11010519491231002X", "1949-12-31", true},
		{"440524188001010014", "1880-01-01", true},
		{"11010520000229", "2000-02-29", true},
		{"11010519490230002X", "", false},
		{"11010519000229001X", "", false},
		{"11010519491301002X", "", false},
		{"1101051949123", "", false},
		{"110105194A1231002X", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := IDBirthDate(tt.in)
		if ok != tt.wantOK || got.String() != tt.want {
			t.Errorf("IDBirthDate(%q) = %q, %v, want %q, %v", tt.in, got.String(), ok, tt.want, tt.wantOK)
		}
	}
}

func TestIDGender(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"11010519491231002X", "F"},
		{"440524188001010014", "M"},
		{"11010519491231000X", "F"},
		{"11010519491231009X", "M"},
		{"11010519491231001", "M"},
		{"1101051949123100", ""},
		{"1101051949123100A", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := IDGender(tt.in); got != tt.want {
			t.Errorf("IDGender(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
