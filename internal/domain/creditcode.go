package domain

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Errors returned by CheckCreditCode, in the order the checks are made.
var (
	// ErrCreditLength reports a credit code that is not 18 characters long.
	ErrCreditLength = errors.New("unified social credit code must be 18 characters long")
	// ErrCreditChars reports a credit code containing a character outside
	// 0-9 and the upper-case letters other than I, O, S, V and Z.
	ErrCreditChars = errors.New("unified social credit code contains an invalid character")
	// ErrCreditChecksum reports a credit code whose check character is wrong.
	ErrCreditChecksum = errors.New("unified social credit code check character is wrong")
)

// creditAlphabet lists the GB 32100-2015 characters; each one's value is its index.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are the GB 32100-2015 weights of the first 17 characters.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// NormalizeCreditCode cleans s (see Clean), which also folds full-width
// characters to ASCII, and upper-cases it.
func NormalizeCreditCode(s string) string {
	return strings.ToUpper(Clean(s))
}

// NormalizeSerial folds a device's serial number (出厂编号) as every path
// stores, finds and compares it: full-width folded, trimmed, upper case.
// Manufacturers print them in either case; one device has one number.
func NormalizeSerial(s string) string { return strings.ToUpper(Clean(s)) }

// CheckCreditCode validates an 18-character GB 32100-2015 unified social
// credit code that has already been passed through NormalizeCreditCode.
// It returns nil or one of ErrCreditLength, ErrCreditChars and
// ErrCreditChecksum, checked in that order. Only the check character is
// verified; the embedded GB 11714 organization code is not.
func CheckCreditCode(s string) error {
	if utf8.RuneCountInString(s) != 18 {
		return ErrCreditLength
	}
	if len(s) != 18 {
		// 18 runes but more bytes: some character is not ASCII.
		return ErrCreditChars
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(creditAlphabet, s[i]) < 0 {
			return ErrCreditChars
		}
	}
	if CreditCheckChar(s[:17]) != s[17] {
		return ErrCreditChecksum
	}
	return nil
}

// CreditCheckChar returns the GB 32100-2015 check character for the first
// 17 characters of a unified social credit code. It returns 0 if first17 is
// not exactly 17 characters from the code alphabet.
func CreditCheckChar(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditAlphabet, first17[i])
		if v < 0 {
			return 0
		}
		sum += v * creditWeights[i]
	}
	return creditAlphabet[(31-sum%31)%31]
}
