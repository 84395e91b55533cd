package screening

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"radsup/internal/domain"
)

// Builders and assertions shared by the tests. Fixtures are built per test.

const (
	codeA = "12430621446197071C" // 岳阳县人民医院's real credit code (regulations.md §10.2)
	codeB = "12431225448464938R"
)

func day(s string) domain.Date { return domain.MustDate(s) }

func mSv(s string) domain.Dose {
	v, err := domain.ParseDose(s)
	if err != nil {
		panic(err)
	}
	return v
}

func institution(id int64, code, name string) *domain.Institution {
	return &domain.Institution{Meta: domain.Meta{ID: id}, CreditCode: code, Name: name, Status: "open"}
}

func licence(id, instID int64, issued, validUntil string, items ...string) *domain.Licence {
	return &domain.Licence{Meta: domain.Meta{ID: id}, InstitutionID: instID, LicenceNo: fmt.Sprintf("豫卫放证字（2020）第%03d号", id),
		Issuer: "郑州市中原区卫生健康委员会", IssuedOn: day(issued), ValidUntil: day(validUntil), Items: items}
}

func device(id, instID int64, typ, serial string) *domain.Equipment {
	return &domain.Equipment{Meta: domain.Meta{ID: id}, InstitutionID: instID, Type: typ, Model: "M-" + serial,
		SerialNo: serial, Status: "in_use"}
}

// eqTest builds an equipment test; ids follow the order of creation within
// a test via the seq argument so that same-day ties are explicit.
func eqTest(seq int64, equipmentID int64, kind, on, result string) *domain.EquipmentTest {
	return &domain.EquipmentTest{Meta: domain.Meta{ID: seq}, EquipmentID: equipmentID, Kind: kind, TestedOn: day(on), Result: result}
}

// idNumber returns a valid GB 11643 ID number for a birth date YYYYMMDD.
func idNumber(birth string, seq int) string {
	first := fmt.Sprintf("410102%s%03d", birth, seq)
	return first + string(domain.IDCheckChar(first))
}

func employment(id, instID int64, started, ended, permit string) *domain.Employment {
	e := &domain.Employment{Meta: domain.Meta{ID: id}, PersonID: 1, InstitutionID: instID, Occupation: "2A",
		StartedOn: day(started), PermitNo: permit}
	if ended != "" {
		e.EndedOn = day(ended)
	}
	return e
}

func training(id int64, kind string, on domain.Date, passed string) *domain.Training {
	return &domain.Training{Meta: domain.Meta{ID: id}, PersonID: 1, Kind: kind, TakenOn: on, Passed: passed}
}

func exam(id int64, kind string, on domain.Date, conclusion string) *domain.Exam {
	return &domain.Exam{Meta: domain.Meta{ID: id}, PersonID: 1, Kind: kind, ExaminedOn: on, Conclusion: conclusion}
}

var nextDoseID int64 = 1000

func doseRec(instID int64, from, to string, hp10 string) *domain.DoseRecord {
	nextDoseID++
	r := &domain.DoseRecord{Meta: domain.Meta{ID: nextDoseID}, PersonID: 1, InstitutionID: instID,
		PeriodStart: day(from), PeriodEnd: day(to)}
	if hp10 != "" {
		r.Hp10 = mSv(hp10)
	}
	return r
}

// quarters returns quarterly records at instID covering start … the last
// quarter ending on or before asOf, the first one cut at start.
func quarters(instID int64, start, asOf domain.Date, hp10 string) []*domain.DoseRecord {
	var out []*domain.DoseRecord
	q := domain.NewDate(start.Year(), time.Month((int(start.Month())-1)/3*3+1), 1)
	for {
		end := q.AddDate(0, 3, -1)
		if end.After(asOf) {
			return out
		}
		from := q
		if start.After(from) {
			from = start
		}
		out = append(out, doseRec(instID, from.String(), end.String(), hp10))
		q = q.AddDate(0, 3, 0)
	}
}

// compliant returns the facts of a worker of institution 1 (codeA), born
// 1990-05-01, employed since start with a permit, trained and examined
// before starting and within the last year, with quarterly doses of
// 0.1 mSv: no rule fires as of asOf.
func compliant(start, asOf domain.Date) PersonFacts {
	f := PersonFacts{
		Person:       &domain.Person{Meta: domain.Meta{ID: 1}, IDNumber: idNumber("19900501", 12), Name: "张伟"},
		Employments:  []*domain.Employment{employment(11, 1, start.String(), "", "410102-0001")},
		Institutions: map[int64]*domain.Institution{1: institution(1, codeA, "甲医院"), 2: institution(2, codeB, "乙门诊部")},
		Trainings:    []*domain.Training{training(21, "prejob", start.AddDate(0, 0, -30), "pass")},
		Exams:        []*domain.Exam{exam(31, "prejob", start.AddDate(0, 0, -20), "fit")},
		Doses:        quarters(1, start, asOf, "0.100"),
	}
	if recent := asOf.AddDate(0, 0, -200); recent.After(start) {
		f.Trainings = append(f.Trainings, training(22, "periodic", recent, "pass"))
		f.Exams = append(f.Exams, exam(32, "periodic", recent, "continue"))
	}
	return f
}

// ruleIDs returns the rule IDs of fs, in order, with repeats.
func ruleIDs(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Rule
	}
	return out
}

// distinct returns the sorted distinct rule IDs of fs, keeping only those
// in only (all when only is empty).
func distinct(fs []Finding, only ...string) []string {
	var out []string
	for _, f := range fs {
		if (len(only) == 0 || slices.Contains(only, f.Rule)) && !slices.Contains(out, f.Rule) {
			out = append(out, f.Rule)
		}
	}
	slices.Sort(out)
	return out
}

func sorted(ids ...string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

func findingsOf(fs []Finding, rule string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// zh and en render a finding in Chinese and English; zhFact renders one
// fact of its evidence in Chinese.
func zh(f Finding) string { return Message("zh-CN", f.Template, f.Evidence, f.DueOn) }
func en(f Finding) string { return Message("en", f.Template, f.Evidence, f.DueOn) }
func zhFact(f Finding, key string) string {
	return FactText("zh-CN", f.Rule, key, f.Evidence[key])
}

func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(c rune) bool { return unicode.Is(unicode.Han, c) })
}

// checkInvariants checks what every finding must satisfy: a catalogue rule
// of the right subject and severity and one of its templates, evidence in
// no language, a complete message in both languages, a due date exactly
// for notices with a deadline, sorted and unique.
func checkInvariants(t *testing.T, fs []Finding) {
	t.Helper()
	for i, f := range fs {
		r, ok := RuleByID(f.Rule)
		switch {
		case !ok:
			t.Errorf("finding %d: unknown rule %q", i, f.Rule)
			continue
		case f.Severity != r.Severity || f.SubjectType != r.Subject:
			t.Errorf("%s: severity %q subject %q, rule says %q %q", f.Rule, f.Severity, f.SubjectType, r.Severity, r.Subject)
		case !slices.Contains(r.Templates(), f.Template):
			t.Errorf("%s: template %q is not one of %q", f.Rule, f.Template, r.Templates())
		case f.SubjectKey == "" || f.Institution == "" || f.InstitutionID == 0:
			t.Errorf("%s: missing subject key or institution: %+v", f.Rule, f)
		case (r.Deadline && r.Severity == Notice) != !f.DueOn.IsZero():
			t.Errorf("%s: due on %v", f.Rule, f.DueOn)
		}
		checkEvidence(t, f)
		checkMessages(t, f)
		if i > 0 {
			p := fs[i-1]
			order := cmp.Or(cmp.Compare(p.Institution, f.Institution), cmp.Compare(p.InstitutionID, f.InstitutionID),
				cmp.Compare(p.Rule, f.Rule), cmp.Compare(p.SubjectKey, f.SubjectKey))
			if order >= 0 {
				t.Errorf("findings not sorted or not unique at %d: %s %s %s after %s %s %s",
					i, f.Institution, f.Rule, f.SubjectKey, p.Institution, p.Rule, p.SubjectKey)
			}
		}
	}
}

// checkEvidence checks that the evidence holds values, and enumeration
// keys rather than labels.
func checkEvidence(t *testing.T, f Finding) {
	t.Helper()
	check := func(k, v string) {
		if v == "" {
			t.Errorf("%s: empty evidence %q", f.Rule, k)
		}
		if e, ok := enums[k]; ok && !e.Has(v) && k != "conclusion" { // a conclusion may be recorded as free text
			t.Errorf("%s: evidence %s = %q is not a key of %s", f.Rule, k, v, e.Name)
		}
	}
	for k, fact := range f.Evidence {
		if !fact.IsList() {
			check(k, fact.Value)
		}
		for _, item := range fact.List {
			for ik, v := range item {
				check(k+"."+ik, v)
				check(ik, v)
			}
		}
	}
}

// checkMessages renders the finding in both languages: every placeholder
// filled, a sentence, a violation citing its basis, and no Chinese in
// English but the names of things and the titles of regulations.
func checkMessages(t *testing.T, f Finding) {
	t.Helper()
	for lang, end := range map[string]string{"zh-CN": "。", "en": "."} {
		m := Message(lang, f.Template, f.Evidence, f.DueOn)
		if strings.ContainsAny(m, "{}") || !strings.HasSuffix(m, end) {
			t.Errorf("%s: %s message not fully rendered: %q", f.Rule, lang, m)
		}
		if f.Severity == Violation && !strings.Contains(m, Basis(lang, f.Rule)) {
			t.Errorf("%s: %s message does not cite the basis: %q", f.Rule, lang, m)
		}
	}
	if m := zh(f); !hasHan(m) {
		t.Errorf("%s: message not Chinese: %q", f.Rule, m)
	}
	if rest := withoutNames(en(f), f.Evidence); hasHan(rest) {
		t.Errorf("%s: English message has Chinese besides names: %q", f.Rule, rest)
	}
}

// withoutNames removes from s the values of ev that are not enumeration
// keys (names, numbers) and the Chinese titles of regulations (《…》).
func withoutNames(s string, ev domain.Evidence) string {
	var names []string
	add := func(k, v string) {
		if e, ok := enums[k]; (!ok || !e.Has(v)) && v != "" { // a name, or text recorded as it is
			names = append(names, v)
		}
	}
	for k, f := range ev {
		add(k, f.Value)
		for _, item := range f.List {
			for ik, v := range item {
				add(ik, v)
			}
		}
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(len(b), len(a)) }) // longest first
	for _, n := range names {
		s = strings.ReplaceAll(s, n, "")
	}
	for {
		i := strings.Index(s, "《")
		j := strings.Index(s, "》")
		if i < 0 || j < i {
			return s
		}
		s = s[:i] + s[j+len("》"):]
	}
}

func checkPerson(t *testing.T, f PersonFacts, asOf domain.Date, th Thresholds) []Finding {
	t.Helper()
	fs := CheckPerson(f, asOf, th)
	checkInvariants(t, fs)
	return fs
}

func checkEquipment(t *testing.T, f EquipmentFacts, asOf domain.Date, th Thresholds) []Finding {
	t.Helper()
	fs := CheckEquipment(f, asOf, th)
	checkInvariants(t, fs)
	return fs
}

func checkInstitution(t *testing.T, f InstitutionFacts, asOf domain.Date, th Thresholds) []Finding {
	t.Helper()
	fs := CheckInstitution(f, asOf, th)
	checkInvariants(t, fs)
	return fs
}
