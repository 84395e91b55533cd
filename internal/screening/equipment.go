package screening

import "radsup/internal/domain"

// CheckEquipment evaluates the equipment rules (EQP-*) as of asOf. Only
// in-use (在用) equipment of an active institution can have findings.
//
// Chains (only the more basic rule fires):
//   - no passed acceptance test → EQP-ACCEPTANCE-MISSING, and neither
//     EQP-STATUS-OVERDUE nor EQP-STATUS-DUE-SOON (spec/rules.md);
//   - latest acceptance/status test failed → EQP-FAILED-IN-USE, and neither
//     status rule: the deadline of the last passed test is moot once a
//     later test failed, the remedy is repair and a new test;
//   - latest protection test failed → EQP-PROTECTION-FAILED, not
//     EQP-PROTECTION-OVERDUE, for the same reason.
//
// EQP-ACCEPTANCE-MISSING and EQP-FAILED-IN-USE are different facts (never
// accepted; latest result failed) and may fire together.
func CheckEquipment(f EquipmentFacts, asOf domain.Date, th Thresholds) []Finding {
	e, inst := f.Equipment, f.Institution
	if e == nil || inst == nil || !inUse(e, inst) || (e.InstitutionID != 0 && inst.ID != 0 && e.InstitutionID != inst.ID) {
		return nil
	}
	c := equipmentCheck{s: equipmentSubject(e, inst), inst: inst, tests: testsOf(f.Tests, e.ID), asOf: asOf, th: th}
	if lic := licenceInForce(f.Licences, f.LicenceActs, inst.ID, asOf); lic != nil {
		c.scope(e, lic)
	}
	c.acceptanceAndStatus()
	c.protection()
	return finish(c.fs)
}

// equipmentCheck collects the findings of one piece of equipment.
type equipmentCheck struct {
	s     subject
	inst  *domain.Institution
	tests []*domain.EquipmentTest
	asOf  domain.Date
	th    Thresholds
	fs    []Finding
}

func (c *equipmentCheck) add(rule, variant string, ev domain.Evidence, due domain.Date) {
	c.fs = append(c.fs, c.s.finding(rule, variant, c.inst, c.inst.ID, ev, due))
}

// scope fires EQP-OUT-OF-SCOPE when the equipment's category is not among
// the licence's. Equipment of an unknown type has no category to compare
// and is left alone (validation rejects unknown types).
func (c *equipmentCheck) scope(e *domain.Equipment, lic *domain.Licence) {
	cat := e.Category()
	if cat == "" {
		return
	}
	cats := lic.Categories()
	if cats[cat] {
		return
	}
	var licensed []domain.Item
	for _, o := range domain.Categories.Options {
		if cats[o.Key] {
			licensed = append(licensed, domain.Item{"category": o.Key})
		}
	}
	ev := facts("category", cat, "licence_no", lic.LicenceNo)
	ev["licensed"] = domain.ListFact(licensed)
	c.add(EqpOutOfScope, "", ev, domain.Date{})
}

func (c *equipmentCheck) acceptanceAndStatus() {
	accepted := c.latest(func(t *domain.EquipmentTest) bool { return t.Kind == kindAcceptance && t.Result == resultPass })
	if accepted == nil {
		c.add(EqpAcceptanceMissing, "", nil, domain.Date{})
	}
	last := c.latest(func(t *domain.EquipmentTest) bool { return t.Kind == kindAcceptance || t.Kind == kindStatus })
	if last != nil && last.Result == resultFail {
		c.add(EqpFailedInUse, "", testEvidence(last), domain.Date{})
		return
	}
	if accepted == nil {
		return
	}
	passed := c.latest(func(t *domain.EquipmentTest) bool {
		return (t.Kind == kindAcceptance || t.Kind == kindStatus) && t.Result == resultPass
	})
	deadline := passed.TestedOn.AddDate(c.th.StatusTestYears, 0, 0)
	ev := facts("last_passed", passed.TestedOn.String(), "deadline", deadline.String(), "years", itoa(c.th.StatusTestYears))
	switch {
	case c.asOf.After(deadline):
		c.add(EqpStatusOverdue, "", ev, domain.Date{})
	case !deadline.After(c.asOf.AddDate(0, 0, c.th.DueSoonDays)):
		c.add(EqpStatusDueSoon, "", ev, deadline)
	}
}

func (c *equipmentCheck) protection() {
	last := c.latest(func(t *domain.EquipmentTest) bool { return t.Kind == kindProtection })
	if last != nil && last.Result == resultFail {
		c.add(EqpProtectionFailed, "", testEvidence(last), domain.Date{})
		return
	}
	passed := c.latest(func(t *domain.EquipmentTest) bool { return t.Kind == kindProtection && t.Result == resultPass })
	if passed == nil {
		c.add(EqpProtectionOverdue, VariantNone, nil, domain.Date{})
		return
	}
	deadline := passed.TestedOn.AddDate(c.th.ProtectionTestYears, 0, 0)
	if c.asOf.After(deadline) {
		c.add(EqpProtectionOverdue, VariantStale, facts("last_passed", passed.TestedOn.String(), "deadline", deadline.String(),
			"years", itoa(c.th.ProtectionTestYears)), domain.Date{})
	}
}

func (c *equipmentCheck) latest(keep func(*domain.EquipmentTest) bool) *domain.EquipmentTest {
	return latest(c.tests, c.asOf, keep,
		func(t *domain.EquipmentTest) domain.Date { return t.TestedOn },
		func(t *domain.EquipmentTest) int64 { return t.ID })
}

func equipmentSubject(e *domain.Equipment, inst *domain.Institution) subject {
	return subject{typ: SubjectEquipment, key: inst.CreditCode + "/" + e.SerialNo, id: e.ID, names: equipmentNames(e)}
}

// testsOf drops retired tests and tests of other equipment.
func testsOf(ts []*domain.EquipmentTest, equipmentID int64) []*domain.EquipmentTest {
	out := make([]*domain.EquipmentTest, 0, len(ts))
	for _, t := range ts {
		if t != nil && !t.Retired && (equipmentID == 0 || t.EquipmentID == 0 || t.EquipmentID == equipmentID) {
			out = append(out, t)
		}
	}
	return out
}

func testEvidence(t *domain.EquipmentTest) domain.Evidence {
	ev := facts("test_kind", t.Kind, "tested_on", t.TestedOn.String(), "result", t.Result)
	if t.ReportNo != "" {
		ev["report_no"] = domain.Fact{Value: t.ReportNo}
	}
	if t.Agency != "" {
		ev["agency"] = domain.Fact{Value: t.Agency}
	}
	return ev
}
