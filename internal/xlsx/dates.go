package xlsx

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"radsup/internal/domain"
)

// Dates: what people write for a day, and Excel's date serials.

var (
	// reValTimeSuffix splits a trailing time of day (with optional seconds,
	// fraction and zone) from a date: "2025-05-10 00:00:00", "2025-05-10T08:30Z".
	reValTimeSuffix = regexp.MustCompile(`^(.*?\d日?)(?:\s+|T)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$`)
	// reDateSep is y-m-d with one of - / . as separator (checked to be the same twice).
	reDateSep = regexp.MustCompile(`^(\d{4})([-/.])(\d{1,2})([-/.])(\d{1,2})$`)
	reDateZH  = regexp.MustCompile(`^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$`)
	// reDateCompact is yyyymmdd, possibly as Excel's float ("20250510.0").
	reDateCompact = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})(?:\.0*)?$`)
	// reValSerial is an Excel date serial, possibly with a time-of-day fraction.
	reValSerial = regexp.MustCompile(`^(\d{1,7})(?:\.\d*)?$`)
	// reYearMonthDigits is yyyymm written as one number.
	reYearMonthDigits = regexp.MustCompile(`^(\d{4})(\d{2})$`)
)

const (
	minDateYear = 1800 // the earliest birth date an ID number may carry
	maxDateYear = 9999
	// maxExcelSerial is 9999-12-31, the last day Excel can show.
	maxExcelSerial = 2958465
)

// maxDateLen bounds the text read as a date: "2025年12月31日 23:59:59.999999999+08:00" is 44 bytes.
const maxDateLen = 64

// dateForm says how a piece of text was read as a date.
type dateForm int

const (
	formNone   dateForm = iota // not a date at all
	formDate                   // a written date: y-m-d, y年m月d日, yyyymmdd
	formSerial                 // an Excel date serial
)

// dateProblem is why a date that has a date's form is not a real date: a
// clause of a message such as "the date … is not valid: …". The zero
// dateProblem is none.
type dateProblem struct {
	clause Message
	bare   bool // says what is wrong but not how to write a date
}

// none reports whether there is no problem.
func (p dateProblem) none() bool { return p.clause.Key == "" }

func problemOf(m Message) dateProblem { return dateProblem{clause: m} }

// ParseDate reads a date in any of the forms of spec/formats.md "Values":
// 2025-05-10, 2025-5-10, 2025/5/10, 2025.5.10, 2025年5月10日, 20250510, each
// possibly followed by a time of day, and Excel date serials (45787 or
// 45787.0 is 2025-05-10). "" gives the zero Date and no error.
//
// Serials use Excel's 1900 date system: 1 is 1900-01-01 and 59 is
// 1900-02-28; 60 is Excel's fictitious 1900-02-29 and is refused; from 61
// (1900-03-01) on a serial n is 1899-12-30 plus n days. A whole number from
// 1800 to 2200 is taken to be a year (or with a decimal, year.month)
// written alone and refused rather than read as a serial in 1904–1906.
func ParseDate(raw string) (domain.Date, error) {
	if d, ok := isoDate(raw); ok {
		return d, nil
	}
	s := cleanValue(raw)
	if s == "" {
		return domain.Date{}, nil
	}
	if len(s) > maxDateLen {
		return domain.Date{}, valueError(keyDateUnreadable.Msg(quoted(raw)))
	}
	if m := reYearMonthDigits.FindStringSubmatch(s); m != nil && plausibleYearMonth(m[1], m[2]) {
		return domain.Date{}, valueError(keyDateYearMonth.Msg(quoted(raw)))
	}
	d, form, prob := readDate(s, true)
	switch {
	case form == formNone:
		return domain.Date{}, valueError(keyDateUnreadable.Msg(quoted(raw)))
	case prob.none():
		return d, nil
	case prob.bare:
		return domain.Date{}, valueError(keyDateInvalidForm.Msg(quoted(raw), Clause(prob.clause)))
	}
	return domain.Date{}, valueError(keyDateInvalid.Msg(quoted(raw), Clause(prob.clause)))
}

// isoDate reads a valid date written exactly "2025-03-31", the form most
// cells hold, without the general parser (which reads it the same).
func isoDate(s string) (domain.Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return domain.Date{}, false
	}
	n := [3]int{}
	for i, part := range [3]string{s[:4], s[5:7], s[8:]} {
		for _, c := range []byte(part) {
			if c < '0' || c > '9' {
				return domain.Date{}, false
			}
			n[i] = n[i]*10 + int(c-'0')
		}
	}
	d, prob := checkedDate(n[0], n[1], n[2])
	return d, prob.none()
}

// readDate reads cleaned text as a date. It reports the form it recognised
// (formNone if none) and, for a recognised form that is not a real date,
// the problem. Serials are read only if serials is set.
func readDate(s string, serials bool) (domain.Date, dateForm, dateProblem) {
	if m := reValTimeSuffix.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[2])
		mi, _ := strconv.Atoi(m[3])
		sec := 0
		if m[4] != "" {
			sec, _ = strconv.Atoi(m[4])
		}
		if h > 24 || mi > 59 || sec > 60 {
			return domain.Date{}, formNone, dateProblem{}
		}
		s = m[1]
	}
	s = removeBlankRunes(s)
	var y, mo, d string
	if m := reDateSep.FindStringSubmatch(s); m != nil && m[2] == m[4] {
		y, mo, d = m[1], m[3], m[5]
	} else if m := reDateZH.FindStringSubmatch(s); m != nil {
		y, mo, d = m[1], m[2], m[3]
	} else if m := reDateCompact.FindStringSubmatch(s); m != nil {
		y, mo, d = m[1], m[2], m[3]
	} else if m := reValSerial.FindStringSubmatch(s); m != nil && serials {
		n, _ := strconv.Atoi(m[1])
		dt, prob, inRange := fromSerial(n, s)
		if !inRange {
			return domain.Date{}, formNone, dateProblem{}
		}
		return dt, formSerial, prob
	} else {
		return domain.Date{}, formNone, dateProblem{}
	}
	dt, prob := checkedDate(atoiDigits(y), atoiDigits(mo), atoiDigits(d))
	return dt, formDate, prob
}

func atoiDigits(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// checkedDate checks y-m-d and returns the date or what is wrong with it.
func checkedDate(y, m, d int) (domain.Date, dateProblem) {
	switch {
	case y < minDateYear || y > maxDateYear:
		return domain.Date{}, problemOf(keyDateYearRange.Msg(Int(minDateYear), Int(maxDateYear)))
	case m < 1 || m > 12:
		return domain.Date{}, dateProblem{clause: keyDateMonthRange.Msg(), bare: true}
	case d < 1 || d > daysInMonth(y, time.Month(m)):
		month := Label(strconv.Itoa(m), time.Month(m).String())
		return domain.Date{}, problemOf(keyDateDaysInMonth.Msg(Int(y), month, Int(daysInMonth(y, time.Month(m)))))
	}
	return domain.NewDate(y, time.Month(m), d), dateProblem{}
}

// daysInMonth returns the number of days of month m of year y.
func daysInMonth(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// fromSerial converts an Excel 1900-system serial; text is the number as
// written. inRange is false for a number that is no serial at all. A
// number from 1800 to 2200 is a year (2025) or year.month (2025.5) written
// alone, not a serial of 1904–1906.
func fromSerial(n int, text string) (d domain.Date, prob dateProblem, inRange bool) {
	switch {
	case n >= minDateYear && n <= 2200 && !strings.Contains(text, "."):
		return domain.Date{}, problemOf(keyDateSerialYear.Msg()), true
	case n >= minDateYear && n <= 2200:
		return domain.Date{}, problemOf(keyDateSerialYearMon.Msg()), true
	case n == 60:
		return domain.Date{}, problemOf(keyDateSerial60.Msg()), true
	case n < 1 || n > maxExcelSerial:
		return domain.Date{}, dateProblem{}, false
	case n < 60:
		return domain.NewDate(1899, time.December, 31).AddDate(0, 0, n), dateProblem{}, true
	}
	return domain.NewDate(1899, time.December, 30).AddDate(0, 0, n), dateProblem{}, true
}

func plausibleYearMonth(y, m string) bool {
	yy, mm := atoiDigits(y), atoiDigits(m)
	return yy >= 1900 && yy <= 2200 && mm >= 1 && mm <= 12
}
