package screening

import "radsup/internal/domain"

// Severity is how serious a finding is; the severities are domain's.
type Severity = domain.Severity

// The severities of spec/rules.md.
const (
	Violation = domain.Violation
	Warning   = domain.Warning
	Notice    = domain.Notice
)

// Subject types of rules and findings.
const (
	SubjectInstitution = domain.SubjectInstitution
	SubjectEquipment   = domain.SubjectEquipment
	SubjectPerson      = domain.SubjectPerson
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
