package domain

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// Errors returned by CheckIDNumber, in the order the checks are made.
var (
	// ErrIDLength reports an ID number that is not 18 characters long.
	ErrIDLength = errors.New("ID number must be 18 characters long")
	// ErrIDChars reports an ID number whose first 17 characters are not all
	// ASCII digits or whose 18th character is neither a digit nor 'X'.
	ErrIDChars = errors.New("ID number must be 17 digits followed by a digit or X")
	// ErrIDBirthDate reports an ID number whose embedded birth date is not a
	// real calendar date, is before 1800-01-01 or is in the future.
	ErrIDBirthDate = errors.New("ID number contains an invalid birth date")
	// ErrIDChecksum reports an ID number whose check character is wrong.
	ErrIDChecksum = errors.New("ID number check character is wrong")
)

// idWeights are the GB 11643-1999 weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps S mod 11 to the GB 11643-1999 check character.
const idCheckChars = "10X98765432"

// idMinBirth is the earliest birth date accepted in an ID number. It is
// 1800-01-01 rather than 1900-01-01 because the standard's own published
// example, 440524188001010014, has the birth date 1880-01-01.
var idMinBirth = NewDate(1800, time.January, 1)

// NormalizeIDNumber cleans s (see Clean), which also folds full-width digits
// to ASCII, and upper-cases a trailing lower-case 'x'.
func NormalizeIDNumber(s string) string {
	s = Clean(s)
	if strings.HasSuffix(s, "x") {
		s = s[:len(s)-1] + "X"
	}
	return s
}

// CheckIDNumber validates an 18-character GB 11643-1999 citizen ID number
// that has already been passed through NormalizeIDNumber. It returns nil or
// one of ErrIDLength, ErrIDChars, ErrIDBirthDate and ErrIDChecksum, checked
// in that order. The birth date must not be after today; if today is the
// zero Date the future check is skipped.
func CheckIDNumber(s string, today Date) error {
	if utf8.RuneCountInString(s) != 18 {
		return ErrIDLength
	}
	if len(s) != 18 {
		// 18 runes but more bytes: some character is not ASCII.
		return ErrIDChars
	}
	for i := 0; i < 17; i++ {
		if !idIsDigit(s[i]) {
			return ErrIDChars
		}
	}
	if c := s[17]; !idIsDigit(c) && c != 'X' {
		return ErrIDChars
	}
	birth, ok := IDBirthDate(s)
	if !ok || birth.Before(idMinBirth) || (!today.IsZero() && birth.After(today)) {
		return ErrIDBirthDate
	}
	if IDCheckChar(s[:17]) != s[17] {
		return ErrIDChecksum
	}
	return nil
}

// IDCheckChar returns the GB 11643-1999 check character ('0'..'9' or 'X')
// for the first 17 digits of an ID number. It returns 0 if first17 is not
// exactly 17 ASCII digits.
func IDCheckChar(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if !idIsDigit(c) {
			return 0
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// IDBirthDate returns the birth date embedded in characters 7..14 (YYYYMMDD)
// of an ID number. ok is false if s is too short or those characters are not
// a real calendar date. No range check is made.
func IDBirthDate(s string) (Date, bool) {
	if len(s) < 14 {
		return Date{}, false
	}
	var n [3]int
	for k, part := range [3]string{s[6:10], s[10:12], s[12:14]} {
		for i := 0; i < len(part); i++ {
			if !idIsDigit(part[i]) {
				return Date{}, false
			}
			n[k] = n[k]*10 + int(part[i]-'0')
		}
	}
	y, m, d := n[0], n[1], n[2]
	if m < 1 || m > 12 || d < 1 || d > idDaysInMonth(y, time.Month(m)) {
		return Date{}, false
	}
	return NewDate(y, time.Month(m), d), true
}

// IDGender returns "M" if the 17th digit of an ID number is odd, "F" if it
// is even, and "" if s is shorter than 17 characters or that character is
// not a digit.
func IDGender(s string) string {
	if len(s) < 17 || !idIsDigit(s[16]) {
		return ""
	}
	if (s[16]-'0')%2 == 1 {
		return "M"
	}
	return "F"
}

// idDaysInMonth returns the number of days in month m of year y
// (proleptic Gregorian calendar).
func idDaysInMonth(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// idIsDigit reports whether c is '0'..'9'.
func idIsDigit(c byte) bool { return c >= '0' && c <= '9' }
