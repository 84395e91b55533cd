package demo_test

import (
	"radsup/internal/domain"
)

// screen is a small, straightforward reading of spec/rules.md, enough to
// check the generated data; it returns "rule institution subject" keys.
func screen(c *collector, d domain.Date) map[string]bool {
	s := &screener{c: c, d: d, out: map[string]bool{}, inst: map[int64]*domain.Institution{}}
	for _, i := range c.insts {
		s.inst[i.ID] = i
	}
	s.institutions()
	s.equipment()
	s.people()
	return s.out
}

type screener struct {
	c    *collector
	d    domain.Date
	out  map[string]bool
	inst map[int64]*domain.Institution
}

func (s *screener) fire(rule, inst, subject string) { s.out[rule+" "+inst+" "+subject] = true }

func (s *screener) open(id int64) bool { return s.inst[id].Status == "open" }

func (s *screener) institutions() {
	inUse := map[int64]bool{}
	for _, e := range s.c.equip {
		if e.Status == "in_use" && s.open(e.InstitutionID) {
			inUse[e.InstitutionID] = true
		}
	}
	lic := map[int64]*domain.Licence{}
	for _, l := range s.c.lics {
		lic[l.InstitutionID] = l
	}
	for _, i := range s.c.insts {
		l, code := lic[i.ID], i.CreditCode
		switch {
		case l == nil && inUse[i.ID]:
			s.fire("INS-LICENCE-MISSING", code, code)
		case l == nil:
		case l.ValidUntil.Before(s.d) && inUse[i.ID]:
			s.fire("INS-LICENCE-EXPIRED", code, code)
		case !l.ValidUntil.Before(s.d) && !l.ValidUntil.After(s.d.AddDate(0, 0, 30)):
			s.fire("INS-LICENCE-EXPIRING", code, code)
		}
	}
	for _, e := range s.c.equip {
		l := lic[e.InstitutionID]
		if e.Status == "in_use" && s.open(e.InstitutionID) && l != nil && !l.Categories()[e.Category()] {
			code := s.inst[e.InstitutionID].CreditCode
			s.fire("EQP-OUT-OF-SCOPE", code, code+"/"+e.SerialNo)
		}
	}
}

func (s *screener) equipment() {
	tests := map[int64][]*domain.EquipmentTest{}
	for _, t := range s.c.tests {
		tests[t.EquipmentID] = append(tests[t.EquipmentID], t)
	}
	for _, e := range s.c.equip {
		if e.Status != "in_use" || !s.open(e.InstitutionID) {
			continue
		}
		code := s.inst[e.InstitutionID].CreditCode
		subj := code + "/" + e.SerialNo
		var accepted bool
		var lastQA, lastPassQA, lastProt, lastPassProt *domain.EquipmentTest
		for _, t := range tests[e.ID] { // tests come in date order
			switch t.Kind {
			case "acceptance", "status":
				accepted = accepted || (t.Kind == "acceptance" && t.Result == "pass")
				lastQA = t
				if t.Result == "pass" {
					lastPassQA = t
				}
			case "protection":
				lastProt = t
				if t.Result == "pass" {
					lastPassProt = t
				}
			}
		}
		if !accepted {
			s.fire("EQP-ACCEPTANCE-MISSING", code, subj)
		}
		if lastQA != nil && lastQA.Result == "fail" {
			s.fire("EQP-FAILED-IN-USE", code, subj)
		}
		if lastPassQA != nil {
			due := lastPassQA.TestedOn.AddDate(1, 0, 0)
			if s.d.After(due) {
				s.fire("EQP-STATUS-OVERDUE", code, subj)
			} else if !due.After(s.d.AddDate(0, 0, 30)) {
				s.fire("EQP-STATUS-DUE-SOON", code, subj)
			}
		}
		if lastPassProt == nil || lastPassProt.TestedOn.AddDate(1, 0, 0).Before(s.d) {
			s.fire("EQP-PROTECTION-OVERDUE", code, subj)
		}
		if lastProt != nil && lastProt.Result == "fail" {
			s.fire("EQP-PROTECTION-FAILED", code, subj)
		}
	}
}

func (s *screener) people() {
	emps := map[int64][]*domain.Employment{}
	for _, e := range s.c.emps {
		if !e.StartedOn.After(s.d) && (e.EndedOn.IsZero() || e.EndedOn.After(s.d)) {
			emps[e.PersonID] = append(emps[e.PersonID], e)
		}
	}
	trains := map[int64][]*domain.Training{}
	for _, t := range s.c.trains {
		trains[t.PersonID] = append(trains[t.PersonID], t)
	}
	exams := map[int64][]*domain.Exam{}
	for _, x := range s.c.exams {
		exams[x.PersonID] = append(exams[x.PersonID], x)
	}
	doses := map[int64][]*domain.DoseRecord{}
	for _, r := range s.c.doses {
		doses[r.PersonID] = append(doses[r.PersonID], r)
	}
	for _, p := range s.c.people {
		active := emps[p.ID]
		if len(active) == 0 {
			continue
		}
		var codes []string
		for _, e := range active {
			codes = append(codes, s.inst[e.InstitutionID].CreditCode)
		}
		perPerson := func(rule string) {
			for _, c := range codes {
				s.fire(rule, c, p.IDNumber)
			}
		}
		for i, e := range active {
			if e.StartedOn.Before(p.BirthDate.AddDate(18, 0, 0)) {
				s.fire("PER-UNDERAGE", codes[i], p.IDNumber)
			}
			if e.PermitNo == "" {
				s.fire("PER-PERMIT-MISSING", codes[i], p.IDNumber)
			}
			if s.gap(e, doses[p.ID]) {
				s.fire("PER-DOSE-GAP", codes[i], p.IDNumber)
			}
		}
		if len(active) > 1 {
			perPerson("PER-MULTI-SITE")
		}
		s.training(trains[p.ID], perPerson)
		s.exam(exams[p.ID], perPerson)
		s.dose(p, doses[p.ID], perPerson)
	}
}

func (s *screener) training(ts []*domain.Training, fire func(string)) {
	var prejob bool
	var last domain.Date
	for _, t := range ts {
		if t.Passed == "pass" {
			prejob = prejob || t.Kind == "prejob"
			if t.TakenOn.After(last) {
				last = t.TakenOn
			}
		}
	}
	if !prejob {
		fire("PER-TRAINING-PREJOB-MISSING")
	}
	if !last.IsZero() && last.AddDate(2, 0, 0).Before(s.d) {
		fire("PER-TRAINING-OVERDUE")
	}
}

func (s *screener) exam(xs []*domain.Exam, fire func(string)) {
	var prejob bool
	var last, latest *domain.Exam
	for _, x := range xs {
		prejob = prejob || x.Kind == "prejob"
		if (x.Kind == "prejob" || x.Kind == "periodic") && (last == nil || x.ExaminedOn.After(last.ExaminedOn)) {
			last = x
		}
		if latest == nil || !x.ExaminedOn.Before(latest.ExaminedOn) {
			latest = x
		}
	}
	if !prejob {
		fire("PER-EXAM-PREJOB-MISSING")
	}
	if last != nil && last.ExaminedOn.AddDate(2, 0, 0).Before(s.d) {
		fire("PER-EXAM-OVERDUE")
	}
	if latest != nil && domain.ConclusionUnfit(latest.Conclusion) {
		fire("PER-EXAM-UNFIT")
	}
}

// gap reports a day in [max(start, D−365), D−90) that no record of the
// person at the employment's institution covers.
func (s *screener) gap(e *domain.Employment, rs []*domain.DoseRecord) bool {
	from := e.StartedOn
	if y := s.d.AddDate(0, 0, -365); y.After(from) {
		from = y
	}
	for d := from; d.Before(s.d.AddDate(0, 0, -90)); d = d.AddDate(0, 0, 1) {
		covered := false
		for _, r := range rs {
			if r.InstitutionID == e.InstitutionID && !d.Before(r.PeriodStart) && !d.After(r.PeriodEnd) {
				covered = true
				break
			}
		}
		if !covered {
			return true
		}
	}
	return false
}

func (s *screener) dose(p *domain.Person, rs []*domain.DoseRecord, fire func(string)) {
	yearAgo := s.d.AddDate(0, 0, -365)
	var sum10, sum3 [2]int64
	for _, r := range rs {
		code := s.inst[r.InstitutionID].CreditCode
		days := int64(r.PeriodStart.DaysUntil(r.PeriodEnd) + 1)
		if r.PeriodEnd.After(yearAgo) && !r.PeriodEnd.After(s.d) {
			if days > 92 {
				s.fire("PER-DOSE-CYCLE-LONG", code, p.IDNumber)
			}
			if r.Hp10.Set && r.Hp10.MicroSv*365 > 5000*days {
				s.fire("PER-DOSE-INVESTIGATE", code, p.IDNumber)
			}
			if r.Lost {
				s.fire("PER-DOSIMETER-LOST", code, p.IDNumber)
			}
		}
		if y := r.PeriodEnd.Year() - s.d.Year() + 1; y == 0 || y == 1 {
			sum10[y] += r.Hp10.MicroSv
			sum3[y] += r.Hp3.MicroSv
		}
	}
	for y := range 2 {
		switch {
		case sum10[y] > 50000:
			fire("PER-DOSE-ANNUAL-LIMIT")
		case sum10[y] > 20000:
			fire("PER-DOSE-ANNUAL-HIGH")
		}
		if sum3[y] > 150000 {
			fire("PER-EYE-LIMIT")
		}
	}
}
