package screening

import (
	"slices"
	"strings"
	"testing"

	"radsup/internal/domain"
)

// As of 2025-06-15 the gap window is 2024-06-15 (D − 365 days) …
// 2025-03-16 (the day before D − 90 days); the per-record window is
// (2024-06-15, 2025-06-15].

func addDoses(rs ...*domain.DoseRecord) func(*PersonFacts) {
	return func(f *PersonFacts) { f.Doses = append(f.Doses, rs...) }
}

func setDoses(rs ...*domain.DoseRecord) func(*PersonFacts) {
	return func(f *PersonFacts) { f.Doses = rs }
}

// replaceDose replaces the record ending on end by rs.
func replaceDose(end string, rs ...*domain.DoseRecord) func(*PersonFacts) {
	return func(f *PersonFacts) {
		i := slices.IndexFunc(f.Doses, func(r *domain.DoseRecord) bool { return r.PeriodEnd.String() == end })
		if i < 0 {
			panic("no record ending " + end)
		}
		f.Doses = slices.Concat(f.Doses[:i], rs, f.Doses[i+1:])
	}
}

func dropDosesAfter(end string) func(*PersonFacts) {
	return func(f *PersonFacts) {
		f.Doses = slices.DeleteFunc(f.Doses, func(r *domain.DoseRecord) bool { return r.PeriodEnd.After(day(end)) })
	}
}

func both(ms ...func(*PersonFacts)) func(*PersonFacts) {
	return func(f *PersonFacts) {
		for _, m := range ms {
			m(f)
		}
	}
}

func lost(r *domain.DoseRecord) *domain.DoseRecord     { r.Lost = true; return r }
func belowMDL(r *domain.DoseRecord) *domain.DoseRecord { r.BelowMDL = true; return r }
func withHp3(r *domain.DoseRecord, v string) *domain.DoseRecord {
	r.Hp3 = mSv(v)
	return r
}

func TestDoseGap(t *testing.T) {
	runPersonCases(t, []personCase{
		{"a quarter missing", "", "", replaceDose("2024-12-31"), []string{PerDoseGap}, nil},
		{"covered up to the last checked day (D − 91)", "", "", replaceDose("2025-03-31", doseRec(1, "2025-01-01", "2025-03-16", "0.1")), nil, nil},
		{"one day short of the last checked day", "", "", replaceDose("2025-03-31", doseRec(1, "2025-01-01", "2025-03-15", "0.1")), []string{PerDoseGap}, nil},
		{"lag: Q2 unreported as of 2025-06-30", "2025-06-30", "", dropDosesAfter("2025-03-31"), nil, nil},
		{"lag: Q2 unreported as of 2025-07-01", "2025-07-01", "", dropDosesAfter("2025-03-31"), []string{PerDoseGap}, nil},
		{"days before D − 365 are not checked", "", "", both(
			func(f *PersonFacts) {
				f.Doses = slices.DeleteFunc(f.Doses, func(r *domain.DoseRecord) bool { return r.PeriodEnd.Before(day("2024-07-01")) })
			}, addDoses(doseRec(1, "2024-06-15", "2024-06-30", "0.1"))), nil, nil},
		{"D − 365 itself is checked", "", "", both(
			func(f *PersonFacts) {
				f.Doses = slices.DeleteFunc(f.Doses, func(r *domain.DoseRecord) bool { return r.PeriodEnd.Before(day("2024-07-01")) })
			}, addDoses(doseRec(1, "2024-06-16", "2024-06-30", "0.1"))), []string{PerDoseGap}, nil},
		{"days before started_on are not checked", "", "2025-01-01", nil, nil, nil},
		{"started_on itself is checked", "", "2025-01-01", replaceDose("2025-03-31", doseRec(1, "2025-01-02", "2025-03-31", "0.1")), []string{PerDoseGap}, nil},
		{"started after D − 91: nothing to check yet", "", "2025-03-17", setDoses(), nil, nil},
		{"started on D − 91 without doses", "", "2025-03-16", setDoses(), []string{PerDoseGap}, nil},
		{"doses at another institution do not cover", "", "", func(f *PersonFacts) {
			for _, r := range f.Doses {
				r.InstitutionID = 2
			}
		}, []string{PerDoseGap}, nil},
		{"overlapping, unsorted records cover", "", "", func(f *PersonFacts) {
			slices.Reverse(f.Doses)
			f.Doses = append(f.Doses, doseRec(1, "2024-11-01", "2024-11-30", "0.1"), doseRec(1, "2024-06-01", "2025-01-10", "0.1"))
			replaceDose("2024-12-31")(f)
			replaceDose("2024-09-30")(f)
		}, []string{PerDoseCycleLong}, nil},
		{"a lost dosimeter's record covers its period", "", "", replaceDose("2024-12-31", lost(doseRec(1, "2024-10-01", "2024-12-31", ""))), []string{PerDosimeterLost}, nil},
		{"a record ending after D is not yet known", "", "", replaceDose("2025-03-31", doseRec(1, "2025-01-01", "2025-06-20", "0.1")), []string{PerDoseGap}, nil},
		{"retired record is absent", "", "", func(f *PersonFacts) { f.Doses[len(f.Doses)-3].Retired = true }, []string{PerDoseGap}, nil},
		{"employment ended on D: no findings", "", "", both(replaceDose("2024-12-31"), func(f *PersonFacts) { f.Employments[0].EndedOn = asOf }), nil, nil},
	})
}

func TestDoseGapEvidence(t *testing.T) {
	f := compliant(start, asOf)
	replaceDose("2024-12-31")(&f)
	replaceDose("2025-03-31", doseRec(1, "2025-01-01", "2025-03-14", "0.1"))(&f)
	fs := checkPerson(t, f, asOf, DefaultThresholds())
	if len(fs) != 1 {
		t.Fatalf("findings %v", ruleIDs(fs))
	}
	want := map[string]string{"window_from": "2024-06-15", "window_to": "2025-03-16", "gap_days": "94",
		"gaps": "2024-10-01至2024-12-31、2025-03-15至2025-03-16", "first_gap_from": "2024-10-01", "first_gap_to": "2024-12-31"}
	for k, v := range want {
		if got := zhFact(fs[0], k); got != v {
			t.Errorf("evidence %s = %q, want %q", k, got, v)
		}
	}
	wantMsg := "放射工作人员张伟在甲医院的个人剂量监测在2024-06-15至2025-03-16期间有94天无监测记录" +
		"（2024-10-01至2024-12-31、2025-03-15至2025-03-16），违反《放射工作人员职业健康管理办法》第十一条(一)" +
		"（监测周期最长不应超过90天）；《放射诊疗管理规定》第四十一条(四)。"
	if zh(fs[0]) != wantMsg {
		t.Errorf("message:\n got %q\nwant %q", zh(fs[0]), wantMsg)
	}
}

func TestDoseGapPerEmployer(t *testing.T) {
	f := compliant(start, asOf)
	secondEmployer(&f)
	f.Doses = slices.DeleteFunc(f.Doses, func(r *domain.DoseRecord) bool {
		return r.InstitutionID == 2 && r.PeriodEnd.String() == "2024-09-30"
	})
	fs := checkPerson(t, f, asOf, DefaultThresholds())
	gaps := findingsOf(fs, PerDoseGap)
	if len(gaps) != 1 || gaps[0].Institution != codeB || zhFact(gaps[0], "gaps") != "2024-07-01至2024-09-30" {
		t.Fatalf("gap findings %+v", gaps)
	}
}

func TestUncovered(t *testing.T) {
	w := span{10, 20}
	tests := []struct {
		covers []span
		want   []span
	}{
		{nil, []span{{10, 20}}},
		{[]span{{0, 100}}, nil},
		{[]span{{10, 20}}, nil},
		{[]span{{11, 20}}, []span{{10, 10}}},
		{[]span{{10, 19}}, []span{{20, 20}}},
		{[]span{{15, 16}, {0, 12}, {18, 30}}, []span{{13, 14}, {17, 17}}},
		{[]span{{0, 5}, {25, 30}}, []span{{10, 20}}},
		{[]span{{12, 14}, {13, 13}, {14, 16}}, []span{{10, 11}, {17, 20}}},
		{[]span{{10, 12}, {13, 15}, {16, 20}}, nil},
	}
	for _, tc := range tests {
		if got := uncovered(w, slices.Clone(tc.covers)); !slices.Equal(got, tc.want) {
			t.Errorf("uncovered(%v, %v) = %v, want %v", w, tc.covers, got, tc.want)
		}
	}
}

func TestDoseCycleLong(t *testing.T) {
	runPersonCases(t, []personCase{
		{"92-day quarter", "", "", nil, nil, nil},
		{"93-day period", "", "", replaceDose("2024-12-31", doseRec(1, "2024-09-30", "2024-12-31", "0.1")), []string{PerDoseCycleLong}, nil},
		{"half-year record", "", "", both(replaceDose("2024-12-31"), replaceDose("2024-09-30", doseRec(1, "2024-07-01", "2024-12-31", "0.2"))), []string{PerDoseCycleLong}, nil},
		{"93 days ending on D", "", "", addDoses(doseRec(1, "2025-03-15", "2025-06-15", "0.1")), []string{PerDoseCycleLong}, nil},
		{"93 days ending on D − 365", "", "", addDoses(doseRec(1, "2024-03-15", "2024-06-15", "0.1")), nil, nil},
		{"93 days ending on D − 364", "", "", addDoses(doseRec(1, "2024-03-16", "2024-06-16", "0.1")), []string{PerDoseCycleLong}, nil},
	})
	th := DefaultThresholds()
	th.MaxPeriodDays = 90
	f := compliant(start, asOf)
	if got := distinct(checkPerson(t, f, asOf, th)); !slices.Equal(got, []string{PerDoseCycleLong}) {
		t.Errorf("90-day maximum: %q", got)
	}
}

// TestPerRecordOneFindingPerInstitution: records firing at one institution
// make one finding listing them; another institution (even a former
// employer) gets its own.
func TestPerRecordOneFindingPerInstitution(t *testing.T) {
	f := compliant(start, asOf)
	f.Doses = append(f.Doses,
		doseRec(1, "2024-09-01", "2024-12-31", "0.1"), doseRec(1, "2025-01-01", "2025-05-01", "0.1"),
		doseRec(2, "2024-08-01", "2024-11-30", "0.1"),
		lost(doseRec(2, "2024-12-01", "2024-12-31", "")), lost(doseRec(2, "2025-01-01", "2025-01-31", "")))
	fs := checkPerson(t, f, asOf, DefaultThresholds())
	var got []string
	for _, x := range fs {
		got = append(got, x.Institution+" "+x.Rule+" "+zhFact(x, "count"))
	}
	want := []string{codeA + " " + PerDoseCycleLong + " 2", codeB + " " + PerDoseCycleLong + " 1", codeB + " " + PerDosimeterLost + " 2"}
	if !slices.Equal(got, want) {
		t.Fatalf("findings %q, want %q", got, want)
	}
	if r := zhFact(fs[0], "records"); r != "2024-09-01至2024-12-31，122天；2025-01-01至2025-05-01，121天" {
		t.Errorf("records evidence %q", r)
	}
	if !strings.Contains(zh(fs[2]), "在乙门诊部有2个监测周期的个人剂量计丢失（2024-12-01至2024-12-31；2025-01-01至2025-01-31）") {
		t.Errorf("lost message %q", zh(fs[2]))
	}
}

func TestDoseInvestigate(t *testing.T) {
	at := func(from, to, hp string) func(*PersonFacts) { return addDoses(doseRec(1, from, to, hp)) }
	inv := []string{PerDoseInvestigate}
	runPersonCases(t, []personCase{
		// 91 days: 5000 × 91 / 365 = 1246.575… µSv → level 1.246 mSv.
		{"91-day quarter at the level", "", "", at("2024-04-01", "2024-06-30", "1.246"), nil, nil},
		{"91-day quarter 1 µSv above", "", "", at("2024-04-01", "2024-06-30", "1.247"), inv, nil},
		// 92 days: 1260.273… µSv → 1.260 mSv.
		{"92-day quarter at the level", "", "", at("2024-07-01", "2024-09-30", "1.260"), nil, nil},
		{"92-day quarter 1 µSv above", "", "", at("2024-07-01", "2024-09-30", "1.261"), inv, nil},
		// 90 days: 1232.876… µSv → 1.232 mSv.
		{"90-day quarter at the level", "", "", at("2025-01-01", "2025-03-31", "1.232"), nil, nil},
		{"90-day quarter 1 µSv above", "", "", at("2025-01-01", "2025-03-31", "1.233"), inv, nil},
		// 73 days: exactly 1000 µSv.
		{"73 days exactly at 1 mSv", "", "", at("2024-10-01", "2024-12-12", "1.000"), nil, nil},
		{"73 days 1 µSv above", "", "", at("2024-10-01", "2024-12-12", "1.001"), inv, nil},
		{"below MDL counts its recorded value", "", "", addDoses(belowMDL(doseRec(1, "2025-01-01", "2025-03-31", "1.300"))), inv, nil},
		{"lost without a value", "", "", addDoses(lost(doseRec(1, "2025-01-01", "2025-03-31", ""))), []string{PerDosimeterLost}, nil},
		{"lost with a nominal dose above the level", "", "", addDoses(lost(doseRec(1, "2025-01-01", "2025-03-31", "2.000"))), []string{PerDosimeterLost, PerDoseInvestigate}, nil},
		{"ending on D − 365", "", "", at("2024-03-17", "2024-06-15", "5.000"), nil, nil},
		{"ending on D − 364", "", "", at("2024-03-18", "2024-06-16", "5.000"), inv, nil},
		{"ending on D", "", "", at("2025-03-17", "2025-06-15", "5.000"), inv, nil},
		{"ending after D", "", "", at("2025-03-18", "2025-06-16", "5.000"), nil, nil},
	})
	th := DefaultThresholds()
	th.InvestigationAnnual = mSv("10")
	f := compliant(start, asOf)
	addDoses(doseRec(1, "2024-04-01", "2024-06-30", "1.247"))(&f)
	if fs := checkPerson(t, f, asOf, th); len(fs) != 0 {
		t.Errorf("10 mSv investigation level: %v", ruleIDs(fs))
	}
}

func TestInvestigationLevel(t *testing.T) {
	for days, want := range map[int64]string{90: "1.232", 91: "1.246", 92: "1.260", 73: "1.000", 365: "5.000", 30: "0.410", 1: "0.013"} {
		if got := dose(investigationLevel(mSv("5"), days)); got != want {
			t.Errorf("level of %d days = %s, want %s", days, got, want)
		}
	}
	f := compliant(start, asOf)
	addDoses(doseRec(1, "2024-04-01", "2024-06-30", "1.247"))(&f)
	fs := checkPerson(t, f, asOf, DefaultThresholds())
	if len(fs) != 1 || zhFact(fs[0], "records") != "2024-04-01至2024-06-30：Hp(10) 1.247 mSv，调查水平 1.246 mSv" {
		t.Fatalf("findings %v", fs)
	}
	want := "放射工作人员张伟在甲医院有1个监测周期的Hp(10)超过调查水平（2024-04-01至2024-06-30：Hp(10) 1.247 mSv，调查水平 1.246 mSv），" +
		"依据GBZ 128-2019《职业性外照射个人监测规范》调查水平（年有效剂量5 mSv，按监测周期折算），应开展剂量调查，查明原因并记录调查结论。"
	if zh(fs[0]) != want {
		t.Errorf("message:\n got %q\nwant %q", zh(fs[0]), want)
	}
}

func TestDoseSums(t *testing.T) {
	sums := []string{PerDoseAnnualHigh, PerDoseAnnualLimit, PerDoseFiveYearLimit}
	q := func(from, to, hp string) *domain.DoseRecord { return doseRec(1, from, to, hp) }
	runPersonCases(t, []personCase{
		{"this year exactly 20 mSv", "", "", setDoses(q("2025-01-01", "2025-03-31", "20.000")), nil, sums},
		{"this year 20.001 mSv", "", "", setDoses(q("2025-01-01", "2025-03-31", "20.001")), []string{PerDoseAnnualHigh}, sums},
		{"this year exactly 50 mSv", "", "", setDoses(q("2025-01-01", "2025-03-31", "50.000")), []string{PerDoseAnnualHigh}, sums},
		{"this year 50.001 mSv", "", "", setDoses(q("2025-01-01", "2025-03-31", "50.001")), []string{PerDoseAnnualLimit}, sums},
		{"last year four quarters summing to 20 mSv", "", "", setDoses(q("2024-01-01", "2024-03-31", "5"), q("2024-04-01", "2024-06-30", "5"),
			q("2024-07-01", "2024-09-30", "5"), q("2024-10-01", "2024-12-31", "5")), nil, sums},
		{"last year four quarters summing to 20.001 mSv", "", "", setDoses(q("2024-01-01", "2024-03-31", "5"), q("2024-04-01", "2024-06-30", "5"),
			q("2024-07-01", "2024-09-30", "5"), q("2024-10-01", "2024-12-31", "5.001")), []string{PerDoseAnnualHigh}, sums},
		{"last year 50.001 mSv", "", "", setDoses(q("2024-01-01", "2024-12-31", "50.001")), []string{PerDoseAnnualLimit}, sums},
		{"two years ago is not checked yearly", "", "", setDoses(q("2023-01-01", "2023-12-31", "60")), nil, sums},
		{"record ending after D is not yet known", "", "", setDoses(q("2025-04-01", "2025-06-30", "30")), nil, sums},
		{"counted in the year its period ends", "", "", setDoses(q("2024-12-01", "2025-01-31", "20.001")), []string{PerDoseAnnualHigh}, sums},
		{"summed across institutions", "", "", setDoses(q("2024-01-01", "2024-06-30", "10.001"), doseRec(2, "2024-07-01", "2024-12-31", "10")), []string{PerDoseAnnualHigh}, sums},
		{"one year over the limit, the other high", "", "", setDoses(q("2024-01-01", "2024-12-31", "50.001"), q("2025-01-01", "2025-03-31", "25")),
			[]string{PerDoseAnnualHigh, PerDoseAnnualLimit}, sums},
		{"a single year over 100 mSv fires both limits", "", "", setDoses(q("2024-01-01", "2024-12-31", "100.001")),
			[]string{PerDoseAnnualLimit, PerDoseFiveYearLimit}, sums},
		{"below-MDL values count", "", "", setDoses(belowMDL(q("2025-01-01", "2025-03-31", "20.001"))), []string{PerDoseAnnualHigh}, sums},
		{"five years exactly 100 mSv", "", "", setDoses(q("2021-01-01", "2021-12-31", "20"), q("2022-01-01", "2022-12-31", "20"),
			q("2023-01-01", "2023-12-31", "20"), q("2024-01-01", "2024-12-31", "20"), q("2025-01-01", "2025-03-31", "20")), nil, sums},
		{"five years 100.001 mSv", "", "", setDoses(q("2021-01-01", "2021-12-31", "20.001"), q("2022-01-01", "2022-12-31", "20"),
			q("2023-01-01", "2023-12-31", "20"), q("2024-01-01", "2024-12-31", "20"), q("2025-01-01", "2025-03-31", "20")),
			[]string{PerDoseFiveYearLimit}, sums},
		{"the sixth year back is not counted", "", "", setDoses(q("2020-01-01", "2020-12-31", "45"), q("2021-01-01", "2021-12-31", "20"),
			q("2022-01-01", "2022-12-31", "20"), q("2023-01-01", "2023-12-31", "20"), q("2024-01-01", "2024-12-31", "20"), q("2025-01-01", "2025-03-31", "20")),
			nil, sums},
	})
}

func TestDoseSumsEvidence(t *testing.T) {
	f := compliant(start, asOf)
	secondEmployer(&f)
	f.Doses = []*domain.DoseRecord{
		doseRec(1, "2024-01-01", "2024-06-30", "12"), doseRec(2, "2024-07-01", "2024-12-31", "10"),
		doseRec(1, "2025-01-01", "2025-03-31", "21.5"),
	}
	fs := CheckPerson(f, asOf, DefaultThresholds())
	high := findingsOf(fs, PerDoseAnnualHigh)
	if len(high) != 2 || high[0].Institution != codeA || high[1].Institution != codeB {
		t.Fatalf("one finding per employer expected: %v", high)
	}
	ev := high[0].Evidence
	sums := domain.ListFact([]domain.Item{{"year": "2024", "sum": "22.000"}, {"year": "2025", "sum": "21.500"}})
	if !ev["year_sums"].Equal(sums) || ev.Value("high") != "20.000" || ev.Value("limit") != "50.000" {
		t.Errorf("evidence %v", ev)
	}
	want := "放射工作人员张伟各单位合计的年度Hp(10)2024年为22.000 mSv、2025年为21.500 mSv，超过20.000 mSv但未超过50.000 mSv，" +
		"依据GB 18871-2002《电离辐射防护与辐射源安全基本标准》附录B B1.1（连续5年的年平均有效剂量20 mSv），应调查剂量偏高原因，优化防护，控制今后的职业照射。"
	if zh(high[0]) != want {
		t.Errorf("message:\n got %q\nwant %q", zh(high[0]), want)
	}
}

func TestEyeLimit(t *testing.T) {
	eye := func(from, to, hp3 string) *domain.DoseRecord { return withHp3(doseRec(1, from, to, "0.1"), hp3) }
	only := []string{PerEyeLimit}
	runPersonCases(t, []personCase{
		{"this year exactly 150 mSv", "", "", addDoses(eye("2025-01-01", "2025-01-31", "150")), nil, only},
		{"this year 150.001 mSv", "", "", addDoses(eye("2025-01-01", "2025-01-31", "150.001")), only, only},
		{"last year summed", "", "", addDoses(eye("2024-01-01", "2024-03-31", "75"), eye("2024-04-01", "2024-06-30", "75.001")), only, only},
		{"two years ago not checked", "", "", addDoses(eye("2023-01-01", "2023-03-31", "200")), nil, only},
		{"Hp(10) alone never counts", "", "", addDoses(doseRec(1, "2025-01-01", "2025-01-31", "151")), nil, only},
		{"summed across institutions", "", "", addDoses(eye("2024-01-01", "2024-03-31", "75"), withHp3(doseRec(2, "2024-04-01", "2024-06-30", "0.1"), "75.001")), only, only},
	})
	th := DefaultThresholds()
	th.EyeLimit = mSv("20")
	f := compliant(start, asOf)
	addDoses(eye("2025-01-01", "2025-01-31", "20.001"))(&f)
	if got := distinct(checkPerson(t, f, asOf, th), only...); !slices.Equal(got, only) {
		t.Errorf("configured 20 mSv eye limit: %q", got)
	}
}
