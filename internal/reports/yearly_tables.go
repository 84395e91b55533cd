package reports

import (
	"fmt"
	"io"
	"strconv"

	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/screening"
	"radsup/internal/stats"
	"radsup/internal/xlsx"
)

// Cell is one cell of a report table: the text shown, and the number a
// workbook stores (nil for text).
type Cell struct {
	Text  string
	Value any // int or float64; nil for text
}

// Table is one table of the yearly report in the reader's language. The
// same tables make the workbook's sheets and the printed page, so both
// show the same figures.
type Table struct {
	ID     string
	Title  string
	Header []string
	Num    []bool // right-aligned number columns
	Rows   [][]Cell
}

func text(s string) Cell { return Cell{Text: s} }
func num(n int) Cell     { return Cell{Text: strconv.Itoa(n), Value: n} }
func dec(f float64, places int) Cell {
	return Cell{Text: strconv.FormatFloat(f, 'f', places, 64), Value: f}
}

// percent is a share (0–1) as a percentage with one decimal; "—" when the
// whole is 0.
func percent(part, whole int) Cell {
	if whole == 0 {
		return text("—")
	}
	s := stats.Share(part, whole)
	return Cell{Text: strconv.FormatFloat(s*100, 'f', 1, 64) + "%", Value: s}
}

func optionLabel(lang string, e *domain.Enum, key string) string {
	if key == "" {
		return i18n.T(lang, "overview.none")
	}
	if o, ok := e.Option(key); ok {
		if lang == "en" {
			return o.EN
		}
		return o.ZH
	}
	return key
}

// YearlyTables lays the yearly report out as tables in lang: institutions,
// equipment, workers, doses (when present), findings and enforcement.
func YearlyTables(y *stats.Yearly, lang string) []Table {
	t := func(k string, args ...any) string { return i18n.T(lang, "yearly."+k, args...) }
	groupHeader := []string{t("col.group"), t("col.item"), t("col.n"), t("col.share")}
	groupNum := []bool{false, false, true, true}
	groups := func(tb *Table, group string, cs []stats.Count, e *domain.Enum, whole int) {
		for _, c := range cs {
			tb.Rows = append(tb.Rows, []Cell{text(group), text(optionLabel(lang, e, c.Key)), num(c.N), percent(c.N, whole)})
		}
	}
	r := y.Register
	in := Table{ID: "institutions", Title: t("institutions", y.AsOf), Header: groupHeader, Num: groupNum}
	in.Rows = append(in.Rows, []Cell{text(t("total")), text(""), num(r.Institutions.Total), percent(r.Institutions.Total, r.Institutions.Total)})
	groups(&in, t("by_status"), r.Institutions.ByStatus, domain.InstitutionStatuses, r.Institutions.Total)
	groups(&in, t("by_kind"), r.Institutions.ByKind, domain.InstitutionKinds, r.Institutions.Total)
	groups(&in, t("by_street"), r.Institutions.ByStreet, domain.Streets[domain.DefaultDivision], r.Institutions.Total)
	groups(&in, t("by_category"), r.Institutions.ByCategory, domain.Categories, r.Institutions.Total)

	e := r.Equipment
	eq := Table{ID: "equipment", Title: t("equipment", y.AsOf), Header: groupHeader, Num: groupNum}
	eq.Rows = append(eq.Rows, []Cell{text(t("in_use")), text(""), num(e.InUse), percent(e.InUse, e.InUse)},
		[]Cell{text(t("status_tested")), text(""), num(e.StatusTested), percent(e.StatusTested, e.InUse)},
		[]Cell{text(t("protection_tested")), text(""), num(e.ProtectionTested), percent(e.ProtectionTested, e.InUse)})
	groups(&eq, t("by_type"), e.ByType, domain.EquipmentTypes, e.InUse)
	groups(&eq, t("by_eq_category"), e.ByCategory, domain.Categories, e.InUse)

	w := r.Workers
	wk := Table{ID: "workers", Title: t("workers", y.AsOf), Header: groupHeader, Num: groupNum}
	wk.Rows = append(wk.Rows, []Cell{text(t("active")), text(""), num(w.Total), percent(w.Total, w.Total)},
		[]Cell{text(t("permit")), text(""), num(w.Permit), percent(w.Permit, w.Total)},
		[]Cell{text(t("trained")), text(""), num(w.Trained), percent(w.Trained, w.Total)},
		[]Cell{text(t("examined")), text(""), num(w.Examined), percent(w.Examined, w.Total)})
	groups(&wk, t("by_occupation"), w.ByOccupation, domain.Occupations, w.Total)

	out := []Table{in, eq, wk}
	if y.Dose != nil {
		out = append(out, doseTable(y, lang))
	}
	return append(out, findingsTable(y, lang), enforcementTable(y, lang))
}

// DoseHeader names the columns of DoseRow.
func DoseHeader(lang string) []string {
	var h []string
	for _, k := range []string{"category", "monitored", "collective", "mean", "zero", "0-1", "1-5", "5-10", "10-20", "20-50", "50+", "above", "lost_only"} {
		h = append(h, i18n.T(lang, "stats.col."+k))
	}
	return h
}

// DoseRow is one line of the dose figures, a category's or all's:
// collective dose with 4 decimals, mean dose with 3 (spec/statistics.md).
func DoseRow(lang string, f stats.DoseFigures) []Cell {
	cat := f.Category
	switch cat {
	case "":
		cat = i18n.T(lang, "stats.all")
	case stats.Unknown:
		cat = i18n.T(lang, "stats.unknown")
	}
	b := f.Bands
	return []Cell{text(cat), num(f.Monitored), dec(f.CollectiveDose, 4), dec(f.MeanDose, 3),
		num(b.Zero), num(b.To1), num(b.To5), num(b.To10), num(b.To20), num(b.To50), num(b.Above50), num(f.AboveInvestigation), num(f.LostOnly)}
}

func doseTable(y *stats.Yearly, lang string) Table {
	tb := Table{ID: "doses", Title: i18n.T(lang, "stats.dose.head", y.Year), Header: DoseHeader(lang)}
	tb.Num = make([]bool, len(tb.Header))
	for i := 1; i < len(tb.Num); i++ {
		tb.Num[i] = true
	}
	for _, c := range y.Dose.Categories {
		tb.Rows = append(tb.Rows, DoseRow(lang, c))
	}
	tb.Rows = append(tb.Rows, DoseRow(lang, y.Dose.All))
	return tb
}

func findingsTable(y *stats.Yearly, lang string) Table {
	t := func(k string, args ...any) string { return i18n.T(lang, "yearly."+k, args...) }
	tb := Table{ID: "findings", Title: t("findings", y.Year),
		Header: []string{t("col.rule"), t("col.rule_title"), t("col.severity"), t("col.opened"), t("col.resolved"), t("col.dismissed"), t("col.open_at_end")},
		Num:    []bool{false, false, false, true, true, true, true}}
	row := func(rule, title, sev string, f stats.FindingFlow) []Cell {
		return []Cell{text(rule), text(title), text(sev), num(f.Opened), num(f.Resolved), num(f.Dismissed), num(f.OpenAtEnd)}
	}
	for _, f := range y.Findings {
		tb.Rows = append(tb.Rows, row(f.Rule, screening.Title(lang, f.Rule), screening.SeverityLabel(lang, domain.Severity(f.Severity)), f))
	}
	tb.Rows = append(tb.Rows, row(t("total"), "", "", y.FindingsAll))
	return tb
}

func enforcementTable(y *stats.Yearly, lang string) Table {
	t := func(k string, args ...any) string { return i18n.T(lang, "yearly."+k, args...) }
	e := y.Enforcement
	tb := Table{ID: "enforcement", Title: t("enforcement", y.Year),
		Header: []string{t("col.group"), t("col.item"), t("col.n")}, Num: []bool{false, false, true}}
	one := func(k string, n int) { tb.Rows = append(tb.Rows, []Cell{text(t(k)), text(""), num(n)}) }
	groups := func(group string, cs []stats.Count, en *domain.Enum, none string) {
		for _, c := range cs {
			l := optionLabel(lang, en, c.Key)
			if c.Key == "" {
				l = none
			}
			tb.Rows = append(tb.Rows, []Cell{text(group), text(l), num(c.N)})
		}
	}
	one("plans", e.Plans)
	groups(t("by_plan_type"), e.PlansByType, domain.PlanTypes, "")
	one("drawn", e.Drawn)
	one("units", e.Units)
	one("units_inspected", e.UnitsInspected)
	one("inspections", e.Inspections)
	one("signed", e.Signed)
	groups(t("by_inspection_type"), e.ByType, domain.PlanTypes, "")
	groups(t("by_outcome"), e.ByOutcome, domain.InspectionOutcomes, t("pending"))
	return tb
}

// WriteYearlyXLSX writes the tables as a workbook, one sheet per table
// named by its title's short name, with the header row in lang.
func WriteYearlyXLSX(w io.Writer, tables []Table, lang string) error {
	x := xlsx.NewWriter(w)
	for _, tb := range tables {
		if err := x.Table(i18n.T(lang, "yearly.sheet."+tb.ID), tb.Header); err != nil {
			return fmt.Errorf("yearly workbook: %w", err)
		}
		for _, r := range tb.Rows {
			vals := make([]any, len(r))
			for i, c := range r {
				vals[i] = c.Value
				if c.Value == nil {
					vals[i] = c.Text
				}
			}
			if err := x.Values(vals); err != nil {
				return fmt.Errorf("yearly workbook: %w", err)
			}
		}
	}
	return x.Close()
}
