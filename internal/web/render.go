package web

import (
	"cmp"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/stats"
)

// base is what the layout needs on every page.
type base struct {
	Lang  string
	User  *domain.User
	Title string
	Nav   string // the active nav item
	Path  string // the current page, for the language switch to come back to
	// Office and Printed head a printed page: the office's name and when
	// the page was made.
	Office, Printed string
	// Unread counts an institution user's unread notices, for the nav's badge.
	Unread int
}

// base returns the layout data of a request.
func (s *Server) base(r *http.Request, nav, title string) base {
	p := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		p = "/"
	}
	lang := s.lang(r)
	b := base{Lang: lang, User: userOf(r), Title: title, Nav: nav, Path: localPath(p),
		Office: cmp.Or(s.cfg.Office, i18n.T(lang, "app.office")), Printed: formatTime(time.Now())}
	if b.User != nil {
		b.Unread, _ = s.cfg.Notices.Unread(r.Context(), b.User) // the badge is a hint: a failed count shows none
	}
	return b
}

// Layout returns the layout data itself. The layout reads its fields through
// it: a field promoted from an embedded struct costs the template engine a
// breadth-first search on every use, a method one lookup.
func (b base) Layout() base { return b }

// Can reports whether the user may do action to records of the kind
// entity (auth.Can): templates ask it before they offer a control, so that
// they name capabilities, never roles.
func (b base) Can(action, entity string) bool { return auth.Can(b.User, auth.Action(action), entity) }

// OwnInstitution is the institution an institution user works for; 0 for
// users who see the whole jurisdiction.
func (b base) OwnInstitution() int64 {
	if b.User == nil {
		return 0
	}
	return b.User.Scope().InstitutionID
}

// FiledByUs reports whether the user may change a record filed by the
// institution filedBy (0: the office): an institution user only what its
// own institution filed, others all.
func (b base) FiledByUs(filedBy int64) bool {
	own := b.OwnInstitution()
	return own == 0 || own == filedBy
}

// enums names every enumeration by its Name, for templates and filters.
var enums = func() map[string]*domain.Enum {
	m := map[string]*domain.Enum{domain.Divisions.Name: domain.Divisions, domain.PlanTypes.Name: domain.PlanTypes,
		domain.Categories.Name:        domain.Categories,
		domain.InspectionResults.Name: domain.InspectionResults, domain.InspectionOutcomes.Name: domain.InspectionOutcomes,
		domain.RectificationStates.Name: domain.RectificationStates}
	for _, fields := range domain.Fields {
		for _, f := range fields {
			if f.Enum != nil {
				m[f.Enum.Name] = f.Enum
			}
		}
	}
	return m
}()

// optionLabel returns the label of an enumeration key in lang, or the key.
func optionLabel(lang string, e *domain.Enum, key string) string {
	if e == nil {
		return key
	}
	o, ok := e.Option(key)
	switch {
	case !ok:
		return key
	case lang == "en":
		return o.EN
	}
	return o.ZH
}

// fieldLabel returns a field's label in lang.
func fieldLabel(lang string, f domain.Field) string {
	if lang == "en" {
		return f.EN
	}
	return f.ZH
}

// display formats a field's form value (domain.Value) for reading: labels
// for enumerations and lists, yes/no for flags.
func display(lang string, f domain.Field, v string) string {
	switch f.Type {
	case domain.EnumField:
		return optionLabel(lang, f.Enum, v)
	case domain.ListField:
		items := domain.SplitList(v)
		for i, it := range items {
			items[i] = optionLabel(lang, f.Enum, it)
		}
		return strings.Join(items, "、")
	case domain.BoolField:
		if ok, _ := domain.ParseBool(v); ok {
			return i18n.T(lang, "common.yes")
		}
		return i18n.T(lang, "common.no")
	}
	return v
}

// option is one choice of a select or a group of checkboxes.
type option struct {
	Value    string
	Label    string
	Selected bool
}

// options lists an enumeration's choices in lang with selected marked.
func options(lang string, e *domain.Enum, selected ...string) []option {
	out := make([]option, 0, len(e.Options))
	for _, o := range e.Options {
		l := o.ZH
		if lang == "en" {
			l = o.EN
		}
		out = append(out, option{Value: o.Key, Label: l, Selected: contains(selected, o.Key)})
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// handField is what a hand-made form's field shows besides its input.
type handField struct{ Key, Label, Error string }

// doseStatsRow is a row of the dose statistics page.
type doseStatsRow struct {
	F           stats.DoseFigures
	National    float64
	HasNational bool
}

// inspectionTable and rectTable are what the shared row templates get:
// the rows, and the prefix of their ids, so that a record listed in two
// tables of one page (to do and all; overdue and answered) has two ids;
// plans: the reader may open the plans an inspection belongs to (an
// institution may not).
type (
	inspectionTable struct {
		Prefix string
		Plans  bool
		Rows   []*domain.Inspection
	}
	rectTable struct {
		Prefix string
		Rows   []rectRow
	}
)

// funcs returns the template functions bound to one language.
func (s *Server) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t": func(key string, args ...any) string { return i18n.T(lang, key, args...) },
		"label": func(enum, key string) string {
			if strings.HasPrefix(enum, "street") {
				return optionLabel(lang, domain.Streets[domain.DefaultDivision], key)
			}
			return optionLabel(lang, enums[enum], key)
		},
		"labels": func(enum string, keys []string) string {
			out := make([]string, len(keys))
			for i, k := range keys {
				out[i] = optionLabel(lang, enums[enum], k)
			}
			return strings.Join(out, "、")
		},
		"options": func(enum, selected string) []option {
			e := enums[enum]
			if enum == "street" {
				e = domain.Streets[domain.DefaultDivision]
			}
			if e == nil {
				return nil
			}
			return options(lang, e, selected)
		},
		"acts": func(plural string, m domain.Meta) template.HTML {
			return controlsHTML(lang, rowActions(plural, m.ID, m.Version, m.Retired))
		},
		"controls": func(a actions) template.HTML { return controlsHTML(lang, a) },
		"doserows": func(rows []doseRow) template.HTML { return doseRowsHTML(lang, rows) },
		"pending":  func(sub *domain.Submission) template.HTML { return pendingHTML(lang, sub) },
		// export is the download of the list at path, with the same filters.
		"export": func(path, kind string) string {
			q := ""
			if i := strings.Index(path, "?"); i >= 0 {
				q = path[i:]
			}
			return "/export/" + kind + ".xlsx" + q
		},
		"role": func(role string) string { return i18n.T(lang, "role."+role) },
		"inspectionRows": func(prefix string, plans bool, rows []*domain.Inspection) inspectionTable {
			return inspectionTable{prefix, plans, rows}
		},
		"rectRows": func(prefix string, rows []rectRow) rectTable { return rectTable{prefix, rows} },
		// fieldOf is a form field's key, label and error message.
		"fieldOf": func(errs map[string]string, key, label string) handField {
			return handField{Key: key, Label: label, Error: errs[key]}
		},
		// doseRowOf pairs a row of dose figures with the national mean of its category.
		"doseRowOf": func(f stats.DoseFigures, national map[string]float64) doseStatsRow {
			n, ok := national[f.Category]
			return doseStatsRow{F: f, National: n, HasNational: ok}
		},
		"inc":     func(i int) int { return i + 1 },
		"percent": func(f float64) string { return strconv.FormatFloat(f*100, 'f', -1, 64) + "%" },
		"deref": func(t *time.Time) time.Time {
			if t == nil {
				return time.Time{}
			}
			return *t
		},
		"datetime": formatTime,
		"maskid":   domain.MaskIDNumber, // lists never show whole ID numbers
		"static":   s.staticURL,
		"yesno": func(b bool) string {
			if b {
				return i18n.T(lang, "common.yes")
			}
			return i18n.T(lang, "common.no")
		},
	}
}

// formatTime shows a time in the office's zone (time.Local, -zone) to the minute; "" for none.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}
