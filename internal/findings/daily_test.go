package findings_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"radsup/internal/domain"
	"radsup/internal/store/storetest"

	"radsup/internal/store"
)

// runsOn counts the finished full runs as of day0.
func runsOn(t *testing.T, s *store.Store) int {
	t.Helper()
	return storetest.Count(t, s, "screening_runs WHERE kind = 'full' AND finished_at IS NOT NULL")
}

// TestDailyCatchesUp starts the loop after the day's time with no run of
// the day on record: it runs at once, once.
func TestDailyCatchesUp(t *testing.T) {
	s, svc := setup(t)
	now := func() time.Time { return time.Date(2026, 6, 30, 10, 0, 0, 0, time.Local) }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		svc.Daily(ctx, "02:30", now)
		close(done)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for runsOn(t, s) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	if n := runsOn(t, s); n != 1 {
		t.Fatalf("%d runs", n)
	}
	var last *domain.ScreeningRun
	s.View(context.Background(), func(tx *store.Tx) error {
		var err error
		last, err = tx.LastScreeningRun("full")
		return err
	})
	if last == nil || last.AsOf.String() != "2026-06-30" {
		t.Errorf("last run %+v", last)
	}
}

// TestDailyWaitsForItsTime starts the loop at midnight on a fake clock
// (testing/synctest): nothing runs a second before the day's time, the
// day's run starts at it, and nothing waits on a real timer.
func TestDailyWaitsForItsTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, svc := setup(t)
		s.Now = time.Now // the bubble's clock
		now := func() time.Time { return time.Now().UTC() }
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			svc.Daily(ctx, "02:30", now)
			close(done)
		}()
		time.Sleep(2*time.Hour + 29*time.Minute + 59*time.Second)
		synctest.Wait()
		if n := runsOn(t, s); n != 0 {
			t.Fatalf("%d runs at %s, before the time", n, now().Format("15:04:05"))
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if n := runsOn(t, s); n != 1 {
			t.Errorf("%d runs at %s, after the time", n, now().Format("15:04:05"))
		}
		cancel()
		<-done
	})
}

// TestDailyOneServer runs the loops of several servers at once on
// PostgreSQL: the day is run once.
func TestDailyOneServer(t *testing.T) {
	s, svc := setup(t)
	if s.Dialect() != "postgres" {
		t.Skip("SQLite serves one process")
	}
	now := func() time.Time { return time.Date(2026, 6, 30, 10, 0, 0, 0, time.Local) }
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { svc.Daily(ctx, "02:30", now) })
	}
	deadline := time.Now().Add(30 * time.Second)
	for runsOn(t, s) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // let the others look
	cancel()
	wg.Wait()
	if n := runsOn(t, s); n != 1 {
		t.Errorf("%d runs of one day by four servers", n)
	}
}
