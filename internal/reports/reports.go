// Package reports serves the figures of spec/statistics.md to pages, API
// and CLI alike: the aggregates come from the store, the definitions from
// internal/stats, so that every reader sees the same numbers.
package reports

import (
	"context"

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
	var people []stats.PersonDose
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		if institutionID != 0 {
			if err := store.Visible(tx, "institution", u.Scope(), institutionID); err != nil {
				return err
			}
		}
		people, err = tx.DoseTotals(u.Scope(), year, institutionID, s.investigationAnnual())
		return err
	})
	if err != nil {
		return nil, err
	}
	return stats.Dose(year, people), nil
}

// Register counts the register as of a date: institutions, workers,
// equipment and open findings, for the district. It is the office's view:
// supervisors and viewers.
func (s *Service) Register(ctx context.Context, u *domain.User, asOf domain.Date) (*stats.Register, error) {
	if !auth.Can(u, auth.Read, auth.Finding) || u.Scope().InstitutionID != 0 {
		return nil, auth.ErrForbidden
	}
	var r *stats.Register
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		r, err = tx.RegisterCounts(asOf)
		return err
	})
	return r, err
}
