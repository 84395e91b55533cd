package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"radsup/internal/i18n"
	"radsup/internal/reports"
	"radsup/internal/stats"
)

// yearlyPage is the yearly district report, printable on A4.
type yearlyPage struct {
	base
	Year   int
	Years  []int
	Report *stats.Yearly
	Tables []reports.Table
}

// yearOf reads ?year=Y; last year when absent, a 400 when not a number.
func (s *Server) yearOf(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get("year"))
	if v == "" {
		return s.cfg.Registry.Today().Year() - 1, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil {
		return 0, errBadRequest
	}
	return y, nil
}

// handleYearly is /reports/yearly?year=Y: the yearly report's tables on a
// page that prints on A4 under the office's name.
func (s *Server) handleYearly(w http.ResponseWriter, r *http.Request) error {
	year, err := s.yearOf(r)
	if err != nil {
		return err
	}
	lang := s.lang(r)
	y, err := s.cfg.Reports.Yearly(r.Context(), userOf(r), year)
	if err != nil {
		return err
	}
	p := yearlyPage{base: s.base(r, "overview", i18n.T(lang, "yearly.title", year)), Year: year, Report: y,
		Tables: reports.YearlyTables(y, lang)}
	this := s.cfg.Registry.Today().Year()
	for y := this; y > this-6; y-- {
		p.Years = append(p.Years, y)
	}
	return s.render(w, r, http.StatusOK, "yearly", p)
}

// handleYearlyXLSX is /reports/yearly.xlsx?year=Y: the same tables as a
// workbook, one sheet per table.
func (s *Server) handleYearlyXLSX(w http.ResponseWriter, r *http.Request) error {
	year, err := s.yearOf(r)
	if err != nil {
		return err
	}
	y, err := s.cfg.Reports.Yearly(r.Context(), userOf(r), year)
	if err != nil {
		return err
	}
	lang := s.lang(r)
	out := &lazyAttachment{w: w, name: fmt.Sprintf("yearly-%d.xlsx", year), ctype: xlsxType}
	return out.failed(reports.WriteYearlyXLSX(out, reports.YearlyTables(y, lang), lang))
}
