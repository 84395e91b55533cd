package screening

import (
	"slices"
	"strings"

	"radsup/internal/domain"
)

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

// Rule is one row of the catalogue: what a rule is, apart from its words.
// Its wording (title, legal basis, action and the templates stating the
// facts of a finding, in each language) is in the i18n catalogue under the
// keys the row names by its ID (TitleKey, BasisKey, ActionKey, FactKey).
type Rule struct {
	// ID is the contract identifier copied verbatim from spec/rules.md.
	ID       string
	Severity Severity
	// Subject is SubjectInstitution, SubjectEquipment or SubjectPerson.
	Subject string
	// Variants name the rule's fact templates when it has more than one
	// ("none", "stale"): a finding's template is then "ID/variant".
	Variants []string
	// Thresholds name the configurable numbers the rule uses (the names of
	// Thresholds.Values).
	Thresholds []string
	// Deadline marks a notice that announces a deadline: its findings are
	// due on it, and their message asks for the action by then. Other
	// findings are due a rectification period after they are first seen,
	// which their message does not state.
	Deadline bool
	// Health marks a rule whose findings derive from health exams or
	// personal doses: health data, hidden from who may not read it.
	Health bool
}

func (r Rule) clone() Rule {
	r.Variants, r.Thresholds = slices.Clone(r.Variants), slices.Clone(r.Thresholds)
	return r
}

// TitleKey is the catalogue key of the rule's title.
func (r Rule) TitleKey() string { return "rule." + r.ID + ".title" }

// BasisKey is the catalogue key of the rule's legal basis: the provision
// breached and, where there is one, the penalty article. A notice's basis
// says it is a reminder.
func (r Rule) BasisKey() string { return "rule." + r.ID + ".basis" }

// ActionKey is the catalogue key of what the institution must do.
func (r Rule) ActionKey() string { return "rule." + r.ID + ".action" }

// Templates returns the rule's template names: its ID, or "ID/variant"
// for each variant.
func (r Rule) Templates() []string {
	if len(r.Variants) == 0 {
		return []string{r.ID}
	}
	out := make([]string, len(r.Variants))
	for i, v := range r.Variants {
		out[i] = r.ID + "/" + v
	}
	return out
}

// FactKey is the catalogue key of a template's statement of the facts:
// "rule.ID.fact", or "rule.ID.fact.variant".
func FactKey(template string) string {
	id, variant, ok := strings.Cut(template, "/")
	if !ok {
		return "rule." + id + ".fact"
	}
	return "rule." + id + ".fact." + variant
}

// TemplateRule returns the rule ID of a template name.
func TemplateRule(template string) string {
	id, _, _ := strings.Cut(template, "/")
	return id
}

// Finding is one rule firing for one subject at one institution. It holds
// no sentence: Message renders it in a language from its template, its
// evidence and its due date.
type Finding struct {
	Rule     string
	Severity Severity
	// Template names the wording of the facts: the rule's ID, or
	// "ID/variant" for a rule with variants.
	Template string
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
	// Evidence holds the facts the rule used and the names of the subject
	// and institution, in no language (see domain.Evidence).
	Evidence domain.Evidence
	// DueOn is the deadline a notice announces; zero for other findings
	// (the finding store sets first seen + the rectification period).
	DueOn domain.Date
}
