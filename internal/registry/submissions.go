package registry

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// reviewSetting is the setting that turns review of institution
// submissions on ("on") or off (anything else).
const reviewSetting = "institution_review"

// maxBatch bounds how many submissions one approval takes.
const maxBatch = 500

// Submitted is the answer to an institution's change held for review: it
// was stored as submission ID and takes effect once approved.
type Submitted struct {
	ID int64
	// SharedPerson is set when the change waits whatever the review
	// setting: it changes the name or ID number of a person who works at
	// another institution too (which one is not the submitter's to know).
	SharedPerson bool
}

func (s *Submitted) Error() string { return s.Message() }

// Message is the key of the sentence that tells the submitter why the
// change waits.
func (s *Submitted) Message() string {
	if s.SharedPerson {
		return "review.submitted.shared_person"
	}
	return "review.submitted"
}

// heldErr is a write's answer: err, or Submitted if it was held for review.
func heldErr(held int64, err error) error {
	if err == nil && held > 0 {
		return &Submitted{ID: held}
	}
	return err
}

// ReviewOn reports whether institution submissions wait for review.
func (r *Registry) ReviewOn(ctx context.Context) (bool, error) {
	var on bool
	err := r.Store.View(ctx, func(tx *store.Tx) (err error) {
		on, err = reviewOn(tx)
		return err
	})
	return on, err
}

func reviewOn(tx *store.Tx) (bool, error) {
	v, err := tx.Setting(reviewSetting)
	return v == "on", err
}

// SetReview turns review of institution submissions on or off (audited
// with the setting's values before and after).
func (r *Registry) SetReview(ctx context.Context, actor domain.Actor, u *domain.User, on bool) error {
	if !auth.Can(u, auth.Manage, auth.Submission) {
		return errForbidden
	}
	v := "off"
	if on {
		v = "on"
	}
	return r.Store.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.PutSetting(reviewSetting, v) })
}

// hold stores an institution user's new or changed record as a pending
// submission instead of writing it, when review is on; it reports whether
// it did. A supervisor's own changes never wait.
func hold[T any, P recordPtr[T]](tx *store.Tx, u *domain.User, t *store.Table[T], rec P) (int64, error) {
	if held, err := heldFor(tx, u, t.Entity()); err != nil || !held {
		return 0, err
	}
	return submit(tx, u, t, rec)
}

// submit stores rec, u's new or changed record, as a pending submission
// based on the stored record's version, and returns its id.
func submit[T any, P recordPtr[T]](tx *store.Tx, u *domain.User, t *store.Table[T], rec P) (int64, error) {
	if id := rec.Base().ID; id > 0 {
		cur, err := store.Find(tx, t, u.Scope(), id)
		if err != nil {
			return 0, err
		}
		if P(cur).Base().Version != rec.Base().Version {
			return 0, store.ErrStale
		}
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return 0, err
	}
	s := &domain.Submission{InstitutionID: u.InstitutionID, Entity: t.Entity(), Action: domain.SubmitSave, RecordID: rec.Base().ID,
		Data: string(b), BaseVersion: rec.Base().Version}
	s.PersonID, s.EquipmentID = pageOf(t.Entity(), rec.Base().ID, rec)
	if err := tx.AddSubmission(s); err != nil {
		return 0, err
	}
	return s.ID, nil
}

// heldFor reports whether u's changes of entity wait for review: u is an
// institution user, the entity is one the setting covers, and it is on. A
// supervisor's own changes never wait.
func heldFor(tx *store.Tx, u *domain.User, entity string) (bool, error) {
	if u.Role != domain.RoleInstitution || !slices.Contains(domain.SubmissionReviewed, entity) {
		return false, nil
	}
	return reviewOn(tx)
}

// pageOf returns the person or the device whose page shows a record of
// entity with id (0 for a new one): itself, or the one it is about.
func pageOf(entity string, id int64, rec domain.Record) (person, equipment int64) {
	switch entity {
	case "person":
		return id, 0
	case "employment", "training", "exam", "dose":
		return domain.RefOf(rec, "person_id"), 0
	case "equipment":
		return 0, id
	case "test":
		return 0, domain.RefOf(rec, "equipment_id")
	}
	return 0, 0
}

// applier writes an approved submission's record, returning its id.
type applier func(r *Registry, tx *store.Tx, s *domain.Submission) (int64, error)

var appliers = map[string]applier{
	"person":     apply(store.People),
	"employment": apply(store.Employments),
	"training":   apply(store.Trainings),
	"exam":       apply(store.Exams),
	"dose":       apply(store.Doses),
	"equipment":  apply(store.Equipment),
	"test":       apply(store.Tests),
	"import":     applyImport,
}

// apply writes a submission's proposed record as the registry would have
// when it was made, checked again now, in the submitting institution's
// scope; a record changed since it was based on is stale.
func apply[T any, P recordPtr[T]](t *store.Table[T]) applier {
	return func(r *Registry, tx *store.Tx, s *domain.Submission) (int64, error) {
		rec := P(new(T))
		if err := json.Unmarshal([]byte(s.Data), rec); err != nil {
			return 0, err
		}
		if err := r.check(rec); err != nil {
			return 0, err
		}
		sc := domain.Scope{InstitutionID: s.InstitutionID}
		rec.Base().ID, rec.Base().Version = s.RecordID, s.BaseVersion
		if s.RecordID > 0 {
			cur, err := store.Find(tx, t, sc, s.RecordID)
			if err != nil {
				return 0, err
			}
			if P(cur).Base().Version != s.BaseVersion {
				return 0, store.ErrStale
			}
		}
		if err := overlaps(tx, rec); err != nil {
			return 0, err
		}
		var err error
		if s.RecordID == 0 {
			err = store.Create(tx, t, sc, (*T)(rec))
		} else {
			err = store.Update(tx, t, sc, (*T)(rec))
		}
		if err != nil {
			return 0, conflictOn(t.Entity(), err)
		}
		return rec.Base().ID, r.after(tx, t.Entity(), rec.Base().ID)
	}
}

func reviewErr(code, msg string, id int64) error {
	return &domain.Error{Code: code, Message: msg, Args: []string{strconv.FormatInt(id, 10)}}
}

// Submissions lists the submissions the user may see (an institution its
// own), newest first: the review queue (State pending) and the feed of
// what institutions changed.
func (r *Registry) Submissions(ctx context.Context, u *domain.User, f store.SubmissionFilter) ([]*domain.Submission, error) {
	if !auth.Can(u, auth.Read, auth.Submission) {
		return nil, errForbidden
	}
	var out []*domain.Submission
	err := r.Store.View(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Submissions(u.Scope(), f)
		return err
	})
	return out, err
}

// Approve applies the pending submissions ids in one transaction: all of
// them or, if any is stale, decided or invalid, none (the error names it).
// Each record is written through the registry's checks, audited and
// re-screened; each submission's approval is audited too.
func (r *Registry) Approve(ctx context.Context, actor domain.Actor, u *domain.User, ids []int64, reason string) error {
	if !auth.Can(u, auth.Decide, auth.Submission) {
		return errForbidden
	}
	switch {
	case len(ids) == 0:
		return changeErr("review.error.none", nil)
	case len(ids) > maxBatch:
		return changeErr("review.error.too_many", nil, strconv.Itoa(maxBatch))
	}
	if reason != "" {
		var err error
		if reason, err = checkReason("reason", reason); err != nil {
			return err
		}
	}
	return r.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		for _, id := range ids {
			s, err := tx.Submission(u.Scope(), id, true)
			if err != nil {
				return err
			}
			if s.State != domain.SubmissionPending {
				return reviewErr(domain.ECONFLICT, "review.error.decided", id)
			}
			recID, err := r.applySubmission(tx, s)
			if errors.Is(err, store.ErrStale) {
				return reviewErr(domain.ESTALE, "review.error.stale", id)
			}
			if err != nil {
				return err
			}
			s.RecordID = recID
			if s.PersonID == 0 && s.EquipmentID == 0 { // a new person or device: its page now exists
				s.PersonID, s.EquipmentID = pageOf(s.Entity, recID, nil)
			}
			if err := tx.DecideSubmission(s, domain.SubmissionApproved, reason, domain.AuditApprove); err != nil {
				return err
			}
		}
		return nil
	})
}

// Reject refuses a pending submission with a reason: the data stays as it
// was, the submission and its rejection stay in the audit.
func (r *Registry) Reject(ctx context.Context, actor domain.Actor, u *domain.User, id int64, reason string) error {
	if !auth.Can(u, auth.Decide, auth.Submission) {
		return errForbidden
	}
	reason, err := checkReason("reason", reason)
	if err != nil {
		return err
	}
	return r.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		s, err := tx.Submission(u.Scope(), id, true)
		if err != nil {
			return err
		}
		if s.State != domain.SubmissionPending {
			return reviewErr(domain.ECONFLICT, "review.error.decided", id)
		}
		return tx.DecideSubmission(s, domain.SubmissionRejected, reason, domain.AuditReject)
	})
}

// FieldChange is one field of a submission: the stored value now ("" for
// a new record) and the proposed one.
type FieldChange struct {
	Field    domain.Field
	Current  string
	Proposed string
}

// differ compares a submission's proposed record with the stored one.
type differ func(tx *store.Tx, s *domain.Submission) ([]FieldChange, error)

var differs = map[string]differ{
	"person":     diff(store.People),
	"employment": diff(store.Employments),
	"training":   diff(store.Trainings),
	"exam":       diff(store.Exams),
	"dose":       diff(store.Doses),
	"equipment":  diff(store.Equipment),
	"test":       diff(store.Tests),
}

func diff[T any, P recordPtr[T]](t *store.Table[T]) differ {
	return func(tx *store.Tx, s *domain.Submission) ([]FieldChange, error) {
		rec := P(new(T))
		if err := json.Unmarshal([]byte(s.Data), rec); err != nil {
			return nil, err
		}
		var cur P
		if s.RecordID > 0 {
			c, err := store.Find(tx, t, domain.Scope{InstitutionID: s.InstitutionID}, s.RecordID)
			if err != nil && !store.IsNotFound(err) {
				return nil, err
			}
			cur = c
		}
		var out []FieldChange
		for _, f := range domain.EntityByName(t.Entity()).Fields {
			fc := FieldChange{Field: f, Proposed: domain.Value(rec, f)}
			if cur != nil {
				fc.Current = domain.Value(cur, f)
			}
			if fc.Current != fc.Proposed {
				out = append(out, fc)
			}
		}
		return out, nil
	}
}

// Changes returns, for each submission the user may see, its fields that
// differ from the stored record (masking as Find does for ID numbers).
func (r *Registry) Changes(ctx context.Context, u *domain.User, subs []*domain.Submission) (map[int64][]FieldChange, error) {
	if !auth.Can(u, auth.Read, auth.Submission) {
		return nil, errForbidden
	}
	out := map[int64][]FieldChange{}
	err := r.Store.View(ctx, func(tx *store.Tx) error {
		for _, s := range subs {
			if u.Scope().InstitutionID != 0 && s.InstitutionID != u.Scope().InstitutionID {
				return errForbidden
			}
			fcs, err := changesOf(tx, s)
			if err != nil {
				return err
			}
			if !auth.SeesIDNumbers(u) {
				for i := range fcs {
					if fcs[i].Field.Key == "id_number" {
						fcs[i].Current, fcs[i].Proposed = domain.MaskIDNumber(fcs[i].Current), domain.MaskIDNumber(fcs[i].Proposed)
					}
				}
			}
			out[s.ID] = fcs
		}
		return nil
	})
	return out, err
}

// ReviewOnIn reports, in tx, whether institution submissions wait for
// review (an import reads it to hold an institution user's workbook).
func ReviewOnIn(tx *store.Tx) (bool, error) { return reviewOn(tx) }

// ImportApplier writes an approved held import (domain.SubmissionImport)
// in the approval's transaction and returns the records it changed, by
// entity, to re-screen; exchange.HeldApplier is the one there is.
type ImportApplier func(tx *store.Tx, s *domain.Submission) (map[string][]int64, error)

// applyImport writes a held import through Registry.ApplyImport and
// re-screens what it changed, in the approval's transaction.
func applyImport(r *Registry, tx *store.Tx, s *domain.Submission) (int64, error) {
	if r.ApplyImport == nil {
		return 0, errors.New("registry: approving an import: no ImportApplier is wired")
	}
	touched, err := r.ApplyImport(tx, s)
	if err != nil {
		return 0, err
	}
	if r.AfterChange == nil {
		return 0, nil
	}
	for _, entity := range slices.Sorted(maps.Keys(touched)) {
		if ids := touched[entity]; len(ids) > 0 {
			if err := r.AfterChange(tx, entity, ids); err != nil {
				return 0, err
			}
		}
	}
	return 0, nil
}
