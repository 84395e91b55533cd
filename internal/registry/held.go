package registry

import (
	"encoding/json"
	"strconv"

	"radsup/internal/domain"
	"radsup/internal/store"
)

// The writes besides a record's save that wait for review when it is on:
// retiring or restoring a record, and filing a person with their first
// employment (Hire), each held as one submission and applied whole.

// Hire is the data of a domain.SubmitHire submission: a person and their
// first employment, filed together on approval (the person found by ID
// number if the register has them by then).
type Hire struct {
	Person     *domain.Person     `json:"person"`
	Employment *domain.Employment `json:"employment"`
}

// RetiredField is the one field a retirement or restoration changes, as
// the review shows it.
var RetiredField = domain.Field{Key: "retired", ZH: "停用", EN: "Retired", Type: domain.BoolField}

// holdRetire stores an institution user's retirement (or, with restore,
// restoration) of the record id at version as a pending submission instead
// of applying it, when review is on; it reports the submission's id. The
// record as it stands goes with it, for the pages to show.
func holdRetire[T any](tx *store.Tx, u *domain.User, t *store.Table[T], id int64, version int, restore bool) (int64, error) {
	if held, err := heldFor(tx, u, t.Entity()); err != nil || !held {
		return 0, err
	}
	cur, err := store.Find(tx, t, u.Scope(), id)
	if err != nil {
		return 0, err
	}
	rec := any(cur).(domain.Record)
	if rec.Base().Version != version {
		return 0, store.ErrStale
	}
	b, err := json.Marshal(cur)
	if err != nil {
		return 0, err
	}
	s := &domain.Submission{InstitutionID: u.InstitutionID, Entity: t.Entity(), Action: domain.SubmitRetire, RecordID: id,
		Data: string(b), BaseVersion: version}
	if restore {
		s.Action = domain.SubmitRestore
	}
	s.PersonID, s.EquipmentID = pageOf(t.Entity(), id, rec)
	if err := tx.AddSubmission(s); err != nil {
		return 0, err
	}
	return s.ID, nil
}

// holdHire stores an institution user's new person with their employment
// as one pending submission, when review is on; it reports its id. A person
// the register already has by that ID number is named, so that their page
// shows the employment pending.
func holdHire(tx *store.Tx, u *domain.User, p *domain.Person, e *domain.Employment) (int64, error) {
	if held, err := heldFor(tx, u, "employment"); err != nil || !held {
		return 0, err
	}
	b, err := json.Marshal(Hire{Person: p, Employment: e})
	if err != nil {
		return 0, err
	}
	s := &domain.Submission{InstitutionID: u.InstitutionID, Entity: "person", Action: domain.SubmitHire, Data: string(b)}
	found, err := personByIDNumber(tx, p.IDNumber)
	if err != nil {
		return 0, err
	}
	if found != nil {
		s.PersonID = found.ID
	}
	if err := tx.AddSubmission(s); err != nil {
		return 0, err
	}
	return s.ID, nil
}

// personByIDNumber returns the person with the ID number, retired or not,
// whoever employs them, or nil.
func personByIDNumber(tx *store.Tx, idNumber string) (*domain.Person, error) {
	found, _, err := store.List(tx, store.People, domain.Scope{}, store.Filter{Values: map[string]string{"id_number": idNumber},
		Retired: true, Limit: 1})
	if err != nil || len(found) == 0 {
		return nil, err
	}
	return found[0], nil
}

// hire files a person, or finds them by ID number (their other fields
// then stay as they are), with the employment e in scope sc, and
// re-screens them.
func (r *Registry) hire(tx *store.Tx, sc domain.Scope, p *domain.Person, e *domain.Employment) error {
	found, err := personByIDNumber(tx, p.IDNumber)
	if err != nil {
		return err
	}
	if found != nil {
		*p = *found
	} else if err := store.Create(tx, store.People, domain.Scope{}, p); err != nil {
		return conflictOn("person", err)
	}
	e.PersonID = p.ID
	if err := store.Create(tx, store.Employments, sc, e); err != nil {
		return conflictOn("employment", err)
	}
	return r.after(tx, "person", p.ID)
}

// checkHire normalizes and validates a person and their first employment
// (whose person is filed with it, so its person_id is not asked for).
func (r *Registry) checkHire(p *domain.Person, e *domain.Employment) error {
	p.Normalize()
	e.Normalize()
	errs := p.Validate(r.Today())
	for k, v := range e.Validate(r.Today()) {
		if k != "person_id" {
			errs.Add(k, v)
		}
	}
	return errs.Err()
}

// applySubmission applies an approved submission as its action says,
// returning the id of the record it wrote (a hired person's).
func (r *Registry) applySubmission(tx *store.Tx, s *domain.Submission) (int64, error) {
	var a applier
	switch s.Action {
	case domain.SubmitRetire, domain.SubmitRestore:
		a = retirers[s.Entity]
	case domain.SubmitHire:
		a = (*Registry).applyHire
	default:
		a = appliers[s.Entity]
	}
	if a == nil {
		return 0, reviewErr(domain.EINVALID, "review.error.unknown", s.ID)
	}
	return a(r, tx, s)
}

// applyHire files a held person with their employment, checked again now,
// in the submitting institution's scope.
func (r *Registry) applyHire(tx *store.Tx, s *domain.Submission) (int64, error) {
	var h Hire
	if err := json.Unmarshal([]byte(s.Data), &h); err != nil {
		return 0, err
	}
	if h.Person == nil || h.Employment == nil {
		return 0, reviewErr(domain.EINVALID, "review.error.unknown", s.ID)
	}
	if err := r.checkHire(h.Person, h.Employment); err != nil {
		return 0, err
	}
	h.Employment.InstitutionID = s.InstitutionID
	if err := r.hire(tx, domain.Scope{InstitutionID: s.InstitutionID}, h.Person, h.Employment); err != nil {
		return 0, err
	}
	s.PersonID = h.Person.ID
	return h.Person.ID, nil
}

var retirers = map[string]applier{
	"employment": retireApplier(store.Employments),
	"training":   retireApplier(store.Trainings),
	"exam":       retireApplier(store.Exams),
	"dose":       retireApplier(store.Doses),
	"equipment":  retireApplier(store.Equipment),
	"test":       retireApplier(store.Tests),
}

// retireApplier retires or restores a held record in the submitting
// institution's scope if it is still at the version the submission saw.
func retireApplier[T any](t *store.Table[T]) applier {
	return func(r *Registry, tx *store.Tx, s *domain.Submission) (int64, error) {
		sc := domain.Scope{InstitutionID: s.InstitutionID}
		var err error
		if s.Action == domain.SubmitRestore {
			_, err = store.Restore(tx, t, sc, s.RecordID, s.BaseVersion)
		} else {
			_, err = store.Retire(tx, t, sc, s.RecordID, s.BaseVersion)
		}
		if err != nil {
			return 0, err
		}
		return s.RecordID, r.after(tx, t.Entity(), s.RecordID)
	}
}

// changesOf compares a submission with the stored record, field by field:
// a retirement changes one flag, a hire proposes a person and an
// employment, a save its record's fields.
func changesOf(tx *store.Tx, s *domain.Submission) ([]FieldChange, error) {
	switch s.Action {
	case domain.SubmitRetire, domain.SubmitRestore:
		var cur struct {
			Retired bool `json:"retired"`
		}
		if err := json.Unmarshal([]byte(s.Data), &cur); err != nil {
			return nil, err
		}
		return []FieldChange{{Field: RetiredField, Current: strconv.FormatBool(cur.Retired),
			Proposed: strconv.FormatBool(s.Action == domain.SubmitRetire)}}, nil
	case domain.SubmitHire:
		var h Hire
		if err := json.Unmarshal([]byte(s.Data), &h); err != nil {
			return nil, err
		}
		var parts []domain.Record
		if h.Person != nil {
			parts = append(parts, h.Person)
		}
		if h.Employment != nil {
			parts = append(parts, h.Employment)
		}
		var out []FieldChange
		for _, part := range parts {
			for _, f := range domain.EntityOf(part).Fields {
				if v := domain.Value(part, f); v != "" && f.Type != domain.RefField {
					out = append(out, FieldChange{Field: f, Proposed: v})
				}
			}
		}
		return out, nil
	}
	d, ok := differs[s.Entity]
	if !ok {
		return nil, nil
	}
	return d(tx, s)
}
