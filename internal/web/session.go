package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"time"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/httplog"
	"radsup/internal/i18n"
	"radsup/internal/registry"
	"radsup/internal/store"
)

const (
	sessionCookie = "radsup_session"
	langCookie    = "radsup_lang"
)

type userKey struct{}

// userOf returns the logged-in user of a page request (nil on public pages).
func userOf(r *http.Request) *store.User {
	u, _ := r.Context().Value(userKey{}).(*store.User)
	return u
}

// actorOf returns the audit actor of a request.
func actorOf(r *http.Request) store.Actor {
	return registry.Actor(userOf(r), httplog.ID(r.Context()), httplog.ClientIP(r))
}

// secure reports whether cookies must be Secure for this request.
func (s *Server) secure(r *http.Request) bool { return s.cfg.SecureCookies || r.TLS != nil }

// Route is a registered route and the roles that may use it.
type Route struct {
	Pattern string
	Roles   auth.Roles // nil: public (login, language switch)
}

// Routes lists every route registered, for the authorization tests.
func (s *Server) Routes() []Route { return slices.Clone(s.routeList) }

// page registers a handler for a logged-in user of one of roles; others
// are sent to the login page, and a user of another role gets 403 (audited).
func (s *Server) page(mux *http.ServeMux, pattern string, roles auth.Roles, h handler) {
	if len(roles) == 0 {
		panic("web: route " + pattern + " declares no roles")
	}
	s.routeList = append(s.routeList, Route{pattern, roles})
	mux.Handle(pattern, s.wrap(func(w http.ResponseWriter, r *http.Request) error {
		u, err := s.sessionUser(r)
		if err != nil {
			return err
		}
		if u == nil {
			next := "/"
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				next = r.URL.RequestURI()
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(localPath(next)), http.StatusSeeOther)
			return nil
		}
		// Errors are reported here, with the user in the request, so that
		// the error page keeps the navigation.
		r = r.WithContext(context.WithValue(r.Context(), userKey{}, u))
		if !roles.Allows(u.Role) {
			err = auth.ErrForbidden
		} else {
			err = h(w, r)
		}
		if err != nil {
			s.fail(w, r, err)
		}
		return nil
	}))
}

// public registers a handler open to everyone (login, language switch).
func (s *Server) public(mux *http.ServeMux, pattern string, h handler) {
	s.routeList = append(s.routeList, Route{pattern, nil})
	mux.Handle(pattern, s.wrap(h))
}

// sessionUser returns the user of the session cookie, nil if there is none
// or it has expired.
func (s *Server) sessionUser(r *http.Request) (*store.User, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	u, err := s.cfg.Auth.SessionUser(r.Context(), c.Value)
	if store.IsNotFound(err) {
		return nil, nil
	}
	return u, err
}

func (s *Server) setSession(w http.ResponseWriter, r *http.Request, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r),
	})
}

// loginPage is the data of the login page.
type loginPage struct {
	base
	Next     string
	Username string
	Message  string
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	next := localPath(r.URL.Query().Get("next"))
	if u, err := s.sessionUser(r); err == nil && u != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, http.StatusOK, "login", loginPage{base: s.base(r, "", i18n.T(s.lang(r), "login.title")), Next: next})
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	username, next := r.PostForm.Get("username"), localPath(r.PostForm.Get("next"))
	actor := store.Actor{RequestID: httplog.ID(r.Context()), IP: httplog.ClientIP(r)}
	token, _, err := s.cfg.Auth.Login(r.Context(), username, r.PostForm.Get("password"), actor)
	if domain.ErrorCode(err) == domain.EUNAUTHORIZED {
		lang := s.lang(r)
		return s.render(w, r, http.StatusUnauthorized, "login", loginPage{
			base: s.base(r, "", i18n.T(lang, "login.title")), Next: next, Username: username, Message: i18n.T(lang, "error.login")})
	}
	if err != nil {
		return err
	}
	s.setSession(w, r, token, int(auth.SessionLifetime/time.Second))
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.cfg.Auth.Logout(r.Context(), c.Value, actorOf(r)); err != nil {
			return err
		}
	}
	s.setSession(w, r, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// handleLang stores the chosen language in a cookie and goes back to the page.
func (s *Server) handleLang(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	http.SetCookie(w, &http.Cookie{
		Name: langCookie, Value: i18n.Match(r.PostForm.Get("lang")), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r),
	})
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}
