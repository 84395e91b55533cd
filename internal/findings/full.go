package findings

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"radsup/internal/domain"
	"radsup/internal/screening"
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
// Subjects are read in id order, Batch at a time; each batch is read and
// screened outside the write lock and written in a short transaction of its
// own that also holds the stored findings of its id range (see runKind). So
// memory stays flat, the findings a batch writes match the facts it commits
// over, and other writers wait for one batch's writes at most. A run that
// fails half way leaves each subject either screened or as it was; the
// next run completes the work.
// On unchanged data a second run writes nothing but last_seen.
func (s *Service) RunFull(ctx context.Context, asOf domain.Date) (RunStats, error) {
	return s.runFull(ctx, asOf, pace{batch: s.batch()})
}

// pace is how a full run goes: subjects per batch, and how long it rests
// after each batch as a share of the time the batch took.
type pace struct {
	batch int
	rest  float64
}

// backgroundRest is how long a background run rests after each batch, as a
// share of the time the batch took: with 3 it takes at most a quarter of
// one processor, and the pages served meanwhile keep their times (a
// province's run takes about two minutes instead of thirty seconds).
const backgroundRest = 3.0

// backgroundBatch is the batch of a background run: small, so that each
// read holds one of the pages' reader connections only briefly.
const backgroundBatch = 100

// RunInBackground is RunFull at the pace of a job that runs beside the
// server's pages (the daily run): it rests after each batch as long as
// the batch took, times backgroundRest, so the run takes about four times as
// long.
func (s *Service) RunInBackground(ctx context.Context, asOf domain.Date) (RunStats, error) {
	return s.runFull(ctx, asOf, pace{batch: min(s.batch(), backgroundBatch), rest: backgroundRest})
}

// runFull is RunFull at the pace p.
func (s *Service) runFull(ctx context.Context, asOf domain.Date, p pace) (RunStats, error) {
	start := time.Now()
	stats := RunStats{AsOf: asOf}
	run := &domain.ScreeningRun{AsOf: asOf, Kind: "full"}
	if err := s.Store.WithTx(ctx, system, func(tx *store.Tx) error { return tx.StartScreeningRun(run) }); err != nil {
		return stats, fmt.Errorf("findings.RunFull: %w", err)
	}
	stats.RunID = run.ID
	for _, k := range kinds {
		if err := s.runKind(ctx, k, asOf, p, &stats); err != nil {
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

// runKind screens all subjects of one kind, a batch at a time: each batch
// is read and screened in a read transaction, then written in a short
// read-write transaction, so that other writers never wait for the reading.
// The write re-reads, in its own transaction, the subjects changed since the
// read (store.Tx.SubjectsChangedSince, the audit events after the read's
// mark): what it writes matches the facts it commits over, as when the whole
// batch was read inside it.
func (s *Service) runKind(ctx context.Context, k kind, asOf domain.Date, p pace, stats *RunStats) error {
	th := s.thresholds()
	for after, done := int64(0), false; !done; {
		began := time.Now()
		var (
			fs   []screening.Finding
			n    int
			last int64
			mark int64
		)
		err := s.Store.View(ctx, func(tx *store.Tx) error {
			var err error
			if mark, err = tx.AuditMark(); err != nil {
				return err
			}
			fs, n, last, err = k.batch(tx, after, p.batch, asOf, th)
			return err
		})
		if err != nil {
			return err
		}
		if s.afterRead != nil {
			s.afterRead()
		}
		// What changed while the batch was read is looked up outside the
		// write lock (a large import may have committed meanwhile); the
		// write looks up only what committed after that.
		var early [3][]int64
		err = s.Store.View(ctx, func(tx *store.Tx) error {
			through, err := tx.AuditMark()
			if err != nil {
				return err
			}
			early[0], early[1], early[2], err = tx.SubjectsChangedBetween(mark, through)
			mark = through
			return err
		})
		if err != nil {
			return err
		}
		if s.beforeWrite != nil {
			s.beforeWrite()
		}
		upTo := last
		if n < p.batch {
			// The last batch also takes the findings of any subject
			// beyond the last one that exists.
			upTo, done = math.MaxInt64, true
		}
		err = s.Store.WithTx(ctx, system, func(tx *store.Tx) error {
			if err := tx.LockFindings(); err != nil {
				return err
			}
			var late [3][]int64
			var err error
			if late[0], late[1], late[2], err = tx.SubjectsChangedSince(mark); err != nil {
				return err
			}
			again := slices.Concat(inRange(early[k.index], after, upTo), inRange(late[k.index], after, upTo))
			slices.Sort(again)
			again = slices.Compact(again)
			if len(again) > 0 {
				fresh, err := k.list(tx, again, asOf, th)
				if err != nil {
					return err
				}
				fs = append(slices.DeleteFunc(fs, func(f screening.Finding) bool {
					_, found := slices.BinarySearch(again, f.SubjectID)
					return found
				}), fresh...)
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
			return nil
		})
		if err != nil {
			return err
		}
		after = upTo
		if p.rest > 0 && !done {
			if err := sleep(ctx, time.Duration(p.rest*float64(time.Since(began)))); err != nil {
				return err
			}
		}
	}
	return nil
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// inRange returns the ids of a sorted list in (after, upTo].
func inRange(ids []int64, after, upTo int64) []int64 {
	lo, _ := slices.BinarySearch(ids, after+1)
	hi := lo
	for hi < len(ids) && ids[hi] <= upTo {
		hi++
	}
	return ids[lo:hi]
}
