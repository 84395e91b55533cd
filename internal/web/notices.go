package web

import (
	"errors"
	"net/http"
	"strconv"

	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/notices"
	"radsup/internal/store"
)

// noticesPage lists notices: an institution user's own, with read and
// unread and where it wants them; a supervisor's view of every notice and
// its deliveries, with the form to write one.
type noticesPage struct {
	base
	Notices []*domain.NoticeMessage
	Total   int
	Unread  bool // the list shows unread notices only
	Contact domain.NoticeContact
	// The forms' state: values as typed, errors by field, a message.
	Form    map[string]string
	Errors  map[string]string
	Message string
	Done    string
}

// handleNotices is /notices[?unread=1].
func (s *Server) handleNotices(w http.ResponseWriter, r *http.Request) error {
	p := noticesPage{Done: doneText(s.lang(r), r.URL.Query().Get("done"), r.URL.Query().Get("n"))}
	return s.renderNotices(w, r, http.StatusOK, p)
}

// doneText is the message a form's redirect asks the list to show.
func doneText(lang, done, n string) string {
	switch done {
	case "sent":
		k, _ := strconv.Atoi(n)
		return i18n.T(lang, "notices.send.sent", k)
	case "contact":
		return i18n.T(lang, "notices.contact.saved")
	}
	return ""
}

func (s *Server) renderNotices(w http.ResponseWriter, r *http.Request, status int, p noticesPage) error {
	u := userOf(r)
	p.base = s.base(r, "notices", i18n.T(s.lang(r), "notices.title"))
	p.Unread = r.URL.Query().Get("unread") != ""
	var err error
	p.Notices, p.Total, err = s.cfg.Notices.List(r.Context(), u, store.NoticeFilter{Unread: p.Unread})
	if err != nil {
		return err
	}
	if inst := u.Scope().InstitutionID; inst != 0 && p.Form == nil {
		if p.Contact, err = s.cfg.Notices.Contact(r.Context(), u, inst); err != nil {
			return err
		}
	}
	return s.render(w, r, status, "notices", p)
}

// handleNoticeRead marks a notice read and returns to the list.
func (s *Server) handleNoticeRead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Notices.MarkRead(r.Context(), actorOf(r), userOf(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/notices#notice-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// handleNoticeSend writes a supervisor's notice to the institutions named
// by credit code, or to every open institution.
func (s *Server) handleNoticeSend(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	v := r.PostForm
	to := notices.Recipients{Codes: v["codes"], AllOpen: v.Get("all_open") != ""}
	ns, err := s.cfg.Notices.Send(r.Context(), actorOf(r), userOf(r), to, v.Get("subject"), v.Get("body"))
	if err == nil {
		http.Redirect(w, r, "/notices?done=sent&n="+strconv.Itoa(len(ns)), http.StatusSeeOther)
		return nil
	}
	form := map[string]string{"codes": v.Get("codes"), "subject": v.Get("subject"), "body": v.Get("body"), "all_open": v.Get("all_open")}
	return s.noticeFormError(w, r, err, noticesPage{Form: form})
}

// handleNoticeContact stores where the user's institution wants notices.
func (s *Server) handleNoticeContact(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	u := userOf(r)
	c := domain.NoticeContact{InstitutionID: u.Scope().InstitutionID, Email: r.PostForm.Get("email"), Phone: r.PostForm.Get("phone")}
	if _, err := s.cfg.Notices.SetContact(r.Context(), actorOf(r), u, c); err != nil {
		return s.noticeFormError(w, r, err, noticesPage{Form: map[string]string{}, Contact: c})
	}
	http.Redirect(w, r, "/notices?done=contact", http.StatusSeeOther)
	return nil
}

// noticeFormError shows a refused form again with its messages; other
// errors go to the error page.
func (s *Server) noticeFormError(w http.ResponseWriter, r *http.Request, err error, p noticesPage) error {
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID {
		return err
	}
	lang := s.lang(r)
	p.Errors = map[string]string{}
	for k, code := range de.Fields {
		p.Errors[k] = fieldMessage(lang, k, code)
	}
	p.Message = i18n.T(lang, "error.invalid")
	if len(de.Args) > 0 {
		p.Message = errorText(lang, de)
	}
	return s.renderNotices(w, r, http.StatusUnprocessableEntity, p)
}
