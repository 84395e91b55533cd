package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"radsup/internal/accounts"
	"radsup/internal/config"
	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/reports"
)

// runReport writes the yearly district report of -year (default last
// year) as a workbook, one sheet per table, to -o (default
// yearly-YEAR.xlsx).
func runReport(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	if len(args) != 0 {
		return fmt.Errorf("report: want `report -year Y -o FILE.xlsx`")
	}
	year := cfg.Year
	if year == 0 {
		year = time.Now().Year() - 1
	}
	path := cfg.Output
	if path == "" {
		path = fmt.Sprintf("yearly-%d.xlsx", year)
	}
	if !strings.EqualFold(filepath.Ext(path), ".xlsx") {
		return fmt.Errorf("report: -o %q: want a .xlsx file", path)
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	y, err := (&reports.Service{Store: s}).Yearly(ctx, accounts.Console(domain.RoleSupervisor), year)
	if err != nil {
		return userError(cfg.Lang, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := reports.WriteYearlyXLSX(f, reports.YearlyTables(y, cfg.Lang), cfg.Lang); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintln(out, i18n.T(cfg.Lang, "yearly.wrote", path))
	return nil
}
