package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/registry"
	"radsup/internal/store"
)

// institutionsPage is the data of the institution list.
type institutionsPage struct {
	base
	Q          listQuery
	Rows       []institutionsRow
	Pager      pager
	RetiredURL string
	CanCreate  bool
	Findings   bool // the reader may see findings: their column and filter
	// LicenceFilters are the choices of the licence filter.
	LicenceFilters []string
}

// institutionsRow is an institution of the list with its figures.
type institutionsRow struct {
	Inst              *domain.Institution
	Fig               domain.InstitutionFigures
	Expired, Expiring bool // the licence has expired, or expires within expiringDays
}

// expiringDays is how soon a licence expiry is marked in the list.
const expiringDays = 90

// licenceFilters are the choices of the list's licence filter: expired, or
// expiring within so many days (expired ones included), or no licence.
var licenceFilters = []string{"expired", "30", "90", "180", "none"}

// institutionFilter turns the page's licence and findings filters into the
// store's: the licence's last day of validity on or before a date computed
// from today, no licence at all, open findings or none.
func institutionFilter(lq listQuery, today domain.Date) store.Filter {
	f := lq.filter()
	f.Values = maps.Clone(f.Values)
	delete(f.Values, "expires")
	delete(f.Values, "findings")
	switch v := lq.Get("expires"); v {
	case "":
	case "expired":
		f.Values["licence_to"] = today.AddDate(0, 0, -1).String()
	case "none":
		f.Values["no_licence"] = "1"
	default:
		days, err := strconv.Atoi(v)
		if err != nil || !slices.Contains(licenceFilters, v) {
			f.Values["no_licence"] = "-" // matches nothing
			break
		}
		f.Values["licence_to"] = today.AddDate(0, 0, days).String()
	}
	switch lq.Get("findings") {
	case "":
	case "open":
		f.Values["open_findings"] = "1"
	case "none":
		f.Values["open_findings"] = "0"
	default:
		f.Values["open_findings"] = "-" // matches nothing
	}
	return f
}

// handleInstitutions lists institutions with search, filters and pages; an
// institution user goes straight to its own institution.
func (s *Server) handleInstitutions(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	if own := u.Scope().InstitutionID; own != 0 {
		http.Redirect(w, r, idURL("/institutions/", own), http.StatusSeeOther)
		return nil
	}
	lq := readList(r, "q", "kind", "street", "status", "expires", "findings").sortable(store.Institutions.Sorts(), "name")
	today := s.cfg.Registry.Today()
	page, err := s.cfg.Registry.InstitutionList(r.Context(), u, institutionFilter(lq, today))
	if err != nil {
		return err
	}
	p := institutionsPage{
		base: s.base(r, "institutions", i18n.T(s.lang(r), "nav.institutions")),
		Q:    lq, Pager: newPager(r.URL, lq.Page, page.Total, len(page.Institutions)),
		RetiredURL: toggleRetired(r.URL, !lq.Retired), CanCreate: auth.Can(u, auth.Create, "institution"),
		Findings: page.Findings, LicenceFilters: licenceFilters,
	}
	for _, x := range page.Institutions {
		fig := page.Figures[x.ID]
		until := fig.LicenceUntil
		p.Rows = append(p.Rows, institutionsRow{Inst: x, Fig: fig,
			Expired:  !until.IsZero() && until.Before(today),
			Expiring: !until.IsZero() && !until.Before(today) && until.Before(today.AddDate(0, 0, expiringDays+1))})
	}
	return s.render(w, r, http.StatusOK, "institutions", p)
}

// detail is one labelled value of a record's header.
type detail struct {
	Key, Label, Value string
	Reveal            string // where to POST to see the whole value (an ID number), "" if not offered
}

// details lists a record's fields with their labels and readable values.
func details(lang, entity string, rec any) []detail {
	var out []detail
	for _, f := range domain.Fields[entity] {
		if f.Type == domain.RefField {
			continue // shown by the page with the institution's name
		}
		out = append(out, detail{Key: f.Key, Label: fieldLabel(lang, f), Value: display(lang, f, domain.Value(rec, f))})
	}
	return out
}

// tab is one tab of a record page.
type tab struct {
	Label, URL string
	Current    bool
}

// institutionPage is the data of an institution's page.
type institutionPage struct {
	base
	Findings    recordFindings
	Inst        *domain.Institution
	Details     []detail
	Actions     actions
	CanRetire   bool
	Tab         string
	Tabs        []tab
	ShowRetired bool
	RetiredURL  string
	// Every tab's rows are on the page (a printed page shows them all);
	// the screen shows the current tab's, the others a page of theirs.
	Licences  []licenceRow
	People    []personRow
	Equipment []equipmentTabRow
	// PendingPeople and PendingEquipment are new people (with their
	// employment) and devices waiting for review.
	PendingPeople    []pendingRow
	PendingEquipment []pendingRow
	PeoplePager      pager
	EquipmentPager   pager
	Inspections      []*domain.Inspection // signed inspections of the institution
	Rectifications   []rectRow            // its orders to correct
	Cases            []*domain.Case       // cases against the institution (its own decided ones for an institution user)
}

// licenceRow is a licence with whether it is the current one.
type licenceRow struct {
	*domain.Licence
	Current, Expired bool
}

// personRow is a person with their work at the institution, and the
// latest pending submission about them.
type personRow struct {
	*domain.Person
	Occupations, Jobs string
	Pending           *domain.Submission
}

// equipmentTabRow is a device of the institution with the latest pending
// submission about it (or its tests).
type equipmentTabRow struct {
	*domain.Equipment
	Pending *domain.Submission
}

var institutionTabs = []string{"licence", "people", "equipment"}

// handleInstitution shows an institution with its licences, people and
// equipment: the current tab on the screen, every tab on paper.
func (s *Server) handleInstitution(w http.ResponseWriter, r *http.Request) error {
	inst, err := institutions.find(s, r)
	if err != nil {
		return err
	}
	lang, q := s.lang(r), r.URL.Query()
	p := institutionPage{
		base: s.base(r, "institutions", inst.Name), Inst: inst, Details: details(lang, "institution", inst),
		Actions:   rowActions("institutions", inst.ID, inst.Version, inst.Retired),
		CanRetire: auth.Can(userOf(r), auth.Retire, "institution"),
		Tab:       q.Get("tab"), ShowRetired: q.Get("retired") == "1",
	}
	if !contains(institutionTabs, p.Tab) {
		p.Tab = "licence"
	}
	for _, t := range institutionTabs {
		p.Tabs = append(p.Tabs, tab{Label: i18n.T(lang, "tab."+t), URL: r.URL.Path + "?tab=" + t, Current: t == p.Tab})
	}
	p.RetiredURL = toggleRetired(r.URL, !p.ShowRetired)
	if err := s.institutionLicences(r, &p); err != nil {
		return err
	}
	pending, err := s.cfg.Registry.PendingFor(r.Context(), userOf(r), store.SubmissionFilter{InstitutionID: inst.ID})
	if err != nil {
		return err
	}
	if err := s.institutionPeople(r, &p, pending); err != nil {
		return err
	}
	if err := s.institutionEquipment(r, &p, pending); err != nil {
		return err
	}
	if p.Findings, err = s.recordFindings(r, "", inst.ID); err != nil {
		return err
	}
	if p.Cases, err = s.institutionCases(r, inst.ID); err != nil {
		return err
	}
	if p.Inspections, err = s.institutionInspections(r, inst.ID); err != nil {
		return err
	}
	if p.Rectifications, err = s.institutionRectifications(r, inst.ID); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "institution", p)
}

func instFilter(p *institutionPage) map[string]string {
	return map[string]string{"institution_id": strconv.FormatInt(p.Inst.ID, 10)}
}

// tabList returns the list state of one tab: the URL's page for the current
// tab, the first page for the others, and a URL whose pager links open tab.
func tabList(r *http.Request, p *institutionPage, tab string) (listQuery, *url.URL) {
	lq := readList(r)
	u := *r.URL
	if tab != p.Tab {
		lq.Page = 1
		q := u.Query()
		q.Set("tab", tab)
		q.Del("page")
		u.RawQuery = q.Encode()
	}
	return lq, &u
}

// institutionLicences lists the licences, the current one (the latest
// issued that is not retired) first.
func (s *Server) institutionLicences(r *http.Request, p *institutionPage) error {
	list, _, err := registry.List(r.Context(), s.cfg.Registry, userOf(r), store.Licences,
		store.Filter{Values: instFilter(p), Retired: p.ShowRetired})
	if err != nil {
		return err
	}
	today := s.cfg.Registry.Today()
	current := -1
	for i, l := range list {
		if !l.Retired {
			current = i
			break
		}
	}
	if current > 0 {
		list = append(append([]*domain.Licence{list[current]}, list[:current]...), list[current+1:]...)
		current = 0
	}
	for i, l := range list {
		p.Licences = append(p.Licences, licenceRow{Licence: l, Current: i == current, Expired: l.ValidUntil.Before(today)})
	}
	return nil
}

// institutionPeople lists a page of the people working there, with their
// occupations and jobs at this institution and what waits for review.
func (s *Server) institutionPeople(r *http.Request, p *institutionPage, pending *registry.Pending) error {
	ctx, u, reg := r.Context(), userOf(r), s.cfg.Registry
	lq, pageURL := tabList(r, p, "people")
	f := lq.filter()
	f.Values, f.Retired = instFilter(p), p.ShowRetired
	list, total, err := registry.List(ctx, reg, u, store.People, f)
	if err != nil {
		return err
	}
	emps, _, err := registry.List(ctx, reg, u, store.Employments, store.Filter{Values: instFilter(p)})
	if err != nil {
		return err
	}
	occ, jobs := map[int64][]string{}, map[int64][]string{}
	for _, e := range emps {
		if l := optionLabel(p.Lang, domain.Occupations, e.Occupation); !contains(occ[e.PersonID], l) {
			occ[e.PersonID] = append(occ[e.PersonID], l)
		}
		if e.Job != "" && !contains(jobs[e.PersonID], e.Job) {
			jobs[e.PersonID] = append(jobs[e.PersonID], e.Job)
		}
	}
	for _, x := range list {
		p.People = append(p.People, personRow{Person: x, Occupations: strings.Join(occ[x.ID], "、"), Jobs: strings.Join(jobs[x.ID], "、"),
			Pending: pending.AboutPerson(x.ID)})
	}
	p.PendingPeople = pendingRows(pending, "person")
	p.PeoplePager = newPager(pageURL, lq.Page, total, len(list))
	return nil
}

// institutionEquipment lists a page of the institution's devices and what
// waits for review.
func (s *Server) institutionEquipment(r *http.Request, p *institutionPage, pending *registry.Pending) error {
	lq, pageURL := tabList(r, p, "equipment")
	f := lq.filter()
	f.Values, f.Retired = instFilter(p), p.ShowRetired
	list, total, err := registry.List(r.Context(), s.cfg.Registry, userOf(r), store.Equipment, f)
	if err != nil {
		return err
	}
	for _, x := range list {
		p.Equipment = append(p.Equipment, equipmentTabRow{Equipment: x, Pending: pending.AboutEquipment(x.ID)})
	}
	p.PendingEquipment = pendingRows(pending, "equipment")
	p.EquipmentPager = newPager(pageURL, lq.Page, total, len(list))
	return nil
}
