package domain

import (
	"errors"
	"regexp"
)

// ErrPhone reports a phone number that is neither a mainland mobile number
// nor a landline number with area code.
var ErrPhone = errors.New("phone must be a mobile number (1XXXXXXXXXX) or a landline 0XX(X)-XXXXXXX(X) with optional -extension")

var (
	// phoneMobile matches an 11-digit mainland mobile number.
	phoneMobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	// phoneLandline matches an area code, a local number and an optional extension.
	phoneLandline = regexp.MustCompile(`^0[0-9]{2,3}-[0-9]{7,8}(-[0-9]{1,6})?$`)
)

// CheckPhone validates an already cleaned phone number (see Clean). It
// accepts a mainland mobile number such as 13812345678, or a landline number
// such as 010-12345678 or 0755-1234567, optionally followed by an extension
// of 1 to 6 digits (010-12345678-123). It returns nil or ErrPhone.
func CheckPhone(s string) error {
	if phoneMobile.MatchString(s) || phoneLandline.MatchString(s) {
		return nil
	}
	return ErrPhone
}
