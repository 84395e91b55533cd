package demo

import (
	"slices"

	"radsup/internal/domain"
)

// testPrefixes are the report number prefixes of each test kind.
var testPrefixes = map[string]string{"acceptance": "YS", "status": "ZT", "protection": "FH"}

// tests emits a device's tests in date order: the acceptance test at
// installation, yearly status tests and yearly protection tests over the
// last five years, all passed unless a planted problem says otherwise.
func (g *gen) tests(s *site, d *device, e *domain.Equipment) error {
	var ts []*domain.EquipmentTest
	add := func(kind string, on domain.Date, pass bool) {
		t := &domain.EquipmentTest{
			EquipmentID: e.ID, Kind: kind, TestedOn: on, Agency: s.agency,
			ReportNo: g.nextNo(s.div.code[:4]+testPrefixes[kind], on), Result: "pass",
		}
		if !pass {
			t.Result = "fail"
		}
		ts = append(ts, t)
	}
	if d.problem != ruleAcceptanceMissing {
		add("acceptance", e.InstalledOn, true)
	}
	g.testChain(d, e.InstalledOn, "status", add)
	g.testChain(d, e.InstalledOn, "protection", add)
	slices.SortStableFunc(ts, func(a, b *domain.EquipmentTest) int {
		return a.TestedOn.Time().Compare(b.TestedOn.Time())
	})
	for _, t := range ts {
		if err := g.sink.Test(t); err != nil {
			return err
		}
	}
	return nil
}

// testChain adds the yearly tests of one kind, going back from the latest
// one. A normal latest test is 15–320 days before the device's last day in
// service, so nothing falls due within 30 days of asOf.
func (g *gen) testChain(d *device, installed domain.Date, kind string, add func(string, domain.Date, bool)) {
	cutoff := g.asOf.AddDate(-5, 0, 0)
	latest := d.end.AddDate(0, 0, -g.between(15, 320))
	var failed domain.Date
	switch {
	case kind == "status" && d.problem == ruleStatusOverdue,
		kind == "protection" && d.problem == ruleProtectionOverdue:
		latest = g.daysAgo(g.between(400, 520))
	case kind == "status" && d.problem == ruleStatusDueSoon:
		latest = g.asOf.AddDate(0, 0, g.between(3, 27)).AddDate(-1, 0, 0)
	case kind == "status" && d.problem == ruleFailedInUse,
		kind == "protection" && d.problem == ruleProtectionFailed:
		latest = g.daysAgo(g.between(150, 250))
		failed = g.daysAgo(g.between(10, 60))
	}
	if kind == "protection" && !installed.Before(cutoff) {
		add(kind, minDate(installed.AddDate(0, 0, g.between(0, 10)), d.end), true)
	}
	first := installed.AddDate(0, 0, 30)
	for t := latest; t.After(first) && !t.Before(cutoff); t = t.AddDate(0, 0, -g.between(335, 390)) {
		add(kind, t, true)
	}
	if !failed.IsZero() {
		add(kind, failed, false)
	}
}

// minDate returns the earlier of two dates.
func minDate(a, b domain.Date) domain.Date {
	if b.Before(a) {
		return b
	}
	return a
}

// maxDate returns the later of two dates.
func maxDate(a, b domain.Date) domain.Date {
	if b.After(a) {
		return b
	}
	return a
}
