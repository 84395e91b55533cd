// Package demo generates a seeded, reproducible synthetic register: a
// plausible 郑州市中原区 (District) or a province-sized one (Province), with
// institutions, licences, equipment and tests, workers with their
// employments, trainings, health exams and quarterly doses, and deliberate
// problems for the screening rules to find (see Problems).
//
// Records are streamed to a Sink institution by institution, so memory stays
// flat whatever the scale. Everything is dated relative to the asOf date
// passed to Generate; nothing reads the clock.
package demo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"radsup/internal/domain"
)

// Scale chooses how much to generate.
type Scale struct {
	// Name identifies the scale: "district" or "province".
	Name string
	// Institutions is the number of institutions generated.
	Institutions int
	// People, Devices and DoseRecords are the approximate totals the scale
	// yields. They document the scale; Generate does not read them.
	People, Devices, DoseRecords int
	// DoseYears is how many years of quarterly dose records end at asOf.
	DoseYears int
	// Divisions are the GB/T 2260 county-level codes institutions are spread
	// over, in turn; empty means domain.DefaultDivision only. Streets are
	// filled only for divisions listed in domain.Streets.
	Divisions []string
	// District lays the first institutions out as the hand-made 中原区
	// described by Problems; the others are drawn from a weighted mix.
	District bool
	// ProblemEvery plants a bundle of deliberate problems in one institution
	// in ProblemEvery of the mixed layout (0: none).
	ProblemEvery int
}

// District is the demo 中原区: 60 institutions, about 600 people, 300
// devices and three years of quarterly doses.
var District = Scale{
	Name: "district", Institutions: len(districtLayout),
	People: 600, Devices: 300, DoseRecords: 7000, DoseYears: 3, District: true,
}

// Province is a province-sized register for load tests: 15,000
// institutions over 32 Henan divisions, about 100,000 people, 60,000
// devices and 1.6 million dose records (five years).
var Province = Scale{
	Name: "province", Institutions: 15000,
	People: 100000, Devices: 60000, DoseRecords: 1600000, DoseYears: 5,
	Divisions: provinceDivisions, ProblemEvery: 5,
}

// ScaleByName returns the scale named "district" or "province" (any case).
func ScaleByName(name string) (Scale, bool) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "district":
		return District, true
	case "province":
		return Province, true
	}
	return Scale{}, false
}

// Sink receives the generated records in dependency order and assigns ids:
// each method must set rec.ID (> 0) before returning. The generator fills
// the parent ids (InstitutionID, PersonID, EquipmentID) from them. Every
// record passed is a new value the sink may keep.
type Sink interface {
	Institution(*domain.Institution) error
	Licence(*domain.Licence) error
	Person(*domain.Person) error
	Employment(*domain.Employment) error
	Training(*domain.Training) error
	Exam(*domain.Exam) error
	Dose(*domain.DoseRecord) error
	Equipment(*domain.Equipment) error
	Test(*domain.EquipmentTest) error
}

// Generate streams a dataset into sink, seeded by seed (same seed, scale and
// asOf: the same records), as of the date asOf: records cover the years
// before it and none is dated after it. If sink also implements ProblemSink
// it is told about each planted problem.
func Generate(scale Scale, seed int64, asOf domain.Date, sink Sink) error {
	if asOf.IsZero() {
		return errors.New("demo: asOf date required")
	}
	if scale.Institutions <= 0 || scale.DoseYears <= 0 {
		return fmt.Errorf("demo: scale %q needs institutions and dose years", scale.Name)
	}
	g := &gen{
		rng:     rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)),
		scale:   scale,
		asOf:    asOf,
		sink:    sink,
		idSeen:  map[int64]struct{}{},
		permits: map[string]int{},
		numbers: map[string]int{},
		names:   map[string]bool{},
	}
	g.problems, _ = sink.(ProblemSink)
	for i := range scale.Institutions {
		if err := g.institution(i); err != nil {
			return fmt.Errorf("demo: institution %d: %w", i, err)
		}
	}
	return nil
}

// gen holds the generator state. Apart from small counters it keeps only
// the issued ID numbers and institution names (for uniqueness) and workers
// waiting for a second employer.
type gen struct {
	rng      *rand.Rand
	scale    Scale
	asOf     domain.Date
	sink     Sink
	problems ProblemSink

	idSeen  map[int64]struct{} // first 17 digits of issued ID numbers
	permits map[string]int     // permit counter per division
	numbers map[string]int     // name numbering (第N人民医院) per city and profile
	names   map[string]bool    // institution names given
	seq     int                // document number counter
	bundle  int                // next problem bundle of the mixed layout
	pending []moonlighter      // workers to be given a second active employment
}

// plan is what one institution will be.
type plan struct {
	prof      *profile
	div       division
	street    string
	problems  []string
	suspended bool
}

// planFor lays out institution i.
func (g *gen) planFor(i int) plan {
	p := plan{div: lookupDivision(domain.DefaultDivision)}
	if n := len(g.scale.Divisions); n > 0 {
		p.div = lookupDivision(g.scale.Divisions[i%n])
	}
	if g.scale.District && i < len(districtLayout) {
		s := districtLayout[i]
		p.prof, p.problems, p.suspended = profiles[s.profile], s.problems, s.suspended
	} else {
		p.prof = g.pickProfile()
		p.suspended = g.chance(0.005)
		if e := g.scale.ProblemEvery; e > 0 && i%e == e/2 && !p.suspended {
			p.problems = problemBundles[g.bundle%len(problemBundles)]
			g.bundle++
		}
	}
	if streets, ok := domain.Streets[p.div.code]; ok {
		opts := streets.Options
		p.street = opts[g.rng.IntN(len(opts))].Key
		if p.prof.key == "community" { // one centre per street, in turn
			k := p.div.code + "/street"
			p.street = opts[g.numbers[k]%len(opts)].Key
			g.numbers[k]++
		}
	}
	return p
}

// institution generates one institution and everything that belongs to it.
func (g *gen) institution(i int) error {
	p := g.planFor(i)
	s, err := g.newSite(i, p)
	if err != nil {
		return err
	}
	if err := g.licence(s); err != nil {
		return err
	}
	for _, d := range s.devices {
		if err := g.equipment(s, d); err != nil {
			return err
		}
	}
	return g.staff(s)
}

// Random helpers.

// between returns a uniform integer in [a, b].
func (g *gen) between(a, b int) int {
	if b <= a {
		return a
	}
	return a + g.rng.IntN(b-a+1)
}

// chance reports true with probability p.
func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

// skewed returns an index in [0, n) favouring small values.
func (g *gen) skewed(n int) int {
	u := g.rng.Float64()
	return int(float64(n) * u * u)
}

// lognormal draws from a lognormal distribution with the given median and
// geometric standard deviation.
func (g *gen) lognormal(median, gsd float64) float64 {
	return median * math.Exp(g.rng.NormFloat64()*math.Log(gsd))
}

// daysAgo returns asOf minus n days.
func (g *gen) daysAgo(n int) domain.Date { return g.asOf.AddDate(0, 0, -n) }

// pick returns a random element of list.
func pick[T any](g *gen, list []T) T { return list[g.rng.IntN(len(list))] }
