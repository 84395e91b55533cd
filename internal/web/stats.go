package web

import (
	"net/http"
	"strconv"
	"strings"

	"radsup/internal/i18n"
	"radsup/internal/stats"
)

// doseStatsPage shows a year's occupational dose figures beside the
// national ones.
type doseStatsPage struct {
	base
	Year         int
	Years        []int
	Institution  int64
	Report       *stats.DoseReport
	National     map[string]float64
	NationalYear int
	Cite         string
}

// handleDoseStats is /stats/dose?year=Y[&institution_id=N]: the district's
// figures (an institution user's: its own), per category and for all.
func (s *Server) handleDoseStats(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	this := s.cfg.Registry.Today().Year()
	p := doseStatsPage{base: s.base(r, "stats", i18n.T(s.lang(r), "stats.dose.title")), Year: this - 1,
		National: stats.National.Mean, NationalYear: stats.National.Year, Cite: stats.National.Cite}
	if y, err := strconv.Atoi(strings.TrimSpace(q.Get("year"))); err == nil {
		p.Year = y
	}
	for y := this; y > this-6; y-- {
		p.Years = append(p.Years, y)
	}
	p.Institution, _ = strconv.ParseInt(q.Get("institution_id"), 10, 64)
	var err error
	if p.Report, err = s.cfg.Reports.Dose(r.Context(), userOf(r), p.Year, p.Institution); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "stats_dose", p)
}
