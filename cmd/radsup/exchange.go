package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"radsup/internal/domain"
	"radsup/internal/i18n"

	"radsup/internal/config"
	"radsup/internal/exchange"
	"radsup/internal/findings"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// invalidImport makes `radsup import` exit 1 after printing its report; it
// reads in the report's language.
type invalidImport struct{ lang string }

func (e invalidImport) Error() string { return i18n.T(e.lang, "import.cli.invalid") }

// runImport imports the files all or nothing and prints the report.
func runImport(ctx context.Context, cfg config.Config, files []string, stdout, stderr io.Writer) error {
	if len(files) == 0 {
		return fmt.Errorf("import: name one or more .xlsx or .csv files")
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	u, actor, err := exchange.CommandUser(ctx, s, cfg.User)
	if err != nil {
		return err
	}
	total := 0
	for _, f := range files {
		total += xlsx.RowCount(f)
	}
	if !cfg.DryRun {
		// SQLite has one writer: a long import beside a running server would
		// make the server's writes fail. Through the server's import page it
		// takes its turn instead.
		if served, err := s.Served(); err != nil {
			return err
		} else if served {
			return errors.New(i18n.T(cfg.Lang, "cli.import.served"))
		}
	}
	bar := newProgress(stderr, total, cfg.Lang)
	im := &exchange.Importer{Store: s, Findings: &findings.Service{Store: s}, Progress: bar.update}
	start := time.Now()
	rep, err := im.Import(ctx, actor, u, files, exchange.Options{DryRun: cfg.DryRun, Kind: cfg.Kind})
	bar.done()
	switch {
	case errors.Is(err, xlsx.ErrUnsafe):
		return fmt.Errorf("%s (%w)", i18n.T(cfg.Lang, "import.unsafe"), err)
	case errors.Is(err, xlsx.ErrFormat):
		return fmt.Errorf("%s (%w)", i18n.T(cfg.Lang, "import.bad_type"), err)
	case errors.Is(err, xlsx.ErrDamaged):
		return fmt.Errorf("%s (%w)", i18n.T(cfg.Lang, "import.damaged"), err)
	case err != nil:
		return err
	}
	printReport(stdout, rep, time.Since(start), cfg.Lang)
	if !rep.OK() {
		return invalidImport{cfg.Lang}
	}
	return nil
}

// printReport prints the problems (errors, then warnings) and the counts in lang.
func printReport(w io.Writer, rep *exchange.Report, took time.Duration, lang string) {
	if n := rep.Errors(); n > 0 {
		fmt.Fprintln(w, i18n.T(lang, "import.cli.has_errors", n))
	}
	var rows [][]string
	for _, p := range rep.Problems {
		level := i18n.T(lang, "import.error")
		if p.Warning {
			level = i18n.T(lang, "import.warning")
		}
		row := ""
		if p.Row > 0 {
			row = i18n.T(lang, "import.cli.row", p.Row)
		}
		rows = append(rows, []string{level, p.Sheet, row, p.Col.Render(lang), p.Value, p.Text(lang)})
	}
	if len(rows) > 0 {
		var head []string
		for _, key := range []string{"level", "sheet", "row", "column", "value", "message"} {
			head = append(head, i18n.T(lang, "import."+key))
		}
		writeColumns(w, append([][]string{head}, rows...))
	}
	if rep.Truncated {
		fmt.Fprintln(w, i18n.T(lang, "import.cli.truncated"))
	}
	for _, c := range rep.Counts {
		fmt.Fprintln(w, i18n.T(lang, "import.cli.count", c.Sheet, c.Rows, c.Created, c.Updated, c.Unchanged))
	}
	took = took.Round(time.Millisecond)
	switch {
	case !rep.OK():
	case rep.DryRun:
		fmt.Fprintln(w, i18n.T(lang, "import.cli.dry_run", took))
	case rep.Held > 0:
		fmt.Fprintln(w, i18n.T(lang, "import.held.cli", rep.Held, took))
	case rep.Changed() == 0:
		fmt.Fprintln(w, i18n.T(lang, "import.cli.no_change", took))
	default:
		fmt.Fprintln(w, i18n.T(lang, "import.cli.done", rep.Changed(), took))
	}
}

// runExport writes a kind's records (or the findings) to an .xlsx or .csv file.
func runExport(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("export: unexpected arguments %q", args)
	}
	if cfg.Kind == "" {
		return fmt.Errorf("export: -kind is required (institutions, licences, licence_acts, people, employments, trainings, exams, doses, equipment, tests, findings)")
	}
	out := cfg.Output
	if out == "" {
		out = cfg.Kind + "-" + time.Now().Format("20060102") + ".xlsx"
	}
	format := exchange.XLSX
	if strings.EqualFold(filepath.Ext(out), ".csv") {
		format = exchange.CSV
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	u, actor, err := exchange.CommandUser(ctx, s, cfg.User)
	if err != nil {
		return err
	}
	if u == nil {
		u = &domain.User{Username: "cli", Role: domain.RoleSupervisor}
	}
	filter := store.Filter{Values: map[string]string{}}
	ff := store.FindingFilter{}
	if cfg.Institution != "" {
		id, err := exchange.InstitutionByCode(ctx, s, u, cfg.Institution)
		if errors.Is(err, store.ErrNotFound) {
			return noInstitution(cfg.Institution)
		}
		if err != nil {
			return err
		}
		filter.Values["institution_id"] = fmt.Sprint(id)
		ff.InstitutionID = id
		if cfg.Kind == "institutions" {
			delete(filter.Values, "institution_id")
			filter.Values["credit_code"] = cfg.Institution
		}
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	start := time.Now()
	var n int
	if cfg.Kind == "findings" {
		n, err = exchange.ExportFindings(ctx, s, actor, u, ff, f, format, cfg.Lang)
	} else {
		if xlsx.KindByName(cfg.Kind) == nil {
			f.Close()
			os.Remove(out)
			return fmt.Errorf("export: unknown -kind %q", cfg.Kind)
		}
		n, err = exchange.Export(ctx, s, actor, u, cfg.Kind, filter, f, format, wholeIDs(cfg)...)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out)
		return err
	}
	fmt.Fprintf(stdout, "已导出 %d 行到 %s（用时 %s）/ exported %d rows to %s\n", n, out, time.Since(start).Round(time.Millisecond), n, out)
	return nil
}

// progress draws an import's progress bar on one line of a terminal:
// rows read of the rows the files hold (estimated beforehand from their
// size, xlsx.RowCount), or, when that is unknown, a moving bar.
type progress struct {
	w     io.Writer
	total int
	lang  string
	start time.Time
	shown bool
}

func newProgress(w io.Writer, total int, lang string) *progress {
	return &progress{w: w, total: total, lang: lang, start: time.Now()}
}

func (p *progress) update(phase string, rows int) {
	label := i18n.T(p.lang, "import.cli."+phase)
	unit, perSecond := i18n.T(p.lang, "import.cli.rows"), i18n.T(p.lang, "import.cli.rate")
	elapsed := time.Since(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(rows) / elapsed
	}
	if p.total > 0 {
		fmt.Fprintf(p.w, "\r%s %s %3d%% %8d/%d %s  %6.0f %s ", label, fillBar(rows, p.total), percent(rows, p.total), rows, p.total, unit, rate, perSecond)
	} else {
		fmt.Fprintf(p.w, "\r%s %s %8d %s  %6.0f %s ", label, bar(rows), rows, unit, rate, perSecond)
	}
	p.shown = true
}

// percent is rows of total, below 100 until the end (the total is an estimate).
func percent(rows, total int) int { return min(99, rows*100/max(total, 1)) }

const barWidth = 30

// fillBar draws a bar filled to rows/total.
func fillBar(rows, total int) string {
	n := percent(rows, total) * barWidth / 100
	return "[" + strings.Repeat("=", n) + ">" + strings.Repeat(" ", barWidth-n) + "]"
}

// bar draws a moving bar for a count whose total is not known.
func bar(rows int) string {
	pos := (rows / 1000) % barWidth
	return "[" + strings.Repeat("=", pos) + ">" + strings.Repeat(" ", barWidth-pos) + "]"
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprintln(p.w)
	}
}

// wholeIDs asks an export for whole ID numbers when -purpose states why.
func wholeIDs(cfg config.Config) []exchange.Whole {
	if cfg.Purpose == "" {
		return nil
	}
	return []exchange.Whole{{Purpose: cfg.Purpose}}
}
