package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/httplog"

	"radsup/internal/accounts"
	"radsup/internal/auth"
	"radsup/internal/config"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// syncBuffer collects the server's log lines, written from its goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startConfigured runs the real server on a free port with a fresh database
// and the settings configure makes; its log goes to logs (if not nil).
func startConfigured(t *testing.T, logs io.Writer, configure func(*config.Config)) *Main {
	t.Helper()
	cfg := config.Default()
	cfg.DB = storetest.URL(t)
	cfg.Addr = "127.0.0.1:0"
	configure(&cfg)
	if logs == nil {
		logs = io.Discard
	}
	m := &Main{Config: cfg, Logger: slog.New(slog.NewTextHandler(logs, nil)), Stdout: io.Discard}
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// noRedirects is a client that shows redirects (and the cookies they set)
// instead of following them.
func noRedirects(tr *http.Transport) *http.Client {
	return &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// do sends a request and returns the response with its body read.
func do(t *testing.T, c *http.Client, method, target string, header map[string]string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// langCookie switches the language (a public form that sets a cookie) and
// returns the cookie set.
func langCookie(t *testing.T, c *http.Client, base string, header map[string]string) (*http.Response, *http.Cookie) {
	t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for k, v := range header {
		h[k] = v
	}
	res, body := do(t, c, "POST", base+"/lang", h, strings.NewReader(url.Values{"lang": {"en"}, "next": {"/login"}}.Encode()))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /lang: %d %.300s", res.StatusCode, body)
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "radsup_lang" {
			return res, ck
		}
	}
	t.Fatalf("POST /lang set no language cookie: %v", res.Header["Set-Cookie"])
	return nil, nil
}

// selfSigned writes a certificate for 127.0.0.1 and its key to dir and
// returns their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "radsup test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestServeTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t, t.TempDir())
	m := startConfigured(t, nil, func(c *config.Config) { c.TLSCert, c.TLSKey = certFile, keyFile })
	if !strings.HasPrefix(m.URL(), "https://") {
		t.Fatalf("URL %s: want https", m.URL())
	}
	client := noRedirects(&http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}})
	defer client.CloseIdleConnections()

	res, body := do(t, client, "GET", m.URL()+"/healthz", nil, nil)
	if res.StatusCode != 200 || body != "ok\n" {
		t.Errorf("healthz over TLS: %d %q", res.StatusCode, body)
	}
	if got := res.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
		t.Errorf("Strict-Transport-Security = %q", got)
	}
	if res.TLS == nil || res.TLS.Version < tls.VersionTLS12 {
		t.Errorf("TLS state %+v", res.TLS)
	}
	if _, ck := langCookie(t, client, m.URL(), nil); !ck.Secure {
		t.Errorf("cookie over TLS not Secure: %+v", ck)
	}

	// TLS 1.2 is the floor: a client that stops at it gets in, one that
	// stops at TLS 1.1 does not.
	for _, tc := range []struct {
		max  uint16
		want bool
	}{{tls.VersionTLS12, true}, {tls.VersionTLS11, false}} {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS10, MaxVersion: tc.max}}
		res, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get(m.URL() + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		if (err == nil) != tc.want {
			t.Errorf("client up to TLS %s: error %v, want success %v", tls.VersionName(tc.max), err, tc.want)
		}
		tr.CloseIdleConnections()
	}

	// Plain HTTP on the TLS port is no way in.
	plain := strings.Replace(m.URL(), "https://", "http://", 1)
	if res, err := http.Get(plain + "/healthz"); err == nil {
		res.Body.Close()
		if res.StatusCode == 200 {
			t.Error("plain HTTP served on the TLS port")
		}
	}
}

func TestServeTLSFiles(t *testing.T) {
	// Both files or neither, checked before anything starts.
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve", "-tls-cert", "cert.pem"}, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "-tls-key") {
		t.Errorf("serve with -tls-cert only: %v", err)
	}
	// A file that cannot be read stops the start before the database opens.
	cfg := config.Default()
	cfg.DB, cfg.Addr = storetest.URL(t), "127.0.0.1:0"
	dir := t.TempDir()
	cfg.TLSCert, cfg.TLSKey = filepath.Join(dir, "missing.pem"), filepath.Join(dir, "missing.key")
	m := &Main{Config: cfg, Logger: slog.New(slog.DiscardHandler), Stdout: io.Discard}
	if err := m.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "-tls-cert") {
		m.Close()
		t.Errorf("start with a missing certificate: %v", err)
	}
	if m.Store != nil {
		t.Error("the database was opened despite the bad certificate")
	}
}

func TestServeTrustedProxies(t *testing.T) {
	forwarded := map[string]string{"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"}
	for _, tc := range []struct {
		name    string
		trusted string
		wantIP  string
		wantTLS bool
	}{
		{"proxy trusted", "127.0.0.1/32, ::1", "198.51.100.7", true},
		{"no proxy trusted", "", "127.0.0.1", false},
		{"another proxy trusted", "10.0.0.0/8", "127.0.0.1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs syncBuffer
			m := startConfigured(t, &logs, func(c *config.Config) { c.TrustedProxies = tc.trusted })
			client := noRedirects(&http.Transport{})
			defer client.CloseIdleConnections()
			res, ck := langCookie(t, client, m.URL(), forwarded)
			if ck.Secure != tc.wantTLS {
				t.Errorf("cookie Secure = %v, want %v", ck.Secure, tc.wantTLS)
			}
			if got := res.Header.Get("Strict-Transport-Security") != ""; got != tc.wantTLS {
				t.Errorf("HSTS sent = %v, want %v", got, tc.wantTLS)
			}
			want := "ip=" + tc.wantIP
			deadline := time.Now().Add(5 * time.Second)
			for !strings.Contains(logs.String(), "path=/lang") && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			for _, line := range strings.Split(logs.String(), "\n") {
				if strings.Contains(line, "path=/lang") && !strings.Contains(line, want) {
					t.Errorf("log line without %s: %s", want, line)
				}
			}
		})
	}
}

func TestServeRequestLimits(t *testing.T) {
	m := startConfigured(t, nil, func(*config.Config) {})
	client := noRedirects(&http.Transport{})
	defer client.CloseIdleConnections()
	big := strings.Repeat("a", httplog.MaxBody+1)
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}

	res, body := do(t, client, "POST", m.URL()+"/login", form, strings.NewReader("username="+big))
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "too large") {
		t.Errorf("page form over the limit: %d %.200q", res.StatusCode, body)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("413 without nosniff: %v", res.Header)
	}

	res, body = do(t, client, "POST", m.URL()+"/api/v1/institutions",
		map[string]string{"Content-Type": "application/json", "Authorization": "Bearer x"}, strings.NewReader(`{"name":"`+big+`"}`))
	var apiErr struct{ Code, Message string }
	if res.StatusCode != http.StatusRequestEntityTooLarge || json.Unmarshal([]byte(body), &apiErr) != nil || apiErr.Code != "EINVALID" || apiErr.Message == "" {
		t.Errorf("API body over the limit: %d %.200q", res.StatusCode, body)
	}

	// Without a declared length the body is cut at the limit and the form refused.
	res, body = do(t, client, "POST", m.URL()+"/lang", form, io.MultiReader(strings.NewReader("lang=en&x="), strings.NewReader(big)))
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("unsized body over the limit: %d %.200q", res.StatusCode, body)
	}

	// A body within the limit goes through.
	if res, _ := langCookie(t, client, m.URL(), nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("small form: %d", res.StatusCode)
	}

	res, _ = do(t, client, "GET", m.URL()+"/healthz", map[string]string{"X-Padding": strings.Repeat("b", 2*maxHeaderBytes)}, nil)
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("header over the limit: %d", res.StatusCode)
	}
}

func TestServeSecurityHeaders(t *testing.T) {
	m := startConfigured(t, nil, func(*config.Config) {})
	// A supervisor with a second factor, signed in, and an API token.
	token, hash := auth.NewToken()
	session, sessionHash := auth.NewToken()
	err := m.Store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		u := &domain.User{Username: "headers", DisplayName: "头部测试", Role: domain.RoleSupervisor, PasswordHash: storetest.PasswordHash}
		if err := tx.CreateUser(u); err != nil {
			return err
		}
		if err := tx.SetTOTP(u.ID, "JBSWY3DPEHPK3PXP", 0); err != nil {
			return err
		}
		if err := tx.CreateSession(sessionHash, u.ID, tx.Now().Add(accounts.SessionLifetime), ""); err != nil {
			return err
		}
		_, err := tx.CreateAPIToken(u.ID, "headers", hash)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	bearer := map[string]string{"Authorization": "Bearer " + token}
	signedIn := map[string]string{"Cookie": "radsup_session=" + session}
	client := noRedirects(&http.Transport{})
	defer client.CloseIdleConnections()
	for _, tc := range []struct {
		name   string
		path   string
		header map[string]string
		status int
		csp    string // a directive the Content-Security-Policy must hold
	}{
		{"login page", "/login", nil, 200, "default-src 'self'"},
		{"page", "/", signedIn, 200, "default-src 'self'"},
		{"page 404", "/no-such-page", signedIn, 404, "default-src 'self'"},
		{"static 404", "/static/0123456789ab/missing.css", nil, 404, "default-src"},
		{"API", "/api/v1/me", bearer, 200, "default-src 'none'"},
		{"API without token", "/api/v1/me", nil, 401, "default-src 'none'"},
		{"API 404", "/api/v1/no-such-thing", bearer, 404, "default-src 'none'"},
		{"healthz", "/healthz", nil, 200, "default-src 'none'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := do(t, client, "GET", m.URL()+tc.path, tc.header, nil)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %.200q", res.StatusCode, tc.status, body)
			}
			h := res.Header
			csp := h.Get("Content-Security-Policy")
			if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, tc.csp) {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" || h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("headers %v", h)
			}
			if h.Get("Strict-Transport-Security") != "" {
				t.Error("HSTS sent over plain HTTP")
			}
		})
	}
}
