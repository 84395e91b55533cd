package domain

import (
	"errors"
	"strconv"
	"strings"
)

// Dose is a dose in micro-sieverts, kept as an integer so that thresholds
// compare exactly. Doses are entered and shown in mSv with at most 3 decimals.
// The zero Dose with Set false means "not recorded".
type Dose struct {
	MicroSv int64
	Set     bool
}

// ErrDoseFormat reports a dose that is not a non-negative number with at most 3 decimals.
var ErrDoseFormat = errors.New("dose must be a number of mSv with at most 3 decimals")

// MicroSv returns a recorded dose of n micro-sieverts.
func MicroSv(n int64) Dose { return Dose{MicroSv: n, Set: true} }

// ParseDose parses mSv such as "1.25" or "0.005". "" gives an unset Dose.
func ParseDose(s string) (Dose, error) {
	if s == "" {
		return Dose{}, nil
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || len(frac) > 3 || (hasDot && frac == "") {
		return Dose{}, ErrDoseFormat
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return Dose{}, ErrDoseFormat
			}
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1_000_000 {
		return Dose{}, ErrDoseFormat
	}
	frac += strings.Repeat("0", 3-len(frac))
	f, _ := strconv.ParseInt(frac, 10, 64)
	return MicroSv(w*1000 + f), nil
}

// String formats the dose in mSv with 3 decimals, or "" when unset.
func (d Dose) String() string {
	if !d.Set {
		return ""
	}
	return strconv.FormatInt(d.MicroSv/1000, 10) + "." + leftPad(strconv.FormatInt(d.MicroSv%1000, 10), 3)
}

// IsZero reports whether the dose is unset (for JSON omitzero).
func (d Dose) IsZero() bool { return !d.Set }

// MarshalJSON writes the dose as a JSON number of mSv, or null.
func (d Dose) MarshalJSON() ([]byte, error) {
	if !d.Set {
		return []byte("null"), nil
	}
	return []byte(d.String()), nil
}

// UnmarshalJSON reads a JSON number of mSv, or null; a string is refused
// (docs/api.md: doses are numbers).
func (d *Dose) UnmarshalJSON(b []byte) error {
	s := string(b)
	if strings.HasPrefix(s, `"`) {
		return ErrDoseText
	}
	if s == "null" {
		*d = Dose{}
		return nil
	}
	v, err := ParseDose(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ErrDoseText reports a dose sent as a JSON string instead of a number.
var ErrDoseText = errors.New("dose must be a JSON number")

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}
