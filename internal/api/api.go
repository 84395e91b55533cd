// Package api serves the JSON API under /api/v1/. It calls the same filing
// use cases as the web pages (internal/registry), with the same roles and
// institution scope, serves the screening findings (with their dismissal)
// and the rule catalogue, and answers errors as {code, message, fields} with
// the application's error codes. docs/api.md describes it for integrators.
package api

import (
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"radsup/internal/accounts"
	"radsup/internal/audit"
	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/exchange"
	"radsup/internal/findings"
	"radsup/internal/httperr"
	"radsup/internal/httplog"
	"radsup/internal/notices"
	"radsup/internal/registry"
	"radsup/internal/reports"
	"radsup/internal/store"
)

// Config holds what the API needs: the filing use cases, the token check and
// a logger.
type Config struct {
	Registry *registry.Registry
	Auth     *accounts.Service
	Findings *findings.Service // screening findings and their dismissal; nil: one on Registry.Store
	Audit    *audit.Service    // refusals are audited; nil: one on Registry.Store
	// Enforcement holds inspectors, plans and draws; nil: one on Registry.Store.
	Enforcement *enforcement.Service
	// Reports computes statistics; nil: one on Registry.Store.
	Reports *reports.Service
	Logger  *slog.Logger
	// Notices writes and lists notices to institutions; nil: one on
	// Registry.Store that delivers nothing.
	Notices *notices.Service
}

// New returns the API handler. It serves paths starting with /api/v1/; the
// caller mounts it there and wraps it with httplog.Handler for request IDs.
func New(cfg Config) http.Handler {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	fs := cfg.Findings
	if fs == nil {
		fs = &findings.Service{Store: cfg.Registry.Store}
	}
	as := cfg.Audit
	if as == nil {
		as = &audit.Service{Store: cfg.Registry.Store}
	}
	es := cfg.Enforcement
	if es == nil {
		es = &enforcement.Service{Store: cfg.Registry.Store, Today: cfg.Registry.Today}
	}
	rs := cfg.Reports
	if rs == nil {
		rs = &reports.Service{Store: cfg.Registry.Store}
	}
	if cfg.Registry.ApplyImport == nil { // approving an import held for review
		cfg.Registry.ApplyImport = exchange.HeldApplier(cfg.Registry.Today)
	}
	ns := cfg.Notices
	if ns == nil {
		ns = &notices.Service{Store: cfg.Registry.Store, Reports: rs, Today: cfg.Registry.Today}
	}
	s := &server{reg: cfg.Registry, auth: cfg.Auth, findings: fs, audit: as, enforcement: es, reports: rs, log: log, mux: http.NewServeMux(),
		notices: ns}
	s.routes()
	return s
}

// server routes API requests; every request carries a bearer token.
type server struct {
	reg         *registry.Registry
	auth        *accounts.Service
	findings    *findings.Service
	audit       *audit.Service
	enforcement *enforcement.Service
	reports     *reports.Service
	notices     *notices.Service
	log         *slog.Logger
	mux         *http.ServeMux

	routeList []Route // every endpoint with the roles that may use it
}

// handler is the shape of every API handler: it gets the token's user and
// returns an error instead of writing one; fail turns it into a response.
type handler func(w http.ResponseWriter, r *http.Request, u *domain.User) error

var (
	errUnauthorized = &domain.Error{Code: domain.EUNAUTHORIZED, Message: "error.unauthorized"}
	errNotFound     = &domain.Error{Code: domain.ENOTFOUND, Message: "error.not_found"}
	errBadRequest   = httperr.ErrBadRequest
	errTooLarge     = httperr.ErrTooLarge
	errMethod       = httperr.ErrMethod
)

// Route is a registered endpoint and the roles that may use it.
type Route struct {
	Pattern string
	Roles   auth.Roles
}

// Routes lists every endpoint registered, for the authorization tests.
func (s *server) Routes() []Route { return slices.Clone(s.routeList) }

// handle registers h for pattern behind the token check, for the roles
// given; a token of another role gets 403 (audited).
func (s *server) handle(pattern string, roles auth.Roles, h handler) {
	if len(roles) == 0 {
		panic("api: endpoint " + pattern + " declares no roles")
	}
	s.routeList = append(s.routeList, Route{pattern, roles})
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// A read's parts in one snapshot, one wait for a connection.
			ctx, done := s.reg.Store.ShareReads(r.Context())
			defer done()
			r = r.WithContext(ctx)
		}
		u, err := s.authenticate(r)
		if err == nil && !roles.Allows(u.Role) {
			err = auth.ErrForbidden
		}
		if err == nil {
			err = h(w, r, u)
		}
		if err != nil {
			if domain.ErrorCode(err) == domain.EFORBIDDEN && u != nil {
				s.auditDenied(r, u)
			}
			s.fail(w, r, err)
		}
	})
}

// auditDenied records a permission denial: who tried what.
func (s *server) auditDenied(r *http.Request, u *domain.User) {
	err := s.audit.Record(r.Context(), actor(r, u), domain.AuditDenied, "api", 0, map[string]string{"method": r.Method, "path": r.URL.Path})
	if err != nil {
		s.log.Error("audit of a denial failed", slog.String("request_id", httplog.ID(r.Context())), slog.Any("err", err))
	}
}

// ServeHTTP answers a request. Paths no route matches get a JSON 404 (or
// 405 when the path exists for other methods), after the token check so
// that the API's shape is not shown to callers without a token.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if _, pattern := s.mux.Handler(r); pattern != "" {
		s.mux.ServeHTTP(w, r)
		return
	}
	if _, err := s.authenticate(r); err != nil {
		s.fail(w, r, err)
		return
	}
	probe := &statusProbe{header: http.Header{}}
	h, _ := s.mux.Handler(r)
	h.ServeHTTP(probe, r)
	switch {
	case probe.status == http.StatusMethodNotAllowed:
		w.Header().Set("Allow", probe.header.Get("Allow"))
		s.fail(w, r, errMethod)
	case probe.status >= 300 && probe.status < 400: // the mux cleaning a path
		w.Header().Set("Location", probe.header.Get("Location"))
		w.WriteHeader(probe.status)
	default:
		s.fail(w, r, errNotFound)
	}
}

// statusProbe records what the mux would answer for an unrouted request.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header         { return p.header }
func (p *statusProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *statusProbe) WriteHeader(status int)      { p.status = status }

// authenticate returns the user of the request's bearer token.
func (s *server) authenticate(r *http.Request) (*domain.User, error) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, errUnauthorized
	}
	u, err := s.auth.TokenUser(r.Context(), token)
	if store.IsNotFound(err) {
		return nil, errUnauthorized
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// actor returns the audit actor of a request made by u.
func actor(r *http.Request, u *domain.User) domain.Actor {
	return domain.ActorOf(u, httplog.ID(r.Context()), httplog.ClientIP(r))
}

// pathID reads the {id} of the path; anything but a positive integer is an
// unknown record.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// meResponse is the body of GET /api/v1/me.
type meResponse struct {
	ID            int64  `json:"id"`
	Username      string `json:"username"`
	DisplayName   string `json:"display_name"`
	Role          string `json:"role"`
	InstitutionID *int64 `json:"institution_id"`
}

// handleMe answers who the token belongs to.
func (s *server) handleMe(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	me := meResponse{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role}
	if u.InstitutionID != 0 {
		me.InstitutionID = &u.InstitutionID
	}
	return writeJSON(w, http.StatusOK, me)
}
