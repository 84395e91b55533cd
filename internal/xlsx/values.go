// Package xlsx reads and writes the spreadsheets institutions exchange with
// radsup: workbook/CSV ↔ rows of canonical strings with cell-addressed
// problems; no database.
package xlsx

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"radsup/internal/domain"
)

// This file turns what people type into cells into the canonical strings
// domain.Assign accepts (spec/formats.md "Values").

// ValueError is a problem with one cell's value: Message is one Chinese sentence saying
// what is wrong and what would be right, e.g. "日期“2025-13-01”无效：月份应为1至12；请写成 2025-05-10 的形式。"
type ValueError struct{ Message string }

func (e *ValueError) Error() string { return e.Message }

func valueErrorf(format string, args ...any) *ValueError {
	return &ValueError{Message: fmt.Sprintf(format, args...)}
}

// cleanValue folds full-width characters (domain.FoldWidth) and trims white
// space, the ideographic space, NBSP and zero-width characters at both ends.
// It is domain.Clean plus the zero-width characters copy-and-paste brings in,
// so domain.Clean of its result changes nothing.
func cleanValue(s string) string {
	return strings.TrimFunc(domain.FoldWidth(s), isBlankRune)
}

func isBlankRune(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return unicode.IsSpace(r)
}

// removeBlankRunes drops every blank rune (see isBlankRune) from s.
func removeBlankRunes(s string) string {
	return strings.Map(func(r rune) rune {
		if isBlankRune(r) {
			return -1
		}
		return r
	}, s)
}

// quoteValue quotes a raw value for a message: cleaned, made valid UTF-8
// without control characters, and shortened.
func quoteValue(raw string) string {
	s := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(cleanValue(raw), "\uFFFD"))
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return "“" + s + "”"
}

// Canonical converts what a person typed in a cell for field f into the canonical string
// that domain.Assign accepts for that field type, or returns a *ValueError.
// "" stays "" (emptiness/required is checked elsewhere).
//
// Canonical forms: dates 2006-01-02; integers in plain decimal (no plus
// sign, leading zeros or decimals); doses in mSv with 3 decimals; yes/no
// "true"/"false"; enumerations their key; lists their keys joined by ",";
// text cleaned as domain.Clean does (which also folds full-width
// punctuation). By field key: id_number goes through ParseIDNumberText,
// credit_code likewise (upper-cased), phone loses spaces and +86 when that
// makes it valid; division_code also takes any 6-digit code, street any
// text (the record's validation checks it against its division). A text
// cell that Excel showed in scientific notation (1.23457E+11) is refused.
func Canonical(f domain.Field, raw string) (string, error) {
	if cleanValue(raw) == "" {
		return "", nil
	}
	switch f.Type {
	case domain.DateField:
		d, err := ParseDate(raw)
		if err != nil {
			return "", err
		}
		return d.String(), nil
	case domain.IntField, domain.RefField:
		n, err := parseInt(f, raw)
		if err != nil {
			return "", err
		}
		return strconv.FormatInt(n, 10), nil
	case domain.DoseField:
		d, err := parseDose(f, raw)
		if err != nil {
			return "", err
		}
		return d.String(), nil
	case domain.BoolField:
		b, err := parseBool(f, raw)
		if err != nil {
			return "", err
		}
		return strconv.FormatBool(b), nil
	case domain.ListField:
		return canonicalList(f, raw)
	case domain.EnumField:
		return canonicalEnum(f, raw)
	}
	switch f.Key {
	case "id_number":
		return ParseIDNumberText(raw)
	case "credit_code":
		return parseCreditCodeText(raw)
	}
	s := cleanValue(raw)
	if reValExcelSci.MatchString(s) {
		return "", valueErrorf("%s%s已被Excel转成了科学计数法，原来的数字已经丢失：请先把该列的单元格格式设为“文本”，再重新录入完整的内容。",
			f.ZH, quoteValue(raw))
	}
	if f.Key == "phone" {
		return canonicalPhone(s), nil
	}
	return s, nil
}

// ---------------------------------------------------------------- dates

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

// ---------------------------------------------------------------- periods

var (
	// Quarters: 2025年第1季度, 2025年1季度, 2025年一季度, 2025第1季, 2025Q1, 2025-Q1, Q1 2025.
	reQuarterZH = regexp.MustCompile(`^(\d{4})(?:年度?)?第?(\d|[一二三四五六七八九〇零])季(?:度)?$`)
	reQuarterQ  = regexp.MustCompile(`^(\d{4})(?:年度?)?[-_/.]?[qQ](\d)$`)
	reQuarterQ2 = regexp.MustCompile(`^[qQ](\d)[-_/.]?(\d{4})年?$`)
	// Months: 2025年3月, 2025年3月份, 2025-03, 2025/3, 2025.03, 202503.
	reMonthZH  = regexp.MustCompile(`^(\d{4})年(\d{1,2})月份?$`)
	reMonthSep = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})$`)
	// A month range within one year: 2025年1-3月, 2025年1月至3月.
	reMonthRange = regexp.MustCompile(`^(\d{4})年(\d{1,2})月?(?:~|〜|∼|至|到|-|—|–)(\d{1,2})月份?$`)
	// Year-less end dates: 3月31日, 3-31, 3/31, 3.31; year-less end month: 3月.
	reNoYearZH  = regexp.MustCompile(`^(\d{1,2})月(\d{1,2})[日号]?$`)
	reNoYearSep = regexp.MustCompile(`^(\d{1,2})[-/.](\d{1,2})$`)
	reNoYearMon = regexp.MustCompile(`^(\d{1,2})月份?$`)
	// A day alone ends a period in the start's month: 2025年3月1日至31日.
	reDayOnly = regexp.MustCompile(`^(\d{1,2})[日号]$`)
)

// periodSeparators are the separators other than "-" between two dates;
// full-width forms (～, －) are folded before this is used.
var periodSeparators = []string{"~", "〜", "∼", "至", "到", "——", "—", "–"}

// maxPeriodLen bounds the text read as a period (longer text is no period,
// and trying every "-" as the separator is quadratic).
const maxPeriodLen = 2*maxDateLen + 16

const periodHint = "请写成 2025-01-01~2025-03-31（起始日期~结束日期），或 2025年第1季度、2025Q1、2025年3月"

var chineseDigits = map[string]int{"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

// ParsePeriod reads a monitoring period (the one-cell column 监测周期): two
// dates in any form ParseDate reads except serials, separated by ~, ～, 〜, 至,
// 到, — or - (2025-01-01-2025-03-31 splits where both sides are dates); the
// end may leave out the year (2025年1月1日至3月31日, 2025-01-01~03-31) or the
// year and month (2025年3月1日至31日); a calendar quarter
// (2025年第1季度, 2025年一季度, 2025Q1, 2025 q1); a calendar month (2025年3月,
// 2025-03, 202503) or a range of months (2025年1-3月, 2025-01~2025-03).
// "" gives two zero dates and no error. The start must not be after the end.
func ParsePeriod(raw string) (start, end domain.Date, err error) {
	s := cleanValue(raw)
	if s == "" {
		return domain.Date{}, domain.Date{}, nil
	}
	if len(s) > maxPeriodLen {
		return domain.Date{}, domain.Date{}, valueErrorf("监测周期%s无法识别：%s。", quoteValue(raw), periodHint)
	}
	compact := removeBlankRunes(s)
	if y, q, ok := matchQuarter(compact); ok {
		if q < 1 || q > 4 {
			return domain.Date{}, domain.Date{}, valueErrorf("监测周期%s无效：季度应为1至4。", quoteValue(raw))
		}
		if y < minDateYear || y > maxDateYear {
			return domain.Date{}, domain.Date{}, valueErrorf("监测周期%s无效：年份应在%d至%d之间。", quoteValue(raw), minDateYear, maxDateYear)
		}
		start = domain.NewDate(y, time.Month(3*q-2), 1)
		return start, start.AddDate(0, 3, -1), nil
	}
	if y, m, ok := matchMonth(compact); ok {
		start, end, prob := monthSpan(y, m)
		if prob != "" {
			return domain.Date{}, domain.Date{}, valueErrorf("监测周期%s无效：%s。", quoteValue(raw), prob)
		}
		return start, end, nil
	}
	if m := reMonthRange.FindStringSubmatch(compact); m != nil {
		y := atoiDigits(m[1])
		start, _, p1 := monthSpan(y, atoiDigits(m[2]))
		_, end, p2 := monthSpan(y, atoiDigits(m[3]))
		if p := firstProblem(p1, p2); p != "" {
			return domain.Date{}, domain.Date{}, valueErrorf("监测周期%s无效：%s。", quoteValue(raw), p)
		}
		return checkOrder(raw, start, end)
	}
	type result struct{ start, end domain.Date }
	var found []result
	var problem dateProblem
	try := func(left, right string) {
		st, en, prob, ok := readRange(strings.TrimSpace(left), strings.TrimSpace(right))
		if ok && prob == "" {
			for _, r := range found {
				if r.start.Equal(st) && r.end.Equal(en) {
					return
				}
			}
			found = append(found, result{st, en})
		} else if ok && problem == "" {
			problem = prob
		}
	}
	for _, sep := range periodSeparators {
		if left, right, ok := strings.Cut(s, sep); ok {
			try(left, right)
		}
	}
	if len(found) == 0 && problem == "" {
		for i := range len(s) {
			if s[i] == '-' {
				try(s[:i], s[i+1:])
			}
		}
	}
	switch {
	case len(found) == 1:
		return checkOrder(raw, found[0].start, found[0].end)
	case len(found) > 1:
		return domain.Date{}, domain.Date{}, valueErrorf("监测周期%s有多种读法：请写成 2025-01-01~2025-03-31 的形式，起止日期之间用“~”或“至”分隔。", quoteValue(raw))
	case problem != "":
		return domain.Date{}, domain.Date{}, valueErrorf("监测周期%s中的日期无效：%s。", quoteValue(raw), problem)
	}
	single := strings.Trim(s, "~〜∼至到-—– ")
	if d, form, _ := readDate(single, false); form != formNone && d != (domain.Date{}) {
		return domain.Date{}, domain.Date{}, valueErrorf("监测周期%s只有一个日期：请写出起止日期，如 2025-01-01~2025-03-31，或写成 2025年第1季度。", quoteValue(raw))
	}
	return domain.Date{}, domain.Date{}, valueErrorf("监测周期%s无法识别：%s。", quoteValue(raw), periodHint)
}

func firstProblem(a, b dateProblem) dateProblem {
	if a != "" {
		return a
	}
	return b
}

func checkOrder(raw string, start, end domain.Date) (domain.Date, domain.Date, error) {
	if start.After(end) {
		return domain.Date{}, domain.Date{}, valueErrorf("监测周期%s的起始日期晚于结束日期：请把较早的日期写在前面，如 2025-01-01~2025-03-31。", quoteValue(raw))
	}
	return start, end, nil
}

// matchQuarter reads a calendar quarter; q may be out of 1..4 (the caller reports it).
func matchQuarter(s string) (y, q int, ok bool) {
	if m := reQuarterZH.FindStringSubmatch(s); m != nil {
		q, isZH := chineseDigits[m[2]]
		if !isZH {
			q = atoiDigits(m[2])
		}
		return atoiDigits(m[1]), q, true
	}
	if m := reQuarterQ.FindStringSubmatch(s); m != nil {
		return atoiDigits(m[1]), atoiDigits(m[2]), true
	}
	if m := reQuarterQ2.FindStringSubmatch(s); m != nil {
		return atoiDigits(m[2]), atoiDigits(m[1]), true
	}
	return 0, 0, false
}

// matchMonth reads a calendar month; m may be out of 1..12.
func matchMonth(s string) (y, m int, ok bool) {
	if x := reMonthZH.FindStringSubmatch(s); x != nil {
		return atoiDigits(x[1]), atoiDigits(x[2]), true
	}
	if x := reMonthSep.FindStringSubmatch(s); x != nil {
		return atoiDigits(x[1]), atoiDigits(x[2]), true
	}
	if x := reYearMonthDigits.FindStringSubmatch(s); x != nil && plausibleYearMonth(x[1], x[2]) {
		return atoiDigits(x[1]), atoiDigits(x[2]), true
	}
	return 0, 0, false
}

// monthSpan returns the first and last day of month m of year y.
func monthSpan(y, m int) (domain.Date, domain.Date, dateProblem) {
	start, prob := checkedDate(y, m, 1)
	if prob != "" {
		return domain.Date{}, domain.Date{}, prob
	}
	return start, start.AddDate(0, 1, -1), ""
}

// readRange reads the two sides of a period. ok reports that both sides have
// a recognised form; prob then says what is wrong with a date that has one.
func readRange(left, right string) (start, end domain.Date, prob dateProblem, ok bool) {
	if left == "" || right == "" {
		return
	}
	leftIsMonth := false
	start, form, prob := readDate(left, false)
	if form == formNone {
		y, m, isMonth := matchMonth(removeBlankRunes(left))
		if !isMonth {
			return domain.Date{}, domain.Date{}, "", false
		}
		leftIsMonth = true
		start, _, prob = monthSpan(y, m)
	}
	if prob != "" {
		return domain.Date{}, domain.Date{}, prob, true
	}
	end, form, prob = readDate(right, false)
	if form != formNone {
		return start, end, prob, true
	}
	r := removeBlankRunes(right)
	if m := reDayOnly.FindStringSubmatch(r); m != nil && !leftIsMonth {
		end, prob = checkedDate(start.Year(), int(start.Month()), atoiDigits(m[1]))
		return start, end, prob, true
	}
	if y, m, isMonth := matchMonth(r); isMonth {
		_, end, prob = monthSpan(y, m)
		return start, end, prob, true
	}
	// The end without a year takes the start's year, or the next year if
	// that would put it before the start.
	y := start.Year()
	var yearless func(y int) (domain.Date, dateProblem)
	if m := reNoYearMon.FindStringSubmatch(r); m != nil {
		yearless = func(y int) (domain.Date, dateProblem) {
			_, e, p := monthSpan(y, atoiDigits(m[1]))
			return e, p
		}
	} else if m := reNoYearZH.FindStringSubmatch(r); m != nil {
		yearless = func(y int) (domain.Date, dateProblem) { return checkedDate(y, atoiDigits(m[1]), atoiDigits(m[2])) }
	} else if m := reNoYearSep.FindStringSubmatch(r); m != nil && !leftIsMonth {
		yearless = func(y int) (domain.Date, dateProblem) { return checkedDate(y, atoiDigits(m[1]), atoiDigits(m[2])) }
	} else {
		return domain.Date{}, domain.Date{}, "", false
	}
	end, prob = yearless(y)
	if prob == "" && end.Before(start) {
		// (A day that year lacks, 2-29, is reported.)
		end, prob = yearless(y + 1)
	}
	return start, end, prob, true
}

// ---------------------------------------------------------------- yes/no

var (
	boolTrueWords  = []string{"是", "y", "yes", "true", "t", "1", "1.0", "✓", "✔", "√", "☑", "有", "对", "on"}
	boolFalseWords = []string{"否", "n", "no", "false", "f", "0", "0.0", "✗", "✘", "×", "☐", "□", "无", "没有", "不是", "错", "off"}
)

// ParseBool reads yes/no: 是/否, Y/N, yes/no, true/false, 1/0, ✓/✗/×, √,
// 有/无, in any letter case. "" is false with no error.
func ParseBool(raw string) (bool, error) {
	return parseBool(domain.Field{}, raw)
}

func parseBool(f domain.Field, raw string) (bool, error) {
	s := strings.ToLower(removeBlankRunes(cleanValue(raw)))
	switch {
	case s == "":
		return false, nil
	case slices.Contains(boolTrueWords, s):
		return true, nil
	case slices.Contains(boolFalseWords, s):
		return false, nil
	}
	return false, valueErrorf("%s%s无法识别为是或否：请填写“是”或“否”。", f.ZH, quoteValue(raw))
}

// ---------------------------------------------------------------- numbers

var (
	reValInt        = regexp.MustCompile(`^[+-]?\d+(?:\.0*)?$`)
	reValIntGrouped = regexp.MustCompile(`^[+-]?\d{1,3}(?:,\d{3})+(?:\.0*)?$`)
	reValDecimal    = regexp.MustCompile(`^[+-]?\d*\.\d+$`)
	// intUnits may follow an integer: 120张 (beds), 3天 (training days).
	intUnits = []string{"张", "天", "日", "个", "人"}
)

// parseInt reads a whole number: 12, 12.0 (Excel stores whole numbers as
// floats), 1,200, full-width digits, with an optional unit (张, 天). Counts
// (IntField) are bounded by ±2³¹, ids (RefField) by int64.
func parseInt(f domain.Field, raw string) (int64, error) {
	s := strings.ReplaceAll(removeBlankRunes(cleanValue(raw)), "−", "-")
	for _, u := range intUnits {
		if t, ok := strings.CutSuffix(s, u); ok && t != "" {
			s = t
			break
		}
	}
	if reValIntGrouped.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	if !reValInt.MatchString(s) {
		if reValDecimal.MatchString(s) {
			return 0, valueErrorf("%s%s不是整数：请填写整数，如 12。", f.ZH, quoteValue(raw))
		}
		return 0, valueErrorf("%s%s不是数字：请填写整数，如 12。", f.ZH, quoteValue(raw))
	}
	s, _, _ = strings.Cut(s, ".")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || (f.Type == domain.IntField && (n > math.MaxInt32 || n < math.MinInt32)) {
		return 0, valueErrorf("%s%s数值过大：请核对后填写。", f.ZH, quoteValue(raw))
	}
	return n, nil
}

// maxDoseMSv is the largest whole number of mSv domain.ParseDose accepts.
const maxDoseMSv = 1_000_000

var (
	reValDose    = regexp.MustCompile(`^(\d*)(?:\.(\d*))?$`)
	reValDoseSci = regexp.MustCompile(`^\d+(?:\.\d*)?e[+-]?\d{1,3}$`)
	// belowMDLMarks are what people write instead of a value below the
	// minimum detectable level.
	belowMDLMarks = []string{"mdl", "lld", "探测下限", "检测下限", "检出限", "探测限", "未检出", "低于", "小于", "<", "≤", "﹤", "＜"}
)

// parseDose reads a dose in mSv: 0.25, 0.250, .25, 0.25mSv, 0.25 mSv,
// 250μSv, full-width digits. At most 3 decimals (1 µSv); float noise such as
// 0.30000000000000004 is rounded away.
func parseDose(f domain.Field, raw string) (domain.Dose, error) {
	name := f.ZH
	if name == "" {
		name = "剂量"
	}
	s := strings.ToLower(removeBlankRunes(cleanValue(raw)))
	if s == "nd" || s == "n.d." || slices.ContainsFunc(belowMDLMarks, func(m string) bool { return strings.Contains(s, m) }) {
		return domain.Dose{}, valueErrorf("%s%s不是数值：低于探测下限的结果，请在本列填写记录值（通常为探测下限的一半，如探测下限为0.020 mSv时填0.010），并在“低于探测下限”列填“是”。",
			name, quoteValue(raw))
	}
	micro := false
	for _, u := range []string{"msv", "毫希沃特", "毫希"} {
		if t, ok := strings.CutSuffix(s, u); ok {
			s = t
			break
		}
	}
	for _, u := range []string{"μsv", "µsv", "usv", "微希沃特", "微希"} {
		if t, ok := strings.CutSuffix(s, u); ok {
			s, micro = t, true
			break
		}
	}
	bad := func() (domain.Dose, error) {
		return domain.Dose{}, valueErrorf("%s%s不是有效的剂量：请填写以mSv为单位、不小于0、最多3位小数的数值，如 0.250。", name, quoteValue(raw))
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") {
		return domain.Dose{}, valueErrorf("%s%s不能为负数：请填写不小于0的数值（单位mSv），如 0.250。", name, quoteValue(raw))
	}
	s = strings.TrimPrefix(s, "+")
	var n int64 // micro-sieverts
	switch m := reValDose.FindStringSubmatch(s); {
	case m != nil && (m[1] != "" || m[2] != ""):
		whole, frac := strings.TrimLeft(m[1], "0"), m[2]
		if micro {
			// µSv: whole micro-sieverts only.
			if strings.Trim(frac, "0") != "" {
				return domain.Dose{}, valueErrorf("%s%s小于1 μSv的部分无法记录：请换算成mSv并保留3位小数填写，如 0.012。", name, quoteValue(raw))
			}
			whole = strings.Repeat("0", max(0, 3-len(whole))) + whole
			whole, frac = whole[:len(whole)-3], whole[len(whole)-3:]
		}
		if len(frac) > 3 {
			rest := frac[3:]
			switch {
			case strings.Trim(rest, "0") == "":
				frac = frac[:3]
			case len(rest) >= 6 && (strings.HasPrefix(rest, "000000") || strings.HasPrefix(rest, "999999")):
				// Binary floating-point noise from a program's export.
				x, err := strconv.ParseFloat(m[1]+"."+m[2], 64)
				if err != nil || x*1000 > math.MaxInt64/2 {
					return bad()
				}
				n = int64(math.Round(x * 1000))
				return checkDose(name, raw, n)
			default:
				return domain.Dose{}, valueErrorf("%s%s的小数超过3位：请四舍五入到3位小数（单位mSv）后填写，如 %s。", name, quoteValue(raw), round3(m[1], frac))
			}
		}
		frac += strings.Repeat("0", 3-len(frac))
		if len(whole) > 7 {
			return domain.Dose{}, valueErrorf("%s%s过大：请确认单位为mSv。", name, quoteValue(raw))
		}
		w, _ := strconv.ParseInt("0"+whole, 10, 64)
		fr, _ := strconv.ParseInt(frac, 10, 64)
		n = w*1000 + fr
	case reValDoseSci.MatchString(s):
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || x*1000 > 1e15 {
			return domain.Dose{}, valueErrorf("%s%s过大：请确认单位为mSv。", name, quoteValue(raw))
		}
		if micro {
			x /= 1000
		}
		r := math.Round(x * 1000)
		if math.Abs(x*1000-r) > 1e-6 {
			return domain.Dose{}, valueErrorf("%s%s的小数超过3位：请四舍五入到3位小数（单位mSv）后填写。", name, quoteValue(raw))
		}
		n = int64(r)
	default:
		return bad()
	}
	return checkDose(name, raw, n)
}

func checkDose(name, raw string, microSv int64) (domain.Dose, error) {
	if microSv < 0 || microSv/1000 > maxDoseMSv {
		return domain.Dose{}, valueErrorf("%s%s过大：请确认单位为mSv。", name, quoteValue(raw))
	}
	return domain.MicroSv(microSv), nil
}

// round3 shows whole.frac rounded to 3 decimals, for a message.
func round3(whole, frac string) string {
	x, err := strconv.ParseFloat("0"+whole+"."+frac, 64)
	if err != nil {
		return "0.250"
	}
	return strconv.FormatFloat(x, 'f', 3, 64)
}

// ---------------------------------------------------------------- codes

var (
	// reValSciNumber is a number in scientific notation as Excel or a program shows it.
	reValSciNumber = regexp.MustCompile(`^\d+(?:\.\d*)?[eE][+-]?\d+$`)
	// reValExcelSci is the way Excel shows a long number in a General cell: 1.23457E+11.
	reValExcelSci = regexp.MustCompile(`^\d+(?:\.\d+)?E\+\d{2}$`)
	// reValFloatText is a number with a decimal point.
	reValFloatText = regexp.MustCompile(`^\d+\.\d*$`)
)

// stripApostrophes removes the apostrophes people put before a number to
// keep Excel from converting it (they survive in CSV files written by hand).
func stripApostrophes(s string) string {
	for {
		t := strings.TrimLeftFunc(s, func(r rune) bool { return r == '\'' || r == '‘' || r == '’' || r == '`' })
		t = strings.TrimFunc(t, isBlankRune)
		if t == s {
			return s
		}
		s = t
	}
}

// lostDigits reports whether s is a number that Excel (or another program)
// stored as a floating-point number, losing digits: scientific notation,
// a decimal point, or 18 digits whose last three are 000 (Excel keeps 15
// significant digits) when check(s) says the code is not valid.
func lostDigits(s string, check func(string) bool) bool {
	switch {
	case reValSciNumber.MatchString(s), reValFloatText.MatchString(s):
		return true
	case len(s) == 18 && strings.HasSuffix(s, "000") && strings.Trim(s, "0123456789") == "":
		return !check(s)
	}
	return false
}

// ParseIDNumberText cleans an ID number as typed: folds full-width digits,
// trims and removes spaces and leading apostrophes, and upper-cases a final x.
// It does not validate the number (domain.CheckIDNumber does), but refuses a
// number that Excel turned into a number and so lost digits (4.10102E+17,
// 410102197901011000, 410102197901011234.0), saying how to enter it as text.
func ParseIDNumberText(raw string) (string, error) {
	s := removeBlankRunes(stripApostrophes(cleanValue(raw)))
	if lostDigits(s, func(s string) bool { return domain.CheckIDNumber(s, domain.Date{}) == nil }) {
		return "", valueErrorf("身份证号%s已被Excel转成数字，末尾几位已经丢失，无法还原：请先把该列的单元格格式设为“文本”（或在号码前加英文单引号 '），再重新录入完整的18位身份证号。", quoteValue(raw))
	}
	return domain.NormalizeIDNumber(s), nil
}

// parseCreditCodeText cleans a unified social credit code: as
// ParseIDNumberText, upper-cased.
func parseCreditCodeText(raw string) (string, error) {
	s := strings.ToUpper(removeBlankRunes(stripApostrophes(cleanValue(raw))))
	if lostDigits(s, func(s string) bool { return domain.CheckCreditCode(s) == nil }) {
		return "", valueErrorf("统一社会信用代码%s已被Excel转成数字，末尾几位已经丢失，无法还原：请先把该列的单元格格式设为“文本”（或在代码前加英文单引号 '），再重新录入完整的18位代码。", quoteValue(raw))
	}
	return s, nil
}

// canonicalPhone cleans a phone number and, when that makes it valid,
// removes inner spaces and a +86 prefix and writes "0371 12345678" as
// 0371-12345678. Anything else is left for validation to report.
func canonicalPhone(raw string) string {
	s := cleanValue(raw)
	if domain.CheckPhone(s) == nil {
		return s
	}
	t := stripApostrophes(s)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "+86"), "(86)")
	t = strings.TrimFunc(t, isBlankRune)
	for _, c := range []string{
		removeBlankRunes(t),
		removeBlankRunes(strings.Replace(strings.Join(strings.Fields(t), "-"), "(", "", 1)),
		removeBlankRunes(strings.NewReplacer("(", "", ")", "-").Replace(t)),
	} {
		if domain.CheckPhone(c) == nil {
			return c
		}
	}
	return s
}

// ---------------------------------------------------------------- lists

// SplitItems splits a list cell on 、，,;；/ and line breaks, trims the items
// and drops empty ones. Separators inside brackets do not split
// ("放射治疗（加速器、后装）" is one item), nor does a / between two ASCII
// letters or digits ("PET/CT" is one item).
func SplitItems(raw string) []string {
	return splitItems(raw, true)
}

// splitItems is SplitItems, splitting on "/" only if slash is set.
func splitItems(raw string, slash bool) []string {
	rs := []rune(domain.FoldWidth(raw))
	var items []string
	depth, from := 0, 0
	flush := func(to int) {
		if it := cleanValue(string(rs[from:to])); it != "" {
			items = append(items, it)
		}
		from = to + 1
	}
	for i, r := range rs {
		switch r {
		case '(', '[', '{', '【', '〔', '（':
			depth++
		case ')', ']', '}', '】', '〕', '）':
			depth = max(0, depth-1)
		case '、', ',', '，', ';', '；', '\n', '\r', '\t':
			if depth == 0 {
				flush(i)
			}
		case '/':
			if slash && depth == 0 && !(i > 0 && i+1 < len(rs) && isASCIIAlnum(rs[i-1]) && isASCIIAlnum(rs[i+1])) {
				flush(i)
			}
		}
	}
	flush(len(rs))
	return items
}

func isASCIIAlnum(r rune) bool {
	return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// canonicalList resolves each item of a list cell with the field's
// enumeration and joins the keys with "," (what domain.Assign splits with
// domain.SplitList), in the order written, without repeats.
func canonicalList(f domain.Field, raw string) (string, error) {
	if f.Enum == nil {
		// No list field is without an enumeration (domain.Assign needs one).
		return strings.Join(SplitItems(raw), ","), nil
	}
	var keys, unknown []string
	// Items are split on "/" only if the whole does not resolve: "质子/重离子"
	// is one item, "CT/DR" two.
	for _, it := range splitItems(raw, false) {
		ks, bad := resolveItem(f.Enum, it)
		for _, k := range ks {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		for _, b := range bad {
			unknown = append(unknown, quoteValue(b))
		}
	}
	if len(unknown) > 0 {
		extra := ""
		if f.Enum == domain.LicenceItems {
			extra = "（也可以写类别名称，如“X射线影像诊断”表示该类别的全部项目）"
		}
		return "", valueErrorf("%s中的%s无法识别：每一项应为 %s 之一%s，多项之间用顿号“、”分隔。",
			f.ZH, strings.Join(unknown, ""), allowedLabels(f.Enum), extra)
	}
	return strings.Join(keys, ","), nil
}

// resolveItem resolves one list item to keys of e, or says which parts it
// cannot resolve. An item is an option of e; "A（B、C）" whose bracket lists
// options (B, C) or only describes A (A) — a bracket listing some options
// and some unknown text is refused rather than read as the whole of A;
// "类别：B、C" (B, C); or, for "B/C", each part.
func resolveItem(e *domain.Enum, it string) (keys, unknown []string) {
	if k, ok := lookupEnumExact(e, it); ok {
		return []string{k}, nil
	}
	s := cleanValue(it)
	if head, inner, ok := splitTrailingBracket(s); ok {
		var ks, bad []string
		for _, p := range SplitItems(inner) {
			if k, ok := lookupEnumExact(e, p); ok {
				ks = append(ks, k)
			} else {
				bad = append(bad, p)
			}
		}
		switch {
		case len(ks) > 0:
			return ks, bad
		default:
			if k, ok := lookupEnumExact(e, head); ok {
				return []string{k}, nil
			}
		}
	}
	if _, rest, ok := strings.Cut(s, ":"); ok {
		if rest = cleanValue(rest); rest != "" {
			return resolveItem(e, rest)
		}
	}
	if strings.Contains(s, "/") {
		var ks, bad []string
		for p := range strings.SplitSeq(s, "/") {
			if p = cleanValue(p); p == "" {
				continue
			}
			if k, ok := lookupEnumExact(e, p); ok {
				ks = append(ks, k)
			} else {
				bad = append(bad, p)
			}
		}
		if len(ks) > 0 {
			return ks, bad
		}
	}
	return nil, []string{s}
}

// splitTrailingBracket splits "A(B)" (after folding) into A and B.
func splitTrailingBracket(s string) (head, inner string, ok bool) {
	if !strings.HasSuffix(s, ")") {
		return "", "", false
	}
	i := strings.Index(s, "(")
	if i <= 0 {
		return "", "", false
	}
	return strings.TrimSpace(s[:i]), s[i+1 : len(s)-1], true
}

// ---------------------------------------------------------------- enumerations

// enumAliases are the obvious variants people write for the options of each
// enumeration (by Enum.Name), beyond what domain.Enum.Lookup accepts. They
// are compared squashed (see squashLabel).
var enumAliases = map[string]map[string][]string{
	"institution_kind": {
		"tcm_hospital":     {"中医院", "中西医结合医院"},
		"maternal_child":   {"妇幼保健所", "妇幼保健机构", "妇幼保健计划生育服务中心"},
		"community_centre": {"社区医院", "社区卫生服务中心(站)"},
		"township_centre":  {"卫生院", "乡卫生院", "镇卫生院", "中心卫生院"},
		"outpatient":       {"综合门诊部"},
		"clinic":           {"个体诊所"},
		"dental_hospital":  {"口腔专科医院"},
		"dental_clinic":    {"口腔门诊部", "口腔诊所", "口腔门诊", "牙科诊所"},
		"checkup_centre":   {"健康体检中心", "体检机构"},
		"other":            {"其它"},
	},
	"grade": {
		"3A":   {"三甲", "三级甲等医院"},
		"3B":   {"三乙", "三级乙等医院"},
		"2A":   {"二甲", "二级甲等医院"},
		"2B":   {"二乙", "二级乙等医院"},
		"1":    {"一级甲等", "一级乙等", "一级丙等", "一甲", "一乙", "一丙", "一级医院"},
		"none": {"未评级", "未分级", "无等级", "未定等级"},
	},
	"ownership": {
		"public":  {"公办", "国有", "公立医院"},
		"private": {"私立", "民办", "私营", "非公立", "社会办", "社会办医", "个体"},
	},
	"institution_status": {
		"open":      {"营业", "正常", "正常营业", "在业", "执业"},
		"suspended": {"歇业", "暂停营业", "暂停执业", "停业整顿"},
		"closed":    {"已注销", "关闭", "已关闭", "吊销", "已吊销"},
	},
	"licence_item": {
		"radiotherapy":   {"放疗", "加速器", "直线加速器", "后装", "后装治疗", "伽玛刀", "伽马刀", "γ刀", "质子/重离子", "质子重离子", "X射线治疗"},
		"pet":            {"PET/CT", "PET-MR", "PET/MR"},
		"spect":          {"SPECT/CT", "SPECT-CT"},
		"nm_therapy":     {"放射性药物治疗", "核素治疗"},
		"seed_implant":   {"粒子植入", "放射性粒子"},
		"interventional": {"DSA", "介入", "介入放射"},
		"xray_imaging":   {"X射线影像", "X线影像诊断"},
		"general_xray":   {"普通X射线", "普通放射", "普通X线诊断", "X射线摄影", "DR", "CR"},
		"ct":             {"X射线CT", "X线CT", "CT诊断"},
		"dental_xray":    {"牙科X射线诊断", "口腔X射线", "牙片", "口腔CBCT", "CBCT", "口腔全景"},
		"mammography":    {"乳腺", "乳腺X射线诊断", "乳腺X线", "钼靶", "乳腺钼靶"},
		"bone_density":   {"骨密度仪", "骨密度检测", "骨密度测量"},
	},
	"occupation": {
		"2A": {"放射诊断", "诊断放射", "放射诊断学"},
		"2B": {"牙科放射", "口腔放射", "口腔放射学"},
		"2C": {"核医学科"},
		"2D": {"放疗"},
		"2E": {"介入", "介入放射"},
		"2F": {"其它"},
	},
	"gender": {
		"M": {"男性", "1"},
		"F": {"女性", "2"},
	},
	"training_kind": {
		"prejob":   {"岗前", "岗前培训", "上岗前培训", "上岗培训"},
		"periodic": {"在岗培训", "在岗期间", "复训", "再培训", "定期培训"},
	},
	"result": {
		"pass": {"通过", "符合", "符合要求", "达标"},
		"fail": {"未通过", "不通过", "不符合", "不符合要求", "不达标"},
	},
	"exam_kind": {
		"prejob":    {"岗前", "上岗前检查", "上岗前体检", "岗前体检"},
		"periodic":  {"在岗", "在岗检查", "在岗体检", "在岗期间检查"},
		"leaving":   {"离岗", "离岗前", "离岗检查", "离岗时检查"},
		"emergency": {"应急", "应急照射", "事故照射", "应急检查"},
		"recheck":   {"复检"},
	},
	"conclusion": {
		"fit":        {"可以从事放射工作"},
		"restricted": {"限制条件下可从事放射工作"},
		"unfit":      {"不宜从事放射工作", "不应或不宜从事放射工作"},
		"continue":   {"可继续从事放射工作", "可继续原工作"},
		"suspend":    {"暂时脱离"},
		"reassign":   {"调离放射工作", "调整为非放射工作", "不宜再做放射工作"},
		"observe":    {"需要复查和医学观察", "需复查或医学观察", "需要复查", "医学观察"},
	},
	"equipment_type": {
		"ct":                {"X射线CT", "螺旋CT", "多排CT"},
		"dr":                {"数字X射线摄影", "DR摄影"},
		"cr":                {"CR摄影"},
		"radiography":       {"X光机", "普通X光机", "X射线摄影机", "拍片机"},
		"fluoroscopy":       {"透视机", "胃肠机", "数字胃肠机", "X射线透视机"},
		"mammography":       {"乳腺机", "钼靶", "乳腺钼靶", "钼靶机", "乳腺X射线机", "乳腺DR"},
		"dental_intraoral":  {"牙片机", "口内机", "牙科X射线机"},
		"dental_panoramic":  {"全景机", "口腔全景机", "口腔全景", "头颅摄影机", "全景牙片机"},
		"dental_cbct":       {"CBCT", "口腔锥形束CT"},
		"mobile_xray":       {"移动X光机", "移动DR", "床旁机", "床边机"},
		"c_arm":             {"C臂", "C形臂", "C型臂", "小C", "C臂机", "C形臂X线机"},
		"bone_densitometer": {"骨密度", "双能X线骨密度仪"},
		"dsa":               {"数字减影血管造影机", "血管造影机"},
		"spect":             {"SPECT/CT", "SPECTCT"},
		"pet_ct":            {"PET", "PET/CT", "PET-MR", "PET/MR", "PETCT"},
		"linac":             {"直线加速器", "加速器", "医用直线加速器"},
		"tomotherapy":       {"TOMO", "螺旋断层"},
		"gamma_knife":       {"伽马刀", "γ刀"},
		"afterloader":       {"后装机", "后装"},
		"ct_simulator":      {"CT模拟机", "CT定位机", "模拟定位CT"},
		"xray_therapy":      {"深部X线治疗机"},
	},
	"equipment_status": {
		"in_use":   {"使用", "使用中", "正常使用", "启用", "正常"},
		"idle":     {"停止使用", "闲置", "封存", "暂停使用"},
		"scrapped": {"已报废", "淘汰"},
	},
	"test_kind": {
		"acceptance": {"验收"},
		"status":     {"状态", "年度状态检测"},
		"constancy":  {"稳定性"},
		"protection": {"防护", "防护监测", "场所防护检测", "工作场所防护检测"},
	},
	"division": {
		"410104": {"管城区"},
	},
}

// squashLabel reduces a label to what matters for matching: folded, lower-case,
// without spaces, brackets and the punctuation people vary (- _ / · . 、).
func squashLabel(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', '/', '·', '.', '、', '(', ')', '（', '）', '[', ']', '【', '】', '—', '–', '\'', '"', '“', '”':
			return -1
		}
		if isBlankRune(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, domain.FoldWidth(s))
}

// enumIndex maps squashed forms to keys; "" marks a form two options share.
type enumIndex map[string]string

var enumIndexes = map[*domain.Enum]enumIndex{}

func init() {
	enums := []*domain.Enum{domain.Divisions}
	for _, fs := range domain.Fields {
		for _, f := range fs {
			if f.Enum != nil {
				enums = append(enums, f.Enum)
			}
		}
	}
	for _, e := range domain.Streets {
		enums = append(enums, e)
	}
	for _, e := range enums {
		if _, done := enumIndexes[e]; !done {
			enumIndexes[e] = buildIndex(e)
		}
	}
}

// optionForms returns the forms an option is known by: key, Chinese and
// English label, the short name before a bracket, the bracket's content, the
// label without the bracket; for streets the name without 街道 or with
// 办事处; for divisions the name after 郑州市.
func optionForms(e *domain.Enum, o domain.Option) []string {
	forms := []string{o.Key, o.ZH, o.EN}
	zh := domain.FoldWidth(o.ZH)
	if i := strings.Index(zh, "("); i > 0 {
		if j := strings.Index(zh[i:], ")"); j > 0 {
			forms = append(forms, zh[:i], zh[i+1:i+j], zh[:i]+zh[i+j+1:])
		}
	}
	if strings.HasPrefix(e.Name, "street_") {
		base := strings.TrimSuffix(o.ZH, "街道")
		forms = append(forms, base, base+"街道办事处", base+"办事处")
	}
	if e.Name == "division" {
		forms = append(forms, "郑州市"+o.ZH)
	}
	return forms
}

// buildIndex indexes an enumeration's forms in three tiers — labels, then
// aliases, then "code label" compounds ("2A 诊断放射学", "中原区(410102)") —
// an earlier tier winning over a later one.
func buildIndex(e *domain.Enum) enumIndex {
	idx := enumIndex{}
	tier := map[string]int{}
	put := func(form, key string, t int) {
		form = squashLabel(form)
		if form == "" {
			return
		}
		prev, seen := idx[form]
		switch {
		case !seen || t < tier[form]:
			idx[form], tier[form] = key, t
		case t == tier[form] && prev != key:
			idx[form] = ""
		}
	}
	for _, o := range e.Options {
		for _, form := range optionForms(e, o) {
			put(form, o.Key, 0)
		}
		for _, a := range enumAliases[e.Name][o.Key] {
			put(a, o.Key, 1)
		}
	}
	for _, o := range e.Options {
		for _, form := range append(optionForms(e, o), enumAliases[e.Name][o.Key]...) {
			if squashLabel(form) != squashLabel(o.Key) {
				put(o.Key+form, o.Key, 2)
				put(form+o.Key, o.Key, 2)
			}
		}
	}
	return idx
}

// lookupEnum finds the key of e for what a person typed: as
// lookupEnumExact, else without a trailing bracket ("普通X射线摄影机（立式）").
func lookupEnum(e *domain.Enum, raw string) (string, bool) {
	if k, ok := lookupEnumExact(e, raw); ok {
		return k, true
	}
	if head, _, ok := splitTrailingBracket(cleanValue(raw)); ok {
		return lookupEnumExact(e, head)
	}
	return "", false
}

// lookupEnumExact finds the key of e for what a person typed:
// domain.Enum.Lookup first, then the squashed labels, aliases and compounds.
func lookupEnumExact(e *domain.Enum, raw string) (string, bool) {
	s := cleanValue(raw)
	if s == "" || e == nil {
		return "", false
	}
	if k, ok := e.Lookup(s); ok {
		return k, true
	}
	idx, ok := enumIndexes[e]
	if !ok {
		idx = buildIndex(e)
	}
	if k := idx[squashLabel(s)]; k != "" {
		return k, true
	}
	return "", false
}

// canonicalEnum resolves an enumerated value to its key.
func canonicalEnum(f domain.Field, raw string) (string, error) {
	if k, ok := lookupEnum(f.Enum, raw); ok {
		return k, nil
	}
	s := cleanValue(raw)
	switch f.Key {
	case "division_code":
		// Any GB/T 2260 county code is allowed, known or not; Excel may
		// have made it a float, a 12-digit statistical code has 6 zeros more.
		if reValInt.MatchString(s) && s[0] != '+' && s[0] != '-' {
			s, _, _ = strings.Cut(s, ".")
		}
		if len(s) == 12 && strings.HasSuffix(s, "000000") {
			s = s[:6]
		}
		if len(s) == 6 && strings.Trim(s, "0123456789") == "" {
			return s, nil
		}
		return "", valueErrorf("%s%s无效：应为6位数字的行政区划代码（如 410102），或区县名称（%s）。", f.ZH, quoteValue(raw), allowedLabels(f.Enum))
	case "street":
		// Streets of any known division; the record's validation checks
		// that the street belongs to its division, and a division without
		// a street list takes any name.
		divs := make([]string, 0, len(domain.Streets))
		for d := range domain.Streets {
			divs = append(divs, d)
		}
		slices.Sort(divs)
		for _, d := range divs {
			if k, ok := lookupEnum(domain.Streets[d], s); ok {
				return k, nil
			}
		}
		return s, nil
	}
	if f.Enum == nil {
		return s, nil
	}
	return "", valueErrorf("%s%s无法识别：应填写 %s 之一。", f.ZH, quoteValue(raw), allowedLabels(f.Enum))
}

// maxListedOptions is how many options a message lists before "等N项".
const maxListedOptions = 12

// allowedLabels lists the options of e for a message: their Chinese labels
// (the short name for "CT (…)"), with the code first for codes people use.
func allowedLabels(e *domain.Enum) string {
	var parts []string
	for i, o := range e.Options {
		if i == maxListedOptions {
			break
		}
		label := o.ZH
		if short, _, ok := strings.Cut(label, " ("); ok {
			label = short
		}
		switch e.Name {
		case "occupation", "division":
			label = o.Key + " " + label
		}
		parts = append(parts, label)
	}
	list := strings.Join(parts, "、")
	if len(e.Options) > maxListedOptions {
		list += fmt.Sprintf(" 等%d项", len(e.Options))
	}
	return list
}
