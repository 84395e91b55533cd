package findings

import (
	"context"
	"fmt"
	"time"

	"radsup/internal/domain"
	"radsup/internal/store"
)

// maxWait bounds one sleep of the daily loop, so that a clock that jumps
// (a suspended machine, a corrected time) delays the run by an hour at most.
const maxWait = time.Hour

// Daily runs RunInBackground once a day at the time at ("02:30") in the
// zone of now's times (the office's) until ctx is done. A day whose run is due but missing, such
// as the day a server starts after that time, is run at once. With several
// servers on one PostgreSQL database only the one holding the screening
// lock runs; each checks screening_runs first, so a day is run once
// whichever server gets there. Errors are logged, and the day is tried
// again after the next wait.
func (s *Service) Daily(ctx context.Context, at string, now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	hh, mm, err := parseClock(at)
	if err != nil {
		s.logger().Error("daily screening not scheduled", "at", at, "err", err)
		return
	}
	for {
		t := now()
		if err := s.daily(ctx, t, hh, mm); err != nil && ctx.Err() == nil {
			s.logger().Error("daily screening failed", "as_of", domain.DateOf(t).String(), "err", err)
		}
		wait := min(nextRun(now(), hh, mm).Sub(now()), maxWait)
		timer := time.NewTimer(max(wait, 0))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}

// daily runs the full screening of t's date if its time has come and no
// full run of that date has finished.
func (s *Service) daily(ctx context.Context, t time.Time, hh, mm int) error {
	if t.Before(time.Date(t.Year(), t.Month(), t.Day(), hh, mm, 0, 0, t.Location())) {
		return nil
	}
	asOf := domain.DateOf(t)
	release, ok, err := s.Store.TryScreeningLock(ctx)
	if err != nil || !ok {
		return err // !ok: another server is running it
	}
	defer release()
	var done bool
	err = s.Store.View(ctx, func(tx *store.Tx) error {
		done, err = tx.ScreeningRunDone("full", asOf)
		return err
	})
	if err != nil || done {
		return err
	}
	stats, err := s.RunInBackground(ctx, asOf)
	if err != nil {
		return err
	}
	s.logger().Info("daily screening", "as_of", asOf.String(), "subjects", stats.Subjects, "opened", stats.Opened,
		"resolved", stats.Resolved, "still_open", stats.StillOpen, "duration", stats.Duration.Round(time.Millisecond))
	return nil
}

// nextRun returns the first time hh:mm after t, in t's zone. At hh:mm
// itself the day's run has just been tried: the next is tomorrow's (not
// now, which would spin the loop until the clock moved on).
func nextRun(t time.Time, hh, mm int) time.Time {
	next := time.Date(t.Year(), t.Month(), t.Day(), hh, mm, 0, 0, t.Location())
	if !next.After(t) {
		next = time.Date(t.Year(), t.Month(), t.Day()+1, hh, mm, 0, 0, t.Location())
	}
	return next
}

// parseClock parses a time of day "15:04".
func parseClock(at string) (hh, mm int, err error) {
	c, err := time.Parse("15:04", at)
	if err != nil {
		return 0, 0, fmt.Errorf("time of day %q: want HH:MM", at)
	}
	return c.Hour(), c.Minute(), nil
}
