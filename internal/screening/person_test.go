package screening

import (
	"slices"
	"strings"
	"testing"

	"radsup/internal/domain"
)

var (
	start = day("2020-01-01")
	asOf  = day("2025-06-15")
)

func TestCompliantPersonHasNoFindings(t *testing.T) {
	for _, d := range []string{"2020-01-01", "2020-04-10", "2023-02-28", "2024-02-29", "2025-06-15", "2025-12-31"} {
		if fs := checkPerson(t, compliant(start, day(d)), day(d), DefaultThresholds()); len(fs) != 0 {
			t.Errorf("as of %s: %v", d, fs)
		}
	}
}

// personCase mutates the compliant worker and lists the rules that fire.
type personCase struct {
	name   string
	asOf   string // default asOf
	start  string // default start
	mutate func(*PersonFacts)
	want   []string // distinct rule IDs
	only   []string // compare only these rules, when set
}

func runPersonCases(t *testing.T, cases []personCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, s := asOf, start
			if tc.asOf != "" {
				d = day(tc.asOf)
			}
			if tc.start != "" {
				s = day(tc.start)
			}
			f := compliant(s, d)
			if tc.mutate != nil {
				tc.mutate(&f)
			}
			fs := checkPerson(t, f, d, DefaultThresholds())
			if got := distinct(fs, tc.only...); !slices.Equal(got, sorted(tc.want...)) {
				t.Fatalf("rules = %q, want %q\n%v", got, sorted(tc.want...), messages(fs))
			}
		})
	}
}

func messages(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Institution + " " + zh(f) + "\n")
	}
	return b.String()
}

func noPermit(f *PersonFacts) { f.Employments[0].PermitNo = "" }

func TestPersonEmployment(t *testing.T) {
	runPersonCases(t, []personCase{
		{"no permit", "", "", noPermit, []string{PerPermitMissing}, nil},
		{"blank permit", "", "", func(f *PersonFacts) { f.Employments[0].PermitNo = "  " }, []string{PerPermitMissing}, nil},
		{"employment ended on D is not active", "", "", func(f *PersonFacts) {
			noPermit(f)
			f.Employments[0].EndedOn = asOf
		}, nil, nil},
		{"employment ending the day after D is active", "", "", func(f *PersonFacts) {
			noPermit(f)
			f.Employments[0].EndedOn = asOf.AddDate(0, 0, 1)
		}, []string{PerPermitMissing}, nil},
		{"employment starting the day after D is not active", "", "", func(f *PersonFacts) {
			noPermit(f)
			f.Employments[0].StartedOn = asOf.AddDate(0, 0, 1)
		}, nil, nil},
		{"employment starting on D is active", "2025-06-15", "2025-06-15", noPermit, []string{PerPermitMissing}, nil},
		{"retired employment is absent", "", "", func(f *PersonFacts) {
			noPermit(f)
			f.Employments[0].Retired = true
		}, nil, nil},
		{"another person's employment is ignored", "", "", func(f *PersonFacts) {
			noPermit(f)
			f.Employments[0].PersonID = 99
		}, nil, nil},
		{"retired person", "", "", func(f *PersonFacts) {
			noPermit(f)
			f.Person.Retired = true
		}, nil, nil},
		{"no employment at all", "", "", func(f *PersonFacts) { f.Employments = nil; f.Trainings = nil }, nil, nil},
	})
}

func TestPersonUnderage(t *testing.T) {
	leap := func(f *PersonFacts) { f.Person.IDNumber = idNumber("20080229", 11) }
	runPersonCases(t, []personCase{
		// Born 2008-02-29: 18 on 2026-03-01 (AddDate normalises 2026-02-29).
		{"born 29 Feb, starts one day short of 18", "2026-03-10", "2026-02-28", leap, []string{PerUnderage}, nil},
		{"born 29 Feb, starts on turning 18", "2026-03-10", "2026-03-01", leap, nil, nil},
		{"born 1 Mar 2008, starts 28 Feb 2026", "2026-03-10", "2026-02-28", func(f *PersonFacts) {
			f.Person.IDNumber = idNumber("20080301", 11)
		}, []string{PerUnderage}, nil},
		{"born 28 Feb 2008, starts 28 Feb 2026", "2026-03-10", "2026-02-28", func(f *PersonFacts) {
			f.Person.IDNumber = idNumber("20080228", 11)
		}, nil, nil},
		{"born 15 Jun 2007, starts 14 Jun 2025", "2025-06-20", "2025-06-14", func(f *PersonFacts) {
			f.Person.IDNumber = idNumber("20070615", 11)
		}, []string{PerUnderage}, nil},
		{"born 15 Jun 2007, starts 15 Jun 2025", "2025-06-20", "2025-06-15", func(f *PersonFacts) {
			f.Person.IDNumber = idNumber("20070615", 11)
		}, nil, nil},
		{"still fires years later while the employment is active", "2030-01-01", "2025-06-14", func(f *PersonFacts) {
			f.Person.IDNumber = idNumber("20070615", 11)
		}, []string{PerUnderage}, nil},
		{"birth date field used when the ID number has none", "2025-06-20", "2025-06-14", func(f *PersonFacts) {
			f.Person.IDNumber, f.Person.BirthDate = "X-PASSPORT-1", day("2007-06-15")
		}, []string{PerUnderage}, nil},
		{"no birth date at all", "2025-06-20", "2025-06-14", func(f *PersonFacts) { f.Person.IDNumber = "X-PASSPORT-1" }, nil, nil},
	})
}

func TestPersonTraining(t *testing.T) {
	prejobOnly := func(on string) func(*PersonFacts) {
		return func(f *PersonFacts) { f.Trainings = []*domain.Training{training(21, "prejob", day(on), "pass")} }
	}
	runPersonCases(t, []personCase{
		{"no training at all: pre-job missing only (chain)", "", "", func(f *PersonFacts) { f.Trainings = nil }, []string{PerTrainingPrejob}, nil},
		{"failed pre-job, recent periodic", "", "", func(f *PersonFacts) { f.Trainings[0].Passed = "fail" }, []string{PerTrainingPrejob}, nil},
		{"old periodic only: pre-job missing, not overdue (chain)", "", "", func(f *PersonFacts) {
			f.Trainings = []*domain.Training{training(22, "periodic", day("2020-01-01"), "pass")}
		}, []string{PerTrainingPrejob}, nil},
		{"pre-job taken after D is not yet known", "", "", func(f *PersonFacts) {
			f.Trainings = []*domain.Training{training(21, "prejob", asOf.AddDate(0, 0, 1), "pass")}
		}, []string{PerTrainingPrejob}, nil},
		// Latest passed training 2023-06-15 + 2 years = 2025-06-15.
		{"day before the deadline", "2025-06-14", "", prejobOnly("2023-06-15"), nil, nil},
		{"on the deadline", "2025-06-15", "", prejobOnly("2023-06-15"), nil, nil},
		{"day after the deadline", "2025-06-16", "", prejobOnly("2023-06-15"), []string{PerTrainingOverdue}, nil},
		{"29 Feb training, 1 Mar two years on", "2026-03-01", "", prejobOnly("2024-02-29"), nil, nil},
		{"29 Feb training, 2 Mar two years on", "2026-03-02", "", prejobOnly("2024-02-29"), []string{PerTrainingOverdue}, nil},
		{"failed periodic does not count", "2025-06-16", "", func(f *PersonFacts) {
			prejobOnly("2023-06-15")(f)
			f.Trainings = append(f.Trainings, training(23, "periodic", day("2025-01-01"), "fail"))
		}, []string{PerTrainingOverdue}, nil},
		{"passed periodic resets the interval", "2025-06-16", "", func(f *PersonFacts) {
			prejobOnly("2023-06-15")(f)
			f.Trainings = append(f.Trainings, training(23, "periodic", day("2025-01-01"), "pass"))
		}, nil, nil},
		{"retired training is absent", "", "", func(f *PersonFacts) { f.Trainings[0].Retired = true }, []string{PerTrainingPrejob}, nil},
	})
}

func TestPersonExams(t *testing.T) {
	prejobOnly := func(on string) func(*PersonFacts) {
		return func(f *PersonFacts) { f.Exams = []*domain.Exam{exam(31, "prejob", day(on), "fit")} }
	}
	latest := func(kind, conclusion string) func(*PersonFacts) {
		return func(f *PersonFacts) { f.Exams = append(f.Exams, exam(39, kind, asOf.AddDate(0, 0, -10), conclusion)) }
	}
	runPersonCases(t, []personCase{
		{"no exam at all: pre-job missing only (chain)", "", "", func(f *PersonFacts) { f.Exams = nil }, []string{PerExamPrejob}, nil},
		{"periodic exams only", "", "", func(f *PersonFacts) { f.Exams = f.Exams[1:] }, []string{PerExamPrejob}, nil},
		{"old periodic only: not overdue (chain)", "", "", func(f *PersonFacts) {
			f.Exams = []*domain.Exam{exam(32, "periodic", day("2020-01-01"), "continue")}
		}, []string{PerExamPrejob}, nil},
		{"day before the deadline", "2025-06-14", "", prejobOnly("2023-06-15"), nil, nil},
		{"on the deadline", "2025-06-15", "", prejobOnly("2023-06-15"), nil, nil},
		{"day after the deadline", "2025-06-16", "", prejobOnly("2023-06-15"), []string{PerExamOverdue}, nil},
		{"29 Feb exam, 1 Mar two years on", "2026-03-01", "", prejobOnly("2024-02-29"), nil, nil},
		{"29 Feb exam, 2 Mar two years on", "2026-03-02", "", prejobOnly("2024-02-29"), []string{PerExamOverdue}, nil},
		{"leaving and recheck exams do not reset the interval", "2025-06-16", "", func(f *PersonFacts) {
			prejobOnly("2023-06-15")(f)
			f.Exams = append(f.Exams, exam(33, "leaving", day("2025-01-01"), "fit"), exam(34, "recheck", day("2025-02-01"), "continue"))
		}, []string{PerExamOverdue}, nil},
		{"periodic exam resets the interval", "2025-06-16", "", func(f *PersonFacts) {
			prejobOnly("2023-06-15")(f)
			f.Exams = append(f.Exams, exam(33, "periodic", day("2025-01-01"), "continue"))
		}, nil, nil},
		{"unfit", "", "", latest("periodic", "unfit"), []string{PerExamUnfit}, nil},
		{"suspend", "", "", latest("periodic", "suspend"), []string{PerExamUnfit}, nil},
		{"reassign", "", "", latest("periodic", "reassign"), []string{PerExamUnfit}, nil},
		{"restricted is no violation", "", "", latest("periodic", "restricted"), nil, nil},
		{"observe is no violation", "", "", latest("recheck", "observe"), nil, nil},
		{"fit", "", "", latest("periodic", "fit"), nil, nil},
		{"unfit recheck is the latest exam", "", "", latest("recheck", "suspend"), []string{PerExamUnfit}, nil},
		{"unfit then fit: superseded", "", "", func(f *PersonFacts) {
			f.Exams = append(f.Exams, exam(38, "periodic", asOf.AddDate(0, 0, -40), "suspend"), exam(39, "recheck", asOf.AddDate(0, 0, -10), "continue"))
		}, nil, nil},
		{"fit then unfit", "", "", func(f *PersonFacts) {
			f.Exams = append(f.Exams, exam(38, "periodic", asOf.AddDate(0, 0, -40), "continue"), exam(39, "recheck", asOf.AddDate(0, 0, -10), "suspend"))
		}, []string{PerExamUnfit}, nil},
		{"unfit exam after D not yet known", "", "", func(f *PersonFacts) {
			f.Exams = append(f.Exams, exam(39, "periodic", asOf.AddDate(0, 0, 1), "unfit"))
		}, nil, nil},
		{"free-text conclusion 不宜", "", "", latest("periodic", "不宜从事放射工作"), []string{PerExamUnfit}, nil},
		{"free-text conclusion 暂时脱离", "", "", latest("periodic", "建议暂时脱离放射工作"), []string{PerExamUnfit}, nil},
		{"free-text restricted", "", "", latest("periodic", "在一定限制条件下可从事放射工作"), nil, nil},
		{"unfit pre-job exam and nothing else: unfit fires too", "", "", func(f *PersonFacts) {
			f.Exams = []*domain.Exam{exam(31, "prejob", day("2025-01-01"), "unfit")}
		}, []string{PerExamUnfit}, nil},
	})
}

// secondEmployer adds an active employment at institution 2 (codeB) since
// 2022-01-01 with its own quarterly doses.
func secondEmployer(f *PersonFacts) {
	f.Employments = append(f.Employments, employment(12, 2, "2022-01-01", "", "410102-0002"))
	f.Doses = append(f.Doses, quarters(2, day("2022-01-01"), asOf, "0.100")...)
}

func TestPersonTwoEmployers(t *testing.T) {
	f := compliant(start, asOf)
	secondEmployer(&f)
	f.Trainings, f.Exams = nil, nil
	f.Employments[1].PermitNo = ""
	fs := checkPerson(t, f, asOf, DefaultThresholds())
	// Per-person rules once per employer; per-employment rules at theirs.
	want := []string{
		codeA + " " + PerExamPrejob, codeA + " " + PerMultiSite, codeA + " " + PerTrainingPrejob,
		codeB + " " + PerExamPrejob, codeB + " " + PerMultiSite, codeB + " " + PerPermitMissing, codeB + " " + PerTrainingPrejob,
	}
	var got []string
	for _, x := range fs {
		got = append(got, x.Institution+" "+x.Rule)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("findings:\n got %q\nwant %q", got, want)
	}
	ms := findingsOf(fs, PerMultiSite)
	if zhFact(ms[0], "institutions") != "甲医院、乙门诊部" || zhFact(ms[0], "count") != "2" || !ms[0].DueOn.IsZero() {
		t.Errorf("multi-site evidence %v due %v", ms[0].Evidence, ms[0].DueOn)
	}
	if !strings.Contains(zh(ms[1]), "同时在2个单位从事放射工作（甲医院、乙门诊部）") {
		t.Errorf("multi-site message %q", zh(ms[1]))
	}
	if ms[0].InstitutionID != 1 || ms[1].InstitutionID != 2 {
		t.Errorf("institution ids %d, %d", ms[0].InstitutionID, ms[1].InstitutionID)
	}
}

func TestPersonMultiSite(t *testing.T) {
	runPersonCases(t, []personCase{
		{"two employers", "", "", secondEmployer, []string{PerMultiSite}, nil},
		{"second employment ended on D", "", "", func(f *PersonFacts) {
			secondEmployer(f)
			f.Employments[1].EndedOn = asOf
		}, nil, nil},
		{"second employment ends the day after D", "", "", func(f *PersonFacts) {
			secondEmployer(f)
			f.Employments[1].EndedOn = asOf.AddDate(0, 0, 1)
		}, []string{PerMultiSite}, nil},
		{"two jobs at one institution", "", "", func(f *PersonFacts) {
			f.Employments = append(f.Employments, employment(12, 1, "2022-01-01", "", "410102-0003"))
		}, nil, nil},
	})
}

// TestPersonOneFindingPerInstitution: two active employments at one
// institution, both without permit: one finding, naming the earlier one.
func TestPersonOneFindingPerInstitution(t *testing.T) {
	f := compliant(start, asOf)
	noPermit(&f)
	f.Employments = append([]*domain.Employment{employment(12, 1, "2023-01-01", "", "")}, f.Employments...)
	fs := checkPerson(t, f, asOf, DefaultThresholds())
	if len(fs) != 1 || fs[0].Rule != PerPermitMissing || zhFact(fs[0], "started_on") != "2020-01-01" {
		t.Fatalf("findings %v", fs)
	}
}

func TestPersonMessages(t *testing.T) {
	f := compliant(start, asOf)
	noPermit(&f)
	f.Person.IDNumber = idNumber("20080229", 11)
	f.Employments[0].StartedOn = day("2026-02-28")
	d := day("2026-03-10")
	fs := checkPerson(t, f, d, DefaultThresholds())
	want := map[string]string{
		PerUnderage: "放射工作人员张伟出生于2008-02-29，2026-02-28在甲医院开始放射工作时未满18周岁（2026-03-01满18周岁），" +
			"违反《放射工作人员职业健康管理办法》第五条(一)（年满18周岁）。",
		PerPermitMissing: "放射工作人员张伟自2026-02-28起在甲医院从事放射工作，未登记《放射工作人员证》编号，" +
			"违反《放射工作人员职业健康管理办法》第五条(五)、第六条第一款、第三十九条。",
	}
	for _, x := range fs {
		if w, ok := want[x.Rule]; ok && zh(x) != w {
			t.Errorf("%s:\n got %q\nwant %q", x.Rule, zh(x), w)
		}
		delete(want, x.Rule)
		if x.SubjectKey != f.Person.IDNumber || x.SubjectID != 1 {
			t.Errorf("subject %q %d", x.SubjectKey, x.SubjectID)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing findings %v in %v", want, ruleIDs(fs))
	}
}

// TestPersonUnknownInstitution: a finding for an institution missing from
// the map still comes out, named by id.
func TestPersonUnknownInstitution(t *testing.T) {
	f := compliant(start, asOf)
	noPermit(&f)
	delete(f.Institutions, 1)
	fs := CheckPerson(f, asOf, DefaultThresholds())
	if len(fs) != 1 || fs[0].InstitutionID != 1 || fs[0].Institution != "" || !strings.Contains(zh(fs[0]), "机构#1") {
		t.Fatalf("findings %+v", fs)
	}
}
