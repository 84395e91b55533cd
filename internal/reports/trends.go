package reports

import (
	"context"
	"time"

	"radsup/internal/domain"
	"radsup/internal/stats"
	"radsup/internal/store"
)

// trends fills the overview's monthly open findings and compliance rates
// as of a date.
func trends(tx *store.Tx, o *Overview, asOf domain.Date) (err error) {
	months := stats.Months(asOf)
	if o.Trend, err = tx.OpenFindingsByMonth(months); err != nil {
		return err
	}
	if o.RectificationsClosed, err = tx.RectificationsClosedByMonth(months); err != nil {
		return err
	}
	units, err := tx.InspectedUnits(asOf.AddDate(0, 0, -stats.CompliancePeriod), asOf)
	if err != nil {
		return err
	}
	o.Compliance = stats.ComplianceOf(units, asOf)
	return nil
}

// Trends are the monthly open findings by severity, the rectifications
// closed in each month (one count per month of Trend.Months) and the
// compliance rates at inspection and 30 days later, as the overview shows
// them.
type Trends struct {
	Trend                *stats.OpenTrend  `json:"trend"`
	RectificationsClosed []int             `json:"rectifications_closed"`
	Compliance           *stats.Compliance `json:"compliance"`
	At                   time.Time         `json:"computed_at"`
}

// Trends returns the overview's trends as of today (from the overview's
// recent computation, like the overview itself).
func (s *Service) Trends(ctx context.Context, u *domain.User) (*Trends, error) {
	o, err := s.Overview(ctx, u, s.today(), overviewTop)
	if err != nil {
		return nil, err
	}
	return &Trends{Trend: o.Trend, RectificationsClosed: o.RectificationsClosed, Compliance: o.Compliance, At: o.At}, nil
}

// overviewTop is the number of top-risk institutions the overview shows.
const overviewTop = 10
