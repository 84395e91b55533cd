package web

import (
	"errors"
	"log/slog"
	"net/http"

	"radsup/internal/domain"
	"radsup/internal/httplog"
	"radsup/internal/i18n"
	"radsup/internal/store"
)

// handler is the shape of every page handler: it returns an error instead of
// writing one, and wrap turns the error into a status, a page and a log line.
type handler func(w http.ResponseWriter, r *http.Request) error

var (
	errNotFound    = &domain.Error{Code: domain.ENOTFOUND, Message: "error.not_found"}
	errForbidden   = &domain.Error{Code: domain.EFORBIDDEN, Message: "error.forbidden"}
	errBadRequest  = &domain.Error{Code: domain.EINVALID, Message: "error.bad_request"}
	errCrossOrigin = &domain.Error{Code: domain.EFORBIDDEN, Message: "error.cross_origin"}
	errConflict    = &domain.Error{Code: domain.ECONFLICT, Message: "error.conflict"}
	errTooLarge    = &domain.Error{Code: domain.EINVALID, Message: "error.too_large"}
)

// wrap runs h and reports its error, if any.
func (s *Server) wrap(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// errorStatus maps an error to its HTTP status and the i18n key of the text
// the user reads. Only catalogue keys are shown, never an error's own text.
func errorStatus(err error) (int, string) {
	code := domain.ErrorCode(err)
	status, key := http.StatusInternalServerError, "error.internal"
	switch code {
	case domain.ENOTFOUND:
		status, key = http.StatusNotFound, "error.not_found"
	case domain.EFORBIDDEN:
		status, key = http.StatusForbidden, "error.forbidden"
	case domain.EUNAUTHORIZED:
		status, key = http.StatusUnauthorized, "error.unauthorized"
	case domain.ESTALE:
		status, key = http.StatusConflict, "error.stale"
	case domain.ECONFLICT:
		status, key = http.StatusConflict, "error.conflict"
	case domain.EINVALID:
		status, key = http.StatusBadRequest, "error.bad_request"
	}
	if err == errTooLarge {
		status = http.StatusRequestEntityTooLarge
	}
	var de *domain.Error
	if status < 500 && errors.As(err, &de) && de.Message != "" && i18n.Has(de.Message) {
		key = de.Message
	}
	return status, key
}

// errorPage is the data of the error page.
type errorPage struct {
	base
	Status    int
	Message   string
	RequestID string
}

// fail logs err once (5xx at Error with the request ID, 4xx at Info) and
// shows the error page.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, key := errorStatus(err)
	id := httplog.ID(r.Context())
	attrs := []any{slog.String("request_id", id), slog.String("method", r.Method),
		slog.String("path", r.URL.Path), slog.Int("status", status), slog.Any("err", err)}
	if status >= 500 {
		s.log.Error("page failed", attrs...)
	} else {
		s.log.Info("page refused", attrs...)
	}
	if status == http.StatusForbidden && userOf(r) != nil {
		s.auditDenied(r)
	}
	lang := s.lang(r)
	data := errorPage{base: s.base(r, "", i18n.T(lang, "error.title")), Status: status, Message: i18n.T(lang, key)}
	if status >= 500 {
		data.RequestID = id
	}
	if rerr := s.render(w, r, status, "error", data); rerr != nil {
		s.log.Error("error page failed", slog.String("request_id", id), slog.Any("err", rerr))
		http.Error(w, i18n.T(lang, "error.internal"), http.StatusInternalServerError)
	}
}

// handleNotFound answers every path no route matches.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) error {
	return errNotFound
}

// auditDenied records a permission denial: who tried what.
func (s *Server) auditDenied(r *http.Request) {
	err := s.cfg.Store.WithTx(r.Context(), actorOf(r), func(tx *store.Tx) error {
		return tx.Audit("denied", "route", 0, map[string]string{"method": r.Method, "path": r.URL.Path})
	})
	if err != nil {
		s.log.Error("audit of a denial failed", slog.String("request_id", httplog.ID(r.Context())), slog.Any("err", err))
	}
}

// parseForm reads a form; a body over the server's limit is 413, any other
// unreadable body 400.
func parseForm(r *http.Request) error {
	err := r.ParseForm()
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return errTooLarge
	}
	if err != nil {
		return errBadRequest
	}
	return nil
}
