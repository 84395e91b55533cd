package httplog

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLimitBody(t *testing.T) {
	var read int
	var readErr error
	h := LimitBody(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int64
		n, readErr = io.Copy(io.Discard, r.Body)
		read = int(n)
	}))
	big := strings.Repeat("a", 2*MaxBody)
	for _, tc := range []struct {
		name     string
		method   string
		path     string
		sized    bool
		status   int
		wantRead int
		tooLarge bool
	}{
		{"declared over the limit", "POST", "/login", true, 413, 0, false},
		{"unsized over the limit", "POST", "/login", false, 200, MaxBody, true},
		{"import upload", "POST", "/import", true, 200, 2 * MaxBody, false},
		{"import path, other method", "PUT", "/import", true, 413, 0, false},
		{"API", "PUT", "/api/v1/people/1", true, 413, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			read, readErr = 0, nil
			var body io.Reader = strings.NewReader(big)
			if !tc.sized {
				body = io.MultiReader(body) // hides the length
			}
			r := httptest.NewRequest(tc.method, tc.path, body)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			_, isTooLarge := errors.AsType[*http.MaxBytesError](readErr)
			if w.Code != tc.status || read != tc.wantRead || isTooLarge != tc.tooLarge {
				t.Errorf("status %d, read %d (%v); want %d, %d", w.Code, read, readErr, tc.status, tc.wantRead)
			}
		})
	}
}
