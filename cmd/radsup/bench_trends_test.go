package main

import (
	"context"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/stats"
	"radsup/internal/store"
)

// BenchmarkTrends times the overview's trends alone: the open findings at
// each of twelve month ends (one scan of findings) and the compliance of
// the year's inspected institutions (their latest signed inspection and
// violation findings).
func BenchmarkTrends(b *testing.B) {
	e := openBench(b)
	ctx := context.Background()
	today := domain.DateOf(time.Now())
	b.Run("monthly", func(b *testing.B) {
		for b.Loop() {
			if err := e.store.View(ctx, func(tx *store.Tx) error {
				_, err := tx.OpenFindingsByMonth(stats.Months(today))
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("compliance", func(b *testing.B) {
		for b.Loop() {
			if err := e.store.View(ctx, func(tx *store.Tx) error {
				units, err := tx.InspectedUnits(today.AddDate(0, 0, -stats.CompliancePeriod), today)
				stats.ComplianceOf(units, today)
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOverviewParts times the overview's computation uncached, one
// part at a time: the register counts, the trends, the top-risk pool.
func BenchmarkOverviewParts(b *testing.B) {
	e := openBench(b)
	ctx := context.Background()
	today := domain.DateOf(time.Now())
	parts := map[string]func(tx *store.Tx) error{
		"register": func(tx *store.Tx) error { _, err := tx.RegisterCounts(today); return err },
		"closed": func(tx *store.Tx) error {
			_, err := tx.RectificationsClosedByMonth(stats.Months(today))
			return err
		},
		"pool": func(tx *store.Tx) error { _, err := tx.PoolCandidates("", "", ""); return err },
	}
	for name, f := range parts {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := e.store.View(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
