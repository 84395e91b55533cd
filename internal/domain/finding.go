package domain

import "time"

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

// Severities lists the severities, most serious first.
var Severities = []Severity{Violation, Warning, Notice}

// Rank orders severities as lists show them: violation 1, warning 2,
// notice 3, anything else 4.
func (s Severity) Rank() int {
	switch s {
	case Violation:
		return 1
	case Warning:
		return 2
	case Notice:
		return 3
	}
	return 4
}

// Subject types of rules and findings (spec/data-model.md, Findings).
const (
	SubjectInstitution = "institution"
	SubjectEquipment   = "equipment"
	SubjectPerson      = "person"
)

// Finding statuses (spec/data-model.md, Findings).
const (
	FindingOpen      = "open"      // 待整改
	FindingResolved  = "resolved"  // 已整改: the rule no longer fires
	FindingDismissed = "dismissed" // 已核销 by a supervisor, with a reason
)

// Finding is a stored screening finding (初筛结果) and its life cycle. The
// findings package decides the life cycle; the store keeps the rows.
type Finding struct {
	ID          int64    `json:"id"`
	Rule        string   `json:"rule"`
	Severity    Severity `json:"severity"`
	SubjectType string   `json:"subject_type"`
	SubjectKey  string   `json:"subject_key"`
	SubjectID   int64    `json:"subject_id"`
	// InstitutionID is 0 when the finding names no known institution.
	InstitutionID   int64             `json:"institution_id"`
	InstitutionCode string            `json:"institution"`
	Message         string            `json:"message"`
	Evidence        map[string]string `json:"evidence"`
	DueOn           Date              `json:"due_on"`
	Status          string            `json:"status"`
	FirstSeen       Date              `json:"first_seen"`
	LastSeen        Date              `json:"last_seen"`
	ResolvedAt      time.Time         `json:"resolved_at,omitzero"`
	// FactsHash identifies the facts behind the finding; a dismissal holds
	// while it is unchanged.
	FactsHash     string    `json:"facts_hash"`
	DismissedBy   string    `json:"dismissed_by,omitempty"`
	DismissReason string    `json:"dismiss_reason,omitempty"`
	DismissedAt   time.Time `json:"dismissed_at,omitzero"`
	Version       int       `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// FindingKey identifies a finding: there is one per rule, subject and institution.
type FindingKey struct {
	Rule          string
	SubjectType   string
	SubjectID     int64
	InstitutionID int64
}

// Key returns the finding's key.
func (f *Finding) Key() FindingKey {
	return FindingKey{f.Rule, f.SubjectType, f.SubjectID, f.InstitutionID}
}

// ScreeningRun records one screening run.
type ScreeningRun struct {
	ID         int64     `json:"id"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"` // zero while running, or if the run failed
	AsOf       Date      `json:"as_of"`
	Kind       string    `json:"kind"` // "full" or "incremental"
	Subjects   int       `json:"subjects"`
	Opened     int       `json:"opened"`
	Resolved   int       `json:"resolved"`
	StillOpen  int       `json:"still_open"`
}
