// Package registry holds the filing use cases (在线建档, 设备录入): every change
// to an institution, licence, person, record or device goes through here:
// authorize → normalize and validate → one transaction {write, audit}.
package registry

import (
	"context"
	"errors"
	"slices"
	"time"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// Registry runs the filing use cases on a store.
type Registry struct {
	Store *store.Store
	// Today returns the current date for validation ("not in the future").
	Today func() domain.Date
	// AfterChange, when set, runs inside each change's transaction (re-screening).
	AfterChange func(tx *store.Tx, entity string, ids []int64) error
	// ApplyImport writes an approved held import (exchange.HeldApplier).
	ApplyImport ImportApplier
}

// New returns a Registry on s using the system clock.
func New(s *store.Store) *Registry {
	return &Registry{Store: s, Today: func() domain.Date { return domain.DateOf(time.Now()) }}
}

// recordPtr is a pointer to an entity struct with the domain.Record methods.
type recordPtr[T any] interface {
	*T
	domain.Record
}

var errForbidden = auth.ErrForbidden

// Find returns one record the user may see.
func Find[T any](ctx context.Context, r *Registry, u *domain.User, t *store.Table[T], id int64) (*T, error) {
	if !auth.Can(u, auth.Read, t.Entity()) {
		return nil, errForbidden
	}
	var rec *T
	err := r.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		rec, err = store.Find(tx, t, u.Scope(), id)
		return err
	})
	if err == nil {
		mask(u, rec)
	}
	return rec, err
}

// mask hides ID and phone numbers from users who may not see them (they
// read only, so a masked record is never written back), and with the ID
// number the birth date, which would give away its hidden digits.
func mask(u *domain.User, rec any) {
	if auth.SeesIDNumbers(u) {
		return
	}
	switch x := rec.(type) {
	case *domain.Person:
		x.IDNumber, x.BirthDate = domain.MaskIDNumber(x.IDNumber), domain.Date{}
	case *domain.Institution:
		x.Phone = domain.MaskPhone(x.Phone)
	}
}

// List returns a page of records the user may see.
func List[T any](ctx context.Context, r *Registry, u *domain.User, t *store.Table[T], f store.Filter) ([]*T, int, error) {
	if !auth.Can(u, auth.Read, t.Entity()) {
		return nil, 0, errForbidden
	}
	if t.Entity() == "institution" && !auth.Can(u, auth.Read, auth.Finding) {
		f = withoutFindings(f)
	}
	var recs []*T
	var n int
	err := r.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		recs, n, err = store.List(tx, t, u.Scope(), f)
		return err
	})
	for _, rec := range recs {
		mask(u, rec)
	}
	return recs, n, err
}

// Create validates rec and files it.
func Create[T any, P recordPtr[T]](ctx context.Context, r *Registry, actor domain.Actor, u *domain.User, t *store.Table[T], rec P) error {
	if !auth.Can(u, auth.Create, t.Entity()) {
		return errForbidden
	}
	if err := r.check(rec); err != nil {
		return err
	}
	domain.SetRef(rec, "filed_by", u.Scope().InstitutionID) // the filer, for entities that keep one
	var held int64
	err := r.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if err := parentsVisible(tx, u, rec); err != nil {
			return err
		}
		if err := overlaps(tx, rec); err != nil {
			return err
		}
		var err error
		if held, err = hold(tx, u, t, rec); err != nil || held > 0 {
			return err
		}
		if err := store.Create(tx, t, u.Scope(), (*T)(rec)); err != nil {
			return conflictOn(t.Entity(), err)
		}
		if err := issueAct(tx, rec); err != nil {
			return err
		}
		return r.after(tx, t.Entity(), rec.Base().ID)
	})
	return heldErr(held, err)
}

// Update validates rec and stores it if its version is current (ErrStale
// otherwise). An institution user's change waits for review (Submitted)
// when the setting is on, and always when it changes the name or ID number
// of a person who works at another institution too.
func Update[T any, P recordPtr[T]](ctx context.Context, r *Registry, actor domain.Actor, u *domain.User, t *store.Table[T], rec P) error {
	if !auth.Can(u, auth.Update, t.Entity()) {
		return errForbidden
	}
	if err := r.check(rec); err != nil {
		return err
	}
	var held int64
	var shared bool
	err := r.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		filedBy, err := mayChange(tx, u, t, rec.Base().ID)
		if err != nil {
			return err
		}
		domain.SetRef(rec, "filed_by", filedBy) // who filed it stays
		if err := parentsVisible(tx, u, rec); err != nil {
			return err
		}
		if err := overlaps(tx, rec); err != nil {
			return err
		}
		if shared, err = sharedIdentity(tx, u, rec); err != nil {
			return err
		}
		if shared {
			held, err = submit(tx, u, t, rec)
			return err
		}
		if held, err = hold(tx, u, t, rec); err != nil || held > 0 {
			return err
		}
		if err := store.Update(tx, t, u.Scope(), (*T)(rec)); err != nil {
			return conflictOn(t.Entity(), err)
		}
		return r.after(tx, t.Entity(), rec.Base().ID)
	})
	if shared && err == nil {
		return &Submitted{ID: held, SharedPerson: true}
	}
	return heldErr(held, err)
}

// Retire retires (or, with restore, brings back) a record at the given
// version. An institution user's waits for review when it is on (Submitted).
func Retire[T any](ctx context.Context, r *Registry, actor domain.Actor, u *domain.User, t *store.Table[T], id int64, version int, restore bool) error {
	if !auth.Can(u, auth.Retire, t.Entity()) {
		return errForbidden
	}
	var held int64
	err := r.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if _, err := mayChange(tx, u, t, id); err != nil {
			return err
		}
		var err error
		if held, err = holdRetire(tx, u, t, id, version, restore); err != nil || held > 0 {
			return err
		}
		if restore {
			_, err = store.Restore(tx, t, u.Scope(), id, version)
		} else {
			_, err = store.Retire(tx, t, u.Scope(), id, version)
		}
		if err != nil {
			return err
		}
		return r.after(tx, t.Entity(), id)
	})
	return heldErr(held, err)
}

// CreatePersonWithEmployment files a person and an employment together. The
// people register is shared across employers: if a person with the same ID
// number exists, the employment is added to that person (the person's other
// fields are left as they are). An institution user's waits for review, the
// two as one submission, when it is on (Submitted).
func (r *Registry) CreatePersonWithEmployment(ctx context.Context, actor domain.Actor, u *domain.User, p *domain.Person, e *domain.Employment) error {
	if !auth.Can(u, auth.Create, "person") || !auth.Can(u, auth.Create, "employment") {
		return errForbidden
	}
	if err := r.checkHire(p, e); err != nil {
		return err
	}
	var held int64
	err := r.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if err := parentsVisible(tx, u, e, "person_id"); err != nil { // the person is filed with it
			return err
		}
		var err error
		if held, err = holdHire(tx, u, p, e); err != nil || held > 0 {
			return err
		}
		return r.hire(tx, u.Scope(), p, e)
	})
	return heldErr(held, err)
}

// parentsVisible refuses a record naming a parent (institution, person,
// device) that does not exist or that u may not see, as ENOTFOUND on the
// field that names it, the same answer as for any id the user cannot see.
func parentsVisible(tx *store.Tx, u *domain.User, rec domain.Record, except ...string) error {
	for _, p := range domain.EntityOf(rec).Parents {
		id := domain.RefOf(rec, p.Field)
		if id <= 0 || slices.Contains(except, p.Field) {
			continue // validation reports a missing id; the caller checked the others
		}
		err := store.Visible(tx, p.Entity, u.Scope(), id)
		if store.IsNotFound(err) {
			return &domain.Error{Code: domain.ENOTFOUND, Message: "error.not_found", Fields: domain.FieldErrors{p.Field: "not_found"}}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *Registry) check(rec domain.Record) error {
	rec.Normalize()
	return rec.Validate(r.Today()).Err()
}

func (r *Registry) after(tx *store.Tx, entity string, id int64) error {
	if r.AfterChange == nil {
		return nil
	}
	return r.AfterChange(tx, entity, []int64{id})
}

// conflictOn turns a unique-key conflict into a field error on the record's key.
func conflictOn(entity string, err error) error {
	if errors.Is(err, store.ErrReference) {
		return &domain.Error{Code: domain.ECONFLICT, Message: "error.reference"}
	}
	if !errors.Is(err, store.ErrConflict) {
		return err
	}
	field := domain.EntityByName(entity).KeyField
	return &domain.Error{Code: domain.ECONFLICT, Message: "error.duplicate", Fields: domain.FieldErrors{field: "duplicate"}}
}
