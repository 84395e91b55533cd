package web

import (
	"errors"
	"net/http"
	"strings"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/registry"
)

// licenceHistoryPage shows a licence's acts, newest first, and to the
// office the form that records one.
type licenceHistoryPage struct {
	*registry.LicenceHistory
	base
	Kinds   []string
	Results []string
	Error   string
}

func (s *Server) renderLicenceHistory(w http.ResponseWriter, r *http.Request, status int, id int64, msg string) error {
	h, err := s.cfg.Registry.LicenceHistory(r.Context(), userOf(r), id)
	if err != nil {
		return err
	}
	p := licenceHistoryPage{LicenceHistory: h, base: s.base(r, "institutions", i18n.T(s.lang(r), "licence_act.title")),
		Kinds: domain.LicenceActKinds, Results: []string{domain.CheckPass, domain.CheckDeferred, domain.CheckFail}, Error: msg}
	return s.render(w, r, status, "licence_history", p)
}

// handleLicenceHistory shows a licence's history.
func (s *Server) handleLicenceHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.renderLicenceHistory(w, r, http.StatusOK, id, "")
}

// handleLicenceAct records an act from the history page's form.
func (s *Server) handleLicenceAct(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	v := r.PostForm
	a := &domain.LicenceAct{LicenceID: id, Kind: v.Get("kind"), Result: v.Get("result"), DocumentNo: v.Get("document_no"), Note: v.Get("note")}
	lang := s.lang(r)
	fe := domain.FieldErrors{}
	for key, d := range map[string]*domain.Date{"on": &a.On, "next_due": &a.NextDue, "until": &a.Until} {
		if raw := strings.TrimSpace(v.Get(key)); raw != "" {
			if *d, err = domain.ParseDate(raw); err != nil {
				fe.Add(key, "date")
			}
		}
	}
	if err = fe.Err(); err == nil {
		err = s.cfg.Registry.RecordLicenceAct(r.Context(), actorOf(r), userOf(r), a)
	}
	var de *domain.Error
	if errors.As(err, &de) && de.Code == domain.EINVALID {
		msg := errorText(lang, de)
		for _, k := range de.Fields.Keys() {
			msg = i18n.T(lang, "licence_act."+k) + "：" + fieldMessage(lang, k, de.Fields[k])
			break
		}
		return s.renderLicenceHistory(w, r, http.StatusUnprocessableEntity, id, msg)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, idURL("/licences/", id)+"/history", http.StatusSeeOther)
	return nil
}

// licenceHistoryRoutes registers the licence history's pages.
func (s *Server) licenceHistoryRoutes(mux *http.ServeMux) {
	s.page(mux, "GET /licences/{id}/history", auth.RolesFor(auth.Read, "licence"), s.handleLicenceHistory)
	s.page(mux, "POST /licences/{id}/acts", auth.RolesFor(auth.Update, "licence"), s.handleLicenceAct)
}
