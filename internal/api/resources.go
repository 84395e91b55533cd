package api

import (
	"radsup/internal/domain"
	"radsup/internal/store"
)

// The resources of the API. Each lists the filters its store table accepts
// (internal/store/entities.go) and the parents its records refer to.
var (
	institutions = &resource[domain.Institution, *domain.Institution]{
		plural: "institutions", table: store.Institutions,
		filters: []string{"q", "kind", "street", "status", "division_code", "grade", "credit_code"},
	}
	licences = &resource[domain.Licence, *domain.Licence]{
		plural: "licences", table: store.Licences,
		filters: []string{"institution_id"},
		parents: func(x *domain.Licence) []parent {
			return []parent{parentIn("institution_id", store.Institutions, x.InstitutionID)}
		},
	}
	people = &resource[domain.Person, *domain.Person]{
		plural: "people", table: store.People,
		filters: []string{"q", "id_number", "institution_id", "occupation"},
	}
	employments = &resource[domain.Employment, *domain.Employment]{
		plural: "employments", table: store.Employments,
		filters: []string{"person_id", "institution_id", "occupation"},
		parents: func(x *domain.Employment) []parent {
			return []parent{parentIn("person_id", store.People, x.PersonID),
				parentIn("institution_id", store.Institutions, x.InstitutionID)}
		},
	}
	trainings = &resource[domain.Training, *domain.Training]{
		plural: "trainings", table: store.Trainings,
		filters: []string{"person_id", "kind"},
		parents: func(x *domain.Training) []parent {
			return []parent{parentIn("person_id", store.People, x.PersonID)}
		},
	}
	exams = &resource[domain.Exam, *domain.Exam]{
		plural: "exams", table: store.Exams,
		filters: []string{"person_id", "kind"},
		parents: func(x *domain.Exam) []parent {
			return []parent{parentIn("person_id", store.People, x.PersonID)}
		},
	}
	doses = &resource[domain.DoseRecord, *domain.DoseRecord]{
		plural: "doses", table: store.Doses,
		filters: []string{"person_id", "institution_id", "from", "to"},
		parents: func(x *domain.DoseRecord) []parent {
			return []parent{parentIn("person_id", store.People, x.PersonID),
				parentIn("institution_id", store.Institutions, x.InstitutionID)}
		},
	}
	equipment = &resource[domain.Equipment, *domain.Equipment]{
		plural: "equipment", table: store.Equipment,
		filters: []string{"q", "institution_id", "type", "status"},
		parents: func(x *domain.Equipment) []parent {
			return []parent{parentIn("institution_id", store.Institutions, x.InstitutionID)}
		},
	}
	tests = &resource[domain.EquipmentTest, *domain.EquipmentTest]{
		plural: "tests", table: store.Tests,
		filters: []string{"equipment_id", "kind"},
		parents: func(x *domain.EquipmentTest) []parent {
			return []parent{parentIn("equipment_id", store.Equipment, x.EquipmentID)}
		},
	}
)
