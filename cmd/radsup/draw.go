package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"radsup/internal/accounts"
	"radsup/internal/config"
	"radsup/internal/domain"
	"radsup/internal/draw"
	"radsup/internal/enforcement"
	"radsup/internal/i18n"
)

// drawFailed is the exit of `draw verify` when a frozen draw differs from
// its recomputation.
type drawFailed struct{ lang string }

func (e drawFailed) Error() string { return i18n.T(e.lang, "cli.draw.differs") }

// runDraw previews a draw from the register as it is now (writes nothing),
// or with "verify" recomputes a frozen plan's draw from its stored pool and
// seed (spec/enforcement.md §2, CLI).
func runDraw(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	verify := len(args) == 1 && args[0] == "verify"
	if len(args) > 0 && !verify {
		return fmt.Errorf("draw: unexpected arguments %q", args)
	}
	if cfg.Format != "table" && cfg.Format != "json" {
		return fmt.Errorf("draw: -format %q: want table or json", cfg.Format)
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	svc := &enforcement.Service{Store: s}
	u := accounts.Console(domain.RoleSupervisor)
	if verify {
		if cfg.Plan == 0 {
			return errors.New("draw verify: -plan ID is required")
		}
		v, err := svc.Verify(ctx, u, cfg.Plan)
		if err != nil {
			return userError(cfg.Lang, err)
		}
		for _, d := range v.Differences {
			fmt.Fprintln(out, i18n.T(cfg.Lang, "cli.draw.difference", d.Order, d.Stored, d.Again))
		}
		if len(v.Differences) > 0 {
			return drawFailed{cfg.Lang}
		}
		if err := printDraw(out, cfg.Format, cfg.Lang, v.Result); err != nil {
			return err
		}
		if cfg.Format == "table" {
			fmt.Fprintln(out, i18n.T(cfg.Lang, "cli.draw.verified", v.Plan.ID, v.Plan.Name))
		}
		return nil
	}
	if cfg.SeedText == "" {
		return errors.New("draw: -seed TEXT is required")
	}
	if (cfg.Count > 0) == (cfg.Ratio > 0) {
		return errors.New("draw: give -n N or -ratio R")
	}
	f := enforcement.Filter{Street: cfg.Street, Kind: cfg.Kind, Category: cfg.Category, Count: cfg.Count, Ratio: cfg.Ratio, Weighted: cfg.Weighted}
	res, err := svc.Preview(ctx, u, f, cfg.SeedText)
	if err != nil {
		return userError(cfg.Lang, err)
	}
	return printDraw(out, cfg.Format, cfg.Lang, res)
}

// printDraw prints a draw as the spec's JSON or as a table.
func printDraw(out io.Writer, format, lang string, res *draw.Result) error {
	if format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	}
	fmt.Fprintln(out, i18n.T(lang, "cli.draw.head", res.SeedSHA256, res.Pool, len(res.Drawn)))
	rows := [][]string{{"#", i18n.T(lang, "cli.draw.col.code"), i18n.T(lang, "cli.draw.col.name"), i18n.T(lang, "cli.draw.col.weight"),
		i18n.T(lang, "cli.draw.col.key"), i18n.T(lang, "cli.draw.col.inspectors")}}
	for _, d := range res.Drawn {
		rows = append(rows, []string{strconv.Itoa(d.Order), d.CreditCode, d.Name, strconv.FormatFloat(d.Weight, 'g', -1, 64),
			strconv.FormatFloat(d.Key, 'g', -1, 64), strings.Join(d.Inspectors, " ")})
	}
	return writeColumns(out, rows)
}

// userError renders a service's user-facing error in lang.
func userError(lang string, err error) error {
	var de *domain.Error
	if !errors.As(err, &de) {
		return err
	}
	args := make([]any, len(de.Args))
	for i, a := range de.Args {
		args[i] = a
	}
	msg := i18n.T(lang, de.Message, args...)
	for _, k := range de.Fields.Keys() {
		msg += "; " + k + ": " + i18n.FieldMessage(lang, k, de.Fields[k])
	}
	return errors.New(msg)
}
