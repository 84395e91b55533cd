package api

import (
	"net/http"
	"strconv"

	"radsup/internal/domain"
	"radsup/internal/registry"
	"radsup/internal/store"
)

// recordPtr is a pointer to an entity struct with the domain.Record methods.
type recordPtr[T any] interface {
	*T
	domain.Record
}

// resource is one kind of record served under /api/v1/{plural}: its table
// and the list filters the table accepts. The parents a record names are
// checked by the registry.
type resource[T any, P recordPtr[T]] struct {
	entity  string
	plural  string
	table   *store.Table[T]
	filters []string
	sorts   []string
}

// list answers GET /api/v1/{plural}: a page of the records the user may see.
func (res *resource[T, P]) list(s *server) handler {
	return func(w http.ResponseWriter, r *http.Request, u *domain.User) error {
		f, err := parseFilter(r.URL.Query(), res.filters, res.sorts)
		if err != nil {
			return err
		}
		items, total, err := registry.List(r.Context(), s.reg, u, res.table, f)
		if err != nil {
			return err
		}
		if items == nil {
			items = []*T{}
		}
		resp := listResponse[T]{Items: items, Total: total, Limit: f.Limit, Offset: f.Offset}
		if f.Beyond(total) {
			resp.Total, resp.TotalMore = f.Bound(), true
		}
		return writeJSON(w, http.StatusOK, resp)
	}
}

// get answers GET /api/v1/{plural}/{id}.
func (res *resource[T, P]) get(s *server) handler {
	return func(w http.ResponseWriter, r *http.Request, u *domain.User) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		rec, err := registry.Find(r.Context(), s.reg, u, res.table, id)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, rec)
	}
}

// create answers POST /api/v1/{plural}: the body is the new record.
func (res *resource[T, P]) create(s *server) handler {
	return func(w http.ResponseWriter, r *http.Request, u *domain.User) error {
		obj, err := readObject(w, r)
		if err != nil {
			return err
		}
		rec, errs := P(new(T)), domain.FieldErrors{}
		decodeRecord(obj, rec, nil, "", errs)
		if err := s.precheck(errs, "", rec); err != nil {
			return err
		}
		if err := registry.Create(r.Context(), s.reg, actor(r, u), u, res.table, rec); err != nil {
			return heldOr(w, r, err)
		}
		return writeCreated(w, res.plural, rec.Base().ID, rec)
	}
}

// precheck returns the field errors of a body that could not be read in
// full, together with what validation finds in the rest of it (fields under
// prefix), so that one answer names every bad field. A body read in full is
// left for the use case to validate.
func (s *server) precheck(errs domain.FieldErrors, prefix string, rec domain.Record) error {
	if len(errs) == 0 {
		return nil
	}
	rec.Normalize()
	for field, code := range rec.Validate(s.reg.Today()) {
		if field != "person_id" || prefix == "" { // a new person's employment gets the person's id
			errs.Add(prefix+field, code)
		}
	}
	return errs.Err()
}

// writeCreated answers 201 with the stored record and its URL.
func writeCreated(w http.ResponseWriter, plural string, id int64, v any) error {
	w.Header().Set("Location", "/api/v1/"+plural+"/"+strconv.FormatInt(id, 10))
	return writeJSON(w, http.StatusCreated, v)
}

// update answers PUT /api/v1/{plural}/{id}: the body is the whole record
// with the version it was read at; fields left out become empty.
func (res *resource[T, P]) update(s *server) handler {
	return func(w http.ResponseWriter, r *http.Request, u *domain.User) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		obj, err := readObject(w, r)
		if err != nil {
			return err
		}
		rec, errs := P(new(T)), domain.FieldErrors{}
		decodeRecord(obj, rec, nil, "", errs)
		version := readVersion(obj, errs)
		checkID(obj, id, errs)
		if err := s.precheck(errs, "", rec); err != nil {
			return err
		}
		rec.Base().ID, rec.Base().Version = id, version
		if err := registry.Update(r.Context(), s.reg, actor(r, u), u, res.table, rec); err != nil {
			return heldOr(w, r, err)
		}
		return writeJSON(w, http.StatusOK, rec)
	}
}

// retire answers POST /api/v1/{plural}/{id}/retire (or /restore, with
// restore set); the body is {"version": N}.
func (res *resource[T, P]) retire(s *server, restore bool) handler {
	return func(w http.ResponseWriter, r *http.Request, u *domain.User) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		version, err := readVersionBody(w, r)
		if err != nil {
			return err
		}
		// Find first, so that a record the user cannot see is ENOTFOUND
		// even where the action itself is forbidden to the role.
		if _, err := registry.Find(r.Context(), s.reg, u, res.table, id); err != nil {
			return err
		}
		if err := registry.Retire(r.Context(), s.reg, actor(r, u), u, res.table, id, version, restore); err != nil {
			return heldOr(w, r, err)
		}
		rec, err := registry.Find(r.Context(), s.reg, u, res.table, id)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, rec)
	}
}

// readVersionBody reads a body that holds only {"version": N}.
func readVersionBody(w http.ResponseWriter, r *http.Request) (int, error) {
	obj, err := readObject(w, r)
	if err != nil {
		return 0, err
	}
	errs := domain.FieldErrors{}
	version := readVersion(obj, errs)
	for key := range obj {
		if key != "version" {
			errs.Add(key, "unknown_field")
		}
	}
	return version, errs.Err()
}
