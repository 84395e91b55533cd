package screening

import (
	"cmp"
	"slices"

	"radsup/internal/domain"
)

// doseRecords returns the person's usable dose records known as of asOf
// (period ended on or before asOf), ordered by period end, start and id.
func doseRecords(rs []*domain.DoseRecord, personID int64, asOf domain.Date) []*domain.DoseRecord {
	rs = mine(rs, personID, func(r *domain.DoseRecord) (int64, bool) { return r.PersonID, r.Retired })
	out := rs[:0]
	for _, r := range rs {
		if known(r.PeriodEnd, asOf) && !r.PeriodStart.IsZero() && !r.PeriodStart.After(r.PeriodEnd) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *domain.DoseRecord) int {
		return cmp.Or(compareDates(a.PeriodEnd, b.PeriodEnd), compareDates(a.PeriodStart, b.PeriodStart), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// span is a run of days, both ends included, as day numbers (see dayNum).
type span struct{ from, to int64 }

// uncovered returns the runs of days of window covered by none of covers,
// by one sweep over covers sorted by start: O(n log n) in the number of
// records, whatever the length of the window.
func uncovered(window span, covers []span) []span {
	slices.SortFunc(covers, func(a, b span) int { return cmp.Compare(a.from, b.from) })
	var gaps []span
	next := window.from // first day not yet known to be covered
	for _, c := range covers {
		if next > window.to {
			break
		}
		if c.from > next {
			gaps = append(gaps, span{next, min(c.from-1, window.to)})
		}
		next = max(next, c.to+1)
	}
	if next <= window.to {
		gaps = append(gaps, span{next, window.to})
	}
	return gaps
}

// doseGap fires PER-DOSE-GAP for each active employment with a day in
// [max(started_on, D − lookback), D − lag) covered by no dose record of the
// person at that institution. Lost-dosimeter records cover their period
// (PER-DOSIMETER-LOST deals with them).
func (c *personCheck) doseGap() {
	d := dayNum(c.asOf)
	for _, e := range c.active {
		w := span{max(dayNum(e.StartedOn), d-int64(c.th.LookbackDays)), d - int64(c.th.DoseLagDays) - 1}
		if w.from > w.to {
			continue
		}
		var covers []span
		for _, r := range c.doses {
			if r.InstitutionID == e.InstitutionID {
				covers = append(covers, span{dayNum(r.PeriodStart), dayNum(r.PeriodEnd)})
			}
		}
		gaps := uncovered(w, covers)
		if len(gaps) == 0 {
			continue
		}
		var total int64
		items := make([]domain.Item, len(gaps))
		for i, g := range gaps {
			total += g.to - g.from + 1
			items[i] = domain.Item{"from": dateOfDay(g.from).String(), "to": dateOfDay(g.to).String()}
		}
		ev := facts("window_from", dateOfDay(w.from).String(), "window_to", dateOfDay(w.to).String(),
			"gap_days", itoa(total), "first_gap_from", items[0]["from"], "first_gap_to", items[0]["to"])
		ev["gaps"] = domain.ListFact(items)
		c.addAt(PerDoseGap, e.InstitutionID, ev)
	}
}

// investigationLevel returns the investigation level of a period of days
// in whole µSv, rounded down: annual × days / 365. Because doses are whole
// µSv, "Hp(10) > floor(level)" is the same as "Hp(10) > level" computed
// exactly, and the level shown never exceeds the exact one (a 91-day
// quarter: 1246.575… µSv → 1.246 mSv; Hp(10) 1.246 does not fire, 1.247 does).
func investigationLevel(annual domain.Dose, days int64) int64 {
	return annual.MicroSv * days / 365
}

// recordRule is a per-record rule: when it fires for a record, and how the
// record is listed in the evidence.
type recordRule struct {
	id    string
	fires func(r *domain.DoseRecord) bool
	show  func(r *domain.DoseRecord) domain.Item
}

// perRecord fires the per-record rules for records ending in
// (D − lookback, D], one finding per rule and institution of the records.
func (c *personCheck) perRecord() {
	rules := []recordRule{
		{PerDoseCycleLong,
			func(r *domain.DoseRecord) bool { return periodDays(r) > int64(c.th.MaxPeriodDays) },
			func(r *domain.DoseRecord) domain.Item {
				it := period(r)
				it["days"] = itoa(periodDays(r))
				return it
			}},
		{PerDoseInvestigate,
			func(r *domain.DoseRecord) bool {
				return r.Hp10.Set && r.Hp10.MicroSv > investigationLevel(c.th.InvestigationAnnual, periodDays(r))
			},
			func(r *domain.DoseRecord) domain.Item {
				it := period(r)
				it["hp10"], it["level"] = r.Hp10.String(), dose(investigationLevel(c.th.InvestigationAnnual, periodDays(r)))
				return it
			}},
		{PerDosimeterLost,
			func(r *domain.DoseRecord) bool { return r.Lost },
			period},
	}
	from := c.asOf.AddDate(0, 0, -c.th.LookbackDays)
	for _, rule := range rules {
		byInst := map[int64][]domain.Item{}
		var order []int64
		for _, r := range c.doses {
			if !r.PeriodEnd.After(from) || !rule.fires(r) {
				continue
			}
			if _, seen := byInst[r.InstitutionID]; !seen {
				order = append(order, r.InstitutionID)
			}
			byInst[r.InstitutionID] = append(byInst[r.InstitutionID], rule.show(r))
		}
		for _, id := range order {
			ev := facts("count", itoa(len(byInst[id])))
			ev["records"] = domain.ListFact(byInst[id])
			if rule.id == PerDoseCycleLong {
				ev["max_days"] = domain.Fact{Value: itoa(c.th.MaxPeriodDays)}
			}
			c.addAt(rule.id, id, ev)
		}
	}
}

// yearSums adds up a dose quantity of the person's records (all
// institutions) by calendar year of period end. Below-MDL records count
// with their recorded value; unrecorded values (a lost dosimeter without a
// nominal dose, Hp(3) not measured) count as nothing.
func (c *personCheck) yearSums(q func(*domain.DoseRecord) domain.Dose) map[int]int64 {
	sums := map[int]int64{}
	for _, r := range c.doses {
		if v := q(r); v.Set {
			sums[r.PeriodEnd.Year()] += v.MicroSv
		}
	}
	return sums
}

func hp10(r *domain.DoseRecord) domain.Dose { return r.Hp10 }
func hp3(r *domain.DoseRecord) domain.Dose  { return r.Hp3 }

// yearsEvidence lists the sums of the given years.
func yearsEvidence(years []int, sums map[int]int64) domain.Evidence {
	items := make([]domain.Item, len(years))
	for i, y := range years {
		items[i] = domain.Item{"year": itoa(y), "sum": dose(sums[y])}
	}
	return domain.Evidence{"year_sums": domain.ListFact(items)}
}

// annualSums fires PER-DOSE-ANNUAL-HIGH and -LIMIT for the previous and the
// current calendar year, and PER-DOSE-5YEAR-LIMIT over the calendar years
// year(D) − 4 … year(D).
func (c *personCheck) annualSums() {
	sums := c.yearSums(hp10)
	var high, over []int
	for _, y := range []int{c.asOf.Year() - 1, c.asOf.Year()} {
		switch s := sums[y]; {
		case s > c.th.AnnualLimit.MicroSv:
			over = append(over, y)
		case s > c.th.AnnualHigh.MicroSv:
			high = append(high, y)
		}
	}
	if len(high) > 0 {
		ev := yearsEvidence(high, sums)
		ev["high"], ev["limit"] = domain.Fact{Value: c.th.AnnualHigh.String()}, domain.Fact{Value: c.th.AnnualLimit.String()}
		c.addEach(PerDoseAnnualHigh, ev)
	}
	if len(over) > 0 {
		ev := yearsEvidence(over, sums)
		ev["limit"] = domain.Fact{Value: c.th.AnnualLimit.String()}
		c.addEach(PerDoseAnnualLimit, ev)
	}
	to := c.asOf.Year()
	var total int64
	for y := to - 4; y <= to; y++ {
		total += sums[y]
	}
	if total > c.th.FiveYearLimit.MicroSv {
		c.addEach(PerDoseFiveYearLimit, facts("from_year", itoa(to-4), "to_year", itoa(to), "sum", dose(total),
			"limit", c.th.FiveYearLimit.String()))
	}
}

// eyeSums fires PER-EYE-LIMIT on the Hp(3) sums of the previous and the
// current calendar year.
func (c *personCheck) eyeSums() {
	sums := c.yearSums(hp3)
	var over []int
	for _, y := range []int{c.asOf.Year() - 1, c.asOf.Year()} {
		if sums[y] > c.th.EyeLimit.MicroSv {
			over = append(over, y)
		}
	}
	if len(over) > 0 {
		ev := yearsEvidence(over, sums)
		ev["limit"] = domain.Fact{Value: c.th.EyeLimit.String()}
		c.addEach(PerEyeLimit, ev)
	}
}
