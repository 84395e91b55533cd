package findings

import (
	"maps"
	"slices"
	"strings"

	"radsup/internal/i18n"
	"radsup/internal/screening"
)

// Findings stored before they named their template (migration 0007) hold
// evidence with Chinese labels and lists written out as text, and a facts
// hash over that evidence, marked with legacyPrefix by the migration. To
// keep a dismissal on unchanged facts, such a hash is compared with the old
// formula over the Chinese text of today's evidence. A finding is stored
// with a new hash whenever it fires again, so this file can go once no
// stored hash starts with legacyPrefix.

// legacyPrefix marks a facts hash of the old formula.
const legacyPrefix = "v1:"

// sameFacts reports whether a stored facts hash, of either formula, is
// that of the finding f, whose hash is hash.
func sameFacts(stored, hash string, f screening.Finding) bool {
	if stored == hash {
		return true
	}
	return strings.HasPrefix(stored, legacyPrefix) && stored == legacyPrefix+legacyHash(f)
}

// legacyHash is the facts hash of f as computed before 0007.
func legacyHash(f screening.Finding) string {
	ev := legacyEvidence(f)
	if g, ok := ev["gaps"]; ok {
		for _, k := range []string{"window_from", "window_to"} {
			if d := ev[k]; d != "" {
				g = strings.ReplaceAll(g, d, "…")
			}
		}
		ev["gaps"] = g
	}
	for _, k := range append(namingKeys, dateKeys...) {
		delete(ev, k)
	}
	return hashOf(f, ev)
}

// legacyEvidence writes f's evidence as it was stored before 0007: each
// fact as its Chinese text, except the equipment type (a key then too);
// the year sums as the list of years, a summary and a sum per year.
func legacyEvidence(f screening.Finding) map[string]string {
	const lang = i18n.Default
	ev := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(f.Evidence)) {
		fact := f.Evidence[k]
		switch k {
		case "type":
			ev[k] = fact.Value
		case "year_sums":
			var years []string
			for _, it := range fact.List {
				years = append(years, it["year"])
				ev["sum_"+it["year"]] = it["sum"]
			}
			ev["years"] = strings.Join(years, i18n.T(lang, "rule.sep"))
			ev["years_summary"] = screening.FactText(lang, f.Rule, k, fact)
		default:
			ev[k] = screening.FactText(lang, f.Rule, k, fact)
		}
	}
	return ev
}
