package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"radsup/internal/accounts"
	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/httplog"
	"radsup/internal/i18n"
	"radsup/internal/store"
)

const (
	sessionCookie = "radsup_session"
	langCookie    = "radsup_lang"
)

type userKey struct{}

// userOf returns the logged-in user of a page request (nil on public pages).
func userOf(r *http.Request) *domain.User {
	u, _ := r.Context().Value(userKey{}).(*domain.User)
	return u
}

// actorOf returns the audit actor of a request.
func actorOf(r *http.Request) domain.Actor {
	return domain.ActorOf(userOf(r), httplog.ID(r.Context()), httplog.ClientIP(r))
}

// secure reports whether cookies must be Secure for this request: over
// TLS, directly or at a trusted proxy.
func (s *Server) secure(r *http.Request) bool { return s.cfg.SecureCookies || httplog.HTTPS(r) }

// Route is a registered route and the roles that may use it.
type Route struct {
	Pattern string
	Roles   auth.Roles // nil: public (login, language switch)
}

// Routes lists every route registered, for the authorization tests.
func (s *Server) Routes() []Route { return slices.Clone(s.routeList) }

// page registers a handler for a logged-in user of one of roles; others
// are sent to the login page, and a user of another role gets 403 (audited).
// Before anything else a user must finish what the policy asks: change a
// password set by an administrator or expired, enrol a second factor.
func (s *Server) page(mux *http.ServeMux, pattern string, roles auth.Roles, h handler) {
	if len(roles) == 0 {
		panic("web: route " + pattern + " declares no roles")
	}
	s.routeList = append(s.routeList, Route{pattern, roles})
	mux.Handle(pattern, s.wrap(func(w http.ResponseWriter, r *http.Request) error {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// A page's parts in one snapshot, one wait for a connection.
			ctx, done := s.cfg.Store.ShareReads(r.Context())
			defer done()
			r = r.WithContext(ctx)
		}
		ses, u, err := s.session(r)
		if err != nil {
			return err
		}
		if u == nil || ses.Stage != "" {
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
		if s.pending(r, u) != "" {
			switch r.URL.Path {
			case "/account", "/account/password", "/account/2fa", "/logout":
			default:
				http.Redirect(w, r, "/account", http.StatusSeeOther)
				return nil
			}
		}
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

// pending returns what u must do before anything else, as the i18n key of
// its message: change the password, then enrol a second factor; "" when
// nothing is pending. Until then every page leads to /account.
func (s *Server) pending(r *http.Request, u *domain.User) string {
	pol, err := s.cfg.Auth.Policy(r.Context())
	if err != nil {
		return ""
	}
	switch {
	case s.cfg.Auth.MustChangePassword(pol, u):
		return "account.pending_password"
	case pol.NeedsTwoFactor(u.Role) && u.TOTPSecret == "":
		return "account.pending_2fa"
	}
	return ""
}

// public registers a handler open to everyone (login, language switch).
func (s *Server) public(mux *http.ServeMux, pattern string, h handler) {
	s.routeList = append(s.routeList, Route{pattern, nil})
	mux.Handle(pattern, s.wrap(h))
}

// session returns the session of the cookie and its user; nil if there is
// none or it has ended (expired, idle too long).
func (s *Server) session(r *http.Request) (*domain.Session, *domain.User, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil, nil
	}
	ses, u, err := s.cfg.Auth.Session(r.Context(), c.Value)
	if store.IsNotFound(err) {
		return nil, nil, nil
	}
	return ses, u, err
}

func (s *Server) setSession(w http.ResponseWriter, r *http.Request, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r),
	})
}

// loginPage is the data of the login page and of its second step.
type loginPage struct {
	base
	Next     string
	Username string
	Message  string
	Code     bool // the second step: the code of the authenticator app
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	next := localPath(r.URL.Query().Get("next"))
	if ses, u, err := s.session(r); err == nil && u != nil && ses.Stage == "" {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, http.StatusOK, "login", loginPage{base: s.base(r, "", i18n.T(s.lang(r), "login.title")), Next: next})
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	username, next := r.PostForm.Get("username"), localPath(r.PostForm.Get("next"))
	lang := s.lang(r)
	page := loginPage{base: s.base(r, "", i18n.T(lang, "login.title")), Next: next, Username: username}
	actor := domain.Actor{RequestID: httplog.ID(r.Context()), IP: httplog.ClientIP(r)}
	if !s.allowLogin(r.Context(), actor.IP) {
		actor.Username = username
		if err := s.cfg.Auth.Throttled(r.Context(), actor); err != nil {
			s.log.Error("audit of a throttled login failed", slog.String("request_id", httplog.ID(r.Context())), slog.Any("err", err))
		}
		page.Message = i18n.T(lang, "error.login_throttled")
		return s.render(w, r, http.StatusTooManyRequests, "login", page)
	}
	// A session the browser brought along ends here: the login makes a new
	// one, so that a planted token is worth nothing (session fixation).
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		s.cfg.Auth.Discard(r.Context(), c.Value)
	}
	login, err := s.cfg.Auth.Login(r.Context(), username, r.PostForm.Get("password"), actor)
	if domain.ErrorCode(err) == domain.EUNAUTHORIZED {
		page.Message = i18n.T(lang, err.(*domain.Error).Message)
		return s.render(w, r, http.StatusUnauthorized, "login", page)
	}
	if err != nil {
		return err
	}
	s.setSession(w, r, login.Token, int(login.MaxAge/time.Second))
	if login.Stage == domain.SessionMFA {
		next = "/login/2fa?next=" + url.QueryEscape(next)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// handleCodeForm asks for the second factor of a login.
func (s *Server) handleCodeForm(w http.ResponseWriter, r *http.Request) error {
	next := localPath(r.URL.Query().Get("next"))
	if ses, u, err := s.session(r); err != nil || u == nil || ses.Stage != domain.SessionMFA {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
		return err
	}
	lang := s.lang(r)
	return s.render(w, r, http.StatusOK, "login", loginPage{base: s.base(r, "", i18n.T(lang, "login.code_title")), Next: next, Code: true})
}

// handleCode checks the second factor and completes the login.
func (s *Server) handleCode(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	next, lang := localPath(r.PostForm.Get("next")), s.lang(r)
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
		return nil
	}
	actor := domain.Actor{RequestID: httplog.ID(r.Context()), IP: httplog.ClientIP(r)}
	login, err := s.cfg.Auth.SecondFactor(r.Context(), c.Value, r.PostForm.Get("code"), actor)
	switch {
	case err == accounts.ErrCode:
		page := loginPage{base: s.base(r, "", i18n.T(lang, "login.code_title")), Next: next, Code: true, Message: i18n.T(lang, "error.totp_code")}
		return s.render(w, r, http.StatusUnauthorized, "login", page)
	case domain.ErrorCode(err) == domain.EUNAUTHORIZED:
		s.setSession(w, r, "", -1)
		page := loginPage{base: s.base(r, "", i18n.T(lang, "login.title")), Next: next, Message: i18n.T(lang, err.(*domain.Error).Message)}
		return s.render(w, r, http.StatusUnauthorized, "login", page)
	case err != nil:
		return err
	}
	s.setSession(w, r, login.Token, int(login.MaxAge/time.Second))
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
	if err := parseForm(r); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: langCookie, Value: i18n.Match(r.PostForm.Get("lang")), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r),
	})
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}

// loginLimiter counts login attempts per client address over the last
// minute, in this process (the per-account lockout is in the database).
type loginLimiter struct {
	mu    sync.Mutex
	tries map[string][]time.Time
}

// allowLogin counts an attempt from ip and reports whether it is within the
// policy's rate.
func (s *Server) allowLogin(ctx context.Context, ip string) bool {
	pol, err := s.cfg.Auth.Policy(ctx)
	if err != nil {
		return true
	}
	now := s.cfg.Store.Now()
	l := &s.limiter
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tries == nil || len(l.tries) > 10000 {
		l.tries = map[string][]time.Time{} // forget everyone rather than grow without bound
	}
	recent := l.tries[ip][:0]
	for _, t := range l.tries[ip] {
		if now.Sub(t) < time.Minute {
			recent = append(recent, t)
		}
	}
	if len(recent) >= pol.LoginsPerMinute {
		l.tries[ip] = recent
		return false
	}
	l.tries[ip] = append(recent, now)
	return true
}
