// Package httperr is the one table from errors to HTTP answers, shared by
// the pages and the JSON API: the status, the error code and the catalogue
// key of the sentence the user reads. Only catalogue keys reach a user,
// never an error's own text.
package httperr

import (
	"errors"
	"net/http"

	"radsup/internal/domain"
	"radsup/internal/i18n"
)

// Errors of the HTTP layer itself.
var (
	// ErrBadRequest is a request that cannot be read (a malformed form or body).
	ErrBadRequest = &domain.Error{Code: domain.EINVALID, Message: "error.bad_request"}
	// ErrTooLarge is a body over the server's limit: 413.
	ErrTooLarge = &domain.Error{Code: domain.EINVALID, Message: "error.too_large"}
	// ErrMethod is a path that exists for other methods: 405.
	ErrMethod = &domain.Error{Code: domain.EINVALID, Message: "error.method"}
)

// StorageFullKey is the sentence of a database whose disk is full: it is
// answered 507 rather than 503.
const StorageFullKey = "error.storage_full"

// Answer is how an error is answered.
type Answer struct {
	Status int
	Code   string   // domain.EINVALID …; EUNAVAILABLE for 503, EINTERNAL for every other 5xx
	Key    string   // the catalogue key of the sentence
	Args   []string // what the sentence names
}

// Text is the answer's sentence in lang.
func (a Answer) Text(lang string) string {
	args := make([]any, len(a.Args))
	for i, v := range a.Args {
		args[i] = v
	}
	return i18n.T(lang, a.Key, args...)
}

// table maps each error code to its status and default sentence.
var table = map[string]Answer{
	domain.EINVALID:      {Status: http.StatusBadRequest, Code: domain.EINVALID, Key: "error.invalid"},
	domain.ENOTFOUND:     {Status: http.StatusNotFound, Code: domain.ENOTFOUND, Key: "error.not_found"},
	domain.ECONFLICT:     {Status: http.StatusConflict, Code: domain.ECONFLICT, Key: "error.conflict"},
	domain.ESTALE:        {Status: http.StatusConflict, Code: domain.ESTALE, Key: "error.stale"},
	domain.EFORBIDDEN:    {Status: http.StatusForbidden, Code: domain.EFORBIDDEN, Key: "error.forbidden"},
	domain.EUNAUTHORIZED: {Status: http.StatusUnauthorized, Code: domain.EUNAUTHORIZED, Key: "error.unauthorized"},
	domain.EUNAVAILABLE:  {Status: http.StatusServiceUnavailable, Code: domain.EUNAVAILABLE, Key: "error.unavailable"},
}

// internal is the answer to everything else: the user reads that it failed
// and the request ID, never why.
var internal = Answer{Status: http.StatusInternalServerError, Code: domain.EINTERNAL, Key: "error.internal"}

// Of returns the answer to err. A client error (4xx) carrying a catalogue
// key of its own is answered with that sentence.
func Of(err error) Answer {
	a, ok := table[domain.ErrorCode(err)]
	if !ok {
		return internal
	}
	switch {
	case errors.Is(err, ErrTooLarge):
		a.Status = http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrMethod):
		a.Status = http.StatusMethodNotAllowed
	}
	if de, ok := errors.AsType[*domain.Error](err); ok && de.Message != "" && i18n.Has(de.Message) {
		a.Key, a.Args = de.Message, de.Args
	}
	if a.Key == StorageFullKey {
		a.Status = http.StatusInsufficientStorage
	}
	return a
}
