package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"radsup/internal/accounts"
	"radsup/internal/api"
	"radsup/internal/audit"
	"radsup/internal/config"
	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/exchange"
	"radsup/internal/findings"
	"radsup/internal/httplog"
	"radsup/internal/i18n"
	"radsup/internal/notices"
	"radsup/internal/registry"
	"radsup/internal/reports"
	"radsup/internal/store"
	"radsup/internal/web"
)

// Main is a running server; tests start it on a free port.
type Main struct {
	Config config.Config
	Logger *slog.Logger
	Stdout io.Writer

	Store    *store.Store
	Findings *findings.Service
	Reports  *reports.Service // statistics of pages and API, one for both
	Imports  *exchange.Jobs   // import jobs, stopped before the store closes
	server   *http.Server
	stop     context.CancelFunc // stops the daily screening
	stopped  chan struct{}      // closed when the daily screening has stopped
	listener net.Listener
	done     chan error

	// Notices are the notices to institutions and their deliveries, made
	// and sent by a loop that stopNotices stops and notified reports ended.
	Notices     *notices.Service
	stopNotices context.CancelFunc
	notified    chan struct{}
}

// openStore opens and migrates the configured database.
func openStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	s, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Start opens the database, loads demo data and the first admin account if
// needed, and starts serving; it returns once the server listens.
func (m *Main) Start(ctx context.Context) error {
	var tlsConfig *tls.Config
	if m.Config.TLS() {
		// Loaded first, so that a wrong file stops the start before anything runs.
		cert, err := tls.LoadX509KeyPair(m.Config.TLSCert, m.Config.TLSKey)
		if err != nil {
			return fmt.Errorf("-tls-cert, -tls-key: %w", err)
		}
		// Go's default cipher suites: ECDHE only, AEAD first; no RSA key exchange, 3DES or RC4.
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	}
	s, err := openStore(ctx, m.Config)
	if err != nil {
		return err
	}
	m.Store = s
	if err := s.Serve(); errors.Is(err, store.ErrServed) {
		return errors.New(i18n.T(m.Config.Lang, "cli.serve.served"))
	} else if err != nil {
		return err
	}
	if m.Config.Demo {
		if err := loadDemoIfEmpty(ctx, s, m.Config, m.Stdout); err != nil {
			return err
		}
	}
	authSvc := &accounts.Service{Store: s}
	password, err := authSvc.EnsureAdmin(ctx)
	if err != nil {
		return err
	}
	if password != "" {
		fmt.Fprintf(m.Stdout, "\n%s\n\n", i18n.T(m.Config.Lang, "cli.serve.admin_password", password))
	}
	h, err := m.handler(s, authSvc)
	if err != nil {
		return err
	}
	if m.Config.ScreenAt != "off" {
		dctx, stop := context.WithCancel(context.WithoutCancel(ctx))
		m.stop, m.stopped = stop, make(chan struct{})
		go func() {
			defer close(m.stopped)
			m.Findings.Daily(dctx, m.Config.ScreenAt, time.Now)
		}()
	}
	m.startNotices(ctx)
	if m.listener, err = net.Listen("tcp", m.Config.Addr); err != nil {
		return err
	}
	m.server = &http.Server{
		Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: maxHeaderBytes,
		TLSConfig: tlsConfig, ErrorLog: slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	m.done = make(chan error, 1)
	if tlsConfig != nil {
		go func() { m.done <- m.server.ServeTLS(m.listener, "", "") }()
	} else {
		go func() { m.done <- m.server.Serve(m.listener) }()
	}
	m.Logger.Info("radsup listening", "url", m.URL(), "db", s.Dialect(), "zone", m.Config.Zone)
	fmt.Fprintln(m.Stdout, i18n.T(m.Config.Lang, "cli.serve.listening", m.URL()))
	return nil
}

// handler wires the web pages, the JSON API and /healthz. Every change made
// through them re-screens what it touched in the same transaction.
func (m *Main) handler(s *store.Store, authSvc *accounts.Service) (http.Handler, error) {
	m.Findings = &findings.Service{Store: s, Logger: m.Logger}
	reg := registry.New(s)
	reg.AfterChange = m.Findings.AfterChange(nil)
	reg.ApplyImport = exchange.HeldApplier(reg.Today)
	auditSvc := &audit.Service{Store: s}
	m.Imports = exchange.NewJobs(exchange.Importer{Store: s, Findings: m.Findings, Today: reg.Today}, "", m.Logger)
	if err := m.Imports.Start(context.Background()); err != nil {
		return nil, err
	}
	enf := &enforcement.Service{Store: s, Today: reg.Today, DocPrefix: m.Config.DocPrefix, RectifyDays: m.Config.RectifyDays}
	m.Notices = newNotices(s, reg.Today, m.Config.Notify, m.Logger)
	// One statistics service for pages and API: one recent computation of
	// the overview and the dose figures serves both.
	m.Reports = &reports.Service{Store: s, Today: reg.Today}
	w, err := web.New(web.Config{Store: s, Registry: reg, Auth: authSvc, Findings: m.Findings, Audit: auditSvc, Imports: m.Imports,
		Logger: m.Logger, Enforcement: enf, Reports: m.Reports,
		SecureCookies: m.Config.SecureCookies || m.Config.TLS(), Office: m.Config.Office,
		Notices: m.Notices})
	if err != nil {
		return nil, err
	}
	trusted, err := config.ParseCIDRs(m.Config.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("-trusted-proxies: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", api.New(api.Config{Registry: reg, Auth: authSvc, Findings: m.Findings, Audit: auditSvc, Logger: m.Logger, Enforcement: enf, Notices: m.Notices, Reports: m.Reports}))
	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, r *http.Request) {
		if err := s.Ping(r.Context()); err != nil {
			http.Error(rw, "数据库暂时不可用，请稍后再试 (database unavailable)", http.StatusServiceUnavailable)
			return
		}
		rw.Write([]byte("ok\n"))
	})
	mux.Handle("/", w.Handler())
	return httplog.Proxies(trusted).Handler(m.Logger, httplog.BaseHeaders(httplog.LimitBody(mux))), nil
}

// URL returns the server's base URL.
func (m *Main) URL() string {
	if m.Config.TLS() {
		return "https://" + m.listener.Addr().String()
	}
	return "http://" + m.listener.Addr().String()
}

// maxHeaderBytes bounds a request's header; the largest legitimate one is a
// session cookie and a bearer token.
const maxHeaderBytes = 64 << 10

// Run starts the server and serves until ctx is cancelled (SIGTERM, Ctrl-C),
// then shuts down gracefully.
func (m *Main) Run(ctx context.Context) error {
	if err := m.Start(ctx); err != nil {
		if m.Store != nil {
			m.Store.Close()
		}
		return err
	}
	select {
	case <-ctx.Done():
		m.Logger.Info("shutting down")
	case err := <-m.done:
		m.Store.Close()
		return err
	}
	return m.Close()
}

// Close stops accepting requests, lets running ones finish (up to 30 s),
// cancels the running imports and closes the database.
func (m *Main) Close() error {
	var err error
	if m.stop != nil {
		m.stop()
		<-m.stopped // a run in progress ends with its context, before the store closes
	}
	if m.stopNotices != nil {
		m.stopNotices()
		<-m.notified
	}
	if m.server != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err = m.server.Shutdown(sctx)
		if serr := <-m.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
			err = errors.Join(err, serr)
		}
	}
	if m.Imports != nil { // running imports are cancelled: they write nothing
		ictx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err = errors.Join(err, m.Imports.Shutdown(ictx))
	}
	if m.Store != nil {
		err = errors.Join(err, m.Store.Close())
	}
	return err
}

// loadDemoIfEmpty loads the demo district when the database has no institution.
func loadDemoIfEmpty(ctx context.Context, s *store.Store, cfg config.Config, out io.Writer) error {
	n, err := demo.Institutions(ctx, s)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintln(out, i18n.T(cfg.Lang, "cli.serve.demo_present", n))
		return nil
	}
	scale, _ := demo.ScaleByName("district")
	start, asOf := time.Now(), domain.DateOf(time.Now())
	counts, err := demo.Load(ctx, s, scale, cfg.Seed, asOf)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	fmt.Fprintln(out, i18n.T(cfg.Lang, "cli.serve.demo_loaded", countsText(cfg.Lang, counts), time.Since(start).Round(time.Millisecond)))
	if err := screenLoadedDemo(ctx, s, asOf); err != nil {
		return err
	}
	return demoAccounts(ctx, s, cfg.Lang, asOf, out)
}
