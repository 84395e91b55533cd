package exchange

import (
	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/xlsx"
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

// prefetchRows is how many rows are read ahead for one lookup.
const prefetchRows = 500

// prefetch looks up, in one query each, what the rows of a chunk will ask
// for one row at a time: the people their ID numbers name, and for a dose
// sheet the stored dose periods of those people (at every institution).
// What it finds goes where the row-by-row lookups look first; a person it
// does not find is recorded as not stored, as the row's own lookup would.
func (r *run) prefetch(sh *xlsx.Sheet, rows []xlsx.Row) error {
	if sh.Kind.Name == xlsx.LicenceActs { // a licence's acts name no person
		return nil
	}
	need := parents(sh.Kind.Name)
	if sh.Also != nil {
		also := parents(sh.Also.Name)
		need.person = need.person || also.person
	}
	if !need.person {
		return nil
	}
	var numbers []string
	for _, row := range rows {
		n, err := xlsx.ParseIDNumberText(row.Cells["id_number"].Value)
		if _, known := r.personIDs[n]; err == nil && n != "" && !known {
			numbers = append(numbers, n)
			r.personIDs[n] = 0 // not stored, unless found below
		}
	}
	if len(numbers) > 0 {
		found, err := r.b.PeopleByIDNumber(numbers)
		if err != nil {
			return err
		}
		for n, id := range found {
			r.personIDs[n] = id
		}
	}
	if sh.Kind.Name != "doses" {
		return nil
	}
	var people []int64
	for _, row := range rows {
		n, _ := xlsx.ParseIDNumberText(row.Cells["id_number"].Value)
		if id := r.personIDs[n]; id != 0 {
			people = append(people, id)
		}
	}
	if len(people) == 0 {
		return nil
	}
	stored, err := r.b.DosePeriodsOf(people)
	if err != nil {
		return err
	}
	// Every pair of the chunk not yet read gets its stored periods, none
	// for a pair without any.
	for _, row := range rows {
		n, _ := xlsx.ParseIDNumberText(row.Cells["id_number"].Value)
		pid := r.personIDs[n]
		iid := r.instIDs[cleanCode(row.Cells["credit_code"].Value)]
		if pid == 0 || iid == 0 {
			continue
		}
		if k := (doseKey{pid, iid}); r.doses[k] == nil {
			r.doses[k] = append([]store.DosePeriod{}, stored[k]...)
		}
	}
	return nil
}
