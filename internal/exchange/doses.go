package exchange

import (
	"radsup/internal/domain"
	"radsup/internal/store"
)

// A dose report files several periods of each person at an institution.
// The import reads the stored periods of a person at an institution once,
// with the first row naming them, and keeps them up to date as it writes:
// a row whose period start no stored record has is new without a lookup,
// and overlaps are found without a query per row.

// doseKey names a person at an institution.
type doseKey [2]int64

// storedDoses returns the dose periods stored for the record's person at
// its institution, with those this import has written (or queued: a pair
// is read before the import writes its first record, so the store's answer
// misses none of the import's); ok is false for a
// parent the files file themselves (nothing is stored of it).
func (r *run) storedDoses(d *domain.DoseRecord) (ps []store.DosePeriod, ok bool, err error) {
	if d.PersonID == 0 || d.InstitutionID == 0 || d.PersonID >= 1<<40 || d.InstitutionID >= 1<<40 {
		return nil, false, nil
	}
	k := doseKey{d.PersonID, d.InstitutionID}
	if ps, ok := r.doses[k]; ok {
		return ps, true, nil
	}
	ps, err = r.b.DosePeriods(d.PersonID, d.InstitutionID)
	if err != nil {
		return nil, false, err
	}
	if ps == nil {
		ps = []store.DosePeriod{}
	}
	r.doses[k] = ps
	return ps, true, nil
}

// doseStored reports whether a stored record may have the dose record's
// natural key (person, institution, period start); false only when the
// stored periods say none has.
func (r *run) doseStored(d *domain.DoseRecord) (bool, error) {
	ps, ok, err := r.storedDoses(d)
	if err != nil || !ok {
		return !ok && err == nil, err
	}
	for _, p := range ps {
		if p.Start.Equal(d.PeriodStart) {
			return true, nil
		}
	}
	return false, nil
}

// overlap returns a stored period, not retired and of another record,
// that shares days with the record's: the earliest, as the store's
// OverlappingDose finds it.
func (r *run) overlap(d *domain.DoseRecord) (*store.DosePeriod, error) {
	ps, ok, err := r.storedDoses(d)
	if err != nil || !ok {
		return nil, err
	}
	var o *store.DosePeriod
	for i, p := range ps {
		if p.Retired || d.ID != 0 && p.ID == d.ID || p.Start.Equal(d.PeriodStart) || p.Start.After(d.PeriodEnd) || p.End.Before(d.PeriodStart) {
			continue
		}
		if o == nil || p.Start.Before(o.Start) {
			o = &ps[i]
		}
	}
	return o, nil
}

// wroteDose notes a dose record the import has written.
func (r *run) wroteDose(d *domain.DoseRecord) {
	k := doseKey{d.PersonID, d.InstitutionID}
	ps, ok := r.doses[k]
	if !ok {
		return // read from the store when first needed
	}
	p := store.DosePeriod{ID: d.ID, Start: d.PeriodStart, End: d.PeriodEnd, Retired: d.Retired} // ID 0: queued (store.InsertLater)
	for i := range ps {
		if d.ID != 0 && ps[i].ID == d.ID {
			ps[i] = p
			return
		}
	}
	r.doses[k] = append(ps, p)
}
