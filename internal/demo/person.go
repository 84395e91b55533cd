package demo

import (
	"slices"

	"radsup/internal/domain"
)

// career is when a worker was born and worked at one institution.
type career struct {
	gender     string
	birth      domain.Date
	start, end domain.Date // end is zero while employed
}

// moonlighter is a worker waiting for a second, concurrent employment.
type moonlighter struct {
	person *domain.Person
	inst   string // credit code of the first employer
}

// staff emits the institution's current and former workers, and gives a
// waiting worker from an earlier institution a second job here.
func (g *gen) staff(s *site) error {
	var kinds []string
	for _, r := range s.problems {
		if personRules[r] && s.planted[r] {
			kinds = append(kinds, r)
		}
	}
	n := max(g.between(s.prof.staff[0], s.prof.staff[1]), len(kinds))
	for j := range n {
		k := ""
		if j < len(kinds) {
			k = kinds[j]
		}
		if err := g.worker(s, k, !s.open); err != nil {
			return err
		}
	}
	for range g.count(equipRange{min: 0, max: n, p: 0.08}) {
		if err := g.worker(s, "", true); err != nil {
			return err
		}
	}
	if !s.open || !s.prof.host {
		return nil
	}
	// The second job must be at another institution than the first.
	for i, m := range g.pending {
		if m.inst != s.inst.CreditCode {
			g.pending = slices.Delete(g.pending, i, i+1)
			return g.moonlight(s, m)
		}
	}
	return nil
}

// worker emits one worker of the institution with everything about them;
// k is the planted person rule, if any.
func (g *gen) worker(s *site, k string, former bool) error {
	c := g.career(s, k, former)
	p := &domain.Person{IDNumber: g.idNumber(c.birth, c.gender), Name: g.personName(c.gender),
		Gender: c.gender, BirthDate: c.birth}
	if err := g.sink.Person(p); err != nil {
		return err
	}
	if err := checkID(&p.Meta); err != nil {
		return err
	}
	occ := pick(g, s.occ)
	if (k == ruleAnnualHigh || k == ruleAnnualLimit || k == ruleFiveYear || k == ruleEyeLimit ||
		k == ruleMultiSite) && slices.Contains(s.occ, "2E") {
		occ = "2E"
	}
	emp, err := g.employment(s, p, occ, c, k)
	if err != nil {
		return err
	}
	if err := g.trainings(s, p, c, k); err != nil {
		return err
	}
	if err := g.exams(s, p, c, k); err != nil {
		return err
	}
	if err := g.doses(s, p, emp, k); err != nil {
		return err
	}
	switch k {
	case "", ruleDoseGap, ruleCycleLong, ruleInvestigate, ruleDosimeterLost, ruleAnnualHigh,
		ruleAnnualLimit, ruleFiveYear, ruleEyeLimit: // dose problems are reported as the records are made
		return nil
	case ruleMultiSite:
		g.pending = append(g.pending, moonlighter{person: p, inst: s.inst.CreditCode})
		return nil
	}
	return g.report(k, s.inst.CreditCode, p.IDNumber, p.Name)
}

// career draws a worker's birth date and employment dates. Workers with a
// planted problem have worked there for over four years (except the
// under-age one, who started recently at 17), the one with five years of
// high doses for over six.
func (g *gen) career(s *site, k string, former bool) career {
	y := g.asOf.Year()
	c := career{gender: "F"}
	if g.chance(0.55) {
		c.gender = "M"
	}
	if k == ruleUnderage {
		c.start = quarterAligned(g.daysAgo(g.between(200, 600)))
		c.birth = c.start.AddDate(-17, 0, -g.between(30, 300))
		return c
	}
	youngest := y - 24
	if k != "" || former {
		youngest = y - 30
	}
	c.birth = g.birthIn(g.between(y-61, youngest))
	earliest := c.birth.AddDate(21, 0, g.between(0, 3*365))
	latest := g.daysAgo(45)
	switch k {
	case "":
	case ruleFiveYear:
		latest = g.asOf.AddDate(-6, 0, 0)
	default:
		latest = g.asOf.AddDate(-4, 0, -30)
	}
	if former {
		c.end = quarterAligned(g.daysAgo(g.between(30, 1000)))
		if !s.closedOn.IsZero() {
			c.end = s.closedOn
		}
		latest = c.end.AddDate(0, 0, -180)
	}
	if earliest.After(latest) {
		earliest = latest
	}
	c.start = quarterAligned(earliest.AddDate(0, 0, g.rng.IntN(earliest.DaysUntil(latest)+1)))
	return c
}

// employment emits a worker's employment at the institution; k is the
// planted person rule, if any.
func (g *gen) employment(s *site, p *domain.Person, occ string, c career, k string) (*domain.Employment, error) {
	e := &domain.Employment{PersonID: p.ID, InstitutionID: s.inst.ID, Occupation: occ,
		Job: pick(g, jobs[occ]), StartedOn: c.start, EndedOn: c.end}
	if k == ruleFiveYear && occ == "2E" { // the interventional cardiologist
		e.Job = "医师"
	}
	if k != rulePermitMissing {
		e.PermitNo = g.permitNo(s.div.code)
		e.PermitIssuedOn = minDate(c.start.AddDate(0, 0, g.between(10, 60)), g.asOf)
	}
	return e, g.sink.Employment(e)
}

// moonlight gives a waiting worker a second active employment here.
func (g *gen) moonlight(s *site, m moonlighter) error {
	occ := pick(g, s.occ)
	c := career{start: quarterAligned(g.daysAgo(g.between(200, 700)))}
	emp, err := g.employment(s, m.person, occ, c, "")
	if err != nil {
		return err
	}
	if err := g.doses(s, m.person, emp, ""); err != nil {
		return err
	}
	for _, inst := range []string{m.inst, s.inst.CreditCode} {
		if err := g.report(ruleMultiSite, inst, m.person.IDNumber, "employed at "+m.inst+" and "+s.inst.CreditCode); err != nil {
			return err
		}
	}
	return nil
}

// schedule returns the dates of recurring events after first: every
// minGap..maxGap days up to stop, keeping those on or after cutoff.
func (g *gen) schedule(first, stop, cutoff domain.Date, minGap, maxGap int) []domain.Date {
	var out []domain.Date
	for t := first; ; {
		t = t.AddDate(0, 0, g.between(minGap, maxGap))
		if t.After(stop) {
			return out
		}
		if !t.Before(cutoff) {
			out = append(out, t)
		}
	}
}

// trainings emits the pre-job training and in-service trainings every
// 18–23 months (the last six years of them).
func (g *gen) trainings(s *site, p *domain.Person, c career, k string) error {
	prejob := c.start.AddDate(0, 0, -g.between(7, 60))
	stop := g.daysAgo(5)
	if !c.end.IsZero() {
		stop = minDate(stop, c.end)
	}
	if k == ruleTrainingOverdue {
		stop = g.asOf.AddDate(-2, 0, -g.between(30, 200))
	}
	emit := func(on domain.Date, kind, result string, days int) error {
		t := &domain.Training{PersonID: p.ID, TakenOn: on, Kind: kind, Days: &days, Passed: result,
			CertificateNo: g.nextNo("豫放培", on), Provider: s.trainPro}
		return g.sink.Training(t)
	}
	if k != ruleTrainingPrejob {
		if err := emit(prejob, "prejob", "pass", g.between(3, 5)); err != nil {
			return err
		}
	}
	for _, t := range g.schedule(prejob, stop, g.asOf.AddDate(-6, 0, 0), 540, 700) {
		if g.chance(0.03) { // failed once, passed the retake
			if err := emit(t.AddDate(0, 0, -g.between(20, 40)), "periodic", "fail", 2); err != nil {
				return err
			}
		}
		if err := emit(t, "periodic", "pass", g.between(1, 3)); err != nil {
			return err
		}
	}
	return nil
}

// exams emits the pre-job exam, in-service exams every 11–23 months (the
// last six years of them) and, for those who left, the exam on leaving.
func (g *gen) exams(s *site, p *domain.Person, c career, k string) error {
	prejob := c.start.AddDate(0, 0, -g.between(7, 45))
	stop := g.daysAgo(5)
	if !c.end.IsZero() {
		stop = minDate(stop, c.end)
	}
	if k == ruleExamOverdue {
		stop = g.asOf.AddDate(-2, 0, -g.between(30, 200))
	}
	emit := func(on domain.Date, kind, conclusion string) error {
		return g.sink.Exam(&domain.Exam{PersonID: p.ID, ExaminedOn: on, Kind: kind, Conclusion: conclusion,
			Provider: s.examPro})
	}
	last := prejob
	if k != ruleExamPrejob {
		if err := emit(prejob, "prejob", "fit"); err != nil {
			return err
		}
	}
	for _, t := range g.schedule(prejob, stop, g.asOf.AddDate(-6, 0, 0), 330, 700) {
		if err := emit(t, "periodic", "continue"); err != nil {
			return err
		}
		last = t
	}
	switch {
	case k == ruleExamUnfit:
		on := maxDate(g.daysAgo(g.between(5, 30)), last.AddDate(0, 0, 1))
		return emit(on, "periodic", "suspend")
	case !c.end.IsZero():
		return emit(maxDate(c.end.AddDate(0, 0, -g.between(0, 20)), last.AddDate(0, 0, 1)), "leaving", "fit")
	}
	return nil
}
