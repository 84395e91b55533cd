package reports

import (
	"context"
	"time"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/stats"
	"radsup/internal/store"
)

// Yearly returns the yearly district report of a year: the register as of
// Dec 31 of the year (today for the current year), the year's doses (only
// for a reader who may read doses), the findings' flow through the year and
// the year's plans and inspections. It is the office's report: supervisors
// and viewers. A year after the current one is refused.
func (s *Service) Yearly(ctx context.Context, u *domain.User, year int) (*stats.Yearly, error) {
	if !auth.Can(u, auth.Read, auth.Overview) {
		return nil, auth.ErrForbidden
	}
	today := s.today()
	if year < 1800 || year > today.Year() {
		return nil, domain.FieldErrors{"year": domain.CodeDateRange}.Err()
	}
	from, to := domain.NewDate(year, 1, 1), domain.NewDate(year, 12, 31)
	asOf := to
	if today.Before(asOf) {
		asOf = today
	}
	// The year's timestamps are the office's days.
	start, end := time.Date(year, 1, 1, 0, 0, 0, 0, time.Local), time.Date(year+1, 1, 1, 0, 0, 0, 0, time.Local)
	y := &stats.Yearly{Year: year, AsOf: asOf.String()}
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		if y.Register, err = tx.RegisterCounts(asOf); err != nil {
			return err
		}
		if auth.Can(u, auth.Read, "dose") {
			if y.Dose, err = s.dose(tx, u, year, 0); err != nil {
				return err
			}
		}
		if y.Findings, err = tx.FindingFlows(from, to, start, end); err != nil {
			return err
		}
		y.Enforcement, err = tx.EnforcementCounts(year)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, f := range y.Findings {
		y.FindingsAll.Add(f)
	}
	return y, nil
}
