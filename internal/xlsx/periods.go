package xlsx

import (
	"regexp"
	"strings"
	"time"

	"radsup/internal/domain"
)

// Dose monitoring periods: two dates, a quarter or a month in one cell.

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
