package demo_test

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"testing"
	"time"

	"radsup/internal/demo"
	"radsup/internal/domain"
)

var asOf = domain.MustDate("2025-06-15")

// collector is a Sink that keeps every record, in order, and the planted problems.
type collector struct {
	next     int64
	all      []domain.Record
	insts    []*domain.Institution
	lics     []*domain.Licence
	people   []*domain.Person
	emps     []*domain.Employment
	trains   []*domain.Training
	exams    []*domain.Exam
	doses    []*domain.DoseRecord
	equip    []*domain.Equipment
	tests    []*domain.EquipmentTest
	problems []demo.Problem
	seen     map[int64]bool // ids emitted so far, to check dependency order
	orderErr error
}

func (c *collector) add(r domain.Record, parents ...int64) {
	for _, p := range parents {
		if !c.seen[p] && c.orderErr == nil {
			c.orderErr = fmt.Errorf("%T refers to id %d not emitted before it", r, p)
		}
	}
	c.next++
	r.Base().ID = c.next
	if c.seen == nil {
		c.seen = map[int64]bool{}
	}
	c.seen[c.next] = true
	c.all = append(c.all, r)
}

func (c *collector) Institution(r *domain.Institution) error {
	c.add(r)
	c.insts = append(c.insts, r)
	return nil
}
func (c *collector) Licence(r *domain.Licence) error {
	c.add(r, r.InstitutionID)
	c.lics = append(c.lics, r)
	return nil
}
func (c *collector) Person(r *domain.Person) error {
	c.add(r)
	c.people = append(c.people, r)
	return nil
}
func (c *collector) Employment(r *domain.Employment) error {
	c.add(r, r.PersonID, r.InstitutionID)
	c.emps = append(c.emps, r)
	return nil
}
func (c *collector) Training(r *domain.Training) error {
	c.add(r, r.PersonID)
	c.trains = append(c.trains, r)
	return nil
}
func (c *collector) Exam(r *domain.Exam) error {
	c.add(r, r.PersonID)
	c.exams = append(c.exams, r)
	return nil
}
func (c *collector) Dose(r *domain.DoseRecord) error {
	c.add(r, r.PersonID, r.InstitutionID)
	c.doses = append(c.doses, r)
	return nil
}
func (c *collector) Equipment(r *domain.Equipment) error {
	c.add(r, r.InstitutionID)
	c.equip = append(c.equip, r)
	return nil
}
func (c *collector) Test(r *domain.EquipmentTest) error {
	c.add(r, r.EquipmentID)
	c.tests = append(c.tests, r)
	return nil
}
func (c *collector) Problem(p demo.Problem) error { c.problems = append(c.problems, p); return nil }

func generate(t testing.TB, seed int64, day domain.Date) *collector {
	t.Helper()
	return generateScale(t, demo.District, seed, day)
}

func generateScale(t testing.TB, scale demo.Scale, seed int64, day domain.Date) *collector {
	t.Helper()
	c := &collector{}
	if err := demo.Generate(scale, seed, day, c); err != nil {
		t.Fatal(err)
	}
	if c.orderErr != nil {
		t.Fatal(c.orderErr)
	}
	return c
}

// render writes a record with %+v, pointer fields dereferenced.
func render(h hash.Hash, r domain.Record) {
	switch v := r.(type) {
	case *domain.Institution:
		c := *v
		c.Beds = nil
		fmt.Fprintf(h, "%+v beds=%v\n", c, deref(v.Beds))
	case *domain.Training:
		c := *v
		c.Days = nil
		fmt.Fprintf(h, "%+v days=%v\n", c, deref(v.Days))
	default:
		fmt.Fprintf(h, "%+v\n", r)
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func digest(c *collector) string {
	h := sha256.New()
	for _, r := range c.all {
		render(h, r)
	}
	for _, p := range c.problems {
		fmt.Fprintf(h, "%+v\n", p)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestSameSeedSameData(t *testing.T) {
	a, b := digest(generate(t, 42, asOf)), digest(generate(t, 42, asOf))
	if a != b {
		t.Fatalf("same seed, different data: %s vs %s", a, b)
	}
	if c := digest(generate(t, 43, asOf)); c == a {
		t.Fatal("different seeds gave the same data")
	}
}

func TestRecordsValidate(t *testing.T) {
	c := generate(t, 1, asOf)
	for _, r := range c.all {
		h1, h2 := sha256.New(), sha256.New()
		render(h1, r)
		r.Normalize()
		render(h2, r)
		if string(h1.Sum(nil)) != string(h2.Sum(nil)) {
			t.Errorf("Normalize changed %T %+v", r, r)
		}
		if errs := r.Validate(asOf); len(errs) > 0 {
			t.Errorf("%T %+v: %v", r, r, errs)
		}
	}
}

func TestDistrictCounts(t *testing.T) {
	c := generate(t, 1, asOf)
	inUse := 0
	for _, e := range c.equip {
		if e.Status == "in_use" {
			inUse++
		}
	}
	t.Logf("institutions %d, licences %d, people %d, employments %d, trainings %d, exams %d, doses %d, equipment %d (%d in use), tests %d, problems %d",
		len(c.insts), len(c.lics), len(c.people), len(c.emps), len(c.trains), len(c.exams), len(c.doses),
		len(c.equip), inUse, len(c.tests), len(c.problems))
	check := func(name string, n, lo, hi int) {
		if n < lo || n > hi {
			t.Errorf("%s = %d, want %d..%d", name, n, lo, hi)
		}
	}
	check("institutions", len(c.insts), 60, 60)
	check("people", len(c.people), 480, 760)
	check("equipment", len(c.equip), 230, 380)
	check("dose records", len(c.doses), 4500, 9500)
	check("licences", len(c.lics), 59, 59)
	var sus, ended, scrapped, belowMDL int
	for _, i := range c.insts {
		if i.Status == "suspended" {
			sus++
		}
		if i.DivisionCode != "410102" || !domain.Streets["410102"].Has(i.Street) {
			t.Errorf("%s: division %s street %s", i.Name, i.DivisionCode, i.Street)
		}
	}
	for _, e := range c.emps {
		if !e.EndedOn.IsZero() {
			ended++
		}
	}
	for _, e := range c.equip {
		if e.Status == "scrapped" {
			scrapped++
		}
	}
	for _, d := range c.doses {
		if d.BelowMDL {
			belowMDL++
		}
	}
	if sus != 1 || ended == 0 || scrapped == 0 || belowMDL == 0 {
		t.Errorf("suspended %d, ended employments %d, scrapped %d, below MDL %d", sus, ended, scrapped, belowMDL)
	}
}

func TestUniqueKeys(t *testing.T) {
	c := generate(t, 7, asOf)
	codes := map[string]bool{}
	for _, i := range c.insts {
		if codes[i.CreditCode] {
			t.Errorf("duplicate credit code %s", i.CreditCode)
		}
		codes[i.CreditCode] = true
	}
	ids := map[string]bool{}
	for _, p := range c.people {
		if ids[p.IDNumber] {
			t.Errorf("duplicate ID number %s", p.IDNumber)
		}
		ids[p.IDNumber] = true
	}
	serials := map[string]bool{}
	for _, e := range c.equip {
		k := fmt.Sprint(e.InstitutionID, "/", e.SerialNo)
		if serials[k] {
			t.Errorf("duplicate serial %s", k)
		}
		serials[k] = true
	}
}

func TestPlantedProblems(t *testing.T) {
	c := generate(t, 1, asOf)
	want := map[string]bool{}
	for _, k := range demo.Problems {
		want[k.Rule] = true
	}
	got := map[string]bool{}
	for _, p := range c.problems {
		got[p.Rule] = true
		if !want[p.Rule] {
			t.Errorf("planted %s, not listed in Problems", p.Rule)
		}
	}
	for r := range want {
		if !got[r] {
			t.Errorf("Problems lists %s, not planted", r)
		}
	}
	insts := map[string]bool{}
	for _, p := range c.problems {
		insts[p.Institution] = true
	}
	if n := len(insts); n < 10 || n > 16 {
		t.Errorf("%d institutions with problems, want about one in five", n)
	}
	planted, err := demo.Planted(demo.District, 1, asOf)
	if err != nil || len(planted) != len(c.problems) {
		t.Errorf("Planted: %d problems, %v; want %d", len(planted), err, len(c.problems))
	}
}

// TestScreeningFindsExactlyThePlanted checks, with the screening engine,
// that the planted problems fire and nothing else does, for
// several seeds and dates (quarter ends, leap days).
func TestScreeningFindsExactlyThePlanted(t *testing.T) {
	days := []string{"2025-06-15", "2025-03-31", "2025-04-01", "2025-04-30", "2025-12-31", "2024-02-29", "2026-01-10"}
	mixed := demo.Province // the province's mixed layout, cut short
	mixed.Institutions = 400
	for i, d := range days {
		day := domain.MustDate(d)
		checkScreening(t, generate(t, int64(100+i), day), day, "district")
		if i < 3 {
			checkScreening(t, generateScale(t, mixed, int64(i), day), day, "mixed")
		}
	}
}

func checkScreening(t *testing.T, c *collector, day domain.Date, layout string) {
	t.Helper()
	d := layout + " " + day.String()
	found := screen(c, day)
	planted := map[string]bool{}
	for _, p := range c.problems {
		planted[p.Rule+" "+p.Institution+" "+p.Subject] = true
	}
	for f := range found {
		if !planted[f] {
			t.Errorf("%s: unplanted finding %s", d, f)
		}
	}
	for p := range planted {
		if !found[p] {
			t.Errorf("%s: planted %s not found", d, p)
		}
	}
	if len(planted) == 0 {
		t.Errorf("%s: nothing planted", d)
	}
}

// noIDs is a Sink that forgets to assign ids.
type noIDs struct{ counter }

func (noIDs) Institution(*domain.Institution) error { return nil }

func TestSinkMustAssignIDs(t *testing.T) {
	if err := demo.Generate(demo.District, 1, asOf, &noIDs{}); err == nil {
		t.Fatal("Generate accepted a sink that assigns no ids")
	}
}

func TestScaleByName(t *testing.T) {
	for _, n := range []string{"district", "Province"} {
		if _, ok := demo.ScaleByName(n); !ok {
			t.Errorf("ScaleByName(%q) failed", n)
		}
	}
	if _, ok := demo.ScaleByName("city"); ok {
		t.Error("ScaleByName(city) succeeded")
	}
}

func BenchmarkGenerateProvince(b *testing.B) {
	for b.Loop() {
		s := &counter{}
		start := time.Now()
		if err := demo.Generate(demo.Province, 1, asOf, s); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(s.n)/time.Since(start).Seconds(), "records/s")
		b.ReportMetric(float64(s.n), "records")
	}
}

// counter is a discarding Sink that counts records.
type counter struct{ n int64 }

func (c *counter) id(m *domain.Meta) error                 { c.n++; m.ID = c.n; return nil }
func (c *counter) Institution(r *domain.Institution) error { return c.id(&r.Meta) }
func (c *counter) Licence(r *domain.Licence) error         { return c.id(&r.Meta) }
func (c *counter) Person(r *domain.Person) error           { return c.id(&r.Meta) }
func (c *counter) Employment(r *domain.Employment) error   { return c.id(&r.Meta) }
func (c *counter) Training(r *domain.Training) error       { return c.id(&r.Meta) }
func (c *counter) Exam(r *domain.Exam) error               { return c.id(&r.Meta) }
func (c *counter) Dose(r *domain.DoseRecord) error         { return c.id(&r.Meta) }
func (c *counter) Equipment(r *domain.Equipment) error     { return c.id(&r.Meta) }
func (c *counter) Test(r *domain.EquipmentTest) error      { return c.id(&r.Meta) }
