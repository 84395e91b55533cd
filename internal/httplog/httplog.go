// Package httplog gives every request an ID, works out the client's address
// and scheme (behind trusted reverse proxies too) and logs each request once
// with slog.
package httplog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

type ctxKey struct{}

// info is what Handler learns about a request, kept in its context.
type info struct {
	id    string
	ip    string
	https bool
}

func infoOf(ctx context.Context) *info {
	in, _ := ctx.Value(ctxKey{}).(*info)
	return in
}

// ID returns the request ID stored in ctx by Handler ("" if none).
func ID(ctx context.Context) string {
	if in := infoOf(ctx); in != nil {
		return in.id
	}
	return ""
}

// ClientIP returns the address the request came from, as Handler resolved
// it: the peer address, or behind a trusted proxy the address it forwarded.
// Outside Handler it is the peer address.
func ClientIP(r *http.Request) string {
	if in := infoOf(r.Context()); in != nil {
		return in.ip
	}
	return peerHost(r.RemoteAddr)
}

// HTTPS reports whether the client reached the server over TLS: directly, or
// at a trusted proxy that said so with X-Forwarded-Proto.
func HTTPS(r *http.Request) bool {
	if in := infoOf(r.Context()); in != nil {
		return in.https
	}
	return r.TLS != nil
}

// Proxies lists the reverse proxies whose X-Forwarded-For, X-Real-IP and
// X-Forwarded-Proto headers are believed; nil believes no one. These headers
// are believed only from a peer inside the list, since any client can send
// them. Addresses are compared in their IPv4 form where they have one, so an
// IPv4 network is written as such (config.ParseCIDRs does that).
type Proxies []netip.Prefix

func (p Proxies) trusts(a netip.Addr) bool {
	for _, n := range p {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// Resolve returns the client's address and whether it used HTTPS. Behind
// trusted proxies the client is the right-most X-Forwarded-For entry that
// is not itself a trusted proxy: entries further left were written by the
// client and may be forged. A malformed entry ends the walk at the last good
// one. Without X-Forwarded-For, X-Real-IP is used.
func (p Proxies) Resolve(r *http.Request) (ip string, https bool) {
	https = r.TLS != nil
	peer, ok := parseAddr(peerHost(r.RemoteAddr))
	if !ok {
		return peerHost(r.RemoteAddr), https
	}
	if !p.trusts(peer) {
		return peer.String(), https
	}
	if proto := lastItem(r.Header.Values("X-Forwarded-Proto")); strings.EqualFold(proto, "https") {
		https = true
	}
	client := peer
	hops := forwardedFor(r.Header)
	if len(hops) == 0 {
		if a, ok := parseAddr(lastItem(r.Header.Values("X-Real-IP"))); ok {
			client = a
		}
		return client.String(), https
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseAddr(hops[i])
		if !ok {
			break
		}
		client = a
		if !p.trusts(a) {
			break
		}
	}
	return client.String(), https
}

// forwardedFor returns the X-Forwarded-For entries of every header line, in
// order; blank lines are skipped.
func forwardedFor(h http.Header) []string {
	var hops []string
	for _, line := range h.Values("X-Forwarded-For") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		hops = append(hops, strings.Split(line, ",")...)
	}
	return hops
}

// lastItem returns the last comma-separated item of the last header line:
// the one the nearest proxy wrote.
func lastItem(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	line := lines[len(lines)-1]
	return strings.TrimSpace(line[strings.LastIndexByte(line, ',')+1:])
}

// parseAddr parses an address as proxies write it: bare, or with a port
// ("192.0.2.1:4711", "[2001:db8::1]:4711"), or in brackets. The zone is
// dropped and an IPv4-mapped IPv6 address becomes IPv4.
func parseAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		if ap, perr := netip.ParseAddrPort(s); perr == nil {
			a, err = ap.Addr(), nil
		} else if len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']' {
			a, err = netip.ParseAddr(s[1 : len(s)-1])
		}
	}
	if err != nil {
		return netip.Addr{}, false
	}
	return a.WithZone("").Unmap(), true
}

// peerHost returns the host part of a RemoteAddr, or all of it if it has no port.
func peerHost(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}

// Handler assigns a request ID (echoed in the X-Request-ID header) and logs
// each request after it completes: method, path, status, duration, size. It
// trusts no proxy; see Proxies.Handler.
func Handler(log *slog.Logger, next http.Handler) http.Handler {
	return Proxies(nil).Handler(log, next)
}

// Handler is like the package's Handler, and resolves the client's address
// and scheme once with p.Resolve for ClientIP and HTTPS.
func (p Proxies) Handler(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		b := make([]byte, 8)
		rand.Read(b)
		in := &info{id: hex.EncodeToString(b)}
		in.ip, in.https = p.Resolve(r)
		w.Header().Set("X-Request-ID", in.id)
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), ctxKey{}, in)))
		log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("id", in.id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Duration("duration", time.Since(start)),
			slog.Int("bytes", rec.bytes), slog.String("ip", in.ip))
	})
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
