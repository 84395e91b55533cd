package domain

// InstitutionFigures are what the institution list shows of an
// institution's other records: the latest validity of its licences (zero
// when it has none), its devices (not retired, not scrapped), the people
// working there now, and its open findings (those the reader may see).
type InstitutionFigures struct {
	LicenceUntil Date
	Devices      int
	Workers      int
	OpenFindings int
}
