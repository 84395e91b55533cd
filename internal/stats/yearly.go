package stats

// Yearly is the yearly district report of a year Y: the register as of
// Dec 31 of Y (today for the current year), the year's occupational doses,
// the findings' flow through the year and the enforcement of the year.
type Yearly struct {
	Year     int       `json:"year"`
	AsOf     string    `json:"as_of"`
	Register *Register `json:"register"`
	// Dose is nil for a reader who may not read doses.
	Dose        *DoseReport   `json:"dose,omitempty"`
	Findings    []FindingFlow `json:"findings"`
	FindingsAll FindingFlow   `json:"findings_all"`
	Enforcement Enforcement   `json:"enforcement"`
}

// FindingFlow counts what became of the findings of one rule and severity
// during a year: Opened first seen in the year, Resolved and Dismissed in
// the year (whenever first seen), and OpenAtEnd still open at the end of
// the year.
type FindingFlow struct {
	Rule      string `json:"rule,omitempty"`
	Severity  string `json:"severity,omitempty"`
	Opened    int    `json:"opened"`
	Resolved  int    `json:"resolved"`
	Dismissed int    `json:"dismissed"`
	OpenAtEnd int    `json:"open_at_end"`
}

// Add adds another flow's counts to f.
func (f *FindingFlow) Add(o FindingFlow) {
	f.Opened += o.Opened
	f.Resolved += o.Resolved
	f.Dismissed += o.Dismissed
	f.OpenAtEnd += o.OpenAtEnd
}

// Zero reports whether nothing happened.
func (f FindingFlow) Zero() bool {
	return f.Opened == 0 && f.Resolved == 0 && f.Dismissed == 0 && f.OpenAtEnd == 0
}

// Enforcement counts the year's 双随机 plans and inspections: plans of the
// year (by type), those drawn, their drawn units and how many of those were
// inspected; inspections dated in the year, signed, by type and by outcome
// ("" not yet decided).
type Enforcement struct {
	Plans          int     `json:"plans"`
	PlansByType    []Count `json:"plans_by_type"`
	Drawn          int     `json:"drawn"`
	Units          int     `json:"units"`
	UnitsInspected int     `json:"units_inspected"`
	Inspections    int     `json:"inspections"`
	Signed         int     `json:"signed"`
	ByType         []Count `json:"inspections_by_type"`
	ByOutcome      []Count `json:"inspections_by_outcome"`
}
