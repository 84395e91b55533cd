package domain

import (
	"errors"
	"testing"
)

func TestCheckPhone(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"mobile 13x", "13812345678", nil},
		{"mobile 19x", "19912345678", nil},
		{"mobile 15x", "15000000000", nil},
		{"landline 3-digit area 8-digit", "010-12345678", nil},
		{"landline 4-digit area 7-digit", "0755-1234567", nil},
		{"landline 4-digit area 8-digit", "0571-87654321", nil},
		{"landline 3-digit area 7-digit", "021-1234567", nil},
		{"extension 1 digit", "010-12345678-1", nil},
		{"extension 6 digits", "0755-1234567-123456", nil},

		{"empty", "", ErrPhone},
		{"mobile 12x", "12812345678", ErrPhone},
		{"mobile 10 digits", "1381234567", ErrPhone},
		{"mobile 12 digits", "138123456789", ErrPhone},
		{"mobile not starting with 1", "23812345678", ErrPhone},
		{"mobile with +86", "+8613812345678", ErrPhone},
		{"mobile with spaces", "138 1234 5678", ErrPhone},
		{"mobile with letter", "1381234567a", ErrPhone},
		{"mobile full-width", "１３８１２３４５６７８", ErrPhone},
		{"mobile trailing newline", "13812345678\n", ErrPhone},
		{"landline no hyphen", "01012345678", ErrPhone},
		{"landline area not starting 0", "110-12345678", ErrPhone},
		{"landline area too short", "01-12345678", ErrPhone},
		{"landline area too long", "07551-1234567", ErrPhone},
		{"landline local too short", "010-123456", ErrPhone},
		{"landline local too long", "010-123456789", ErrPhone},
		{"landline empty extension", "010-12345678-", ErrPhone},
		{"landline extension 7 digits", "010-12345678-1234567", ErrPhone},
		{"landline parentheses", "(010)12345678", ErrPhone},
		{"landline space separator", "010 12345678", ErrPhone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckPhone(tt.in); !errors.Is(got, tt.want) {
				t.Errorf("CheckPhone(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
