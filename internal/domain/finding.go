package domain

import (
	"encoding/json"
	"maps"
	"slices"
	"time"
)

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
	InstitutionID   int64  `json:"institution_id"`
	InstitutionCode string `json:"institution"`
	// Template names the wording of the finding's facts: the rule ID, or
	// "ID/variant" for a rule with variants. With Evidence and DueOn it is
	// what the edge renders the finding's message from.
	Template   string    `json:"template"`
	Evidence   Evidence  `json:"evidence"`
	DueOn      Date      `json:"due_on"`
	Status     string    `json:"status"`
	FirstSeen  Date      `json:"first_seen"`
	LastSeen   Date      `json:"last_seen"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
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

// Evidence is what a finding rests on: its facts by key, in no language. A
// fact is a date (2006-01-02), a number, a dose in mSv with three decimals,
// a name, an enumeration key (equipment type "ct", test kind "status"), or
// a list of items made of such values (dose periods, devices in use). The
// pages, the API and the CLI render it in the reader's language. In JSON a
// fact is a string, or an array of objects for a list.
type Evidence map[string]Fact

// Fact is one fact of a finding's evidence: a single value, or a list of
// items when List is not nil (an empty list is an empty, non-nil slice).
type Fact struct {
	Value string
	List  []Item
}

// Item is one element of a listed fact: its values by key.
type Item map[string]string

// ListFact returns the fact listing items; no items make an empty list.
func ListFact(items []Item) Fact {
	if items == nil {
		items = []Item{}
	}
	return Fact{List: items}
}

// IsList reports whether the fact is a list.
func (f Fact) IsList() bool { return f.List != nil }

// Equal reports whether two facts hold the same value or the same items.
func (f Fact) Equal(g Fact) bool {
	if f.IsList() != g.IsList() {
		return false
	}
	return f.Value == g.Value && slices.EqualFunc(f.List, g.List, func(a, b Item) bool { return maps.Equal(a, b) })
}

// MarshalJSON writes a value as a string and a list as an array of objects.
func (f Fact) MarshalJSON() ([]byte, error) {
	if f.IsList() {
		return json.Marshal(f.List)
	}
	return json.Marshal(f.Value)
}

// UnmarshalJSON reads a string or an array of objects.
func (f *Fact) UnmarshalJSON(b []byte) error {
	*f = Fact{}
	if len(b) > 0 && b[0] == '[' {
		var items []Item
		if err := json.Unmarshal(b, &items); err != nil {
			return err
		}
		*f = ListFact(items)
		return nil
	}
	return json.Unmarshal(b, &f.Value)
}

// Value returns the single value of the fact key ("" if there is none).
func (e Evidence) Value(key string) string { return e[key].Value }

// Equal reports whether two pieces of evidence hold the same facts.
func (e Evidence) Equal(o Evidence) bool {
	return maps.EqualFunc(e, o, Fact.Equal)
}
