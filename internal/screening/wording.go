package screening

import (
	"maps"
	"slices"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/i18n"
)

// The words of rules and findings live in the i18n catalogue (area
// locales/rules): each rule's title, basis, action and fact templates under
// its ID, and the shared parts below. The functions of this file are the
// one place that turns a finding into a sentence; the pages, the API, the
// CLI and the exports call them with the reader's language.

// enums are the evidence keys whose values are keys of a domain
// enumeration, shown by the enumeration's label in the reader's language.
var enums = map[string]*domain.Enum{
	"type":           domain.EquipmentTypes,
	"equipment_type": domain.EquipmentTypes,
	"category":       domain.Categories,
	"test_kind":      domain.TestKinds,
	"result":         domain.Results,
	"exam_kind":      domain.ExamKinds,
	"training_kind":  domain.TrainingKinds,
	"conclusion":     domain.Conclusions,
	"gender":         domain.Genders,
	"occupation":     domain.Occupations,
	"item":           domain.LicenceItems,
}

// Title returns the title of rule id in lang; given a finding's template
// ("ID/variant") it is the variant's own title where it has one (a test
// never made is missing, not overdue).
func Title(lang, id string) string {
	rule, variant, _ := strings.Cut(id, "/")
	key := Rule{ID: rule}.TitleKey()
	if variant != "" && i18n.Has(key+"."+variant) {
		return i18n.T(lang, key+"."+variant)
	}
	return i18n.T(lang, key)
}

// Basis returns the legal basis of rule id in lang.
func Basis(lang, id string) string { return i18n.T(lang, Rule{ID: id}.BasisKey()) }

// Action returns what rule id asks the institution to do, in lang.
func Action(lang, id string) string { return i18n.T(lang, Rule{ID: id}.ActionKey()) }

// SeverityLabel names a severity in lang (违法, Violation …).
func SeverityLabel(lang string, s Severity) string { return i18n.T(lang, "severity."+string(s)) }

// StatusLabel names a finding status in lang (待整改, Open …; "all" too).
func StatusLabel(lang, status string) string { return i18n.T(lang, "finding_status."+status) }

// SubjectLabel names a subject type in lang (机构, Equipment …).
func SubjectLabel(lang, subjectType string) string { return i18n.T(lang, "subject."+subjectType) }

// Message renders a finding in lang from its template, evidence and due
// date: the facts the template states, then for a violation the basis it
// breaks, for a warning the basis and the action, for a notice the action
// (by the due date, if the notice announces a deadline). It says nothing
// the evidence does not.
func Message(lang, template string, ev domain.Evidence, due domain.Date) string {
	r, ok := ruleIndex[TemplateRule(template)]
	if !ok {
		return template // a rule no longer in the catalogue: name it at least
	}
	facts := strings.ReplaceAll(i18n.T(lang, FactKey(template)), "{subject}", i18n.T(lang, "rule.subject."+r.Subject))
	tail := map[string]string{
		"facts": expand(facts, args(lang, r.ID, ev)), "basis": Basis(lang, r.ID), "action": Action(lang, r.ID),
		"due_on": due.String(),
	}
	key := "rule.tail." + string(r.Severity)
	if r.Severity == Notice && r.Deadline && !due.IsZero() {
		key = "rule.tail.notice_due"
	}
	return expand(i18n.T(lang, key), tail)
}

// Detail is one fact of a finding as a page shows it: a label and a value
// in the reader's language.
type Detail struct {
	Key, Label, Value string
}

// Details returns the facts of a finding's evidence in lang, by key.
func Details(lang, template string, ev domain.Evidence) []Detail {
	id := TemplateRule(template)
	out := make([]Detail, 0, len(ev))
	for _, k := range slices.Sorted(maps.Keys(ev)) {
		out = append(out, Detail{Key: k, Label: evidenceLabel(lang, k), Value: FactText(lang, id, k, ev[k])})
	}
	return out
}

func evidenceLabel(lang, key string) string {
	if year, ok := strings.CutPrefix(key, "sum_"); ok {
		return i18n.T(lang, "evidence.sum_year", year) // evidence of findings stored before lists existed
	}
	if i18n.Has("evidence." + key) {
		return i18n.T(lang, "evidence."+key)
	}
	return key
}

// FactText renders one fact of rule ruleID's evidence in lang: an
// enumeration key by its label, a list item by item with the catalogue's
// item template and separator ("none" when empty), anything else as it is.
func FactText(lang, ruleID, key string, f domain.Fact) string {
	if !f.IsList() {
		return value(lang, key, f.Value)
	}
	if len(f.List) == 0 {
		return i18n.T(lang, "rule.list.none")
	}
	tmpl := i18n.T(lang, "rule.item."+key)
	if k := "rule." + ruleID + ".item." + key; i18n.Has(k) {
		tmpl = i18n.T(lang, k)
	}
	sep := i18n.T(lang, "rule.sep")
	if k := "rule.sep." + key; i18n.Has(k) {
		sep = i18n.T(lang, k)
	}
	parts := make([]string, len(f.List))
	for i, item := range f.List {
		vals := make(map[string]string, len(item)+1)
		for k, v := range item {
			vals[k] = value(lang, k, v)
		}
		derive(lang, vals)
		parts[i] = expand(tmpl, vals)
	}
	return strings.Join(parts, sep)
}

// value renders a single value: an enumeration key by its label in lang;
// anything else, including text that is not a key (a free-text exam
// conclusion, or a label stored by an earlier version), as it is.
func value(lang, key, v string) string {
	e, ok := enums[key]
	if !ok {
		return v
	}
	o, ok := e.Option(v)
	if !ok {
		// A code in another letter case, or a label an earlier version
		// stored: still shown by the label of the reader's language.
		o, ok = optionOf(e, v)
		if !ok {
			return v
		}
	}
	switch {
	case lang == "en":
		return o.EN
	}
	return o.ZH
}

// optionOf finds the option v names other than by its exact key: its
// Chinese label as written, or anything Enum.Lookup reads (the key in
// another case, the English label, a short name).
func optionOf(e *domain.Enum, v string) (domain.Option, bool) {
	for _, o := range e.Options {
		if o.ZH == v {
			return o, true
		}
	}
	if k, found := e.Lookup(v); found {
		return e.Option(k)
	}
	return domain.Option{}, false
}

// args are the values a fact template expands: every fact of the evidence
// in lang, and the values derived from them.
func args(lang, ruleID string, ev domain.Evidence) map[string]string {
	out := make(map[string]string, len(ev)+2)
	for k, f := range ev {
		out[k] = FactText(lang, ruleID, k, f)
	}
	derive(lang, out)
	return out
}

// derive adds the values templates use that the evidence may hold only
// indirectly: a device named by its type when it has no name of its own,
// an institution the loader did not know named by its id, and the year
// sums of findings stored before lists existed (then "years_summary").
func derive(lang string, vals map[string]string) {
	if _, ok := vals["equipment"]; !ok {
		if t, ok := vals["type"]; ok {
			vals["equipment"] = cutShort(t)
		}
	}
	if _, ok := vals["institution_name"]; !ok {
		if id, ok := vals["institution_id"]; ok {
			vals["institution_name"] = expand(i18n.T(lang, "rule.institution_id"), map[string]string{"institution_id": id})
		}
	}
	if _, ok := vals["year_sums"]; !ok {
		if s, ok := vals["years_summary"]; ok {
			vals["year_sums"] = s
		}
	}
}

// expand replaces each {key} of tmpl by vals[key]; an unknown key is left as
// is so that a test can spot it.
func expand(tmpl string, vals map[string]string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			break
		}
		b.WriteString(tmpl[:i])
		if v, ok := vals[tmpl[i+1:i+j]]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(tmpl[i : i+j+1])
		}
		tmpl = tmpl[i+j+1:]
	}
	b.WriteString(tmpl)
	return b.String()
}

// RuleText is a rule with its wording in one language and the values of its
// thresholds, as `radsup rules -format json` and GET /api/v1/rules show it.
type RuleText struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Subject  string   `json:"subject"`
	Title    string   `json:"title"`
	// TitleEN is the English title whatever the language, as before
	// the other fields followed the reader's language.
	TitleEN    string            `json:"title_en"`
	Basis      string            `json:"basis"`
	Action     string            `json:"action"`
	Templates  []string          `json:"templates"`
	Thresholds map[string]string `json:"thresholds"`
}

// Describe returns rule r in lang with the values th gives its thresholds.
func Describe(lang string, r Rule, th Thresholds) RuleText {
	values := th.Values()
	used := make(map[string]string, len(r.Thresholds))
	for _, name := range r.Thresholds {
		used[name] = values[name]
	}
	return RuleText{ID: r.ID, Severity: r.Severity, Subject: r.Subject, Title: Title(lang, r.ID), TitleEN: Title("en", r.ID),
		Basis: Basis(lang, r.ID), Action: Action(lang, r.ID), Templates: r.Templates(), Thresholds: used}
}
