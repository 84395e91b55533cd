package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/httperr"
	"radsup/internal/httplog"
	"radsup/internal/i18n"
)

// errorResponse is the body of every error: the code, a sentence in the
// caller's language and, for invalid input, a sentence and a code per field.
type errorResponse struct {
	Code       string            `json:"code"`
	Message    string            `json:"message"`
	Fields     map[string]string `json:"fields,omitempty"`
	FieldCodes map[string]string `json:"field_codes,omitempty"`
	RequestID  string            `json:"request_id,omitempty"`
}

// fail writes err as a JSON error and logs it once: 5xx at Error with the
// request ID (the response carries no internal text), 4xx at Info, and a
// request its client abandoned at Info.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	a := httperr.Of(err)
	status, code := a.Status, a.Code
	id := httplog.ID(r.Context())
	attrs := []any{slog.String("request_id", id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.String("code", code), slog.Any("err", err)}
	if r.Context().Err() != nil {
		s.log.Info("api request abandoned", attrs...) // the client went away: nobody reads the answer
		return
	}
	if status >= 500 {
		s.log.Error("api request failed", attrs...)
	} else {
		s.log.Info("api request refused", attrs...)
	}
	lang := i18n.Match(r.Header.Get("Accept-Language"))
	body := errorResponse{Code: code}
	if de, ok := errors.AsType[*domain.Error](err); ok && status < 500 {
		body.Fields, body.FieldCodes = fieldTexts(lang, de.Fields)
	}
	body.Message = a.Text(lang)
	if status >= 500 {
		body.RequestID = id
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="radsup"`)
	}
	if werr := writeJSON(w, status, body); werr != nil {
		s.log.Info("api error response not written", slog.String("request_id", id), slog.Any("err", werr))
	}
}

// fieldTexts returns the sentence and the code of each field error.
func fieldTexts(lang string, fields domain.FieldErrors) (texts, codes map[string]string) {
	if len(fields) == 0 {
		return nil, nil
	}
	texts, codes = map[string]string{}, map[string]string{}
	for field, code := range fields {
		texts[field], codes[field] = fieldText(lang, field, code), code
	}
	return texts, codes
}

// fieldText finds the most specific catalogue sentence for a field error:
// "field.<field>.<code>", then "field.<code>", then "error.<code>", then
// the generic "field.invalid". A field inside a nested object
// ("employment.started_on") is looked up by its own name.
func fieldText(lang, field, code string) string {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	for _, k := range []string{"field." + field + "." + code, "field." + code, "error." + code} {
		if i18n.Has(k) {
			return i18n.T(lang, k)
		}
	}
	return i18n.T(lang, "field.invalid")
}

// writeJSON writes v as the JSON response body with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}
