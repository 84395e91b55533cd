package demo_test

import (
	"radsup/internal/domain"
	"radsup/internal/screening"
)

// screen runs the real screening engine over the collected records and
// returns "rule institution subject" keys of what it finds.
func screen(c *collector, d domain.Date) map[string]bool {
	th := screening.DefaultThresholds()
	out := map[string]bool{}
	add := func(fs []screening.Finding) {
		for _, f := range fs {
			out[f.Rule+" "+f.Institution+" "+f.SubjectKey] = true
		}
	}
	insts := map[int64]*domain.Institution{}
	for _, i := range c.insts {
		insts[i.ID] = i
	}
	lics := map[int64][]*domain.Licence{}
	for _, l := range c.lics {
		lics[l.InstitutionID] = append(lics[l.InstitutionID], l)
	}
	equip := map[int64][]*domain.Equipment{}
	for _, e := range c.equip {
		equip[e.InstitutionID] = append(equip[e.InstitutionID], e)
	}
	for _, i := range c.insts {
		add(screening.CheckInstitution(screening.InstitutionFacts{Institution: i, Licences: lics[i.ID], Equipment: equip[i.ID]}, d, th))
	}
	tests := map[int64][]*domain.EquipmentTest{}
	for _, t := range c.tests {
		tests[t.EquipmentID] = append(tests[t.EquipmentID], t)
	}
	for _, e := range c.equip {
		add(screening.CheckEquipment(screening.EquipmentFacts{Equipment: e, Institution: insts[e.InstitutionID],
			Licences: lics[e.InstitutionID], Tests: tests[e.ID]}, d, th))
	}
	facts := map[int64]*screening.PersonFacts{}
	for _, p := range c.people {
		facts[p.ID] = &screening.PersonFacts{Person: p, Institutions: insts}
	}
	for _, e := range c.emps {
		facts[e.PersonID].Employments = append(facts[e.PersonID].Employments, e)
	}
	for _, t := range c.trains {
		facts[t.PersonID].Trainings = append(facts[t.PersonID].Trainings, t)
	}
	for _, x := range c.exams {
		facts[x.PersonID].Exams = append(facts[x.PersonID].Exams, x)
	}
	for _, r := range c.doses {
		facts[r.PersonID].Doses = append(facts[r.PersonID].Doses, r)
	}
	for _, p := range c.people {
		add(screening.CheckPerson(*facts[p.ID], d, th))
	}
	return out
}
