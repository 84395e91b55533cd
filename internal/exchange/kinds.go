// Package exchange imports and exports the register as spreadsheets
// (spec/formats.md): an import is checked row by row in full and written
// all or nothing, in one transaction with its audit events and the
// re-screening of what it touched.
package exchange

import (
	"radsup/internal/domain"
	"radsup/internal/store"
)

// ops are the store operations of one kind, through domain.Record values.
type ops struct {
	entity string
	new    func() domain.Record
	store.Records
}

// opsByKind are the operations of each kind of spec/formats.md, one per
// entity of domain.Entities.
var opsByKind = func() map[string]ops {
	m := map[string]ops{}
	for _, e := range domain.Entities {
		m[e.Plural] = ops{entity: e.Name, new: e.New, Records: store.RecordsOf(e.Name)}
	}
	return m
}()

// setParents fills a record's parent ids: the institution, the person and
// the device its row names.
func setParents(rec domain.Record, inst, person, equip int64) {
	ids := map[string]int64{"institution": inst, "person": person, "equipment": equip}
	for _, p := range domain.EntityOf(rec).Parents {
		domain.SetRef(rec, p.Field, ids[p.Entity])
	}
}

// need says which parents rows of a kind name: by credit code, by ID
// number, by device (credit code + serial number).
type need struct{ inst, person, equip bool }

// parents returns what parents rows of a kind name.
func parents(kind string) need {
	var n need
	for _, p := range domain.EntityByName(kind).Parents {
		switch p.Entity {
		case "institution":
			n.inst = true
		case "person":
			n.person = true
		case "equipment":
			n.equip = true
		}
	}
	return n
}

// subjectOf returns the screening subject that a written record of a kind
// touches (domain.Entity.Subject) and its id: the record itself, or the
// parent it is about.
func subjectOf(kind string, rec domain.Record, inst, person, equip int64) (string, int64) {
	e := domain.EntityByName(kind)
	if e.Subject == e.Name {
		return e.Subject, rec.Base().ID
	}
	return e.Subject, map[string]int64{"institution": inst, "person": person, "equipment": equip}[e.Subject]
}
