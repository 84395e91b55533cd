package api

import (
	"radsup/internal/domain"
	"radsup/internal/store"
)

// The resources of the API, one per entity of domain.Entities: the plural
// names the path, the store table the filters a list accepts.
var (
	institutions = newResource(store.Institutions)
	licences     = newResource(store.Licences)
	people       = newResource(store.People)
	employments  = newResource(store.Employments)
	trainings    = newResource(store.Trainings)
	exams        = newResource(store.Exams)
	doses        = newResource(store.Doses)
	equipment    = newResource(store.Equipment)
	tests        = newResource(store.Tests)
)

// newResource describes the resource of a table's entity.
func newResource[T any, P recordPtr[T]](t *store.Table[T]) *resource[T, P] {
	e := domain.EntityByName(t.Entity())
	return &resource[T, P]{entity: e.Name, plural: e.Plural, table: t, filters: t.Filters(), sorts: t.Sorts()}
}
