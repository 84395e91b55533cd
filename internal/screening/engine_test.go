package screening

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"radsup/internal/domain"
)

// realisticPerson is a worker of two institutions with three years of
// quarterly doses at each, trainings and exams.
func realisticPerson(d domain.Date) PersonFacts {
	s := d.AddDate(-3, 0, 0)
	f := compliant(s, d)
	f.Employments = append(f.Employments, employment(12, 2, s.String(), "", "410102-0002"))
	f.Doses = append(f.Doses, quarters(2, s, d, "0.250")...)
	f.Trainings = append(f.Trainings, training(23, "periodic", d.AddDate(-2, 0, 0), "pass"))
	f.Exams = append(f.Exams, exam(33, "periodic", d.AddDate(-2, 0, 0), "continue"))
	return f
}

// TestDeterministic: the order of the facts does not change the findings.
func TestDeterministic(t *testing.T) {
	f := realisticPerson(asOf)
	f.Trainings, f.Employments[1].PermitNo = nil, ""
	f.Doses = append(f.Doses, doseRec(1, "2024-09-01", "2024-12-31", "3"), doseRec(2, "2024-09-01", "2024-12-31", "3"))
	f.Doses = slices.DeleteFunc(f.Doses, func(r *domain.DoseRecord) bool { return r.PeriodEnd.String() == "2024-09-30" })
	want := checkPerson(t, f, asOf, DefaultThresholds())
	if len(want) < 8 {
		t.Fatalf("fixture should fire many rules, got %v", ruleIDs(want))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20; i++ {
		g := f
		g.Employments, g.Doses, g.Exams = slices.Clone(f.Employments), slices.Clone(f.Doses), slices.Clone(f.Exams)
		rng.Shuffle(len(g.Employments), func(i, j int) { g.Employments[i], g.Employments[j] = g.Employments[j], g.Employments[i] })
		rng.Shuffle(len(g.Doses), func(i, j int) { g.Doses[i], g.Doses[j] = g.Doses[j], g.Doses[i] })
		rng.Shuffle(len(g.Exams), func(i, j int) { g.Exams[i], g.Exams[j] = g.Exams[j], g.Exams[i] })
		if got := CheckPerson(g, asOf, DefaultThresholds()); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffle %d changed the findings:\n got %v\nwant %v", i, got, want)
		}
	}
}

// TestEveryRuleFires: each catalogue rule fires in some scenario, so a rule
// added to the catalogue without a check fails here.
func TestEveryRuleFires(t *testing.T) {
	th := DefaultThresholds()
	var all []Finding
	inst := institutionFacts()
	all = append(all, checkInstitution(t, inst, day("2025-06-16"), th)...)
	all = append(all, checkInstitution(t, inst, day("2025-06-01"), th)...)
	inst.Licences = nil
	all = append(all, checkInstitution(t, inst, day("2025-06-01"), th)...)

	e := equipmentFacts(eqTest(1, 7, "status", "2024-01-01", "fail"), eqTest(2, 7, "protection", "2024-01-01", "fail"))
	e.Equipment.Type = "dsa"
	all = append(all, checkEquipment(t, e, asOf, th)...)
	all = append(all, checkEquipment(t, equipmentFacts(eqTest(1, 7, "acceptance", "2024-01-01", "pass")), day("2025-01-10"), th)...)
	all = append(all, checkEquipment(t, equipmentFacts(eqTest(1, 7, "acceptance", "2024-01-01", "pass")), day("2024-12-15"), th)...)

	p := compliant(start, asOf)
	secondEmployer(&p)
	p.Person.IDNumber = idNumber("20030101", 3)
	p.Trainings, p.Exams = nil, []*domain.Exam{exam(39, "periodic", day("2025-01-01"), "unfit")}
	p.Employments[0].PermitNo = ""
	replaceDose("2024-09-30")(&p)
	p.Doses = append(p.Doses, lost(doseRec(1, "2025-04-01", "2025-04-30", "")),
		withHp3(doseRec(2, "2024-01-01", "2024-12-31", "101"), "151"))
	all = append(all, checkPerson(t, p, asOf, th)...)
	q := compliant(start, asOf)
	q.Trainings = q.Trainings[:1]
	q.Exams = q.Exams[:1]
	q.Doses = append(q.Doses, doseRec(1, "2025-01-01", "2025-03-31", "21"))
	all = append(all, checkPerson(t, q, asOf, th)...)

	if got := distinct(all); !slices.Equal(got, sorted(specIDs...)) {
		t.Errorf("rules fired %q\nwant all of %q", got, sorted(specIDs...))
	}
}

func BenchmarkCheckPerson(b *testing.B) {
	f := realisticPerson(asOf)
	th := DefaultThresholds()
	b.ReportAllocs()
	for b.Loop() {
		CheckPerson(f, asOf, th)
	}
}

func BenchmarkCheckEquipment(b *testing.B) {
	f := equipmentFacts(eqTest(1, 7, "acceptance", "2020-01-01", "pass"))
	for y := 2021; y <= 2025; y++ {
		f.Tests = append(f.Tests, eqTest(int64(y), 7, "status", domain.NewDate(y, 1, 5).String(), "pass"),
			eqTest(int64(y+100), 7, "protection", domain.NewDate(y, 1, 5).String(), "pass"))
	}
	th := DefaultThresholds()
	b.ReportAllocs()
	for b.Loop() {
		CheckEquipment(f, asOf, th)
	}
}
