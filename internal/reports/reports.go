// Package reports serves the figures of spec/statistics.md to pages, API
// and CLI alike: the aggregates come from the store, the definitions from
// internal/stats, so that every reader sees the same numbers.
package reports

import (
	"cmp"
	"context"
	"slices"
	"time"

	"radsup/internal/draw"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/screening"
	"radsup/internal/stats"
	"radsup/internal/store"
)

// Service computes statistics on a store.
type Service struct {
	Store *store.Store
	// Thresholds are the screening rules' numbers (the investigation
	// level); the zero value means screening.DefaultThresholds().
	Thresholds screening.Thresholds
	// Today is the office's date; nil means the clock's.
	Today func() domain.Date
}

func (s *Service) today() domain.Date {
	if s.Today != nil {
		return s.Today()
	}
	return domain.DateOf(time.Now())
}

func (s *Service) investigationAnnual() int64 {
	th := s.Thresholds
	if th == (screening.Thresholds{}) {
		th = screening.DefaultThresholds()
	}
	return th.InvestigationAnnual.MicroSv
}

// Dose returns the occupational dose figures of a year, for the district
// or one institution (0: all the user may see). Doses are health data: an
// institution user gets its own institution's, a viewer none.
func (s *Service) Dose(ctx context.Context, u *domain.User, year int, institutionID int64) (*stats.DoseReport, error) {
	if !auth.Can(u, auth.Read, "dose") {
		return nil, auth.ErrForbidden
	}
	if year < 1800 || year > 9999 {
		return nil, domain.FieldErrors{"year": domain.CodeDateRange}.Err()
	}
	var rep *stats.DoseReport
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		if institutionID != 0 {
			if err := store.Visible(tx, "institution", u.Scope(), institutionID); err != nil {
				return err
			}
		}
		rep, err = s.dose(tx, u, year, institutionID)
		return err
	})
	return rep, err
}

// dose computes the dose figures within a read transaction; the caller
// has checked the permission.
func (s *Service) dose(tx *store.Tx, u *domain.User, year int, institutionID int64) (*stats.DoseReport, error) {
	people, err := tx.DoseTotals(u.Scope(), year, institutionID, s.investigationAnnual())
	if err != nil {
		return nil, err
	}
	return stats.Dose(year, people), nil
}

// Register counts the register as of a date: institutions, workers,
// equipment and open findings, for the district. It is the office's view:
// supervisors and viewers.
func (s *Service) Register(ctx context.Context, u *domain.User, asOf domain.Date) (*stats.Register, error) {
	if !auth.Can(u, auth.Read, auth.Overview) {
		return nil, auth.ErrForbidden
	}
	var r *stats.Register
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		r, err = tx.RegisterCounts(asOf)
		return err
	})
	return r, err
}

// RiskUnit is an open institution with its risk weight (spec/enforcement.md
// §2): the base of its highest licensed category plus its open violations,
// at most 5.
type RiskUnit struct {
	InstitutionID  int64   `json:"institution_id"`
	CreditCode     string  `json:"credit_code"`
	Name           string  `json:"name"`
	Category       string  `json:"category"`
	OpenViolations int     `json:"open_violations"`
	Weight         float64 `json:"weight"`
}

// Overview is the district at a glance: the register counts and the
// institutions of highest risk.
type Overview struct {
	Register *stats.Register `json:"register"`
	TopRisk  []RiskUnit      `json:"top_risk"`
}

// Overview returns the register counts as of a date and the n open
// institutions of highest risk weight (ties: more open violations, then
// credit code).
func (s *Service) Overview(ctx context.Context, u *domain.User, asOf domain.Date, n int) (*Overview, error) {
	if !auth.Can(u, auth.Read, auth.Overview) {
		return nil, auth.ErrForbidden
	}
	o := &Overview{}
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		if o.Register, err = tx.RegisterCounts(asOf); err != nil {
			return err
		}
		cands, err := tx.PoolCandidates("", "", "")
		if err != nil {
			return err
		}
		for _, c := range cands {
			cat := domain.HighestCategory(c.Categories)
			o.TopRisk = append(o.TopRisk, RiskUnit{c.InstitutionID, c.CreditCode, c.Name, cat, c.OpenViolations, draw.RiskWeight(cat, c.OpenViolations)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(o.TopRisk, func(a, b RiskUnit) int {
		if a.Weight != b.Weight {
			return cmp.Compare(b.Weight, a.Weight)
		}
		if a.OpenViolations != b.OpenViolations {
			return cmp.Compare(b.OpenViolations, a.OpenViolations)
		}
		return cmp.Compare(a.CreditCode, b.CreditCode)
	})
	o.TopRisk = o.TopRisk[:min(n, len(o.TopRisk))]
	return o, nil
}
