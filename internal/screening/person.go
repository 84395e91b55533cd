package screening

import (
	"strings"

	"radsup/internal/domain"
)

// CheckPerson evaluates the person rules (PER-*) as of asOf. Only a person
// with at least one active employment on asOf can have findings.
//
// Which institution a finding names: per-employment rules (PER-UNDERAGE,
// PER-PERMIT-MISSING, PER-DOSE-GAP) that employment's; per-record rules
// (PER-DOSE-CYCLE-LONG, PER-DOSE-INVESTIGATE, PER-DOSIMETER-LOST) the dose
// records' institution, one finding per institution; every other rule each
// active employer's, so each employer sees it.
//
// Chains (only the more basic rule fires):
//   - no passed pre-job training → PER-TRAINING-PREJOB-MISSING, not
//     PER-TRAINING-OVERDUE (as no acceptance test suppresses the status
//     rules: the pre-job record is the start of the training history);
//   - no pre-job exam → PER-EXAM-PREJOB-MISSING, not PER-EXAM-OVERDUE;
//   - PER-DOSE-ANNUAL-HIGH and PER-DOSE-ANNUAL-LIMIT exclude each other for
//     one year by their ranges (one year may be high and the other over
//     the limit: then both fire, each naming its year).
//
// PER-EXAM-UNFIT is a different fact (the latest conclusion) and fires
// whatever the exam history; PER-DOSE-5YEAR-LIMIT and PER-DOSE-ANNUAL-LIMIT
// are separate limits of GB 18871 and may fire together.
func CheckPerson(f PersonFacts, asOf domain.Date, th Thresholds) []Finding {
	p := f.Person
	if p == nil || p.Retired {
		return nil
	}
	active := activeEmployments(mine(f.Employments, p.ID, func(e *domain.Employment) (int64, bool) {
		return e.PersonID, e.Retired
	}), asOf)
	if len(active) == 0 {
		return nil
	}
	c := &personCheck{f: f, asOf: asOf, th: th, active: active, employers: employerIDs(active),
		s: subject{typ: SubjectPerson, key: p.IDNumber, id: p.ID, names: map[string]string{"name": p.Name}}}
	c.underage()
	c.permit()
	c.training()
	c.exams()
	c.multiSite()
	c.doses = doseRecords(f.Doses, p.ID, asOf)
	c.doseGap()
	c.perRecord()
	c.annualSums()
	c.eyeSums()
	return finish(c.fs)
}

// personCheck collects the findings of one person.
type personCheck struct {
	f         PersonFacts
	asOf      domain.Date
	th        Thresholds
	s         subject
	active    []*domain.Employment
	employers []int64
	doses     []*domain.DoseRecord
	fs        []Finding
}

// addAt adds a finding naming institution instID.
func (c *personCheck) addAt(rule string, instID int64, ev domain.Evidence) {
	c.fs = append(c.fs, c.s.finding(rule, "", c.f.Institutions[instID], instID, ev, domain.Date{}))
}

// addEach adds a per-person finding once for each active employer.
func (c *personCheck) addEach(rule string, ev domain.Evidence) {
	for _, id := range c.employers {
		c.addAt(rule, id, ev)
	}
}

func (c *personCheck) underage() {
	birth, ok := domain.IDBirthDate(c.f.Person.IDNumber)
	if !ok {
		birth = c.f.Person.BirthDate
	}
	if birth.IsZero() {
		return
	}
	// AddDate makes someone born on 29 February of age on 1 March of a
	// common year, the spec's calendar convention.
	adult := birth.AddDate(c.th.MinAge, 0, 0)
	for _, e := range c.active {
		if e.StartedOn.Before(adult) {
			c.addAt(PerUnderage, e.InstitutionID, facts("birth_date", birth.String(), "started_on", e.StartedOn.String(),
				"adult_on", adult.String(), "min_age", itoa(c.th.MinAge)))
		}
	}
}

func (c *personCheck) permit() {
	for _, e := range c.active {
		if strings.TrimSpace(e.PermitNo) == "" {
			c.addAt(PerPermitMissing, e.InstitutionID, facts("started_on", e.StartedOn.String()))
		}
	}
}

func (c *personCheck) training() {
	ts := mine(c.f.Trainings, c.f.Person.ID, func(t *domain.Training) (int64, bool) { return t.PersonID, t.Retired })
	last := func(keep func(*domain.Training) bool) *domain.Training {
		return latest(ts, c.asOf, func(t *domain.Training) bool { return t.Passed == resultPass && keep(t) },
			func(t *domain.Training) domain.Date { return t.TakenOn },
			func(t *domain.Training) int64 { return t.ID })
	}
	if last(func(t *domain.Training) bool { return t.Kind == kindPrejob }) == nil {
		c.addEach(PerTrainingPrejob, nil)
		return
	}
	l := last(func(*domain.Training) bool { return true })
	deadline := l.TakenOn.AddDate(c.th.TrainingYears, 0, 0)
	if c.asOf.After(deadline) {
		c.addEach(PerTrainingOverdue, facts("last_passed", l.TakenOn.String(), "deadline", deadline.String(),
			"years", itoa(c.th.TrainingYears)))
	}
}

func (c *personCheck) exams() {
	xs := mine(c.f.Exams, c.f.Person.ID, func(x *domain.Exam) (int64, bool) { return x.PersonID, x.Retired })
	last := func(keep func(*domain.Exam) bool) *domain.Exam {
		return latest(xs, c.asOf, keep,
			func(x *domain.Exam) domain.Date { return x.ExaminedOn },
			func(x *domain.Exam) int64 { return x.ID })
	}
	if last(func(x *domain.Exam) bool { return x.Kind == kindPrejob }) == nil {
		c.addEach(PerExamPrejob, nil)
	} else {
		l := last(func(x *domain.Exam) bool { return x.Kind == kindPrejob || x.Kind == kindPeriodic })
		deadline := l.ExaminedOn.AddDate(c.th.ExamYears, 0, 0)
		if c.asOf.After(deadline) {
			c.addEach(PerExamOverdue, facts("last_exam", l.ExaminedOn.String(), "deadline", deadline.String(),
				"years", itoa(c.th.ExamYears)))
		}
	}
	if l := last(func(*domain.Exam) bool { return true }); l != nil && unfitConclusion(l.Conclusion) {
		c.addEach(PerExamUnfit, facts("examined_on", l.ExaminedOn.String(), "exam_kind", l.Kind, "conclusion", l.Conclusion))
	}
}

// unfitConclusion reports whether an exam conclusion bars radiation work:
// the domain's list for known keys; for free text (not a key) the GBZ 98
// wording of spec/regulations.md §5 (不应, 不宜, 暂时脱离).
func unfitConclusion(s string) bool {
	if domain.Conclusions.Has(s) {
		return domain.ConclusionUnfit(s)
	}
	return strings.Contains(s, "不应") || strings.Contains(s, "不宜") || strings.Contains(s, "暂时脱离")
}

func (c *personCheck) multiSite() {
	if len(c.employers) < 2 {
		return
	}
	names := make([]domain.Item, len(c.employers))
	for i, id := range c.employers {
		if inst := c.f.Institutions[id]; inst != nil {
			names[i] = domain.Item{"institution_name": inst.Name}
		} else {
			names[i] = domain.Item{"institution_id": itoa(id)} // named by id: the loader should know it
		}
	}
	ev := facts("count", itoa(len(c.employers)))
	ev["institutions"] = domain.ListFact(names)
	c.addEach(PerMultiSite, ev)
}

// mine drops retired records and records of another person (the loader
// should pass neither; a record without a person id is kept).
func mine[T any](xs []*T, personID int64, get func(*T) (int64, bool)) []*T {
	out := make([]*T, 0, len(xs))
	for _, x := range xs {
		if x == nil {
			continue
		}
		if pid, retired := get(x); !retired && (personID == 0 || pid == 0 || pid == personID) {
			out = append(out, x)
		}
	}
	return out
}
