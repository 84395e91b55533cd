package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"radsup/internal/config"
	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// runDemo loads demo data of the configured scale into an empty database.
func runDemo(ctx context.Context, cfg config.Config, out io.Writer) error {
	scale, ok := demo.ScaleByName(cfg.Scale)
	if !ok {
		return fmt.Errorf("unknown scale %q (want district or province)", cfg.Scale)
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	var n int
	if err := s.View(ctx, func(tx *store.Tx) error {
		_, total, err := store.List(tx, store.Institutions, store.Scope{}, store.Filter{Retired: true, Limit: 1})
		n = total
		return err
	}); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("the database already holds %d institutions; demo data goes only into an empty database", n)
	}
	start := time.Now()
	counts, err := demo.Load(ctx, s, scale, cfg.Seed, domain.DateOf(time.Now()))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "loaded %s demo data (seed %d): %s in %s\n", scale.Name, cfg.Seed, counts, time.Since(start).Round(time.Millisecond))
	return nil
}
