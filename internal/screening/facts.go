package screening

import (
	"cmp"
	"slices"

	"radsup/internal/domain"
)

// InstitutionFacts are the facts the institution rules look at.
type InstitutionFacts struct {
	Institution *domain.Institution
	// Licences are the institution's non-retired licences.
	Licences []*domain.Licence
	// Equipment is the institution's non-retired equipment.
	Equipment []*domain.Equipment
	// LicenceActs are the acts that may stop its licences (注销, 暂停, 校验).
	LicenceActs []*domain.LicenceAct
}

// EquipmentFacts are the facts the equipment rules look at.
type EquipmentFacts struct {
	Equipment   *domain.Equipment
	Institution *domain.Institution
	// Licences are the owning institution's non-retired licences.
	Licences []*domain.Licence
	// Tests are the equipment's tests of all kinds.
	Tests []*domain.EquipmentTest
	// LicenceActs are the acts that may stop the institution's licences.
	LicenceActs []*domain.LicenceAct
}

// PersonFacts are the facts the person rules look at.
type PersonFacts struct {
	Person      *domain.Person
	Employments []*domain.Employment
	// Institutions holds every institution referenced by the employments
	// or the dose records, by id.
	Institutions map[int64]*domain.Institution
	Trainings    []*domain.Training
	Exams        []*domain.Exam
	// Doses are the person's dose records at all institutions.
	Doses []*domain.DoseRecord
}

// Keys of enumerations of internal/domain used by the rules.
const (
	institutionOpen = "open"
	equipmentInUse  = "in_use"
	resultPass      = "pass"
	resultFail      = "fail"
	kindAcceptance  = "acceptance"
	kindStatus      = "status"
	kindProtection  = "protection"
	kindPrejob      = "prejob"
	kindPeriodic    = "periodic"
)

// activeInstitution reports whether inst is open (开业) and not retired.
func activeInstitution(inst *domain.Institution) bool {
	return inst != nil && !inst.Retired && inst.Status == institutionOpen
}

// inUse reports whether e is in use (在用) at an active institution.
func inUse(e *domain.Equipment, inst *domain.Institution) bool {
	return e != nil && !e.Retired && e.Status == equipmentInUse && activeInstitution(inst)
}

// known reports whether a record dated d exists as of asOf: records dated
// later are ignored so that a past as-of date sees that day's facts.
func known(d, asOf domain.Date) bool { return !d.IsZero() && !d.After(asOf) }

// currentLicence returns the institution's licence as of asOf: the one
// issued last (a later licence supersedes an earlier one), or nil.
func currentLicence(ls []*domain.Licence, instID int64, asOf domain.Date) *domain.Licence {
	var cur *domain.Licence
	for _, l := range ls {
		if l == nil || l.Retired || (instID != 0 && l.InstitutionID != 0 && l.InstitutionID != instID) {
			continue
		}
		if !l.IssuedOn.IsZero() && l.IssuedOn.After(asOf) {
			continue
		}
		if cur == nil || laterLicence(l, cur) {
			cur = l
		}
	}
	return cur
}

// licenceInForce is currentLicence, or nil if that licence is cancelled or
// suspended as of asOf: a cancelled licence counts as no licence.
func licenceInForce(ls []*domain.Licence, acts []*domain.LicenceAct, instID int64, asOf domain.Date) *domain.Licence {
	lic := currentLicence(ls, instID, asOf)
	if lic != nil && !domain.LicenceInForce(acts, lic.ID, asOf) {
		return nil
	}
	return lic
}

func laterLicence(a, b *domain.Licence) bool {
	if c := compareDates(a.IssuedOn, b.IssuedOn); c != 0 {
		return c > 0
	}
	if c := compareDates(a.ValidUntil, b.ValidUntil); c != 0 {
		return c > 0
	}
	return a.ID > b.ID
}

// activeEmployments returns the employments active on asOf (started_on ≤ D
// and ended_on empty or after D), sorted by start date and id so that a
// per-employment rule firing twice at one institution keeps the earliest.
func activeEmployments(es []*domain.Employment, asOf domain.Date) []*domain.Employment {
	var out []*domain.Employment
	for _, e := range es {
		if e == nil || e.Retired || !known(e.StartedOn, asOf) {
			continue
		}
		if e.EndedOn.IsZero() || e.EndedOn.After(asOf) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *domain.Employment) int {
		return cmp.Or(compareDates(a.StartedOn, b.StartedOn), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// employerIDs returns the distinct institutions of the employments, in order.
func employerIDs(es []*domain.Employment) []int64 {
	var ids []int64
	for _, e := range es {
		if !slices.Contains(ids, e.InstitutionID) {
			ids = append(ids, e.InstitutionID)
		}
	}
	return ids
}

// latest returns the element of xs with the latest date among those kept
// and known as of asOf; ties go to the higher id (entered later).
func latest[T any](xs []*T, asOf domain.Date, keep func(*T) bool, date func(*T) domain.Date, id func(*T) int64) *T {
	var best *T
	for _, x := range xs {
		if x == nil || !keep(x) || !known(date(x), asOf) {
			continue
		}
		if best == nil {
			best = x
			continue
		}
		if c := compareDates(date(x), date(best)); c > 0 || (c == 0 && id(x) > id(best)) {
			best = x
		}
	}
	return best
}

func compareDates(a, b domain.Date) int { return a.Time().Compare(b.Time()) }

// dayNum returns d as a count of days since 1970-01-01, so that periods and
// gaps are integer arithmetic (a Date is midnight UTC).
func dayNum(d domain.Date) int64 { return d.Time().Unix() / 86400 }

// dateOfDay is the inverse of dayNum.
func dateOfDay(n int64) domain.Date { return domain.NewDate(1970, 1, 1).AddDate(0, 0, int(n)) }

// periodDays returns the length of a monitoring period, counting both ends.
func periodDays(r *domain.DoseRecord) int64 {
	return dayNum(r.PeriodEnd) - dayNum(r.PeriodStart) + 1
}
