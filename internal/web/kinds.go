package web

import (
	"context"
	"fmt"
	"strconv"

	"radsup/internal/domain"
	"radsup/internal/registry"
	"radsup/internal/store"
)

// The parents records are filed under.
var (
	institutionParent = &parentKind{url: "/institutions/", find: func(ctx context.Context, s *Server, u *domain.User, id int64) (string, error) {
		x, err := registry.Find(ctx, s.cfg.Registry, u, store.Institutions, id)
		if err != nil {
			return "", err
		}
		return x.Name, nil
	}}
	personParent = &parentKind{url: "/people/", find: func(ctx context.Context, s *Server, u *domain.User, id int64) (string, error) {
		x, err := registry.Find(ctx, s.cfg.Registry, u, store.People, id)
		if err != nil {
			return "", err
		}
		return x.Name, nil
	}}
	equipmentParent = &parentKind{url: "/equipment/", find: func(ctx context.Context, s *Server, u *domain.User, id int64) (string, error) {
		x, err := registry.Find(ctx, s.cfg.Registry, u, store.Equipment, id)
		if err != nil {
			return "", err
		}
		return equipmentName(x), nil
	}}
)

// equipmentName names a device by its name (or model) and serial number.
func equipmentName(x *domain.Equipment) string {
	name := x.Name
	if name == "" {
		name = x.Model
	}
	return name + "（" + x.SerialNo + "）"
}

func idURL(prefix string, id int64) string { return prefix + strconv.FormatInt(id, 10) }

// The entities with generic create, edit and retire pages. Their fields,
// parents and names come from domain.Entities; what is said here is only
// how the pages show them.
var (
	institutions = newKind(store.Institutions, map[string]string{"division_code": domain.DefaultDivision, "status": "open"}, "")
	licences     = newKind(store.Licences, nil, "?tab=licence")
	people       = newKind(store.People, nil, "")
	employments  = newKind(store.Employments, nil, "")
	trainings    = newKind(store.Trainings, nil, "")
	exams        = newKind(store.Exams, nil, "")
	doses        = withPrefill(newKind(store.Doses, nil, ""), employerOf)
	equipment    = newKind(store.Equipment, map[string]string{"status": "in_use"}, "")
	tests        = newKind(store.Tests, nil, "")
)

// parents are the kinds of record others are filed under, by entity.
var parents = map[string]*parentKind{"institution": institutionParent, "person": personParent, "equipment": equipmentParent}

// newKind describes the pages of a table's entity: new records get
// defaults; a record without a page of its own is shown on its parent's
// page, at tab.
func newKind[T any, P recordPtr[T]](t *store.Table[T], defaults map[string]string, tab string) *kind[T, P] {
	e := domain.EntityByName(t.Entity())
	k := &kind[T, P]{entity: e.Name, plural: e.Plural, table: t, defaults: defaults}
	p, hasParent := e.Parent()
	if hasParent {
		k.parent = parents[p.Entity]
		k.setParent = func(x P, id int64) { domain.SetRef(x, p.Field, id) }
	}
	if _, own := parents[e.Name]; own || !hasParent {
		k.page = func(x P) string { return idURL("/"+e.Plural+"/", x.Base().ID) }
	} else {
		k.page = func(x P) string { return idURL(k.parent.url, domain.RefOf(x, p.Field)) + tab }
	}
	return k
}

// withPrefill gives a kind further defaults for a new record under a parent.
func withPrefill[T any, P recordPtr[T]](k *kind[T, P], prefill func(ctx context.Context, s *Server, u *domain.User, parentID int64) map[string]string) *kind[T, P] {
	k.prefill = prefill
	return k
}

// employerOf proposes the institution of the person's latest employment as
// the institution of a new dose record: dosimeters are issued by the employer.
func employerOf(ctx context.Context, s *Server, u *domain.User, personID int64) map[string]string {
	emps, _, err := registry.List(ctx, s.cfg.Registry, u, store.Employments,
		store.Filter{Values: map[string]string{"person_id": fmt.Sprint(personID)}, Limit: 1})
	if err != nil || len(emps) == 0 {
		return nil
	}
	return map[string]string{"institution_id": strconv.FormatInt(emps[0].InstitutionID, 10)}
}
