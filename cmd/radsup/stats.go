package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"radsup/internal/accounts"
	"radsup/internal/config"
	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/i18n"
	"radsup/internal/reports"
	"radsup/internal/stats"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// runStats prints the figures of spec/statistics.md: `stats dose` the
// occupational dose figures of a year, for the district or one
// institution, exactly as the pages show them.
func runStats(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	if len(args) == 1 && args[0] == "register" {
		return runRegister(ctx, cfg, out)
	}
	if len(args) != 1 || args[0] != "dose" {
		return fmt.Errorf("stats: want `stats dose -year Y [-institution CREDIT_CODE]` or `stats register [-as-of D]`")
	}
	year := cfg.Year
	if year == 0 {
		year = time.Now().Year() - 1
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	u := accounts.Console(domain.RoleSupervisor)
	var instID int64
	if cfg.Institution != "" {
		instID, err = exchange.InstitutionByCode(ctx, s, u, cfg.Institution)
		if errors.Is(err, store.ErrNotFound) {
			return noInstitution(cfg.Institution)
		}
		if err != nil {
			return err
		}
	}
	rep, err := (&reports.Service{Store: s}).Dose(ctx, u, year, instID)
	if err != nil {
		return userError(cfg.Lang, err)
	}
	return printDose(out, cfg.Format, cfg.Lang, rep)
}

// doseRow is one line of the dose figures: a category's or all's.
func doseRow(lang string, f stats.DoseFigures) []string {
	var row []string
	for _, c := range reports.DoseRow(lang, f) {
		row = append(row, c.Text)
	}
	return row
}

// doseHeader names the columns of doseRow.
func doseHeader(lang string) []string { return reports.DoseHeader(lang) }

func printDose(out io.Writer, format, lang string, rep *stats.DoseReport) error {
	switch format {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(rep)
	case "csv", "table":
		rows := [][]string{doseHeader(lang)}
		for _, c := range rep.Categories {
			rows = append(rows, doseRow(lang, c))
		}
		rows = append(rows, doseRow(lang, rep.All))
		if format == "table" {
			fmt.Fprintln(out, i18n.T(lang, "stats.dose.head", rep.Year))
			return writeColumns(out, rows)
		}
		w := xlsx.NewCSVWriter(out)
		for _, r := range rows {
			w.Write(r)
		}
		return w.Flush()
	}
	return fmt.Errorf("stats: -format %q: want table, json or csv", format)
}

// runRegister prints the register counts as of -as-of (default today).
func runRegister(ctx context.Context, cfg config.Config, out io.Writer) error {
	asOf, err := screenDate(cfg.AsOf)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := (&reports.Service{Store: s}).Register(ctx, accounts.Console(domain.RoleSupervisor), asOf)
	if err != nil {
		return userError(cfg.Lang, err)
	}
	if cfg.Format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	if cfg.Format != "table" && cfg.Format != "csv" {
		return fmt.Errorf("stats: -format %q: want table, json or csv", cfg.Format)
	}
	// One line a figure: section, group, key, count.
	rows := [][]string{{i18n.T(cfg.Lang, "stats.col.section"), i18n.T(cfg.Lang, "stats.col.group"), i18n.T(cfg.Lang, "stats.col.key"),
		i18n.T(cfg.Lang, "stats.col.n")}}
	add := func(section, group string, cs []stats.Count) {
		for _, c := range cs {
			rows = append(rows, []string{section, group, c.Key, strconv.Itoa(c.N)})
		}
	}
	one := func(section, key string, n int) { rows = append(rows, []string{section, "", key, strconv.Itoa(n)}) }
	in, w, e, f := r.Institutions, r.Workers, r.Equipment, r.Findings
	one("institutions", "total", in.Total)
	add("institutions", "status", in.ByStatus)
	add("institutions", "kind", in.ByKind)
	add("institutions", "street", in.ByStreet)
	add("institutions", "category", in.ByCategory)
	one("workers", "total", w.Total)
	one("workers", "permit", w.Permit)
	one("workers", "trained", w.Trained)
	one("workers", "examined", w.Examined)
	add("workers", "occupation", w.ByOccupation)
	add("workers", "kind", w.ByKind)
	add("workers", "street", w.ByStreet)
	one("equipment", "in_use", e.InUse)
	one("equipment", "status_tested", e.StatusTested)
	one("equipment", "protection_tested", e.ProtectionTested)
	add("equipment", "type", e.ByType)
	add("equipment", "category", e.ByCategory)
	one("findings", "open", f.Open)
	add("findings", "rule", f.ByRule)
	add("findings", "severity", f.BySeverity)
	add("findings", "street", f.ByStreet)
	add("findings", "kind", f.ByKind)
	if cfg.Format == "csv" {
		cw := xlsx.NewCSVWriter(out)
		for _, row := range rows {
			cw.Write(row)
		}
		return cw.Flush()
	}
	fmt.Fprintln(out, i18n.T(cfg.Lang, "stats.register.head", r.AsOf))
	return writeColumns(out, rows)
}
