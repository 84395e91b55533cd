package exchange

import (
	"time"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// A dose report files several periods of each person at an institution.
// The import reads the stored periods of a person at an institution once,
// with the first row naming them, and keeps them up to date as it checks
// and writes rows: a row whose period start no stored record has is new
// without a lookup, and duplicates and overlaps, with the store or with an
// earlier row, are found without a query per row.
//
// The import keeps this for every row of the files, so a period is kept
// small (doseEntry: 16 bytes, no pointer for the collector to scan): the
// periods of a pair are its natural keys too, and no other map of the
// rows' keys or periods is kept for doses.

// doseKey names a person at an institution.
type doseKey [2]int64

// dayNum is a date as days since 1970-01-01.
type dayNum int32

func dayOf(d domain.Date) dayNum { return dayNum(d.Time().Unix() / 86400) }

func (n dayNum) date() domain.Date { return domain.DateOf(time.Unix(int64(n)*86400, 0).UTC()) }

// doseEntry is one period of a person at an institution, named by its
// start (the natural key): stored, filed by a row of the files, or both.
// When a row files it, end and retired are the row's unless the row was
// refused for an overlap (then they stay the stored record's).
type doseEntry struct {
	start, end dayNum
	row        int32 // the first row of the files that names it; 0: none
	flags      doseFlags
}

type doseFlags uint8

const (
	doseStored  doseFlags = 1 << iota // stored, or written (or queued) by this import
	doseRetired                       // retired: no longer counts against a stored period
	doseFiled                         // a row files this period: later rows are checked against it
	doseWritten                       // this import wrote (or queued) it
)

// overlaps reports whether the entry's period shares days with start–end
// and is another period (another start).
func (e *doseEntry) overlaps(start, end dayNum) bool {
	return e.start != start && e.start <= end && e.end >= start
}

// counts reports whether the entry's period is one a row may not overlap:
// filed by an earlier row, or stored and not retired.
func (e *doseEntry) counts() bool {
	return e.flags&doseFiled != 0 || e.flags&(doseStored|doseRetired) == doseStored
}

// storedPair reports whether the store may hold periods of the pair: not
// a parent the files file themselves in a dry run (a stand-in id).
func storedPair(k doseKey) bool {
	return k[0] != 0 && k[1] != 0 && k[0] < 1<<40 && k[1] < 1<<40
}

// doseEntries returns the periods of the dose record's person at its
// institution: those stored (read when the pair is first named; a pair is
// read before the import writes its first record, so the store's answer
// misses none of the import's) and those the rows have filed so far.
func (r *run) doseEntries(d *domain.DoseRecord) ([]doseEntry, error) {
	k := doseKey{d.PersonID, d.InstitutionID}
	if es, ok := r.doses[k]; ok {
		return es, nil
	}
	var es []doseEntry
	if storedPair(k) {
		ps, err := r.b.DosePeriods(d.PersonID, d.InstitutionID)
		if err != nil {
			return nil, err
		}
		es = entriesOf(ps)
	}
	r.doses[k] = es
	return es, nil
}

// entriesOf returns the stored periods as entries.
func entriesOf(ps []store.DosePeriod) []doseEntry {
	if len(ps) == 0 {
		return nil
	}
	es := make([]doseEntry, len(ps))
	for i, p := range ps {
		es[i] = doseEntry{start: dayOf(p.Start), end: dayOf(p.End), flags: doseStored}
		if p.Retired {
			es[i].flags |= doseRetired
		}
	}
	return es
}

// periodEntry returns the entry of the record's period start, adding it to
// the pair if it has none; r.doses must hold the pair (doseEntries).
func (r *run) periodEntry(d *domain.DoseRecord) *doseEntry {
	k := doseKey{d.PersonID, d.InstitutionID}
	es, start := r.doses[k], dayOf(d.PeriodStart)
	for i := range es {
		if es[i].start == start {
			return &es[i]
		}
	}
	r.doses[k] = append(es, doseEntry{start: start, end: dayOf(d.PeriodEnd)})
	return &r.doses[k][len(es)]
}

// doseStored reports whether a stored record may have the dose record's
// natural key (person, institution, period start); false when the stored
// periods say none has, or the person or institution is one the files
// file themselves (a dry run's stand-in id).
func (r *run) doseStored(d *domain.DoseRecord) (bool, error) {
	if !storedPair(doseKey{d.PersonID, d.InstitutionID}) {
		return false, nil // a parent the files file themselves: nothing of it is stored
	}
	es, err := r.doseEntries(d)
	if err != nil {
		return false, err
	}
	start := dayOf(d.PeriodStart)
	for _, e := range es {
		if e.start == start {
			return e.flags&doseStored != 0, nil
		}
	}
	return false, nil
}

// claimDose returns the earlier row of the files that names the dose
// record's period, or 0 when none has and row is now noted as the one.
func (r *run) claimDose(d *domain.DoseRecord, row int) (int, error) {
	if _, err := r.doseEntries(d); err != nil {
		return 0, err
	}
	e := r.periodEntry(d)
	if e.row != 0 {
		return int(e.row), nil
	}
	e.row = int32(row)
	return 0, nil
}

// doseOverlap returns the period the dose record's may not share days
// with, the earliest if several: filed by an earlier row, or stored and
// not retired (unless a row has refiled it). ok is false for none.
func (r *run) doseOverlap(d *domain.DoseRecord) (o doseEntry, ok bool, err error) {
	es, err := r.doseEntries(d)
	if err != nil {
		return o, false, err
	}
	start, end := dayOf(d.PeriodStart), dayOf(d.PeriodEnd)
	for _, e := range es {
		if e.counts() && e.overlaps(start, end) && (!ok || e.start < o.start) {
			o, ok = e, true
		}
	}
	return o, ok, nil
}

// fileDose notes that the dose record's row files its period, checked
// against the rows after it, when it overlaps nothing (counted).
func (r *run) fileDose(d *domain.DoseRecord, counted bool) {
	if counted {
		e := r.periodEntry(d)
		e.setPeriod(d)
		e.flags |= doseFiled
	}
}

// wroteDose notes a dose record the import has written (or queued); again
// reports whether it had written another of the pair before (and so has
// queued the person for re-screening already).
func (r *run) wroteDose(d *domain.DoseRecord) (again bool) {
	for _, e := range r.doses[doseKey{d.PersonID, d.InstitutionID}] {
		again = again || e.flags&doseWritten != 0
	}
	e := r.periodEntry(d)
	e.setPeriod(d)
	e.flags |= doseStored | doseWritten
	return again
}

// setPeriod takes the dose record's end and retired flag.
func (e *doseEntry) setPeriod(d *domain.DoseRecord) {
	e.end = dayOf(d.PeriodEnd)
	e.flags &^= doseRetired
	if d.Retired {
		e.flags |= doseRetired
	}
}

// prefetchRows is how many rows are read ahead for one lookup.
const prefetchRows = 500

// maxCachedPeople bounds the people whose ids the import keeps (a cache of
// the store's: a file of many people does not keep them all).
const maxCachedPeople = 8 * prefetchRows

// prefetch looks up, in one query each, what the rows of a chunk will ask
// for one row at a time: the people their ID numbers name, and for a dose
// sheet the stored dose periods of those people (at every institution).
// What it finds goes where the row-by-row lookups look first; a person it
// does not find is recorded as not stored, as the row's own lookup would.
func (r *run) prefetch(sh *xlsx.Sheet, rows []xlsx.Row) error {
	if sh.Kind.Name == xlsx.LicenceActs { // a licence's acts name no person
		return nil
	}
	if len(r.personIDs) > maxCachedPeople {
		r.personIDs = make(map[string]int64, prefetchRows)
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
		k := doseKey{r.personIDs[n], r.instIDs[cleanCode(row.Cells["credit_code"].Value)]}
		if !storedPair(k) {
			continue
		}
		if _, read := r.doses[k]; !read {
			r.doses[k] = entriesOf(stored[k])
		}
	}
	return nil
}
