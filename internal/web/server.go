// Package web serves radsup's server-rendered pages: lists, record pages and
// forms for every entity, login and accounts. Pages are Chinese first, work
// without JavaScript, and go through the registry use cases; web never writes
// SQL.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strings"

	"radsup/internal/accounts"
	"radsup/internal/audit"
	"radsup/internal/enforcement"
	"radsup/internal/exchange"
	"radsup/internal/findings"
	"radsup/internal/i18n"
	"radsup/internal/notices"
	"radsup/internal/registry"
	"radsup/internal/reports"
	"radsup/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config holds what the web pages need.
type Config struct {
	Store         *store.Store
	Registry      *registry.Registry
	Auth          *accounts.Service
	Findings      *findings.Service    // screening findings and their dismissal
	Audit         *audit.Service       // the audit trail: the auditor's pages, refusals, reveals
	Imports       *exchange.Jobs       // import jobs; nil: jobs of this server alone, not swept
	Enforcement   *enforcement.Service // inspectors, plans and draws; nil: one on Store
	Reports       *reports.Service     // statistics; nil: one on Store
	Notices       *notices.Service     // notices to institutions; nil: one on Store that delivers nothing
	Logger        *slog.Logger
	SecureCookies bool // set Secure on cookies even when the request is not TLS (behind a proxy)
	// Office is the office's name, heading printed pages; "" means the
	// catalogue's generic name.
	Office string
}

// Server renders the pages. Make one with New.
type Server struct {
	cfg    Config
	log    *slog.Logger
	pages  map[string]map[string]*template.Template // language → page name → template
	static map[string]staticFile                    // file name → content

	routeList []Route      // every route with the roles that may use it
	limiter   loginLimiter // login attempts per client address
}

type staticFile struct {
	hash  string
	body  []byte
	ctype string
}

// New parses every template and loads the static files; a broken template
// is an error, so that a bad build never starts.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Registry == nil || cfg.Auth == nil || cfg.Audit == nil {
		return nil, errors.New("web.New: Store, Registry, Auth and Audit are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Reports == nil {
		cfg.Reports = &reports.Service{Store: cfg.Store, Today: cfg.Registry.Today}
	}
	if cfg.Notices == nil {
		cfg.Notices = &notices.Service{Store: cfg.Store, Reports: cfg.Reports, Today: cfg.Registry.Today}
	}
	if cfg.Enforcement == nil {
		cfg.Enforcement = &enforcement.Service{Store: cfg.Store, Today: cfg.Registry.Today}
	}
	if cfg.Registry.ApplyImport == nil { // approving an import held for review
		cfg.Registry.ApplyImport = exchange.HeldApplier(cfg.Registry.Today)
	}
	if cfg.Imports == nil {
		cfg.Imports = exchange.NewJobs(exchange.Importer{Store: cfg.Store, Findings: cfg.Findings, Today: cfg.Registry.Today}, "", cfg.Logger)
	}
	s := &Server{cfg: cfg, log: cfg.Logger}
	if err := s.loadStatic(); err != nil {
		return nil, fmt.Errorf("web.New: %w", err)
	}
	if err := s.parseTemplates(templateFS); err != nil {
		return nil, fmt.Errorf("web.New: %w", err)
	}
	return s, nil
}

// Handler returns the page routes behind cross-origin protection (CSRF) and
// security headers. The caller adds request logging and mounts the API.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errCrossOrigin)
	}))
	return securityHeaders(cop.Handler(s.routes()))
}

// securityHeaders forbids framing, sniffing and any script or style that is
// not our own embedded file.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// pageFiles lists the page templates; each is parsed with the layout and partials.
var pageFiles = []string{
	"home", "login", "error", "institutions", "institution", "people", "person",
	"equipment_list", "equipment", "form", "users", "tokens", "findings", "finding", "import", "import_job",
	"account", "security", "audit", "plans", "plan", "plan_form", "inspectors", "public",
	"stats_dose", "overview", "yearly",
	"inspections", "inspection", "inspection_new", "inspection_record",
	"rectifications", "rectification", "rect_opinion", "rect_order",
	"cases", "case", "case_new", "case_decision",
	"notices",
	"changes", "change", "change_form", "files", "licence_history",
	"reviews", "institution_changes",
}

// parseTemplates parses each page with the layout and partials from fsys,
// once per language.
func (s *Server) parseTemplates(fsys fs.FS) error {
	s.pages = map[string]map[string]*template.Template{}
	for _, lang := range i18n.Languages() {
		s.pages[lang] = map[string]*template.Template{}
		for _, name := range pageFiles {
			t, err := template.New(name).Funcs(s.funcs(lang)).ParseFS(fsys,
				"templates/layout.html", "templates/partials.html", "templates/parts_*.html", "templates/"+name+".html")
			if err != nil {
				return fmt.Errorf("template %s: %w", name, err)
			}
			if t.Lookup("content") == nil {
				return fmt.Errorf("template %s: no content block", name)
			}
			s.pages[lang][name] = t
		}
	}
	return nil
}

// loadStatic reads the embedded static files and names each by a hash of its
// content, so that a changed file gets a new URL and old ones can be cached forever.
func (s *Server) loadStatic() error {
	s.static = map[string]staticFile{}
	return fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		s.static[path.Base(p)] = staticFile{hash: hex.EncodeToString(sum[:])[:12], body: b, ctype: ctype}
		return nil
	})
}

// staticURL returns the content-hashed URL of a static file.
func (s *Server) staticURL(name string) string {
	f, ok := s.static[name]
	if !ok {
		return "/static/missing/" + name
	}
	return "/static/" + f.hash + "/" + name
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	f, ok := s.static[r.PathValue("file")]
	if !ok || f.hash != r.PathValue("hash") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(f.body)
}

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	t := s.pages[s.lang(r)][name]
	if t == nil {
		return fmt.Errorf("render: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Pages hold personal data (ID numbers, doses) and one-time tokens.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// lang returns the language chosen with the switch (a cookie), zh-CN by default.
func (s *Server) lang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil {
		return i18n.Match(c.Value)
	}
	return i18n.Default
}

// localPath returns p if it is a path on this site, else "/". It guards
// every redirect that takes a target from the request.
func localPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") ||
		strings.ContainsAny(p, "\\\r\n\t") {
		return "/"
	}
	return p
}
