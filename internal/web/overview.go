package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/reports"
	"radsup/internal/screening"
	"radsup/internal/stats"
)

// chartSection is one figure of the overview: a chart and its table.
type chartSection struct {
	ID, Title string
	Chart     template.HTML
	Bars      []bar
}

type overviewPage struct {
	base
	AsOf     string
	Sections []chartSection
	Shares   []share
	*reports.Overview
	Trend *trendView // monthly open findings and compliance (trends.go)
}

// share is a proportion shown as a number: part of whole.
type share struct {
	Label       string
	Part, Whole int
	Percent     string
	Href        string
}

// handleOverview is the district at a glance: register counts and open
// findings as charts with their tables, the shares of workers and devices
// up to date, and the institutions of highest risk. Every bar links to the
// list it counts, with the same filter.
func (s *Server) handleOverview(w http.ResponseWriter, r *http.Request) error {
	lang := s.lang(r)
	today := s.cfg.Registry.Today()
	o, err := s.cfg.Reports.Overview(r.Context(), userOf(r), today, 10)
	if err != nil {
		return err
	}
	reg := o.Register
	p := overviewPage{base: s.base(r, "overview", i18n.T(lang, "overview.title")), AsOf: today.String(), Overview: o}
	streets := domain.Streets[domain.DefaultDivision]
	bars := func(cs []stats.Count, label func(string) string, href func(string) string) []bar {
		out := make([]bar, 0, len(cs))
		for _, c := range cs {
			h := ""
			if href != nil && c.Key != "" {
				h = href(c.Key)
			}
			l := label(c.Key)
			if c.Key == "" {
				l = i18n.T(lang, "overview.none")
			}
			out = append(out, bar{Label: l, N: c.N, Href: h})
		}
		return out
	}
	enum := func(e *domain.Enum) func(string) string {
		return func(k string) string { return optionLabel(lang, e, k) }
	}
	list := func(path, key string) func(string) string {
		return func(v string) string { return path + "?" + url.Values{key: {v}}.Encode() }
	}
	add := func(id string, bs []bar) {
		title := i18n.T(lang, "overview."+id)
		p.Sections = append(p.Sections, chartSection{ID: id, Title: title, Chart: barChart(title, bs), Bars: bs})
	}
	add("institutions_status", bars(reg.Institutions.ByStatus, enum(domain.InstitutionStatuses), list("/institutions", "status")))
	add("institutions_kind", bars(reg.Institutions.ByKind, enum(domain.InstitutionKinds), list("/institutions", "kind")))
	add("institutions_street", bars(reg.Institutions.ByStreet, enum(streets), list("/institutions", "street")))
	add("institutions_category", bars(reg.Institutions.ByCategory, enum(domain.Categories), nil))
	add("findings_severity", bars(reg.Findings.BySeverity, func(k string) string { return screening.SeverityLabel(lang, domain.Severity(k)) },
		list("/findings", "severity")))
	add("findings_rule", bars(reg.Findings.ByRule, func(k string) string { return screening.Title(lang, k) }, list("/findings", "rule")))
	add("findings_street", bars(reg.Findings.ByStreet, enum(streets), list("/findings", "street")))
	add("workers_occupation", bars(reg.Workers.ByOccupation, enum(domain.Occupations), list("/people", "occupation")))
	add("equipment_type", bars(reg.Equipment.ByType, enum(domain.EquipmentTypes), func(t string) string {
		return "/equipment?" + url.Values{"type": {t}, "status": {"in_use"}}.Encode()
	}))
	add("equipment_category", bars(reg.Equipment.ByCategory, enum(domain.Categories), nil))
	pct := func(part, whole int) string {
		if whole == 0 {
			return "—"
		}
		return formatPercent(stats.Share(part, whole))
	}
	wk, eq := reg.Workers, reg.Equipment
	p.Shares = []share{
		{i18n.T(lang, "overview.share.permit"), wk.Permit, wk.Total, pct(wk.Permit, wk.Total), "/findings?rule=" + screening.PerPermitMissing},
		{i18n.T(lang, "overview.share.trained"), wk.Trained, wk.Total, pct(wk.Trained, wk.Total), "/findings?rule=" + screening.PerTrainingOverdue},
		{i18n.T(lang, "overview.share.examined"), wk.Examined, wk.Total, pct(wk.Examined, wk.Total), "/findings?rule=" + screening.PerExamOverdue},
		{i18n.T(lang, "overview.share.status_tested"), eq.StatusTested, eq.InUse, pct(eq.StatusTested, eq.InUse), "/findings?rule=" + screening.EqpStatusOverdue},
		{i18n.T(lang, "overview.share.protection_tested"), eq.ProtectionTested, eq.InUse, pct(eq.ProtectionTested, eq.InUse), "/findings?rule=" + screening.EqpProtectionOverdue},
	}
	p.Trend = trendOf(lang, o)
	return s.render(w, r, http.StatusOK, "overview", p)
}

// formatPercent shows a share (0–1) as a percentage with one decimal.
func formatPercent(f float64) string {
	return strconv.FormatFloat(f*100, 'f', 1, 64) + "%"
}
