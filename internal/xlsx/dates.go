package xlsx

import (
	"fmt"
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

const dateHint = "请写成 2025-05-10 的形式（也可以写 2025/5/10、2025年5月10日 或 20250510）"

// dateForm says how a piece of text was read as a date.
type dateForm int

const (
	formNone   dateForm = iota // not a date at all
	formDate                   // a written date: y-m-d, y年m月d日, yyyymmdd
	formSerial                 // an Excel date serial
)

// dateProblem is why a date that has a date's form is not a real date: a
// clause to put after "日期“…”无效：".
type dateProblem string

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
	s := cleanValue(raw)
	if s == "" {
		return domain.Date{}, nil
	}
	if len(s) > maxDateLen {
		return domain.Date{}, valueErrorf("日期%s无法识别：%s。", quoteValue(raw), dateHint)
	}
	if m := reYearMonthDigits.FindStringSubmatch(s); m != nil && plausibleYearMonth(m[1], m[2]) {
		return domain.Date{}, valueErrorf("日期%s只有年和月：请写出完整的日期，如 2025-05-10。", quoteValue(raw))
	}
	d, form, prob := readDate(s, true)
	switch {
	case form == formNone:
		return domain.Date{}, valueErrorf("日期%s无法识别：%s。", quoteValue(raw), dateHint)
	case prob == "":
		return d, nil
	case form == formSerial:
		return domain.Date{}, valueErrorf("日期%s无效：%s", quoteValue(raw), prob)
	case !strings.Contains(string(prob), "请"):
		prob += "；请写成 2025-05-10 的形式"
	}
	return domain.Date{}, valueErrorf("日期%s无效：%s。", quoteValue(raw), prob)
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
			return domain.Date{}, formNone, ""
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
		dt, prob := fromSerial(n, s)
		if prob == notADate {
			return domain.Date{}, formNone, ""
		}
		return dt, formSerial, prob
	} else {
		return domain.Date{}, formNone, ""
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
		return domain.Date{}, dateProblem(fmt.Sprintf("年份应在%d至%d之间，请写完整的四位年份，如 2025-05-10", minDateYear, maxDateYear))
	case m < 1 || m > 12:
		return domain.Date{}, "月份应为1至12"
	case d < 1 || d > daysInMonth(y, time.Month(m)):
		return domain.Date{}, dateProblem(fmt.Sprintf("%d年%d月只有%d天，请核对日期", y, m, daysInMonth(y, time.Month(m))))
	}
	return domain.NewDate(y, time.Month(m), d), ""
}

// daysInMonth returns the number of days of month m of year y.
func daysInMonth(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// notADate is the problem fromSerial gives for a number out of range.
const notADate dateProblem = "\x00"

// fromSerial converts an Excel 1900-system serial; text is the number as
// written. A number from 1800 to 2200 is a year (2025) or year.month
// (2025.5) written alone, not a serial of 1904–1906.
func fromSerial(n int, text string) (domain.Date, dateProblem) {
	switch {
	case n >= minDateYear && n <= 2200 && !strings.Contains(text, "."):
		return domain.Date{}, "只写了年份，请写出完整的日期，如 2025-05-10。"
	case n >= minDateYear && n <= 2200:
		return domain.Date{}, "只写了年和月，请写出完整的日期，如 2025-05-10。"
	case n == 60:
		return domain.Date{}, "Excel日期序号60对应的1900年2月29日并不存在（Excel沿用的历史错误），请直接写出日期，如 2025-05-10。"
	case n < 1 || n > maxExcelSerial:
		return domain.Date{}, notADate
	case n < 60:
		return domain.NewDate(1899, time.December, 31).AddDate(0, 0, n), ""
	}
	return domain.NewDate(1899, time.December, 30).AddDate(0, 0, n), ""
}

func plausibleYearMonth(y, m string) bool {
	yy, mm := atoiDigits(y), atoiDigits(m)
	return yy >= 1900 && yy <= 2200 && mm >= 1 && mm <= 12
}
