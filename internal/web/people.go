package web

import (
	"html/template"
	"maps"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/registry"
	"radsup/internal/store"
)

// peoplePage is the data of the people list.
type peoplePage struct {
	base
	Q          listQuery
	Rows       []peopleRow
	Pager      pager
	RetiredURL string
}

// peopleRow is a person of the people list with where they work now.
type peopleRow struct {
	*domain.Person
	Employers string
}

// handlePeople lists the people the user may see, with search and pages.
func (s *Server) handlePeople(w http.ResponseWriter, r *http.Request) error {
	lq := readList(r, "q", "occupation").sortable(store.People.Sorts(), "name")
	page, err := s.cfg.Registry.PeopleList(r.Context(), userOf(r), lq.filter())
	if err != nil {
		return err
	}
	p := peoplePage{
		base: s.base(r, "people", i18n.T(s.lang(r), "nav.people")),
		Q:    lq, Pager: newPager(r.URL, lq.Page, page.Total, len(page.People)),
		RetiredURL: toggleRetired(r.URL, !lq.Retired),
	}
	for _, x := range page.People {
		p.Rows = append(p.Rows, peopleRow{Person: x, Employers: strings.Join(page.Employers[x.ID], "、")})
	}
	return s.render(w, r, http.StatusOK, "people", p)
}

// personPage is the data of a person's page.
type personPage struct {
	base
	Findings    recordFindings
	Person      *domain.Person
	Details     []detail
	Actions     actions
	ShowRetired bool
	RetiredURL  string
	Employments []employmentRow
	Trainings   []trainingRow
	Exams       []examRow
	Doses       []doseRow
	YearSums    []yearSum
	// HealthHidden: the user may not see health exams and doses.
	HealthHidden bool
	// Pending is the latest pending submission changing the person; the
	// Pending… rows are new records waiting for review (an employment with
	// its Institution's name).
	Pending            *domain.Submission
	PendingEmployments []pendingEmployment
	PendingTrainings   []pendingRow
	PendingExams       []pendingRow
}

// employmentRow, trainingRow, examRow and doseRow are a person's records
// with the latest pending submission changing each.
type employmentRow struct {
	*domain.Employment
	Institution string
	Pending     *domain.Submission
}

type trainingRow struct {
	*domain.Training
	Pending *domain.Submission
}

type examRow struct {
	*domain.Exam
	Pending *domain.Submission
}

// doseRow is a dose record; Proposed: a new one Pending proposes.
type doseRow struct {
	*domain.DoseRecord
	Institution string
	Pending     *domain.Submission
	Proposed    bool
}

// pendingEmployment is a new employment waiting for review.
type pendingEmployment struct {
	pendingRow
	Employment  *domain.Employment
	Institution string
}

// doseRowsHTML renders the rows of a person's dose history. A worker
// monitored quarterly for years has dozens of them, which the template
// engine's reflection made the slowest part of the person page.
func doseRowsHTML(lang string, rows []doseRow) template.HTML {
	esc := template.HTMLEscapeString
	var b strings.Builder
	for _, d := range rows {
		retired, tag := "", ""
		if d.Retired {
			retired = ` class="retired"`
			tag = ` <span class="tag muted">` + esc(i18n.T(lang, "common.retired")) + `</span>`
		}
		var notes string
		if d.BelowMDL {
			notes += `<span class="tag">` + esc(i18n.T(lang, "dose.below_mdl")) + `</span>`
		}
		if d.Lost {
			notes += `<span class="tag bad">` + esc(i18n.T(lang, "dose.lost")) + `</span>`
		}
		if d.Proposed {
			b.WriteString(`<tr id="pending-` + strconv.FormatInt(d.Pending.ID, 10) + `" class="pending">` + "\n" + `<td class="date">`)
		} else {
			b.WriteString(`<tr id="dose-`)
			b.WriteString(strconv.FormatInt(d.ID, 10))
			b.WriteString(`"` + retired + ">\n" + `<td class="date">`)
		}
		b.WriteString(d.PeriodStart.String() + " ~ " + d.PeriodEnd.String() + tag + string(pendingHTML(lang, d.Pending)))
		b.WriteString("</td>\n<td>" + esc(d.Institution))
		for _, v := range []domain.Dose{d.Hp10, d.Hp007, d.Hp3} {
			b.WriteString("</td>\n<td class=\"num\">" + v.String())
		}
		b.WriteString("</td>\n<td>" + notes + "</td>\n<td>" + esc(d.ReportNo))
		b.WriteString("</td>\n<td class=\"col-actions\">")
		if !d.Proposed {
			b.WriteString(string(controlsHTML(lang, rowActions("doses", d.ID, d.Version, d.Retired))))
		}
		b.WriteString("</td>\n</tr>\n")
	}
	return template.HTML(b.String())
}

// yearSum is the Hp(10) of one calendar year, in mSv.
type yearSum struct {
	Year    int
	Hp10    domain.Dose
	Records int
}

// handlePerson shows a person with employments, trainings, exams and doses;
// the ID number masked.
func (s *Server) handlePerson(w http.ResponseWriter, r *http.Request) error {
	return s.personPage(w, r, nil)
}

// handlePersonReveal shows the person's page with the whole ID number; the
// look is recorded before the number is sent.
func (s *Server) handlePersonReveal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	x, err := s.cfg.Registry.Reveal(r.Context(), actorOf(r), userOf(r), id)
	if err != nil {
		return err
	}
	return s.personPage(w, r, x)
}

// personPage shows the person in the URL; revealed, if not nil, is the
// person with the whole ID number.
func (s *Server) personPage(w http.ResponseWriter, r *http.Request, revealed *domain.Person) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	show := r.URL.Query().Get("retired") == "1"
	pf, err := s.cfg.Registry.Person(r.Context(), userOf(r), id, show)
	if err != nil {
		return err
	}
	x := pf.Person
	p := personPage{base: s.base(r, "people", x.Name), Person: x, Details: details(s.lang(r), "person", x),
		Actions: rowActions("people", x.ID, x.Version, x.Retired), ShowRetired: show, RetiredURL: toggleRetired(r.URL, !show),
		HealthHidden: pf.HealthHidden}
	p.Actions.NoRetire = !auth.Can(userOf(r), auth.Retire, "person")
	for i, d := range p.Details {
		switch {
		case d.Key != "id_number":
		case revealed != nil:
			p.Details[i].Value = revealed.IDNumber
		default:
			p.Details[i].Value = domain.MaskIDNumber(x.IDNumber)
			if auth.Can(userOf(r), auth.Reveal, "person") {
				p.Details[i].Reveal = idURL("/people/", x.ID) + "/reveal"
			}
		}
	}
	if err := s.personPending(r, &p, pf); err != nil {
		return err
	}
	p.YearSums = yearSums(pf.Doses)
	if p.Findings, err = s.recordFindings(r, "person", x.ID); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "person", p)
}

// personPending fills the person page's records with what waits for
// review about the person: one query for all of it.
func (s *Server) personPending(r *http.Request, p *personPage, pf *registry.PersonFile) error {
	ctx, u := r.Context(), userOf(r)
	pending, err := s.cfg.Registry.PendingFor(ctx, u, store.SubmissionFilter{PersonID: p.Person.ID})
	if err != nil {
		return err
	}
	p.Pending = pending.Changing("person", p.Person.ID)
	for _, e := range pf.Employments {
		p.Employments = append(p.Employments, employmentRow{e, pf.Institutions[e.InstitutionID], pending.Changing("employment", e.ID)})
	}
	for _, x := range pf.Trainings {
		p.Trainings = append(p.Trainings, trainingRow{x, pending.Changing("training", x.ID)})
	}
	for _, x := range pf.Exams {
		p.Exams = append(p.Exams, examRow{x, pending.Changing("exam", x.ID)})
	}
	var newDoses, newEmps []pendingRow
	if !pf.HealthHidden {
		p.PendingExams, newDoses = pendingRows(pending, "exam"), pendingRows(pending, "dose")
	}
	p.PendingTrainings, newEmps = pendingRows(pending, "training"), pendingRows(pending, "employment")
	for _, h := range pendingRows(pending, "person") { // a hire of this person, already filed elsewhere
		if h.Employment != nil {
			newEmps = append(newEmps, pendingRow{Sub: h.Sub, Rec: h.Employment})
		}
	}
	var inst []int64
	for _, x := range append(newEmps, newDoses...) {
		inst = append(inst, domain.RefOf(x.Rec, "institution_id"))
	}
	names := pf.Institutions
	if len(inst) > 0 {
		if names, err = s.institutionNames(ctx, u, inst); err != nil {
			return err
		}
		maps.Copy(names, pf.Institutions)
	}
	for _, x := range newEmps {
		p.PendingEmployments = append(p.PendingEmployments, pendingEmployment{x, x.Rec.(*domain.Employment),
			names[domain.RefOf(x.Rec, "institution_id")]})
	}
	for _, x := range newDoses {
		d := x.Rec.(*domain.DoseRecord)
		p.Doses = append(p.Doses, doseRow{d, names[d.InstitutionID], x.Sub, true})
	}
	for _, d := range pf.Doses {
		p.Doses = append(p.Doses, doseRow{d, pf.Institutions[d.InstitutionID], pending.Changing("dose", d.ID), false})
	}
	return nil
}

// yearSums adds up Hp(10) by calendar year of the period end, as the
// screening rules do, over the records that are not retired; a lost
// dosimeter without a value adds nothing. Newest year first.
func yearSums(ds []*domain.DoseRecord) []yearSum {
	by := map[int]*yearSum{}
	for _, d := range ds {
		if d.Retired {
			continue
		}
		y := d.PeriodEnd.Year()
		ys := by[y]
		if ys == nil {
			ys = &yearSum{Year: y, Hp10: domain.MicroSv(0)}
			by[y] = ys
		}
		ys.Records++
		if d.Hp10.Set {
			ys.Hp10.MicroSv += d.Hp10.MicroSv
		}
	}
	out := make([]yearSum, 0, len(by))
	for _, ys := range by {
		out = append(out, *ys)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year > out[j].Year })
	return out
}

// personSections are the parts of the new-person form: the person, and their
// first employment at the institution of the URL (so no institution field).
func personSections(lang string) []sectionSpec {
	var emp []domain.Field
	for _, f := range domain.Fields["employment"] {
		if f.Type != domain.RefField {
			emp = append(emp, f)
		}
	}
	return []sectionSpec{
		{Title: i18n.T(lang, "form.section.person"), Fields: domain.Fields["person"]},
		{Title: i18n.T(lang, "form.section.employment"), Fields: emp},
	}
}

func (s *Server) personCreatePage(r *http.Request, instID int64, instName string) formPage {
	lang := s.lang(r)
	fp := formPage{base: s.base(r, "institutions", i18n.T(lang, "form.new", i18n.T(lang, "entity.person"))),
		Action: r.URL.Path, Back: idURL("/institutions/", instID) + "?tab=people"}
	fp.Heading = fp.Title + " — " + instName
	fp.Hint = i18n.T(lang, "form.person_hint")
	return fp
}

// handlePersonNew shows the form for a new person and their employment.
func (s *Server) handlePersonNew(w http.ResponseWriter, r *http.Request) error {
	id, name, err := s.urlInstitution(r)
	if err != nil {
		return err
	}
	return s.renderForm(w, r, http.StatusOK, s.personCreatePage(r, id, name), personSections(s.lang(r)), newFormState(nil))
}

// handlePersonCreate files a person (or finds them by ID number: one person
// may work for several institutions) with an employment at the institution.
func (s *Server) handlePersonCreate(w http.ResponseWriter, r *http.Request) error {
	instID, name, err := s.urlInstitution(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	secs := personSections(s.lang(r))
	person, emp := &domain.Person{}, &domain.Employment{InstitutionID: instID}
	st := newFormState(nil)
	readFields(r.PostForm, person, secs[0].Fields, &st, nil)
	readFields(r.PostForm, emp, secs[1].Fields, &st, nil)
	fp := s.personCreatePage(r, instID, name)
	if len(st.Errors) > 0 {
		precheck(person, &st, s.cfg.Registry.Today())
		precheck(emp, &st, s.cfg.Registry.Today())
		delete(st.Errors, "person_id") // filed together with the person
		return s.renderForm(w, r, http.StatusUnprocessableEntity, fp, secs, st)
	}
	if err := s.cfg.Registry.CreatePersonWithEmployment(r.Context(), actorOf(r), userOf(r), person, emp); heldForReview(w, r, err) {
		return nil
	} else if err != nil {
		return s.saveFailed(w, r, fp, secs, st, err)
	}
	http.Redirect(w, r, idURL("/people/", person.ID), http.StatusSeeOther)
	return nil
}

// urlInstitution finds the institution of the URL a person is filed at.
func (s *Server) urlInstitution(r *http.Request) (int64, string, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, "", err
	}
	name, err := institutionParent.find(r.Context(), s, userOf(r), id)
	return id, name, err
}
