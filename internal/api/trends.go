package api

import (
	"net/http"

	"radsup/internal/domain"
)

// handleTrends answers GET /api/v1/stats/trends: the overview's monthly
// open findings by severity and the compliance rates at inspection and 30
// days later (spec/statistics.md, Trends), as /overview shows them.
func (s *server) handleTrends(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	for k := range r.URL.Query() {
		return domain.FieldErrors{k: "unknown_filter"}.Err()
	}
	t, err := s.reports.Trends(r.Context(), u)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}
