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
	// OverviewTTL is how long the district's overview and a year's dose
	// figures are served from their last computation as they are (they
	// scan whole tables: a second on a province); past it, the last is
	// served while it is computed again in the background. 0 means five
	// minutes, negative never.
	OverviewTTL time.Duration

	overviews memo[overviewKey, *Overview]
	doses     memo[doseKey, *stats.DoseReport]

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

// doseKey names a dose report: the year and the institution (0: all).
type doseKey struct {
	year        int
	institution int64
}

// overviewKey names an overview: its date and the number of top-risk
// institutions.
type overviewKey struct {
	asOf string
	n    int
}

// ttl is how long a computed figure is served: OverviewTTL, five minutes
// by default; negative: not at all.
func (s *Service) ttl() time.Duration {
	if s.OverviewTTL == 0 {
		return 5 * time.Minute
	}
	return s.OverviewTTL
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
	if sc := u.Scope().InstitutionID; sc != 0 {
		if institutionID != 0 && institutionID != sc {
			return nil, store.ErrNotFound
		}
		institutionID = sc
	}
	// A year's figures of the whole district read every dose record of the
	// year (a second on a province): served from a recent computation.
	return s.doses.get(ctx, doseKey{year, institutionID}, s.ttl(), func(ctx context.Context) (*stats.DoseReport, error) {
		var people []stats.PersonDose
		err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
			if institutionID != 0 {
				if err := store.Visible(tx, "institution", domain.Scope{}, institutionID); err != nil {
					return err
				}
			}
			people, err = tx.DoseTotals(domain.Scope{}, year, institutionID, s.investigationAnnual())
			return err
		})
		if err != nil {
			return nil, err
		}
		return stats.Dose(year, people), nil
	})
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
// institutions of highest risk, as computed at a time.
type Overview struct {
	Register *stats.Register `json:"register"`
	TopRisk  []RiskUnit      `json:"top_risk"`
	At       time.Time       `json:"computed_at"`

	// Trend and Compliance are the trends of spec/statistics.md (trends.go).
	Trend      *stats.OpenTrend  `json:"trend"`
	Compliance *stats.Compliance `json:"compliance"`
	// RectificationsClosed is the number of rectifications closed in each
	// month of Trend.Months.
	RectificationsClosed []int `json:"rectifications_closed"`
}

// Overview returns the register counts as of a date and the n open
// institutions of highest risk weight (ties: more open violations, then
// credit code).
func (s *Service) Overview(ctx context.Context, u *domain.User, asOf domain.Date, n int) (*Overview, error) {
	if !auth.Can(u, auth.Read, auth.Overview) {
		return nil, auth.ErrForbidden
	}
	// Concurrent readers share one computation; a recent one is served as
	// it is, an older one while it is computed again.
	return s.overviews.get(ctx, overviewKey{asOf.String(), n}, s.ttl(), func(ctx context.Context) (*Overview, error) {
		return s.overview(ctx, asOf, n)
	})
}

// overview computes the overview; the caller has checked the permission.
func (s *Service) overview(ctx context.Context, asOf domain.Date, n int) (*Overview, error) {
	o := &Overview{At: time.Now()}
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		if o.Register, err = tx.RegisterCounts(asOf); err != nil {
			return err
		}
		if err := trends(tx, o, asOf); err != nil {
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

// thresholds are the rules' numbers in force.
func (s *Service) thresholds() screening.Thresholds {
	if s.Thresholds == (screening.Thresholds{}) {
		return screening.DefaultThresholds()
	}
	return s.Thresholds
}

// DueIntervals are the intervals from a record to the deadline it sets,
// from the rules' thresholds: the licence's 校验 is its own date; a status
// test (EQP-STATUS-*), a protection test (EQP-PROTECTION-OVERDUE), a
// training and a health exam (PER-TRAINING-OVERDUE, PER-EXAM-OVERDUE) are
// due their interval after the last; a dose report the reporting lag after
// the end of the last period (PER-DOSE-GAP).
func DueIntervals(th screening.Thresholds) map[string]stats.Interval {
	return map[string]stats.Interval{
		stats.DueLicence:    {},
		stats.DueStatus:     {Years: th.StatusTestYears},
		stats.DueProtection: {Years: th.ProtectionTestYears},
		stats.DueTraining:   {Years: th.TrainingYears},
		stats.DueExam:       {Years: th.ExamYears},
		stats.DueDose:       {Days: th.DoseLagDays},
	}
}

// dueEntity is the kind of record, for auth.Can, each deadline shows.
var dueEntity = map[string]string{
	stats.DueLicence: "licence", stats.DueStatus: "test", stats.DueProtection: "test",
	stats.DueTraining: "training", stats.DueExam: "exam", stats.DueDose: "dose",
}

// InstitutionHome is what an institution's home shows: its own counts,
// what falls due within the window, and its dose figures for this year and
// the last.
type InstitutionHome struct {
	InstitutionID int64               `json:"institution_id"`
	AsOf          domain.Date         `json:"as_of"`
	Days          int                 `json:"days"`
	Workers       int                 `json:"workers"`
	Equipment     int                 `json:"equipment"`
	Findings      map[string]int      `json:"findings"` // open, by severity
	Due           []stats.DueItem     `json:"due"`
	Dose          []*stats.DoseReport `json:"dose,omitempty"` // this year, then the last; none without the right to read doses
}

// InstitutionHome returns an institution's home as of a date, with the
// deadlines of the next days (one of stats.DueWindows). An institution
// user gets its own; deadlines of records the user may not read (exams and
// doses are health data) are left out.
func (s *Service) InstitutionHome(ctx context.Context, u *domain.User, institutionID int64, asOf domain.Date, days int) (*InstitutionHome, error) {
	if !auth.Can(u, auth.Read, "institution") {
		return nil, auth.ErrForbidden
	}
	if !slices.Contains(stats.DueWindows, days) {
		return nil, domain.FieldErrors{"days": domain.CodeEnum}.Err()
	}
	if sc := u.Scope(); sc.InstitutionID != 0 && institutionID == 0 {
		institutionID = sc.InstitutionID
	}
	h := &InstitutionHome{InstitutionID: institutionID, AsOf: asOf, Days: days}
	th := s.thresholds()
	iv := DueIntervals(th)
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if err := store.Visible(tx, "institution", u.Scope(), institutionID); err != nil {
			return err
		}
		c, err := tx.InstitutionCounts(institutionID, asOf)
		if err != nil {
			return err
		}
		h.Workers, h.Equipment, h.Findings = c.Workers, c.Equipment, c.Findings
		var lasts []stats.Last
		for _, k := range stats.DueKinds {
			if !auth.Can(u, auth.Read, dueEntity[k]) {
				continue
			}
			from, to := iv[k].Range(asOf, days)
			ls, err := tx.LastDone(k, institutionID, asOf, from, to)
			if err != nil {
				return err
			}
			lasts = append(lasts, ls...)
		}
		h.Due = stats.Due(lasts, iv, asOf, days)
		if !auth.Can(u, auth.Read, "dose") {
			return nil
		}
		for _, y := range []int{asOf.Year(), asOf.Year() - 1} {
			people, err := tx.DoseTotals(u.Scope(), y, institutionID, th.InvestigationAnnual.MicroSv)
			if err != nil {
				return err
			}
			h.Dose = append(h.Dose, stats.Dose(y, people))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}
