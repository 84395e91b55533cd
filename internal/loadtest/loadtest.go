// Package loadtest drives a server with many clients at once and sums up
// what it saw: throughput, latency percentiles per request kind and errors.
// It knows nothing of HTTP: the caller gives it a mix of request kinds and
// a function that makes one request of a kind.
//
// Two shapes of load: closed-loop (N clients, each sending its next request
// as soon as the last one is answered) and open-loop (requests arrive at a
// rate, as a Poisson process, whether or not earlier ones are answered).
// In the open loop a request's latency counts from its scheduled arrival,
// so that a server that falls behind is not flattered by the waiting it
// caused (coordinated omission).
package loadtest

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"
)

// Kind is a kind of request and its share of the mix.
type Kind struct {
	Name   string
	Weight int
}

// Mix is the kinds of request a run draws from, in proportion to their weights.
type Mix []Kind

// Pick draws a kind name.
func (m Mix) Pick(r *rand.Rand) string {
	total := 0
	for _, k := range m {
		total += max(k.Weight, 0)
	}
	if total == 0 {
		return ""
	}
	n := r.IntN(total)
	for _, k := range m {
		if n < max(k.Weight, 0) {
			return k.Name
		}
		n -= max(k.Weight, 0)
	}
	return m[len(m)-1].Name
}

// Arrivals returns the offsets from the start of a Poisson process of the
// given rate (per second) during d: the gaps between arrivals are
// exponentially distributed with mean 1/rate.
func Arrivals(r *rand.Rand, rate float64, d time.Duration) []time.Duration {
	if rate <= 0 || d <= 0 {
		return nil
	}
	out := make([]time.Duration, 0, int(rate*d.Seconds()*1.1)+1)
	var t float64 // seconds
	for {
		t += r.ExpFloat64() / rate
		at := time.Duration(t * float64(time.Second))
		if at >= d {
			return out
		}
		out = append(out, at)
	}
}

// Percentile returns the p-th percentile (0–100) of ds by nearest rank;
// ds must be sorted. Zero for none.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := int(math.Ceil(float64(len(ds))*p/100)) - 1
	return ds[min(max(i, 0), len(ds)-1)]
}

// Config is the shape of a run: Clients for a closed loop, or Rate
// (requests per second) for an open one.
type Config struct {
	Clients  int
	Rate     float64
	Duration time.Duration
	Seed     uint64
	// MaxInFlight bounds the open loop's requests waiting for an answer;
	// an arrival beyond it is counted as an error of its kind ("overload")
	// rather than started. Default 2000.
	MaxInFlight int
	// Grace is how long the open loop waits after the last arrival for the
	// answers still due; a request not answered by then is cancelled and
	// counted as an error. Default 10s.
	Grace time.Duration
}

// ErrOverload is the error of an open-loop arrival dropped because too
// many requests were already waiting.
var ErrOverload = errors.New("overload: too many requests in flight")

// Do makes one request of the named kind.
type Do func(ctx context.Context, kind string, r *rand.Rand) error

// KindStats are the figures of one kind of request. Times are in milliseconds.
type KindStats struct {
	Kind     string         `json:"kind"`
	Requests int            `json:"requests"`
	Errors   int            `json:"errors"`
	RPS      float64        `json:"rps"`
	P50      float64        `json:"p50_ms"`
	P95      float64        `json:"p95_ms"`
	P99      float64        `json:"p99_ms"`
	Max      float64        `json:"max_ms"`
	ErrorsBy map[string]int `json:"errors_by,omitempty"` // error message → count
}

// Result sums up a run: all requests together, and each kind.
type Result struct {
	KindStats
	Seconds float64     `json:"seconds"`
	Kinds   []KindStats `json:"kinds"`
}

type sample struct {
	kind    string
	latency time.Duration
	err     string
}

// recorder collects the samples of a run.
type recorder struct {
	mu      sync.Mutex
	samples []sample
}

func (rc *recorder) add(kind string, d time.Duration, err error) {
	s := sample{kind: kind, latency: d}
	if err != nil {
		s.err = err.Error()
		if len(s.err) > 200 {
			s.err = s.err[:200]
		}
	}
	rc.mu.Lock()
	rc.samples = append(rc.samples, s)
	rc.mu.Unlock()
}

// Run drives do with the mix for cfg.Duration and returns the figures.
func Run(ctx context.Context, cfg Config, mix Mix, do Do) Result {
	rc := &recorder{}
	seed := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var wg sync.WaitGroup
	if cfg.Rate > 0 {
		limit := cfg.MaxInFlight
		if limit <= 0 {
			limit = 2000
		}
		slots := make(chan struct{}, limit)
		grace := cfg.Grace
		if grace <= 0 {
			grace = 10 * time.Second
		}
		late, cancelLate := context.WithDeadline(context.WithoutCancel(ctx), start.Add(cfg.Duration+grace))
		defer cancelLate()
		timer := time.NewTimer(0)
		<-timer.C
	arrivals:
		for _, at := range Arrivals(seed, cfg.Rate, cfg.Duration) {
			due := start.Add(at)
			if wait := time.Until(due); wait > 0 {
				timer.Reset(wait)
				select {
				case <-ctx.Done():
					break arrivals
				case <-timer.C:
				}
			}
			kind := mix.Pick(seed)
			select {
			case slots <- struct{}{}:
			default:
				rc.add(kind, 0, ErrOverload)
				continue
			}
			r := rand.New(rand.NewPCG(seed.Uint64(), seed.Uint64()))
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				// The request may finish after the run's end: it was
				// offered within it, so it counts, with its whole wait
				// (up to the grace).
				err := do(late, kind, r)
				rc.add(kind, time.Since(due), err)
			}()
		}
	} else {
		for range max(cfg.Clients, 1) {
			r := rand.New(rand.NewPCG(seed.Uint64(), seed.Uint64()))
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					kind := mix.Pick(r)
					t0 := time.Now()
					err := do(ctx, kind, r)
					if ctx.Err() != nil && err != nil {
						return // cut off by the end of the run: not an answer
					}
					rc.add(kind, time.Since(t0), err)
				}
			}()
		}
	}
	wg.Wait()
	return summarize(rc.samples, time.Since(start))
}

// summarize computes the figures of samples taken over elapsed.
func summarize(samples []sample, elapsed time.Duration) Result {
	secs := elapsed.Seconds()
	byKind := map[string][]sample{}
	for _, s := range samples {
		byKind[s.kind] = append(byKind[s.kind], s)
	}
	res := Result{KindStats: stats("all", samples, secs), Seconds: secs}
	names := make([]string, 0, len(byKind))
	for k := range byKind {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		res.Kinds = append(res.Kinds, stats(k, byKind[k], secs))
	}
	res.ErrorsBy = nil
	return res
}

func stats(kind string, samples []sample, secs float64) KindStats {
	ks := KindStats{Kind: kind, Requests: len(samples)}
	ds := make([]time.Duration, 0, len(samples))
	for _, s := range samples {
		if s.err != "" {
			ks.Errors++
			if ks.ErrorsBy == nil {
				ks.ErrorsBy = map[string]int{}
			}
			if _, ok := ks.ErrorsBy[s.err]; ok || len(ks.ErrorsBy) < 20 {
				ks.ErrorsBy[s.err]++
			}
			if s.err == ErrOverload.Error() {
				continue // never started: no latency
			}
		}
		ds = append(ds, s.latency)
	}
	slices.Sort(ds)
	ms := func(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 }
	if secs > 0 {
		ks.RPS = math.Round(float64(len(samples))/secs*10) / 10
	}
	ks.P50, ks.P95, ks.P99 = ms(Percentile(ds, 50)), ms(Percentile(ds, 95)), ms(Percentile(ds, 99))
	if len(ds) > 0 {
		ks.Max = ms(ds[len(ds)-1])
	}
	return ks
}
