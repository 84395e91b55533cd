package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"radsup/internal/i18n"
	"radsup/internal/screening"
	"radsup/internal/xlsx"
)

// runRules prints the screening rule catalogue in lang, with the default
// values of the thresholds the rules use.
func runRules(format, lang string, out io.Writer) error {
	var rules []screening.RuleText
	for _, r := range screening.Catalog() {
		rules = append(rules, screening.Describe(lang, r, screening.DefaultThresholds()))
	}
	switch format {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(rules)
	case "csv":
		return writeRulesCSV(out, rules)
	case "table":
		rows := [][]string{{i18n.T(lang, "findings.col.rule"), i18n.T(lang, "findings.col.severity"), i18n.T(lang, "findings.col.subject"),
			i18n.T(lang, "findings.col.name"), i18n.T(lang, "findings.col.basis_short")}}
		for _, r := range rules {
			rows = append(rows, []string{r.ID, screening.SeverityLabel(lang, r.Severity), screening.SubjectLabel(lang, r.Subject), r.Title, r.Basis})
		}
		return writeColumns(out, rows)
	}
	return fmt.Errorf("rules: -format %q: want table, json or csv", format)
}

// writeRulesCSV writes the rules as CSV with a BOM, so that Excel reads
// UTF-8; templates and thresholds are space-separated, a threshold as name=value.
func writeRulesCSV(out io.Writer, rules []screening.RuleText) error {
	w := xlsx.NewCSVWriter(out)
	w.Write([]string{"id", "severity", "subject", "title", "title_en", "basis", "action", "templates", "thresholds"})
	for _, r := range rules {
		var th []string
		for _, name := range slices.Sorted(maps.Keys(r.Thresholds)) {
			th = append(th, name+"="+r.Thresholds[name])
		}
		w.Write([]string{r.ID, string(r.Severity), r.Subject, r.Title, r.TitleEN, r.Basis, r.Action,
			strings.Join(r.Templates, " "), strings.Join(th, " ")})
	}
	return w.Flush()
}
