package xlsx

import (
	"regexp"
	"slices"
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
		return domain.Date{}, domain.Date{}, valueError(keyPeriodUnreadable.Msg(quoted(raw)))
	}
	compact := removeBlankRunes(s)
	for _, read := range []func(raw, compact string) (start, end domain.Date, ok bool, err error){quarterPeriod, monthPeriod, monthRangePeriod} {
		if start, end, ok, err := read(raw, compact); ok {
			return start, end, err
		}
	}
	return datesPeriod(raw, s)
}

// quarterPeriod reads a calendar quarter; ok is false if compact is none.
func quarterPeriod(raw, compact string) (start, end domain.Date, ok bool, err error) {
	y, q, ok := matchQuarter(compact)
	switch {
	case !ok:
		return domain.Date{}, domain.Date{}, false, nil
	case q < 1 || q > 4:
		return domain.Date{}, domain.Date{}, true, valueError(keyPeriodQuarter.Msg(quoted(raw)))
	case y < minDateYear || y > maxDateYear:
		return domain.Date{}, domain.Date{}, true, valueError(keyPeriodYearRange.Msg(quoted(raw), Int(minDateYear), Int(maxDateYear)))
	}
	start = domain.NewDate(y, time.Month(3*q-2), 1)
	return start, start.AddDate(0, 3, -1), true, nil
}

// monthPeriod reads a calendar month; ok is false if compact is none.
func monthPeriod(raw, compact string) (start, end domain.Date, ok bool, err error) {
	y, m, ok := matchMonth(compact)
	if !ok {
		return domain.Date{}, domain.Date{}, false, nil
	}
	start, end, prob := monthSpan(y, m)
	if !prob.none() {
		return domain.Date{}, domain.Date{}, true, valueError(keyPeriodInvalid.Msg(quoted(raw), Clause(prob.clause)))
	}
	return start, end, true, nil
}

// monthRangePeriod reads months of one year (2025年1-3月); ok is false if
// compact is none.
func monthRangePeriod(raw, compact string) (start, end domain.Date, ok bool, err error) {
	m := reMonthRange.FindStringSubmatch(compact)
	if m == nil {
		return domain.Date{}, domain.Date{}, false, nil
	}
	y := atoiDigits(m[1])
	start, _, p1 := monthSpan(y, atoiDigits(m[2]))
	_, end, p2 := monthSpan(y, atoiDigits(m[3]))
	if p := firstProblem(p1, p2); !p.none() {
		return domain.Date{}, domain.Date{}, true, valueError(keyPeriodInvalid.Msg(quoted(raw), Clause(p.clause)))
	}
	start, end, err = checkOrder(raw, start, end)
	return start, end, true, err
}

// span is a period read from two dates.
type span struct{ start, end domain.Date }

// datesPeriod reads two dates with a separator between them, trying each
// separator and then each "-": one reading is the period, several are
// ambiguous.
func datesPeriod(raw, s string) (start, end domain.Date, err error) {
	found, problem := splitPeriod(s)
	switch {
	case len(found) == 1:
		return checkOrder(raw, found[0].start, found[0].end)
	case len(found) > 1:
		return domain.Date{}, domain.Date{}, valueError(keyPeriodAmbiguous.Msg(quoted(raw)))
	case !problem.none():
		return domain.Date{}, domain.Date{}, valueError(keyPeriodInvalidDate.Msg(quoted(raw), Clause(problem.clause)))
	}
	single := strings.Trim(s, "~〜∼至到-—– ")
	if d, form, _ := readDate(single, false); form != formNone && d != (domain.Date{}) {
		return domain.Date{}, domain.Date{}, valueError(keyPeriodOneDate.Msg(quoted(raw)))
	}
	return domain.Date{}, domain.Date{}, valueError(keyPeriodUnreadable.Msg(quoted(raw)))
}

// splitPeriod returns the distinct readings of s as two dates, or, if none,
// the problem of the first split whose sides have a date's form.
func splitPeriod(s string) (found []span, problem dateProblem) {
	try := func(left, right string) {
		st, en, prob, ok := readRange(strings.TrimSpace(left), strings.TrimSpace(right))
		switch {
		case ok && prob.none():
			if !slices.ContainsFunc(found, func(r span) bool { return r.start.Equal(st) && r.end.Equal(en) }) {
				found = append(found, span{st, en})
			}
		case ok && problem.none():
			problem = prob
		}
	}
	for _, sep := range periodSeparators {
		if left, right, ok := strings.Cut(s, sep); ok {
			try(left, right)
		}
	}
	if len(found) == 0 && problem.none() {
		for i := range len(s) {
			if s[i] == '-' {
				try(s[:i], s[i+1:])
			}
		}
	}
	return found, problem
}

func firstProblem(a, b dateProblem) dateProblem {
	if !a.none() {
		return a
	}
	return b
}

func checkOrder(raw string, start, end domain.Date) (domain.Date, domain.Date, error) {
	if start.After(end) {
		return domain.Date{}, domain.Date{}, valueError(keyPeriodReversed.Msg(quoted(raw)))
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
	if !prob.none() {
		return domain.Date{}, domain.Date{}, prob
	}
	return start, start.AddDate(0, 1, -1), dateProblem{}
}

// readRange reads the two sides of a period. ok reports that both sides have
// a recognised form; prob then says what is wrong with a date that has one.
func readRange(left, right string) (start, end domain.Date, prob dateProblem, ok bool) {
	if left == "" || right == "" {
		return
	}
	start, leftIsMonth, prob, ok := readStart(left)
	if !ok || !prob.none() {
		return domain.Date{}, domain.Date{}, prob, ok
	}
	end, form, prob := readDate(right, false)
	if form != formNone {
		return start, end, prob, true
	}
	end, prob, ok = readEnd(start, leftIsMonth, removeBlankRunes(right))
	return start, end, prob, ok
}

// readStart reads the start of a period: a date, or a month (its first day).
func readStart(left string) (start domain.Date, isMonth bool, prob dateProblem, ok bool) {
	start, form, prob := readDate(left, false)
	if form != formNone {
		return start, false, prob, true
	}
	y, m, isMonth := matchMonth(removeBlankRunes(left))
	if !isMonth {
		return domain.Date{}, false, dateProblem{}, false
	}
	start, _, prob = monthSpan(y, m)
	return start, true, prob, true
}

// readEnd reads the end of a period written without its full date: a day
// of the start's month (31日), a month (2025年3月, or 3月 with the start's
// year) or a day without the year (3月31日, 03-31). The end without a year
// takes the start's year, or the next year if that would put it before
// the start.
func readEnd(start domain.Date, startIsMonth bool, r string) (end domain.Date, prob dateProblem, ok bool) {
	if m := reDayOnly.FindStringSubmatch(r); m != nil && !startIsMonth {
		end, prob = checkedDate(start.Year(), int(start.Month()), atoiDigits(m[1]))
		return end, prob, true
	}
	if y, m, isMonth := matchMonth(r); isMonth {
		_, end, prob = monthSpan(y, m)
		return end, prob, true
	}
	var yearless func(y int) (domain.Date, dateProblem)
	if m := reNoYearMon.FindStringSubmatch(r); m != nil {
		yearless = func(y int) (domain.Date, dateProblem) {
			_, e, p := monthSpan(y, atoiDigits(m[1]))
			return e, p
		}
	} else if m := reNoYearZH.FindStringSubmatch(r); m != nil {
		yearless = func(y int) (domain.Date, dateProblem) { return checkedDate(y, atoiDigits(m[1]), atoiDigits(m[2])) }
	} else if m := reNoYearSep.FindStringSubmatch(r); m != nil && !startIsMonth {
		yearless = func(y int) (domain.Date, dateProblem) { return checkedDate(y, atoiDigits(m[1]), atoiDigits(m[2])) }
	} else {
		return domain.Date{}, dateProblem{}, false
	}
	end, prob = yearless(start.Year())
	if prob.none() && end.Before(start) {
		// (A day that year lacks, 2-29, is reported.)
		end, prob = yearless(start.Year() + 1)
	}
	return end, prob, true
}
