package domain

import (
	"errors"
	"time"
)

// Date is a calendar date without a time of day or zone. The zero Date means
// "no date" (an empty optional field).
type Date struct {
	t time.Time // always midnight UTC when set
}

// ErrDateFormat reports a date that is not in the form 2006-01-02.
var ErrDateFormat = errors.New("date must be YYYY-MM-DD")

// ErrDateRange reports a date outside the years a record can have
// (MinYear to MaxYear): year 0 and the like, which one database accepts and
// the other refuses.
var ErrDateRange = errors.New("date out of range")

// The years a date may have.
const (
	MinYear = 1800
	MaxYear = 9999
)

// NewDate returns the date y-m-d, normalised as time.Date does (Feb 30 → Mar 2).
func NewDate(y int, m time.Month, d int) Date {
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// ParseDate parses an ISO date (2006-01-02). The empty string gives the zero Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, ErrDateFormat
	}
	if t.Year() < MinYear || t.Year() > MaxYear {
		return Date{}, ErrDateRange
	}
	return Date{t}, nil
}

// MustDate parses s or panics; for tests and literals.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is the empty date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return d.t }

// String formats d as 2006-01-02, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// Start returns the first instant of d in loc: a filter "from d" starts
// there, one "to d" (inclusive) ends before d.AddDate(0, 0, 1).Start(loc).
func (d Date) Start(loc *time.Location) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
}

// Year, Month and Day return the parts of d.
func (d Date) Year() int         { return d.t.Year() }
func (d Date) Month() time.Month { return d.t.Month() }
func (d Date) Day() int          { return d.t.Day() }

// AddDate adds calendar years, months and days (see time.Time.AddDate).
func (d Date) AddDate(years, months, days int) Date {
	return Date{d.t.AddDate(years, months, days)}
}

// Before, After and Equal compare two dates.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }
func (d Date) After(o Date) bool  { return d.t.After(o.t) }
func (d Date) Equal(o Date) bool  { return d.t.Equal(o.t) }

// DaysUntil returns the number of days from d to o (negative if o is earlier).
func (d Date) DaysUntil(o Date) int {
	return int(o.t.Sub(d.t).Hours() / 24)
}

// MarshalText formats d as 2006-01-02.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses 2006-01-02 (or "" for no date).
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
