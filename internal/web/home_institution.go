package web

import (
	"net/http"
	"slices"
	"strconv"

	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/reports"
	"radsup/internal/stats"
)

// instHome is an institution's part of its home page: its counts, what
// falls due within the chosen window, its dose figures.
type instHome struct {
	*reports.InstitutionHome
	Severities []severityCount
	Windows    []dueWindow
	Rows       []dueRow
	LicenceURL string
}

type severityCount struct {
	Severity string
	N        int
}

// dueWindow is a link choosing the look-ahead window.
type dueWindow struct {
	Days    int
	URL     string
	Current bool
}

// dueRow is one deadline as the page shows it.
type dueRow struct {
	Kind, What, Ref, URL string
	DueOn                string
	DaysLeft             int
}

// instHome reads an institution user's home: ?days= chooses the window
// among stats.DueWindows (the first when absent or not offered).
func (s *Server) instHome(r *http.Request, inst int64) (*instHome, error) {
	days, _ := strconv.Atoi(r.URL.Query().Get("days"))
	if !slices.Contains(stats.DueWindows, days) {
		days = stats.DueWindows[0]
	}
	h, err := s.cfg.Reports.InstitutionHome(r.Context(), userOf(r), inst, s.cfg.Registry.Today(), days)
	if err != nil {
		return nil, err
	}
	lang := s.lang(r)
	p := &instHome{InstitutionHome: h, LicenceURL: idURL("/institutions/", inst) + "?tab=licence"}
	for _, sev := range domain.Severities {
		p.Severities = append(p.Severities, severityCount{string(sev), h.Findings[string(sev)]})
	}
	for _, d := range stats.DueWindows {
		p.Windows = append(p.Windows, dueWindow{d, "/?days=" + strconv.Itoa(d) + "#due", d == days})
	}
	for _, x := range h.Due {
		row := dueRow{Kind: x.Kind, What: i18n.T(lang, "insthome.kind."+x.Kind), Ref: x.Subject,
			DueOn: x.DueOn.String(), DaysLeft: x.DaysLeft}
		switch x.Kind {
		case stats.DueLicence:
			row.URL, row.Ref = p.LicenceURL, x.Ref
		case stats.DueStatus, stats.DueProtection:
			row.URL = idURL("/equipment/", x.SubjectID)
			if x.Ref != "" {
				row.Ref += " (" + x.Ref + ")"
			}
		default:
			row.URL = idURL("/people/", x.SubjectID)
		}
		p.Rows = append(p.Rows, row)
	}
	return p, nil
}
