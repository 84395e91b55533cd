package web

import (
	"html/template"
	"net/url"

	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/reports"
	"radsup/internal/screening"
	"radsup/internal/stats"
)

// trendView is the overview's trends: the monthly open findings by
// severity as a chart and a table, and the compliance rates.
type trendView struct {
	Chart      template.HTML
	Months     []string
	Rows       []trendRow
	Compliance *stats.Compliance
	RateAt     string
	Rate30     string

	// ClosedChart and Closed are the rectifications closed in each month;
	// the list has no filter by closing month, so the row links to all.
	ClosedChart template.HTML
	Closed      []int
}

// trendRow is one severity's line of the table; the current month's count
// links to the open findings of that severity.
type trendRow struct {
	Label string
	N     []int
	Href  string
}

func trendOf(lang string, o *reports.Overview) *trendView {
	if o.Trend == nil || o.Compliance == nil {
		return nil
	}
	v := &trendView{Compliance: o.Compliance}
	for _, m := range o.Trend.Months {
		v.Months = append(v.Months, m.Key)
	}
	var lines []series
	for _, sev := range domain.Severities {
		n := o.Trend.BySeverity[string(sev)]
		if n == nil {
			n = make([]int, len(v.Months))
		}
		label := screening.SeverityLabel(lang, sev)
		lines = append(lines, series{Key: string(sev), Label: label, N: n})
		v.Rows = append(v.Rows, trendRow{Label: label, N: n,
			Href: "/findings?" + url.Values{"severity": {string(sev)}}.Encode()})
	}
	v.Chart = trendChart(i18n.T(lang, "trends.open_title"), v.Months, lines)
	if len(o.RectificationsClosed) == len(v.Months) {
		v.Closed = o.RectificationsClosed
		v.ClosedChart = trendChart(i18n.T(lang, "trends.closed_title"), v.Months,
			[]series{{Key: "closed", Label: i18n.T(lang, "trends.closed"), N: v.Closed}})
	}
	pct := func(rate float64, whole int) string {
		if whole == 0 {
			return "—"
		}
		return formatPercent(rate)
	}
	v.RateAt, v.Rate30 = pct(o.Compliance.RateAt, o.Compliance.Inspected), pct(o.Compliance.Rate30, o.Compliance.Followed)
	return v
}
