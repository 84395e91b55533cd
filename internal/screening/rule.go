package screening

import "radsup/internal/domain"

// Severity is how serious a finding is.
type Severity string

// The severities of spec/rules.md.
const (
	// Violation breaks a rule that carries a penalty (违法).
	Violation Severity = "violation"
	// Warning needs action or investigation (警示).
	Warning Severity = "warning"
	// Notice is something coming due, or information (提示).
	Notice Severity = "notice"
)

// Label returns the Chinese name of the severity.
func (s Severity) Label() string {
	switch s {
	case Violation:
		return "违法"
	case Warning:
		return "警示"
	case Notice:
		return "提示"
	}
	return string(s)
}

// Subject types of rules and findings (spec/data-model.md, Findings).
const (
	SubjectInstitution = "institution"
	SubjectEquipment   = "equipment"
	SubjectPerson      = "person"
)

// Rule is one entry of the catalogue: what a supervisor reads about a rule.
// The JSON names are those of `radsup rules -format json` and GET /api/v1/rules.
type Rule struct {
	// ID is the contract identifier copied verbatim from spec/rules.md.
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	// Subject is SubjectInstitution, SubjectEquipment or SubjectPerson.
	Subject string `json:"subject"`
	TitleZH string `json:"title"`
	TitleEN string `json:"title_en"`
	// Basis is the legal basis in Chinese: the provision breached and, where
	// there is one, the penalty article. Notices carry a reminder basis
	// starting with "提醒（无罚则）".
	Basis string `json:"basis"`
	// Action says what the institution must do, in Chinese.
	Action string `json:"action"`
}

// Finding is one rule firing for one subject at one institution.
type Finding struct {
	Rule     string
	Severity Severity
	// SubjectType is one of the Subject constants; SubjectKey is the
	// institution's credit code, the person's ID number, or the
	// institution's credit code + "/" + the equipment's serial number.
	SubjectType string
	SubjectKey  string
	SubjectID   int64
	// InstitutionID and Institution (its credit code) name the institution
	// the finding is addressed to.
	InstitutionID int64
	Institution   string
	// Message is one Chinese sentence naming the facts, rendered from the
	// rule's fields and Evidence.
	Message string
	// Evidence holds the facts the rule used: dates as 2006-01-02, doses as
	// mSv with 3 decimals.
	Evidence map[string]string
	// DueOn is the deadline a notice announces; zero for other findings
	// (the finding store sets first seen + the rectification period).
	DueOn domain.Date
}
