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

// The entities with generic create, edit and retire pages.
var (
	institutions = &kind[domain.Institution, *domain.Institution]{
		entity: "institution", plural: "institutions", table: store.Institutions,
		page:     func(x *domain.Institution) string { return idURL("/institutions/", x.ID) },
		defaults: map[string]string{"division_code": domain.DefaultDivision, "status": "open"},
	}
	licences = &kind[domain.Licence, *domain.Licence]{
		entity: "licence", plural: "licences", table: store.Licences, parent: institutionParent,
		setParent: func(x *domain.Licence, id int64) { x.InstitutionID = id },
		page:      func(x *domain.Licence) string { return idURL("/institutions/", x.InstitutionID) + "?tab=licence" },
	}
	people = &kind[domain.Person, *domain.Person]{
		entity: "person", plural: "people", table: store.People,
		page: func(x *domain.Person) string { return idURL("/people/", x.ID) },
	}
	employments = &kind[domain.Employment, *domain.Employment]{
		entity: "employment", plural: "employments", table: store.Employments, parent: personParent,
		setParent: func(x *domain.Employment, id int64) { x.PersonID = id },
		page:      func(x *domain.Employment) string { return idURL("/people/", x.PersonID) },
	}
	trainings = &kind[domain.Training, *domain.Training]{
		entity: "training", plural: "trainings", table: store.Trainings, parent: personParent,
		setParent: func(x *domain.Training, id int64) { x.PersonID = id },
		page:      func(x *domain.Training) string { return idURL("/people/", x.PersonID) },
	}
	exams = &kind[domain.Exam, *domain.Exam]{
		entity: "exam", plural: "exams", table: store.Exams, parent: personParent,
		setParent: func(x *domain.Exam, id int64) { x.PersonID = id },
		page:      func(x *domain.Exam) string { return idURL("/people/", x.PersonID) },
	}
	doses = &kind[domain.DoseRecord, *domain.DoseRecord]{
		entity: "dose", plural: "doses", table: store.Doses, parent: personParent,
		setParent: func(x *domain.DoseRecord, id int64) { x.PersonID = id },
		page:      func(x *domain.DoseRecord) string { return idURL("/people/", x.PersonID) },
		prefill:   employerOf,
	}
	equipment = &kind[domain.Equipment, *domain.Equipment]{
		entity: "equipment", plural: "equipment", table: store.Equipment, parent: institutionParent,
		setParent: func(x *domain.Equipment, id int64) { x.InstitutionID = id },
		page:      func(x *domain.Equipment) string { return idURL("/equipment/", x.ID) },
		defaults:  map[string]string{"status": "in_use"},
	}
	tests = &kind[domain.EquipmentTest, *domain.EquipmentTest]{
		entity: "test", plural: "tests", table: store.Tests, parent: equipmentParent,
		setParent: func(x *domain.EquipmentTest, id int64) { x.EquipmentID = id },
		page:      func(x *domain.EquipmentTest) string { return idURL("/equipment/", x.EquipmentID) },
	}
)

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
