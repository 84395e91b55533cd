package domain

import (
	"errors"
	"sort"
)

// Application error codes, shared by the web pages and the JSON API.
const (
	EINVALID      = "EINVALID"
	ENOTFOUND     = "ENOTFOUND"
	ECONFLICT     = "ECONFLICT"
	ESTALE        = "ESTALE"
	EFORBIDDEN    = "EFORBIDDEN"
	EUNAUTHORIZED = "EUNAUTHORIZED"
	EINTERNAL     = "EINTERNAL"
	// EUNAVAILABLE: the database cannot be reached or cannot be written
	// (stopped, restarting, disk full, read-only); retrying later helps.
	EUNAVAILABLE = "EUNAVAILABLE"
)

// Error is an error a user may see: a code, a message key (an i18n key) and,
// for invalid input, the message key of each bad field.
type Error struct {
	Code    string
	Message string
	Args    []string // the values the message names (%s in its text)
	Fields  FieldErrors
}

func (e *Error) Error() string {
	if e.Message != "" {
		return e.Code + ": " + e.Message
	}
	return e.Code
}

// Errorf returns an *Error with the given code and message key.
func Errorf(code, message string) *Error { return &Error{Code: code, Message: message} }

// ErrorCode returns the code of err: the code of an *Error in its chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// FieldErrors maps a field key to the i18n key of what is wrong with it.
type FieldErrors map[string]string

// Add records code for field unless the field already has an error.
func (f FieldErrors) Add(field, code string) {
	if _, ok := f[field]; !ok {
		f[field] = code
	}
}

// Keys returns the field keys in sorted order.
func (f FieldErrors) Keys() []string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Err returns nil if there are no field errors, else an EINVALID *Error.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "error.invalid", Fields: f}
}
