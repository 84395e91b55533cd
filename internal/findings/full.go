package findings

import (
	"context"
	"fmt"
	"math"
	"time"

	"radsup/internal/domain"
	"radsup/internal/store"
)

// system is the actor of the full runs' transactions (they write no audit
// events; the screening_runs row is their record).
var system = domain.Actor{Username: "system"}

// RunFull screens every subject as of asOf and reconciles all stored
// findings: findings of subjects that were retired or no longer exist are
// resolved. It records a screening_runs row, finished only if the run
// completes.
//
// Subjects are read in id order, Batch at a time, and each batch is read,
// screened and written in a transaction of its own that also holds the
// stored findings of its id range. So memory stays flat, a batch sees its
// facts and writes its findings atomically (a change committed meanwhile is
// re-screened by its own transaction), and on SQLite other writers wait for
// one batch, never for the whole run. A run that fails half way leaves each
// subject either screened or as it was; the next run completes the work.
// On unchanged data a second run writes nothing but last_seen.
func (s *Service) RunFull(ctx context.Context, asOf domain.Date) (RunStats, error) {
	start := time.Now()
	stats := RunStats{AsOf: asOf}
	run := &domain.ScreeningRun{AsOf: asOf, Kind: "full"}
	if err := s.Store.WithTx(ctx, system, func(tx *store.Tx) error { return tx.StartScreeningRun(run) }); err != nil {
		return stats, fmt.Errorf("findings.RunFull: %w", err)
	}
	stats.RunID = run.ID
	for _, k := range kinds {
		if err := s.runKind(ctx, k, asOf, &stats); err != nil {
			return stats, fmt.Errorf("findings.RunFull %s: %w", k.subject, err)
		}
	}
	run.Subjects, run.Opened, run.Resolved, run.StillOpen = stats.Subjects, stats.Opened, stats.Resolved, stats.StillOpen
	if err := s.Store.WithTx(ctx, system, func(tx *store.Tx) error { return tx.FinishScreeningRun(run) }); err != nil {
		return stats, fmt.Errorf("findings.RunFull: %w", err)
	}
	stats.Duration = time.Since(start)
	return stats, nil
}

// runKind screens all subjects of one kind, a batch per transaction.
func (s *Service) runKind(ctx context.Context, k kind, asOf domain.Date, stats *RunStats) error {
	th := s.thresholds()
	for after, done := int64(0), false; !done; {
		err := s.Store.WithTx(ctx, system, func(tx *store.Tx) error {
			if err := tx.LockFindings(); err != nil {
				return err
			}
			fs, n, last, err := k.batch(tx, after, s.batch(), asOf, th)
			if err != nil {
				return err
			}
			upTo := last
			if n < s.batch() {
				// The last batch also takes the findings of any subject
				// beyond the last one that exists.
				upTo, done = math.MaxInt64, true
			}
			stored, err := tx.FindingsInRange(k.subject, after, upTo)
			if err != nil {
				return err
			}
			c := s.reconciler(tx, asOf).reconcile(fs, stored)
			if err := c.apply(tx, asOf); err != nil {
				return err
			}
			c.stats.Subjects = n
			stats.add(c.stats)
			after = upTo
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
