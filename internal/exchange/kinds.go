// Package exchange imports and exports the register as spreadsheets
// (spec/formats.md): an import is checked row by row in full and written
// all or nothing, in one transaction with its audit events and the
// re-screening of what it touched.
package exchange

import (
	"radsup/internal/domain"
	"radsup/internal/store"
)

// ops are the store operations of one kind, typed once so that the import
// works on domain.Record values.
type ops struct {
	entity  string
	new     func() domain.Record
	key     func(rec domain.Record) []any // the natural key, as stored
	find    func(b *store.Bulk, rec domain.Record) (domain.Record, error)
	insert  func(b *store.Bulk, rec domain.Record) error
	replace func(b *store.Bulk, before, rec domain.Record) error
}

func opsOf[T any, P interface {
	*T
	domain.Record
}](t *store.Table[T]) ops {
	return ops{
		entity: t.Entity(),
		new:    func() domain.Record { return P(new(T)) },
		key:    func(rec domain.Record) []any { return store.KeyOf(t, (*T)(rec.(P))) },
		find: func(b *store.Bulk, rec domain.Record) (domain.Record, error) {
			found, err := store.FindByKey(b, t, store.KeyOf(t, (*T)(rec.(P))))
			if err != nil {
				return nil, err // store.ErrNotFound for a new record
			}
			return P(found), nil
		},
		insert: func(b *store.Bulk, rec domain.Record) error { return store.Insert(b, t, (*T)(rec.(P))) },
		replace: func(b *store.Bulk, before, rec domain.Record) error {
			return store.Replace(b, t, (*T)(before.(P)), (*T)(rec.(P)))
		},
	}
}

// opsByKind are the operations of each kind of spec/formats.md.
var opsByKind = map[string]ops{
	"institutions": opsOf(store.Institutions),
	"licences":     opsOf(store.Licences),
	"people":       opsOf(store.People),
	"employments":  opsOf(store.Employments),
	"trainings":    opsOf(store.Trainings),
	"exams":        opsOf(store.Exams),
	"doses":        opsOf(store.Doses),
	"equipment":    opsOf(store.Equipment),
	"tests":        opsOf(store.Tests),
}

// setParents fills a record's parent ids: the institution, the person and
// the device its row names.
func setParents(rec domain.Record, inst, person, equip int64) {
	switch x := rec.(type) {
	case *domain.Licence:
		x.InstitutionID = inst
	case *domain.Employment:
		x.PersonID, x.InstitutionID = person, inst
	case *domain.Training:
		x.PersonID = person
	case *domain.Exam:
		x.PersonID = person
	case *domain.DoseRecord:
		x.PersonID, x.InstitutionID = person, inst
	case *domain.Equipment:
		x.InstitutionID = inst
	case *domain.EquipmentTest:
		x.EquipmentID = equip
	}
}

// parents says which parents rows of a kind name: by credit code, by ID
// number, by device (credit code + serial number).
var parents = map[string]struct{ inst, person, equip bool }{
	"licences":    {inst: true},
	"employments": {inst: true, person: true},
	"trainings":   {person: true},
	"exams":       {person: true},
	"doses":       {inst: true, person: true},
	"equipment":   {inst: true},
	"tests":       {equip: true},
}

// rescreenAs is the entity whose re-screening covers a changed record of a
// kind: its subject.
func rescreenAs(kind string) string {
	switch kind {
	case "institutions", "licences":
		return "institution"
	case "equipment", "tests":
		return "equipment"
	}
	return "person"
}
