package web

import (
	"net/http"

	"radsup/internal/domain"

	"radsup/internal/auth"
	"radsup/internal/i18n"
	"radsup/internal/registry"
	"radsup/internal/store"
)

// homePage is the data of the home page.
type homePage struct {
	base
	Institutions, People, Equipment int
	OwnInstitution                  string // the institution page of an institution user
	// Findings are the open findings the user may see: an institution
	// user's to-do list, a regulator's most urgent.
	Findings recordFindings
}

// handleHome shows how many institutions, people and devices the user can see.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	ctx, u, reg := r.Context(), userOf(r), s.cfg.Registry
	one := store.Filter{Limit: 1}
	p := homePage{base: s.base(r, "home", i18n.T(s.lang(r), "nav.home"))}
	if !auth.BusinessRole(u.Role) {
		// The administrators see no business data: their home lists their tasks.
		return s.render(w, r, http.StatusOK, "home", p)
	}
	var err error
	if _, p.Institutions, err = registry.List(ctx, reg, u, store.Institutions, one); err != nil {
		return err
	}
	if _, p.People, err = registry.List(ctx, reg, u, store.People, one); err != nil {
		return err
	}
	if _, p.Equipment, err = registry.List(ctx, reg, u, store.Equipment, one); err != nil {
		return err
	}
	if u.Role == domain.RoleInstitution {
		p.OwnInstitution = idURL("/institutions/", u.InstitutionID)
		p.Findings, err = s.recordFindings(r, "", u.InstitutionID)
	} else {
		p.Findings, err = s.recordFindings(r, "", 0)
	}
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "home", p)
}
