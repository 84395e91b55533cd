package reports

import (
	"context"
	"sync"
	"time"

	"radsup/internal/store"
)

// memo serves figures that scan whole tables from their last computation.
// Readers of one key share one computation; within the TTL the result is
// served as it is; past it, the last result is still served at once while
// one computation in the background replaces it, so that no reader waits
// for a refresh, only the first for a key never computed. A negative TTL
// computes on every call.
type memo[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]*memoEntry[V]
}

type memoEntry[V any] struct {
	v          V
	err        error
	at         time.Time
	done       chan struct{} // closed when the first computation has ended
	refreshing bool
}

// memoMax bounds the entries kept: past it, those past their TTL go.
const memoMax = 256

// refreshTimeout bounds a background refresh, which no request waits for.
const refreshTimeout = 2 * time.Minute

func (m *memo[K, V]) get(ctx context.Context, key K, ttl time.Duration, compute func(context.Context) (V, error)) (V, error) {
	if ttl < 0 {
		return compute(ctx)
	}
	m.mu.Lock()
	if m.entries == nil {
		m.entries = map[K]*memoEntry[V]{}
	}
	e := m.entries[key]
	if e == nil {
		if len(m.entries) >= memoMax {
			m.evict(ttl)
		}
		e = &memoEntry[V]{done: make(chan struct{})}
		m.entries[key] = e
		m.mu.Unlock()
		v, err := compute(ctx)
		m.mu.Lock()
		e.v, e.err, e.at = v, err, time.Now()
		if err != nil {
			// Nothing to serve: the next reader tries again.
			delete(m.entries, key)
		}
		close(e.done)
		m.mu.Unlock()
		return v, err
	}
	m.mu.Unlock()
	select {
	case <-e.done:
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if e.err != nil {
		return e.v, e.err
	}
	if time.Since(e.at) >= ttl && !e.refreshing {
		e.refreshing = true
		go m.refresh(store.Unshared(context.WithoutCancel(ctx)), e, compute)
	}
	return e.v, nil
}

// refresh computes an entry again; on failure the last result stays and
// the next reader past the TTL tries again.
func (m *memo[K, V]) refresh(ctx context.Context, e *memoEntry[V], compute func(context.Context) (V, error)) {
	ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	v, err := compute(ctx)
	m.mu.Lock()
	defer m.mu.Unlock()
	e.refreshing = false
	if err == nil {
		e.v, e.at = v, time.Now()
	}
}

// evict drops the entries past their TTL that no computation holds; the
// caller holds mu.
func (m *memo[K, V]) evict(ttl time.Duration) {
	for k, e := range m.entries {
		select {
		case <-e.done:
			if !e.refreshing && time.Since(e.at) >= ttl {
				delete(m.entries, k)
			}
		default:
		}
	}
}
