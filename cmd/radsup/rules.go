package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"radsup/internal/screening"
)

// ruleJSON is how `radsup rules -format json` prints a rule.
type ruleJSON struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Subject  string `json:"subject"`
	Title    string `json:"title"`
	TitleEN  string `json:"title_en"`
	Basis    string `json:"basis"`
	Action   string `json:"action"`
}

// runRules prints the screening rule catalogue.
func runRules(format string, out io.Writer) error {
	rules := screening.Catalog()
	switch format {
	case "json":
		list := make([]ruleJSON, len(rules))
		for i, r := range rules {
			list[i] = ruleJSON{r.ID, string(r.Severity), r.Subject, r.TitleZH, r.TitleEN, r.Basis, r.Action}
		}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	case "table":
		tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "规则编号\t级别\t对象\t名称\t依据")
		for _, r := range rules {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity.Label(), subjectLabel(r.Subject), r.TitleZH, r.Basis)
		}
		return tw.Flush()
	}
	return fmt.Errorf("rules: -format %q: want table or json", format)
}

func subjectLabel(s string) string {
	switch s {
	case screening.SubjectInstitution:
		return "机构"
	case screening.SubjectEquipment:
		return "设备"
	case screening.SubjectPerson:
		return "人员"
	}
	return s
}
