package httplog

import (
	"encoding/json"
	"net/http"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/i18n"
)

const (
	// MaxBody bounds every request body but the import upload.
	MaxBody = 1 << 20
	// hsts asks browsers to use HTTPS only, for a year.
	hsts = "max-age=31536000"
)

// BaseHeaders gives every response, the API's JSON, /healthz, static files
// and plain errors included, the protection the pages have: no sniffing, no
// framing, no referrer to other sites. The pages replace the policy with
// their own, which allows their embedded scripts and styles. Over HTTPS
// (direct, or at a trusted proxy) it adds HSTS; the pages then mark their
// cookies Secure (HTTPS).
func BaseHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if HTTPS(r) {
			h.Set("Strict-Transport-Security", hsts)
		}
		next.ServeHTTP(w, r)
	})
}

// LimitBody refuses a request body over MaxBody with 413 Request Entity Too
// Large, before any handler runs when the client declares its length, and
// cuts a longer body without one. The import upload (POST /import) is left
// to its handler, which allows more (maxUpload in internal/web) and answers
// with a page.
func LimitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/import" {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > MaxBody {
			tooLarge(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		next.ServeHTTP(w, r)
	})
}

// tooLarge answers 413 as the API does (a JSON error) under /api/, and as
// plain text elsewhere. The connection is closed: the body is not read.
func tooLarge(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		http.Error(w, "请求体过大 / request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	lang := i18n.Match(r.Header.Get("Accept-Language"))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusRequestEntityTooLarge)
	json.NewEncoder(w).Encode(map[string]string{"code": domain.EINVALID, "message": i18n.T(lang, "error.too_large")})
}
