package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"radsup/internal/domain"
)

// maxBody is the largest request body accepted.
const maxBody = 1 << 20

// readObject reads the request body as one JSON object, keyed by field name.
// A body that is not a JSON object is a bad request; one over maxBody is
// too large.
func readObject(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, errTooLarge
		}
		return nil, errBadRequest
	}
	if b = bytes.TrimSpace(b); len(b) == 0 || b[0] != '{' {
		return nil, errBadRequest
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, errBadRequest
	}
	return obj, nil
}

// metaKeys are the bookkeeping fields of a record. A client may send them
// back as it read them; the server ignores them, except version on update.
var metaKeys = map[string]bool{"id": true, "version": true, "retired": true, "created_at": true, "updated_at": true}

// decodeRecord sets the fields of *rec from obj, matching JSON keys exactly.
// Keys listed in skip and the meta keys are left to the caller. Each unknown
// key and each value of the wrong type is reported as a field error, under
// prefix + key.
func decodeRecord(obj map[string]json.RawMessage, rec any, skip map[string]bool, prefix string, errs domain.FieldErrors) {
	v := reflect.ValueOf(rec).Elem()
	index := fieldIndex(v.Type())
	for key, raw := range obj {
		if metaKeys[key] || skip[key] {
			continue
		}
		path, ok := index[key]
		if !ok {
			errs.Add(prefix+key, "unknown_field")
			continue
		}
		f := v.FieldByIndex(path)
		switch err := json.Unmarshal(raw, f.Addr().Interface()); {
		case errors.Is(err, domain.ErrDateRange):
			errs.Add(prefix+key, domain.CodeDateRange)
		case err != nil:
			errs.Add(prefix+key, typeCode(f.Type()))
		case f.Kind() == reflect.Slice:
			if df, ok := domain.EntityOf(rec.(domain.Record)).Field(key); ok && domain.TooMany(df, f.Len()) {
				errs.Add(prefix+key, domain.CodeTooMany)
			}
		}
	}
}

// readVersion returns obj's "version": the version the client read the
// record at. It is required and must be a positive integer.
func readVersion(obj map[string]json.RawMessage, errs domain.FieldErrors) int {
	raw, ok := obj["version"]
	if !ok || rawNull(raw) {
		errs.Add("version", domain.CodeRequired)
		return 0
	}
	var n int
	if err := json.Unmarshal(raw, &n); err != nil {
		errs.Add("version", "integer")
		return 0
	}
	if n < 1 {
		errs.Add("version", domain.CodeNotPositive)
	}
	return n
}

// checkID reports a body "id" that differs from the id in the path.
func checkID(obj map[string]json.RawMessage, id int64, errs domain.FieldErrors) {
	raw, ok := obj["id"]
	if !ok || rawNull(raw) {
		return
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil || n != id {
		errs.Add("id", "invalid")
	}
}

// rawNull reports whether a JSON value is absent or null.
func rawNull(raw json.RawMessage) bool { return len(raw) == 0 || string(raw) == "null" }

// typeCode names what a JSON value for a field of type t must be: the field
// error code (an i18n key under "field.") for a value of the wrong type.
func typeCode(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[domain.Date]():
		return "date"
	case reflect.TypeFor[domain.Dose]():
		return "dose"
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "integer"
	case reflect.Bool:
		return "bool"
	}
	return "invalid"
}

// fieldIndexes caches, per struct type, the field index of each JSON key.
var fieldIndexes sync.Map // reflect.Type → map[string][]int

// fieldIndex returns the index path of each JSON-tagged field of struct type
// t, including the fields of embedded structs (domain.Meta).
func fieldIndex(t reflect.Type) map[string][]int {
	if m, ok := fieldIndexes.Load(t); ok {
		return m.(map[string][]int)
	}
	m := map[string][]int{}
	for _, sf := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if sf.Anonymous || !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		m[name] = sf.Index
	}
	fieldIndexes.Store(t, m)
	return m
}
