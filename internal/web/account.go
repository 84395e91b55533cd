package web

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"radsup/internal/accounts"
	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/i18n"
)

// accountPage is the data of the user's own account page: password change
// and second-factor enrolment.
type accountPage struct {
	base
	Done, Pending, Message string
	PasswordRule           string
	Errors                 map[string]string // field → message
	Enrol                  *auth.Enrolment   // nil when a second factor is enrolled
	// QR is the enrolment's QR code: a data: URL of a PNG we made, which
	// html/template would otherwise refuse in an img src.
	QR template.URL
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, errs domain.FieldErrors, secret string) error {
	ctx, u, lang := r.Context(), userOf(r), s.lang(r)
	pol, err := s.cfg.Auth.Policy(ctx)
	if err != nil {
		return err
	}
	p := accountPage{base: s.base(r, "account", i18n.T(lang, "account.title")), Errors: map[string]string{},
		PasswordRule: i18n.T(lang, "account.password_rule", strconv.Itoa(pol.MinLength), strconv.Itoa(pol.MinClasses))}
	if key := s.pending(r, u); key != "" {
		p.Pending = i18n.T(lang, key)
	}
	switch r.URL.Query().Get("done") {
	case "password":
		p.Done = i18n.T(lang, "account.password_done")
	case "2fa":
		p.Done = i18n.T(lang, "account.enrol_done")
	}
	for k, code := range errs {
		p.Errors[k] = fieldMessage(lang, k, code)
	}
	if len(errs) > 0 {
		p.Message = i18n.T(lang, "error.invalid")
	}
	if u.TOTPSecret == "" {
		if secret != "" {
			p.Enrol, err = auth.EnrolmentOf(u.Username, secret)
		} else {
			p.Enrol, err = auth.NewEnrolment(u.Username)
		}
		if err != nil {
			return err
		}
		p.QR = template.URL(p.Enrol.QR)
	}
	return s.render(w, r, status, "account", p)
}

// handleAccount shows the user's account.
func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccount(w, r, http.StatusOK, nil, "")
}

// handlePasswordChange changes the user's own password; the session is
// renewed (all the user's other sessions end).
func (s *Server) handlePasswordChange(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	if f.Get("password") != f.Get("confirm") {
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, domain.FieldErrors{"confirm": "password_confirm"}, "")
	}
	login, err := s.cfg.Auth.ChangePassword(r.Context(), actorOf(r), userOf(r), f.Get("old_password"), f.Get("password"))
	var de *domain.Error
	if errors.As(err, &de) && de.Code == domain.EINVALID {
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, de.Fields, "")
	}
	if err != nil {
		return err
	}
	s.setSession(w, r, login.Token, int(login.MaxAge.Seconds()))
	http.Redirect(w, r, "/account?done=password", http.StatusSeeOther)
	return nil
}

// handleEnrol enrols the second factor whose secret the page showed, once
// the app's code proves it was set up.
func (s *Server) handleEnrol(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	u := userOf(r)
	if u.TOTPSecret != "" {
		return errConflict
	}
	secret := r.PostForm.Get("secret")
	if _, err := auth.EnrolmentOf(u.Username, secret); err != nil {
		return errBadRequest
	}
	err := s.cfg.Auth.EnrolTOTP(r.Context(), actorOf(r), u, secret, r.PostForm.Get("code"))
	if err == accounts.ErrCode {
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, domain.FieldErrors{"code": "totp_code"}, secret)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/account?done=2fa", http.StatusSeeOther)
	return nil
}
