package reports

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestMemo: readers of one key share one computation; within the TTL the
// result is served as it is; past it the last result is served at once
// and one background computation replaces it; a failed first computation
// is not kept; a negative TTL computes every time.
func TestMemo(t *testing.T) {
	var m memo[string, int]
	var calls atomic.Int32
	release := make(chan struct{})
	slow := func(context.Context) (int, error) {
		<-release
		return int(calls.Add(1)), nil
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	got := make([]int, 5)
	for i := range got {
		wg.Go(func() { got[i], _ = m.get(ctx, "k", time.Hour, slow) })
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if calls.Load() != 1 || slices.ContainsFunc(got, func(v int) bool { return v != 1 }) {
		t.Fatalf("five first readers: %d computations, results %v", calls.Load(), got)
	}
	if v, _ := m.get(ctx, "k", time.Hour, slow); v != 1 || calls.Load() != 1 {
		t.Errorf("within the TTL: %d after %d computations", v, calls.Load())
	}

	// Past the TTL: the last result at once, then the new one.
	refreshed := make(chan struct{})
	next := func(context.Context) (int, error) { defer close(refreshed); return 2, nil }
	if v, _ := m.get(ctx, "k", time.Nanosecond, next); v != 1 {
		t.Errorf("past the TTL: %d, want the last result 1 served at once", v)
	}
	<-refreshed
	deadline := time.Now().Add(5 * time.Second)
	for {
		v, _ := m.get(ctx, "k", time.Hour, slow)
		if v == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the refresh: %d, want 2", v)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// A failure is not kept.
	boom := errors.New("boom")
	if _, err := m.get(ctx, "bad", time.Hour, func(context.Context) (int, error) { return 0, boom }); err != boom {
		t.Errorf("failing computation: %v", err)
	}
	if v, err := m.get(ctx, "bad", time.Hour, func(context.Context) (int, error) { return 7, nil }); v != 7 || err != nil {
		t.Errorf("after a failure: %d, %v, want a new computation", v, err)
	}

	// Negative TTL: every call computes.
	n := 0
	count := func(context.Context) (int, error) { n++; return n, nil }
	m.get(ctx, "neg", -1, count)
	if v, _ := m.get(ctx, "neg", -1, count); v != 2 {
		t.Errorf("negative TTL: %d, want 2 computations", v)
	}
}
