package web

import (
	"errors"
	"log/slog"
	"net/http"

	"radsup/internal/domain"
	"radsup/internal/httperr"
	"radsup/internal/httplog"
	"radsup/internal/i18n"
)

// handler is the shape of every page handler: it returns an error instead of
// writing one, and wrap turns the error into a status, a page and a log line.
type handler func(w http.ResponseWriter, r *http.Request) error

var (
	errNotFound    = &domain.Error{Code: domain.ENOTFOUND, Message: "error.not_found"}
	errForbidden   = &domain.Error{Code: domain.EFORBIDDEN, Message: "error.forbidden"}
	errBadRequest  = httperr.ErrBadRequest
	errCrossOrigin = &domain.Error{Code: domain.EFORBIDDEN, Message: "error.cross_origin"}
	errConflict    = &domain.Error{Code: domain.ECONFLICT, Message: "error.conflict"}
	errTooLarge    = httperr.ErrTooLarge
)

// wrap runs h and reports its error, if any.
func (s *Server) wrap(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// errorPage is the data of the error page.
type errorPage struct {
	base
	Status    int
	Message   string
	RequestID string
}

// fail logs err once (5xx at Error with the request ID, 4xx at Info) and
// shows the error page; a request its client abandoned is logged at Info.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	a := httperr.Of(err)
	id := httplog.ID(r.Context())
	attrs := []any{slog.String("request_id", id), slog.String("method", r.Method),
		slog.String("path", r.URL.Path), slog.Int("status", a.Status), slog.Any("err", err)}
	if r.Context().Err() != nil {
		// The client went away (or gave up waiting): nobody reads a page,
		// and the server did nothing wrong.
		s.log.Info("request abandoned", attrs...)
		return
	}
	if _, sent := errors.AsType[*sentError](err); sent {
		s.log.Error("response cut short", attrs...)
		return
	}
	if a.Status >= 500 {
		s.log.Error("page failed", attrs...)
	} else {
		s.log.Info("page refused", attrs...)
	}
	if a.Status == http.StatusForbidden && userOf(r) != nil {
		s.auditDenied(r)
	}
	lang := s.lang(r)
	data := errorPage{base: s.base(r, "", i18n.T(lang, "error.title")), Status: a.Status, Message: a.Text(lang)}
	if a.Status >= 500 {
		data.RequestID = id
	}
	if rerr := s.render(w, r, a.Status, "error", data); rerr != nil {
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
	err := s.cfg.Audit.Record(r.Context(), actorOf(r), domain.AuditDenied, "route", 0, map[string]string{"method": r.Method, "path": r.URL.Path})
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
