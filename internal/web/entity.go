package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/httperr"
	"radsup/internal/i18n"
	"radsup/internal/registry"
	"radsup/internal/store"
)

// recordPtr is a pointer to an entity struct with the domain.Record methods.
type recordPtr[T any] interface {
	*T
	domain.Record
}

// parentKind is the record a new record is filed under (an institution, a
// person, a device); finding it first gives a 404 for records out of scope.
type parentKind struct {
	url  string // the parent's page, followed by its id
	find func(ctx context.Context, s *Server, u *domain.User, id int64) (name string, err error)
}

// kind describes one entity for the generic create, edit and retire pages,
// whose fields come from domain.Fields.
type kind[T any, P recordPtr[T]] struct {
	entity    string // domain.Fields key; "entity."+entity names it
	plural    string // URL segment: /plural/{id}/edit
	table     *store.Table[T]
	parent    *parentKind
	setParent func(P, int64)
	page      func(P) string // the page that shows the record after a change
	defaults  map[string]string
	// prefill returns further defaults of a new record under the parent.
	prefill func(ctx context.Context, s *Server, u *domain.User, parentID int64) map[string]string
}

func (k *kind[T, P]) fields() []domain.Field { return domain.Fields[k.entity] }

func (k *kind[T, P]) sections() []sectionSpec { return []sectionSpec{{Fields: k.fields()}} }

// pathID reads the {id} of the URL; a malformed id names no record.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, errNotFound
	}
	return id, nil
}

// findParent returns the id and name of the parent in the URL.
func (k *kind[T, P]) findParent(s *Server, r *http.Request) (int64, string, error) {
	if k.parent == nil {
		return 0, "", nil
	}
	id, err := pathID(r)
	if err != nil {
		return 0, "", err
	}
	name, err := k.parent.find(r.Context(), s, userOf(r), id)
	return id, name, err
}

// find returns the record named by the URL, if the user may see it.
func (k *kind[T, P]) find(s *Server, r *http.Request) (P, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	rec, err := registry.Find(r.Context(), s.cfg.Registry, userOf(r), k.table, id)
	return P(rec), err
}

func (k *kind[T, P]) mayCreate(r *http.Request) error {
	if !auth.Can(userOf(r), auth.Create, k.entity) {
		return errForbidden
	}
	return nil
}

func (k *kind[T, P]) createPage(s *Server, r *http.Request, parentID int64, parentName string) formPage {
	lang := s.lang(r)
	fp := formPage{base: s.base(r, k.nav(), i18n.T(lang, "form.new", i18n.T(lang, "entity."+k.entity))), Action: r.URL.Path}
	fp.Heading, fp.Back = fp.Title, "/"+k.plural
	if k.parent != nil {
		fp.Heading = fp.Title + " — " + parentName
		fp.Back = k.parent.url + strconv.FormatInt(parentID, 10)
	}
	return fp
}

func (k *kind[T, P]) editPage(s *Server, r *http.Request, rec P) formPage {
	lang := s.lang(r)
	fp := formPage{base: s.base(r, k.nav(), i18n.T(lang, "form.edit", i18n.T(lang, "entity."+k.entity))),
		Action: r.URL.Path, Back: k.page(rec), Version: rec.Base().Version}
	fp.Heading = fp.Title
	return fp
}

// nav returns the nav item the entity's pages belong to.
func (k *kind[T, P]) nav() string {
	switch k.entity {
	case "institution", "licence":
		return "institutions"
	case "equipment", "test":
		return "equipment"
	}
	return "people"
}

// newForm shows the empty form (GET …/new).
func (k *kind[T, P]) newForm(s *Server) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		pid, pname, err := k.findParent(s, r)
		if err != nil {
			return err
		}
		if err := k.mayCreate(r); err != nil {
			return err
		}
		st := newFormState(k.defaults)
		if k.prefill != nil {
			for key, v := range k.prefill(r.Context(), s, userOf(r), pid) {
				st.Values[key] = v
			}
		}
		ownInstitution(userOf(r), k.fields(), &st)
		return s.renderForm(w, r, http.StatusOK, k.createPage(s, r, pid, pname), k.sections(), st)
	}
}

// ownInstitution sets an institution user's institution as the value of
// the form's institution reference.
func ownInstitution(u *domain.User, fields []domain.Field, st *formState) {
	own := u.Scope().InstitutionID
	if own == 0 {
		return
	}
	for _, f := range fields {
		if f.Type == domain.RefField {
			st.Values[f.Key] = strconv.FormatInt(own, 10)
		}
	}
}

// create files a new record (POST …/new).
func (k *kind[T, P]) create(s *Server) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		pid, pname, err := k.findParent(s, r)
		if err != nil {
			return err
		}
		if err := k.mayCreate(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		rec := P(new(T))
		if k.setParent != nil {
			k.setParent(rec, pid)
		}
		st := newFormState(nil)
		readFields(r.PostForm, rec, k.fields(), &st, s.resolver(r))
		fp := k.createPage(s, r, pid, pname)
		if len(st.Errors) > 0 {
			precheck(rec, &st, s.cfg.Registry.Today())
			return s.renderForm(w, r, http.StatusUnprocessableEntity, fp, k.sections(), st)
		}
		if err := registry.Create(r.Context(), s.cfg.Registry, actorOf(r), userOf(r), k.table, rec); heldForReview(w, r, err) {
			return nil
		} else if err != nil {
			return s.saveFailed(w, r, fp, k.sections(), st, err)
		}
		http.Redirect(w, r, k.page(rec), http.StatusSeeOther)
		return nil
	}
}

// edit shows the form with the stored values (GET /plural/{id}/edit).
func (k *kind[T, P]) edit(s *Server) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		rec, err := k.find(s, r)
		if err != nil {
			return err
		}
		st := newFormState(recordValues(rec, k.fields()))
		return s.renderForm(w, r, http.StatusOK, k.editPage(s, r, rec), k.sections(), st)
	}
}

// update stores an edit if the record is still at the version the form was
// made from; otherwise the form comes back with the stored values beside
// the submitted ones and the new version (POST /plural/{id}/edit).
func (k *kind[T, P]) update(s *Server) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		rec, err := k.find(s, r)
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		version, err := readVersion(r)
		if err != nil {
			return err
		}
		st := newFormState(nil)
		readFields(r.PostForm, rec, k.fields(), &st, s.resolver(r))
		rec.Base().Version = version
		fp := k.editPage(s, r, rec)
		if len(st.Errors) > 0 {
			precheck(rec, &st, s.cfg.Registry.Today())
			return s.renderForm(w, r, http.StatusUnprocessableEntity, fp, k.sections(), st)
		}
		err = registry.Update(r.Context(), s.cfg.Registry, actorOf(r), userOf(r), k.table, rec)
		if domain.ErrorCode(err) == domain.ESTALE {
			cur, ferr := registry.Find(r.Context(), s.cfg.Registry, userOf(r), k.table, rec.Base().ID)
			if ferr != nil {
				return ferr
			}
			st.Stored, fp.Version = recordValues(cur, k.fields()), P(cur).Base().Version
			fp.Message, fp.Hint = i18n.T(fp.Lang, "error.stale"), i18n.T(fp.Lang, "form.stale_hint")
			return s.renderForm(w, r, http.StatusConflict, fp, k.sections(), st)
		}
		if heldForReview(w, r, err) {
			return nil
		}
		if err != nil {
			return s.saveFailed(w, r, fp, k.sections(), st, err)
		}
		http.Redirect(w, r, k.page(rec), http.StatusSeeOther)
		return nil
	}
}

// retire retires or restores a record at the posted version
// (POST /plural/{id}/retire and /restore).
func (k *kind[T, P]) retire(s *Server, restore bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		rec, err := k.find(s, r)
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		version, err := readVersion(r)
		if err != nil {
			return err
		}
		err = registry.Retire(r.Context(), s.cfg.Registry, actorOf(r), userOf(r), k.table, rec.Base().ID, version, restore)
		if heldForReview(w, r, err) {
			return nil
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, k.page(rec), http.StatusSeeOther)
		return nil
	}
}

// saveFailed shows the form again for invalid input (422) or a duplicate
// (409); any other error goes to the error page.
func (s *Server) saveFailed(w http.ResponseWriter, r *http.Request, fp formPage, secs []sectionSpec, st formState, err error) error {
	var de *domain.Error
	if !errors.As(err, &de) || (de.Code != domain.EINVALID && de.Code != domain.ECONFLICT) {
		return err
	}
	for key, code := range de.Fields {
		st.Errors.Add(key, code)
	}
	if (len(de.Fields) == 0 || len(de.Args) > 0) && i18n.Has(de.Message) {
		fp.Message = httperr.Of(de).Text(fp.Lang)
	}
	status := http.StatusUnprocessableEntity
	if de.Code == domain.ECONFLICT {
		status = http.StatusConflict
	}
	return s.renderForm(w, r, status, fp, secs, st)
}

// sectionSpec is a titled group of a form's domain fields.
type sectionSpec struct {
	Title  string
	Fields []domain.Field
}

// renderForm builds the inputs of the form's sections and shows the form page.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, status int, fp formPage, secs []sectionSpec, st formState) error {
	var ids []string
	known := map[string]bool{}
	for _, sec := range secs {
		for _, f := range sec.Fields {
			known[f.Key] = true
			if f.Type == domain.RefField {
				ids = append(ids, st.Values[f.Key], st.Stored[f.Key])
			}
		}
	}
	var ref refInput
	if len(ids) > 0 {
		var err error
		if ref, err = s.refInput(r.Context(), userOf(r), fp.Lang, ids...); err != nil {
			return err
		}
	}
	for _, sec := range secs {
		fp.Sections = append(fp.Sections, formSection{Title: sec.Title, Fields: buildFields(fp.Lang, sec.Fields, st, ref)})
	}
	for _, key := range st.Errors.Keys() {
		if !known[key] {
			fp.Other = append(fp.Other, fieldMessage(fp.Lang, key, st.Errors[key]))
		}
	}
	if fp.Message == "" && len(st.Errors) > 0 {
		fp.Message = i18n.T(fp.Lang, "error.invalid")
	}
	return s.render(w, r, status, "form", fp)
}
