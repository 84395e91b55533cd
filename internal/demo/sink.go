package demo

import (
	"errors"

	"radsup/internal/domain"
)

// errNoID reports a Sink that did not assign an id to a parent record.
var errNoID = errors.New("demo: sink did not assign an id")

// checkID returns errNoID unless the sink gave the record an id.
func checkID(m *domain.Meta) error {
	if m.ID <= 0 {
		return errNoID
	}
	return nil
}

// idSink is a Sink that only assigns ids.
type idSink struct{ next int64 }

func (s *idSink) id(m *domain.Meta) error { s.next++; m.ID = s.next; return nil }

func (s *idSink) Institution(r *domain.Institution) error { return s.id(&r.Meta) }
func (s *idSink) Licence(r *domain.Licence) error         { return s.id(&r.Meta) }
func (s *idSink) Person(r *domain.Person) error           { return s.id(&r.Meta) }
func (s *idSink) Employment(r *domain.Employment) error   { return s.id(&r.Meta) }
func (s *idSink) Training(r *domain.Training) error       { return s.id(&r.Meta) }
func (s *idSink) Exam(r *domain.Exam) error               { return s.id(&r.Meta) }
func (s *idSink) Dose(r *domain.DoseRecord) error         { return s.id(&r.Meta) }
func (s *idSink) Equipment(r *domain.Equipment) error     { return s.id(&r.Meta) }
func (s *idSink) Test(r *domain.EquipmentTest) error      { return s.id(&r.Meta) }

// Discard returns a Sink that assigns ids and keeps nothing (for benchmarks
// and for counting).
func Discard() Sink { return &idSink{} }
