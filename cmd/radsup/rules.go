package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"

	"radsup/internal/i18n"
	"radsup/internal/screening"
)

// runRules prints the screening rule catalogue.
func runRules(format string, out io.Writer) error {
	rules := screening.Catalog()
	switch format {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rules)
	case "csv":
		out.Write([]byte("\ufeff")) // a BOM, so that Excel reads UTF-8
		w := csv.NewWriter(out)
		w.Write([]string{"id", "severity", "subject", "title", "title_en", "basis", "action"})
		for _, r := range rules {
			w.Write([]string{r.ID, string(r.Severity), r.Subject, r.TitleZH, r.TitleEN, r.Basis, r.Action})
		}
		w.Flush()
		return w.Error()
	case "table":
		rows := [][]string{{"规则编号", "级别", "对象", "名称", "依据"}}
		for _, r := range rules {
			rows = append(rows, []string{r.ID, i18n.T(i18n.Default, "severity."+string(r.Severity)), subjectLabel(r.Subject), r.TitleZH, r.Basis})
		}
		return writeColumns(out, rows)
	}
	return fmt.Errorf("rules: -format %q: want table, json or csv", format)
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
