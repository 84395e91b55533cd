package findings

import (
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/screening"
)

var d0 = domain.MustDate("2026-06-30")

func gapFacts(name string) screening.PersonFacts {
	inst := &domain.Institution{Meta: domain.Meta{ID: 1}, Name: "医院", CreditCode: "12430621446197071C", Status: "open"}
	first17 := "41010219900101001"
	p := &domain.Person{Meta: domain.Meta{ID: 1}, IDNumber: first17 + string(domain.IDCheckChar(first17)), Name: name}
	f := screening.PersonFacts{Person: p, Institutions: map[int64]*domain.Institution{1: inst},
		Employments: []*domain.Employment{{Meta: domain.Meta{ID: 1}, PersonID: 1, InstitutionID: 1,
			StartedOn: d0.AddDate(-3, 0, 0), PermitNo: "P1"}}}
	// Quarterly records for three years but one quarter, well inside the
	// 365-day window.
	for i := 1; i <= 12; i++ {
		end := d0.AddDate(0, 0, -90*(i-1)-1)
		if i == 3 {
			continue
		}
		f.Doses = append(f.Doses, &domain.DoseRecord{Meta: domain.Meta{ID: int64(i)}, PersonID: 1, InstitutionID: 1,
			PeriodStart: end.AddDate(0, 0, -89), PeriodEnd: end, Hp10: domain.MicroSv(100)})
	}
	return f
}

func only(t *testing.T, fs []screening.Finding, rule string) screening.Finding {
	t.Helper()
	for _, f := range fs {
		if f.Rule == rule {
			return f
		}
	}
	t.Fatalf("%s does not fire: %v", rule, fs)
	return screening.Finding{}
}

func TestFactsHashIgnoresTheSlidingWindow(t *testing.T) {
	th := screening.DefaultThresholds()
	a := only(t, screening.CheckPerson(gapFacts("张三"), d0, th), screening.PerDoseGap)
	b := only(t, screening.CheckPerson(gapFacts("张三"), d0.AddDate(0, 0, 5), th), screening.PerDoseGap)
	if a.Evidence.Value("window_from") == b.Evidence.Value("window_from") {
		t.Fatal("the window did not move")
	}
	if factsHash(a) != factsHash(b) {
		t.Errorf("the same gap hashes differently as the window moves:\n%v\n%v", a.Evidence, b.Evidence)
	}
	renamed := only(t, screening.CheckPerson(gapFacts("张三丰"), d0, th), screening.PerDoseGap)
	if factsHash(a) != factsHash(renamed) {
		t.Error("renaming the person changes the facts hash")
	}
	f := gapFacts("张三")
	f.Doses = f.Doses[1:] // the latest quarter goes missing too
	if other := only(t, screening.CheckPerson(f, d0.AddDate(0, 0, 100), th), screening.PerDoseGap); factsHash(a) == factsHash(other) {
		t.Error("a new gap keeps the facts hash")
	}
}

func TestFactsHashIgnoresDayCounts(t *testing.T) {
	th := screening.DefaultThresholds()
	inst := &domain.Institution{Meta: domain.Meta{ID: 1}, Name: "诊所", CreditCode: "12430621446197071C", Status: "open"}
	facts := screening.InstitutionFacts{Institution: inst,
		Licences:  []*domain.Licence{{Meta: domain.Meta{ID: 1}, InstitutionID: 1, LicenceNo: "L1", IssuedOn: d0.AddDate(-4, 0, 0), ValidUntil: d0.AddDate(0, 0, -20), Items: []string{"xray_imaging"}}},
		Equipment: []*domain.Equipment{{Meta: domain.Meta{ID: 1}, InstitutionID: 1, Type: "dr", Model: "M", SerialNo: "S1", Status: "in_use"}}}
	a := only(t, screening.CheckInstitution(facts, d0, th), screening.InsLicenceExpired)
	b := only(t, screening.CheckInstitution(facts, d0.AddDate(0, 0, 1), th), screening.InsLicenceExpired)
	ma, mb := screening.Message("zh-CN", a.Template, a.Evidence, a.DueOn), screening.Message("zh-CN", b.Template, b.Evidence, b.DueOn)
	if ma == mb || factsHash(a) != factsHash(b) {
		t.Errorf("a day later: messages %q / %q, hashes %s / %s", ma, mb, factsHash(a), factsHash(b))
	}
}

func TestReconcileKeepsDueDate(t *testing.T) {
	r := reconciler{asOf: d0, now: d0.Time(), days: 30}
	f := only(t, screening.CheckPerson(gapFacts("张三"), d0, screening.DefaultThresholds()), screening.PerDoseGap)
	c := r.reconcile([]screening.Finding{f}, nil)
	if len(c.puts) != 1 || c.stats.Opened != 1 || !c.puts[0].DueOn.Equal(d0.AddDate(0, 0, 30)) {
		t.Fatalf("opened: %+v", c)
	}
	stored := c.puts[0]
	stored.ID = 9
	r.asOf = d0.AddDate(0, 0, 1)
	f2 := only(t, screening.CheckPerson(gapFacts("张三"), r.asOf, screening.DefaultThresholds()), screening.PerDoseGap)
	c = r.reconcile([]screening.Finding{f2}, []*domain.Finding{stored})
	if c.stats.StillOpen != 1 || len(c.puts) != 1 || !c.puts[0].DueOn.Equal(d0.AddDate(0, 0, 30)) ||
		!c.puts[0].FirstSeen.Equal(d0) || !c.puts[0].LastSeen.Equal(r.asOf) || c.puts[0].Version != 1 {
		t.Errorf("a day later: %+v %+v", c.stats, c.puts[0])
	}
}

func TestNextRun(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04:05", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct{ now, want string }{
		{"2026-06-30 02:29:59", "2026-06-30 02:30:00"},
		{"2026-06-30 02:30:00", "2026-07-01 02:30:00"}, // the day's run was just tried
		{"2026-06-30 02:30:01", "2026-07-01 02:30:00"},
		{"2026-12-31 23:00:00", "2027-01-01 02:30:00"},
	} {
		if got := nextRun(at(c.now), 2, 30); !got.Equal(at(c.want)) {
			t.Errorf("nextRun(%s) = %s, want %s", c.now, got, c.want)
		}
	}
	if _, _, err := parseClock("2:30pm"); err == nil {
		t.Error("parseClock accepts 2:30pm")
	}
	if h, m, err := parseClock("02:30"); h != 2 || m != 30 || err != nil {
		t.Errorf("parseClock(02:30) = %d, %d, %v", h, m, err)
	}
}
