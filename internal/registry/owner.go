package registry

import (
	"radsup/internal/domain"
	"radsup/internal/store"
)

var (
	// errFiledByOther refuses an employer changing a record that another
	// institution, or the office, filed.
	errFiledByOther = &domain.Error{Code: domain.EFORBIDDEN, Message: "error.filed_by_other"}
)

// mayChange checks, in the change's transaction, that u may change the
// stored record id of t, and returns what it filed_by holds (0 where the
// entity keeps none). An institution user may not change what another
// institution or the office filed; its change of the identity of a person
// who also works elsewhere waits for review (sharedIdentity).
func mayChange[T any](tx *store.Tx, u *domain.User, t *store.Table[T], id int64) (filedBy int64, err error) {
	e := domain.EntityByName(t.Entity())
	own := u.Scope().InstitutionID
	cur, err := store.Find(tx, t, u.Scope(), id) // what u cannot see is not found, whatever else holds
	if err != nil {
		return 0, err
	}
	if e.FiledBy {
		filedBy = domain.RefOf(cur, "filed_by")
		if own != 0 && filedBy != own {
			return 0, errFiledByOther
		}
	}
	return filedBy, nil
}

// sharedIdentity reports whether rec, an institution user's change of a
// stored person, changes the name or ID number of someone who works at
// another institution now too. Such a change waits for the office's review
// whatever the setting: one employer may not rename another's worker on
// its own, nor take them over by changing their ID number.
func sharedIdentity(tx *store.Tx, u *domain.User, rec domain.Record) (bool, error) {
	p, ok := rec.(*domain.Person)
	own := u.Scope().InstitutionID
	if !ok || own == 0 || u.Role != domain.RoleInstitution || p.ID == 0 {
		return false, nil
	}
	cur, err := store.Find(tx, store.People, u.Scope(), p.ID)
	if err != nil {
		return false, err
	}
	if cur.Name == p.Name && cur.IDNumber == p.IDNumber {
		return false, nil
	}
	n, err := tx.OtherEmployers(p.ID, own)
	return n > 0, err
}

// overlaps refuses a dose record whose period shares days with another
// record of the same person at the same institution: the annual sums would
// count those days twice. The refusal names the other period.
func overlaps(tx *store.Tx, rec domain.Record) error {
	d, ok := rec.(*domain.DoseRecord)
	if !ok {
		return nil
	}
	o, err := tx.OverlappingDose(d)
	if err != nil || o == nil {
		return err
	}
	return OverlapError(o.Start, o.End)
}

// OverlapError is the refusal of a dose record whose period overlaps the
// stored record of start to end.
func OverlapError(start, end domain.Date) error {
	return &domain.Error{Code: domain.ECONFLICT, Message: "error.dose_overlap", Args: []string{start.String(), end.String()},
		Fields: domain.FieldErrors{"period_start": "overlap", "period_end": "overlap"}}
}
