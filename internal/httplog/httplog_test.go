package httplog

import (
	"bytes"
	"crypto/tls"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func proxies(cidrs ...string) Proxies {
	var p Proxies
	for _, c := range cidrs {
		p = append(p, netip.MustParsePrefix(c))
	}
	return p
}

func TestResolve(t *testing.T) {
	lan := proxies("10.0.0.0/8", "2001:db8:1::/48")
	for _, tc := range []struct {
		name    string
		trusted Proxies
		remote  string
		header  map[string][]string
		tls     bool
		wantIP  string
		wantTLS bool
	}{
		{name: "no proxy", remote: "203.0.113.7:5000", wantIP: "203.0.113.7"},
		{name: "untrusted peer forging X-Forwarded-For", trusted: lan, remote: "203.0.113.7:5000",
			header: map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, wantIP: "203.0.113.7"},
		{name: "untrusted peer forging X-Real-IP", trusted: lan, remote: "203.0.113.7:5000",
			header: map[string][]string{"X-Real-IP": {"198.51.100.1"}}, wantIP: "203.0.113.7"},
		{name: "untrusted peer forging X-Forwarded-Proto", trusted: lan, remote: "203.0.113.7:5000",
			header: map[string][]string{"X-Forwarded-Proto": {"https"}}, wantIP: "203.0.113.7"},
		{name: "headers ignored when no proxy is trusted", remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-For": {"198.51.100.1"}, "X-Forwarded-Proto": {"https"}}, wantIP: "10.0.0.2"},
		{name: "one trusted proxy", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-For": {"198.51.100.1"}, "X-Forwarded-Proto": {"https"}},
			wantIP: "198.51.100.1", wantTLS: true},
		{name: "client prepends a forged address", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-For": {"1.1.1.1, 198.51.100.1"}}, wantIP: "198.51.100.1"},
		{name: "client forges a trusted address", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-For": {"10.9.9.9, 198.51.100.1"}}, wantIP: "198.51.100.1"},
		{name: "chain of trusted proxies", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-For": {"6.6.6.6, 198.51.100.1, 10.0.0.5, 10.0.0.4"}}, wantIP: "198.51.100.1"},
		{name: "chain split over header lines", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-For": {"6.6.6.6, 198.51.100.1", "10.0.0.5"}}, wantIP: "198.51.100.1"},
		{name: "only proxies: the furthest one", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-For": {"10.0.0.9, 10.0.0.5"}}, wantIP: "10.0.0.9"},
		{name: "an untrusted proxy in the chain is the client", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-For": {"198.51.100.1, 192.0.2.50"}}, wantIP: "192.0.2.50"},
		{name: "X-Real-IP without X-Forwarded-For", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Real-IP": {"198.51.100.1"}}, wantIP: "198.51.100.1"},
		{name: "X-Forwarded-For wins over X-Real-IP", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Real-IP": {"6.6.6.6"}, "X-Forwarded-For": {"198.51.100.1"}}, wantIP: "198.51.100.1"},
		{name: "blank X-Forwarded-For falls back to X-Real-IP", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Real-IP": {"198.51.100.1"}, "X-Forwarded-For": {"  "}}, wantIP: "198.51.100.1"},
		{name: "malformed X-Real-IP", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Real-IP": {"unknown"}}, wantIP: "10.0.0.2"},
		{name: "malformed entry next to the proxy", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-For": {"198.51.100.1, garbage"}}, wantIP: "10.0.0.2"},
		{name: "malformed entry behind a trusted hop", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-For": {"198.51.100.1, , 10.0.0.5"}}, wantIP: "10.0.0.5"},
		{name: "malformed entry left of the client is never read", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-For": {"<script>, 198.51.100.1"}}, wantIP: "198.51.100.1"},
		{name: "entries with ports and brackets", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-For": {"[2001:db8:9::7]:443, 10.0.0.5:8080"}}, wantIP: "2001:db8:9::7"},
		{name: "bracketed IPv6 entry", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-For": {"[2001:db8:9::7]"}}, wantIP: "2001:db8:9::7"},
		{name: "IPv6 proxy and client", trusted: lan, remote: "[2001:db8:1::2]:5000",
			header: map[string][]string{"X-Forwarded-For": {"2001:db8:9::7, 2001:db8:1::3"}}, wantIP: "2001:db8:9::7"},
		{name: "IPv6 peer outside the list", trusted: lan, remote: "[2001:db8:2::2]:5000",
			header: map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, wantIP: "2001:db8:2::2"},
		{name: "IPv4-mapped peer", trusted: lan, remote: "[::ffff:10.0.0.2]:5000",
			header: map[string][]string{"X-Forwarded-For": {"::ffff:198.51.100.1"}}, wantIP: "198.51.100.1"},
		{name: "zone dropped", trusted: proxies("fe80::/10"), remote: "[fe80::1%eth0]:5000",
			header: map[string][]string{"X-Forwarded-For": {"fe80::9%eth0"}}, wantIP: "fe80::9"},
		{name: "proto from the nearest proxy", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-Proto": {"http, https"}}, wantIP: "10.0.0.2", wantTLS: true},
		{name: "proto forged left of the nearest proxy", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-Proto": {"https, http"}}, wantIP: "10.0.0.2"},
		{name: "proto case", trusted: lan, remote: "10.0.0.2:5000",
			header: map[string][]string{"X-Forwarded-Proto": {" HTTPS "}}, wantIP: "10.0.0.2", wantTLS: true},
		{name: "direct TLS", remote: "203.0.113.7:5000", tls: true, wantIP: "203.0.113.7", wantTLS: true},
		{name: "peer without a port", trusted: lan, remote: "10.0.0.2",
			header: map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, wantIP: "198.51.100.1"},
		{name: "peer not an address", trusted: lan, remote: "@",
			header: map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, wantIP: "@"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for k, vs := range tc.header {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			ip, https := tc.trusted.Resolve(r)
			if ip != tc.wantIP || https != tc.wantTLS {
				t.Errorf("got %s https=%v, want %s https=%v", ip, https, tc.wantIP, tc.wantTLS)
			}
		})
	}
}

func TestHandlerCarriesClient(t *testing.T) {
	var logs bytes.Buffer
	var gotID, gotIP string
	var gotHTTPS bool
	h := proxies("10.0.0.0/8").Handler(slog.New(slog.NewTextHandler(&logs, nil)), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotID, gotIP, gotHTTPS = ID(r.Context()), ClientIP(r), HTTPS(r)
		w.WriteHeader(http.StatusTeapot)
	}))
	r := httptest.NewRequest("GET", "/x", nil)
	r.RemoteAddr = "10.0.0.2:5000"
	r.Header.Set("X-Forwarded-For", "198.51.100.1")
	r.Header.Set("X-Forwarded-Proto", "https")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if gotID == "" || gotID != w.Header().Get("X-Request-ID") || gotIP != "198.51.100.1" || !gotHTTPS {
		t.Errorf("in the handler: id=%q ip=%q https=%v (header id %q)", gotID, gotIP, gotHTTPS, w.Header().Get("X-Request-ID"))
	}
	if line := logs.String(); !strings.Contains(line, "ip=198.51.100.1") || !strings.Contains(line, "status=418") {
		t.Errorf("log line: %s", line)
	}

	// The package-level Handler believes no proxy.
	Handler(slog.New(slog.DiscardHandler), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotIP, gotHTTPS = ClientIP(r), HTTPS(r)
	})).ServeHTTP(httptest.NewRecorder(), r)
	if gotIP != "10.0.0.2" || gotHTTPS {
		t.Errorf("without trusted proxies: ip=%q https=%v", gotIP, gotHTTPS)
	}

	// Outside Handler: the peer.
	if ip, id := ClientIP(r), ID(r.Context()); ip != "10.0.0.2" || id != "" || HTTPS(r) {
		t.Errorf("outside Handler: ip=%q id=%q", ip, id)
	}
}
