package demo

import (
	"fmt"
	"math"
	"time"

	"radsup/internal/domain"
)

// Dose model (spec/reference-data.md §3): per-quarter Hp(10) lognormal
// with the median and GSD of each occupation, times a per-worker factor;
// the upper tail is cut below the investigation level (dose control), so
// only planted records exceed it. Results under the MDL are recorded as
// belowMDLValue with BelowMDL set.
const (
	mdl           = 20 // µSv per period
	belowMDLValue = 10 // µSv recorded for a result below the MDL
	capPerQuarter = 1.1
)

// doseParams are the per-quarter median (mSv) and GSD by occupation.
var doseParams = map[string][2]float64{
	"2A": {0.075, 2.8}, "2B": {0.06, 2.6}, "2C": {0.11, 3.4}, "2D": {0.06, 2.6}, "2E": {0.12, 3.6},
}

// period is one monitoring period of a worker at one institution; doses in µSv.
type period struct {
	start, end       domain.Date
	hp10, hp007, hp3 int64 // hp3 < 0: not measured
	lost, belowMDL   bool
}

func (p period) days() int { return p.start.DaysUntil(p.end) + 1 }

// quarterOf returns the first and last day of d's calendar quarter.
func quarterOf(d domain.Date) (domain.Date, domain.Date) {
	qs := domain.NewDate(d.Year(), time.Month((int(d.Month())-1)/3*3+1), 1)
	return qs, qs.AddDate(0, 3, -1)
}

// periods lists the calendar quarters (cut to the employment) that ended by
// asOf within the last years years.
func (g *gen) periods(emp *domain.Employment, years int) []period {
	horizon := g.asOf.AddDate(-years, 0, 0)
	qs, _ := quarterOf(horizon)
	if qs.Before(horizon) {
		qs = qs.AddDate(0, 3, 0)
	}
	var ps []period
	for ; ; qs = qs.AddDate(0, 3, 0) {
		qe := qs.AddDate(0, 3, -1)
		if qe.After(g.asOf) || (!emp.EndedOn.IsZero() && qs.After(emp.EndedOn)) {
			return ps
		}
		if qe.Before(emp.StartedOn) {
			continue
		}
		p := period{start: maxDate(qs, emp.StartedOn), end: qe}
		if !emp.EndedOn.IsZero() {
			p.end = minDate(qe, emp.EndedOn)
		}
		ps = append(ps, p)
	}
}

// fill draws the doses of each period.
func (g *gen) fill(ps []period, occ string) {
	par, ok := doseParams[occ]
	if !ok {
		par = doseParams["2A"]
	}
	factor := math.Exp(g.rng.NormFloat64() * 0.4)
	for i := range ps {
		frac := float64(ps[i].days()) / 91.25
		limit := capPerQuarter * float64(ps[i].days()) / 92
		v := g.lognormal(par[0]*factor*frac, par[1])
		for try := 0; v > limit; try++ {
			v = g.lognormal(par[0]*factor*frac, par[1])
			if try == 3 {
				v = limit * (0.5 + 0.5*g.rng.Float64())
			}
		}
		g.setHp10(&ps[i], int64(math.Round(v*1000)), occ == "2C" || occ == "2E")
	}
}

// setHp10 records an Hp(10) and derives Hp(0.07) and, if measured, Hp(3).
func (g *gen) setHp10(p *period, v int64, eye bool) {
	p.belowMDL = v < mdl
	if p.belowMDL {
		v = belowMDLValue
	}
	p.hp10, p.hp007, p.hp3 = v, v, -1
	if !p.belowMDL {
		p.hp007 = int64(math.Round(float64(v) * (1 + 0.2*g.rng.Float64())))
	}
	if eye {
		p.hp3 = int64(math.Round(float64(p.hp007) * (1.2 + 0.8*g.rng.Float64())))
	}
}

// plant applies a planted dose problem to the periods; it returns the
// periods and, for a dropped quarter, what was dropped.
func (g *gen) plant(ps []period, emp *domain.Employment, k string) ([]period, string) {
	n := len(ps)
	if n < 4 {
		return ps, ""
	}
	lastYear := g.asOf.Year() - 1
	eye := ps[0].hp3 >= 0
	for i := range ps {
		if k == ruleFiveYear { // a steady heavy workload: 25.6–29.6 mSv a year
			g.setHp10(&ps[i], int64(g.between(6400, 7400)), eye)
			continue
		}
		if ps[i].end.Year() != lastYear {
			continue
		}
		switch k {
		case ruleAnnualHigh:
			g.setHp10(&ps[i], int64(g.between(5200, 7000)), eye)
		case ruleAnnualLimit:
			g.setHp10(&ps[i], int64(g.between(13000, 16000)), eye)
		case ruleEyeLimit:
			ps[i].hp3 = int64(g.between(40000, 52000))
		}
	}
	switch k {
	case ruleInvestigate:
		g.setHp10(&ps[n-1], int64(g.between(1600, 4000)), eye)
	case ruleDosimeterLost:
		ps[n-2].lost = true
	case ruleCycleLong:
		ps[n-2].end = ps[n-1].end
		ps[n-2].hp10 += ps[n-1].hp10
		ps[n-2].hp007 += ps[n-1].hp007
		ps[n-2].belowMDL = false
		if eye {
			ps[n-2].hp3 += ps[n-1].hp3
		}
		return ps[:n-1], ""
	case ruleDoseGap:
		from := maxDate(emp.StartedOn, g.daysAgo(365))
		for i := n - 1; i >= 0; i-- {
			if !ps[i].start.Before(from) && ps[i].end.Before(g.daysAgo(90)) {
				gone := fmt.Sprintf("no record for %s..%s", ps[i].start, ps[i].end)
				return append(ps[:i], ps[i+1:]...), gone
			}
		}
	}
	return ps, ""
}

// doses emits a worker's dose records at one institution and reports the
// rules the records trigger. The worker planted for PER-DOSE-5YEAR-LIMIT
// gets at least five years of records, whatever the scale's dose history.
func (g *gen) doses(s *site, p *domain.Person, emp *domain.Employment, k string) error {
	years := g.scale.DoseYears
	if k == ruleFiveYear {
		years = max(years, 5)
	}
	ps := g.periods(emp, years)
	if len(ps) == 0 {
		return nil
	}
	g.fill(ps, emp.Occupation)
	ps, gap := g.plant(ps, emp, k)
	active := emp.EndedOn.IsZero() || emp.EndedOn.After(g.asOf)
	code := s.inst.CreditCode
	if gap != "" && active {
		if err := g.report(ruleDoseGap, code, p.IDNumber, gap); err != nil {
			return err
		}
	}
	fired := map[string]bool{}
	var sum10, sum3 [2]int64 // last year, this year
	var sum5 int64           // Hp(10) over the years year(asOf)-4 … year(asOf)
	for _, q := range ps {
		if err := g.sink.Dose(g.doseRecord(s, p, emp, q)); err != nil {
			return err
		}
		if y := q.end.Year() - g.asOf.Year() + 1; y == 0 || y == 1 {
			sum10[y] += max(q.hp10, 0) * boolInt(!q.lost)
			sum3[y] += max(q.hp3, 0) * boolInt(!q.lost)
		}
		if q.end.Year() >= g.asOf.Year()-4 {
			sum5 += max(q.hp10, 0) * boolInt(!q.lost)
		}
		if active && q.end.After(g.daysAgo(365)) {
			fire(fired, ruleDosimeterLost, q.lost)
			fire(fired, ruleCycleLong, q.days() > 92)
			fire(fired, ruleInvestigate, !q.lost && q.hp10*365 > 5000*int64(q.days()))
		}
	}
	for y := range 2 {
		fire(fired, ruleAnnualLimit, active && sum10[y] > 50000)
		fire(fired, ruleAnnualHigh, active && sum10[y] > 20000 && sum10[y] <= 50000)
		fire(fired, ruleEyeLimit, active && sum3[y] > 150000)
	}
	fire(fired, ruleFiveYear, active && sum5 > 100000)
	for _, r := range []string{ruleInvestigate, ruleDosimeterLost, ruleCycleLong, ruleAnnualHigh,
		ruleAnnualLimit, ruleFiveYear, ruleEyeLimit} {
		if !fired[r] {
			continue
		}
		note := fmt.Sprintf("Hp(10) %d/%d µSv, Hp(3) %d/%d µSv (last/this year)", sum10[0], sum10[1], sum3[0], sum3[1])
		if r == ruleFiveYear {
			note = fmt.Sprintf("Hp(10) %d µSv in %d–%d", sum5, g.asOf.Year()-4, g.asOf.Year())
		}
		if err := g.report(r, code, p.IDNumber, note); err != nil {
			return err
		}
	}
	return nil
}

// doseRecord builds the record of one period.
func (g *gen) doseRecord(s *site, p *domain.Person, emp *domain.Employment, q period) *domain.DoseRecord {
	r := &domain.DoseRecord{PersonID: p.ID, InstitutionID: emp.InstitutionID, PeriodStart: q.start,
		PeriodEnd: q.end, BelowMDL: q.belowMDL && !q.lost, Lost: q.lost, Provider: s.dosePro,
		ReportNo: g.nextNo("JL", q.end)}
	if !q.lost {
		r.Hp10, r.Hp007 = domain.MicroSv(q.hp10), domain.MicroSv(q.hp007)
		if q.hp3 >= 0 {
			r.Hp3 = domain.MicroSv(q.hp3)
		}
	}
	return r
}

// fire marks rule as fired when cond holds.
func fire(fired map[string]bool, rule string, cond bool) {
	if cond {
		fired[rule] = true
	}
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
