package demo

import (
	"context"
	"fmt"

	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/store"
)

// Counts tallies the records of a load.
type Counts struct {
	Institutions, Licences, People, Employments, Trainings, Exams, Doses, Equipment, Tests int
}

// Total returns the number of records.
func (c Counts) Total() int {
	return c.Institutions + c.Licences + c.People + c.Employments + c.Trainings + c.Exams + c.Doses + c.Equipment + c.Tests
}

func (c Counts) String() string {
	return fmt.Sprintf("%d institutions, %d licences, %d people, %d employments, %d trainings, %d exams, %d dose records, %d devices, %d tests",
		c.Institutions, c.Licences, c.People, c.Employments, c.Trainings, c.Exams, c.Doses, c.Equipment, c.Tests)
}

// Load generates a dataset into s in one transaction with bulk inserts, and
// records one audit event for the whole load.
func Load(ctx context.Context, s *store.Store, scale Scale, seed int64, asOf domain.Date) (Counts, error) {
	var c Counts
	err := s.WithTx(ctx, domain.Actor{Username: "system"}, func(tx *store.Tx) error {
		l := tx.Loader()
		defer l.Close()
		if err := Generate(scale, seed, asOf, &storeSink{l: l, c: &c}); err != nil {
			return err
		}
		// Each licence's history starts with its 发证 act.
		if _, err := tx.IssueMissingActs(); err != nil {
			return err
		}
		return tx.Audit(domain.AuditDemoLoad, "", 0, map[string]any{"scale": scale.Name, "seed": seed, "as_of": asOf.String(), "records": c.Total()})
	})
	return c, err
}

// storeSink writes generated records through a store.Loader.
type storeSink struct {
	l *store.Loader
	c *Counts
}

func (s *storeSink) Institution(r *domain.Institution) error {
	s.c.Institutions++
	return store.Load(s.l, store.Institutions, r)
}

func (s *storeSink) Licence(r *domain.Licence) error {
	s.c.Licences++
	return store.Load(s.l, store.Licences, r)
}

func (s *storeSink) Person(r *domain.Person) error {
	s.c.People++
	return store.Load(s.l, store.People, r)
}

func (s *storeSink) Employment(r *domain.Employment) error {
	s.c.Employments++
	return store.Load(s.l, store.Employments, r)
}

func (s *storeSink) Training(r *domain.Training) error {
	s.c.Trainings++
	return store.Load(s.l, store.Trainings, r)
}

func (s *storeSink) Exam(r *domain.Exam) error {
	s.c.Exams++
	return store.Load(s.l, store.Exams, r)
}

func (s *storeSink) Dose(r *domain.DoseRecord) error {
	s.c.Doses++
	return store.Load(s.l, store.Doses, r)
}

func (s *storeSink) Equipment(r *domain.Equipment) error {
	s.c.Equipment++
	return store.Load(s.l, store.Equipment, r)
}

func (s *storeSink) Test(r *domain.EquipmentTest) error {
	s.c.Tests++
	return store.Load(s.l, store.Tests, r)
}

// Institutions returns how many institutions the database holds, retired
// ones too: demo data goes only into an empty database.
func Institutions(ctx context.Context, s *store.Store) (int, error) {
	var n int
	err := s.View(ctx, func(tx *store.Tx) error {
		var err error
		_, n, err = store.List(tx, store.Institutions, domain.Scope{}, store.Filter{Retired: true, Limit: 1})
		return err
	})
	return n, err
}

// AccountInstitution returns the institution the demo's institution user
// works for: the one the rules find most to rectify as of asOf (the first by
// credit code among equals), so that a newcomer logging in as it sees a to-do
// list rather than an empty page; 0 if there is no institution.
func AccountInstitution(ctx context.Context, s *store.Store, asOf domain.Date) (int64, error) {
	rep, err := (&findings.Service{Store: s}).Preview(ctx, asOf, "")
	if err != nil {
		return 0, err
	}
	// Preview sorts by credit code, so the first institution to reach the
	// highest count is the first by credit code among equals.
	counts := map[int64]int{}
	var id int64
	for _, f := range rep.Findings {
		if f.InstitutionID == 0 {
			continue
		}
		counts[f.InstitutionID]++
		if id == 0 || counts[f.InstitutionID] > counts[id] {
			id = f.InstitutionID
		}
	}
	if id != 0 {
		return id, nil
	}
	err = s.View(ctx, func(tx *store.Tx) error {
		list, _, err := store.List(tx, store.Institutions, domain.Scope{}, store.Filter{Limit: 1})
		if err == nil && len(list) > 0 {
			id = list[0].ID
		}
		return err
	})
	return id, err
}
