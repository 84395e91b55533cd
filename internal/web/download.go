package web

import (
	"mime"
	"net/http"
)

// lazyAttachment is a download whose headers are written with its first
// byte: until then a failure (a refusal, a bad filter, a database error)
// can still become an error page instead of an empty file.
type lazyAttachment struct {
	w           http.ResponseWriter
	name, ctype string
	started     bool
}

func (a *lazyAttachment) Write(p []byte) (int, error) {
	if !a.started {
		a.started = true
		a.w.Header().Set("Content-Type", a.ctype)
		a.w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.name}))
	}
	return a.w.Write(p)
}

// failed returns err to be shown as an error page if nothing was sent yet;
// once the download has begun the status is sent and err is only logged
// (as a response the client sees cut short).
func (a *lazyAttachment) failed(err error) error {
	if err == nil || !a.started {
		return err
	}
	return &sentError{err}
}

// sentError is a failure after the response began: wrap logs it and writes
// nothing more.
type sentError struct{ err error }

func (e *sentError) Error() string { return "after the response began: " + e.err.Error() }
func (e *sentError) Unwrap() error { return e.err }
