package web

import (
	"net/http"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/i18n"
)

// homePage is the data of the home page.
type homePage struct {
	base
	Institutions, People, Equipment int
	OwnInstitution                  string // the institution page of an institution user
	// Findings are the open findings the user may see: an institution
	// user's to-do list, a regulator's most urgent.
	Findings recordFindings
	// InspectionsToDo and InspectionsToSign are a supervisor's own
	// unsigned inspections: without an outcome, or waiting for a signature.
	InspectionsToDo, InspectionsToSign []*domain.Inspection
	// Rect is a supervisor's rectifications to follow up; nil for others.
	Rect *rectToDo
	// RectOwn are an institution user's open rectifications.
	RectOwn []rectRow
	// CaseTasks are the cases waiting for a step or a report (supervisors).
	CaseTasks []enforcement.CaseTask
	// Inst is an institution user's own figures and deadlines; nil for
	// everyone else.
	Inst *instHome
}

// handleHome shows how many institutions, people and devices the user can see.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	p := homePage{base: s.base(r, "home", i18n.T(s.lang(r), "nav.home"))}
	if !auth.Can(u, auth.Read, "institution") {
		// The administrators see no business data: their home lists their tasks.
		return s.render(w, r, http.StatusOK, "home", p)
	}
	c, err := s.cfg.Registry.Count(r.Context(), u)
	if err != nil {
		return err
	}
	p.Institutions, p.People, p.Equipment = c.Institutions, c.People, c.Equipment
	own := u.Scope().InstitutionID
	if own != 0 {
		p.OwnInstitution = idURL("/institutions/", own)
	}
	if p.Findings, err = s.recordFindings(r, "", own); err != nil {
		return err
	}
	if p.InspectionsToDo, p.InspectionsToSign, err = s.myInspections(r); err != nil {
		return err
	}
	if p.Rect, err = s.rectToDo(r); err != nil {
		return err
	}
	if p.RectOwn, err = s.rectOwn(r); err != nil {
		return err
	}
	if p.CaseTasks, err = s.caseTasks(r); err != nil {
		return err
	}
	if own != 0 {
		if p.Inst, err = s.instHome(r, own); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "home", p)
}
