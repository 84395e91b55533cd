package loadtest

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {95, 95 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := Percentile(ds, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := Percentile(ds[:1], 99); got != time.Millisecond {
		t.Errorf("p99 of one = %v", got)
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("p50 of none = %v", got)
	}
	// Nearest rank: the p99 of 10 values is the largest.
	if got := Percentile(ds[:10], 99); got != 10*time.Millisecond {
		t.Errorf("p99 of 10 = %v, want 10ms", got)
	}
}

// TestArrivalsPoisson: the arrivals are ordered, within the duration, as
// many as the rate asks (within four standard deviations), and their gaps
// have the exponential's mean and spread (coefficient of variation 1).
func TestArrivalsPoisson(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const rate = 100.0
	d := 200 * time.Second
	as := Arrivals(r, rate, d)
	want := rate * d.Seconds()
	if n := float64(len(as)); math.Abs(n-want) > 4*math.Sqrt(want) {
		t.Fatalf("%v arrivals, want about %v", n, want)
	}
	var prev time.Duration
	var sum, sum2 float64
	for i, a := range as {
		if a < prev || a >= d {
			t.Fatalf("arrival %d at %v after %v (duration %v)", i, a, prev, d)
		}
		gap := (a - prev).Seconds()
		sum, sum2 = sum+gap, sum2+gap*gap
		prev = a
	}
	n := float64(len(as))
	mean := sum / n
	sd := math.Sqrt(sum2/n - mean*mean)
	if math.Abs(mean-1/rate) > 0.05/rate {
		t.Errorf("mean gap %v, want %v", mean, 1/rate)
	}
	if cv := sd / mean; math.Abs(cv-1) > 0.05 {
		t.Errorf("gaps' coefficient of variation %v, want 1 (exponential)", cv)
	}
	if Arrivals(r, 0, d) != nil || Arrivals(r, rate, 0) != nil {
		t.Error("arrivals at rate 0 or for no time")
	}
}

func TestMixProportions(t *testing.T) {
	m := Mix{{"a", 1}, {"b", 3}, {"none", 0}}
	r := rand.New(rand.NewPCG(3, 4))
	count := map[string]int{}
	for range 40000 {
		count[m.Pick(r)]++
	}
	if count["none"] != 0 {
		t.Errorf("a kind of weight 0 was picked %d times", count["none"])
	}
	if share := float64(count["b"]) / 40000; math.Abs(share-0.75) > 0.02 {
		t.Errorf("b's share %v, want 0.75", share)
	}
	if (Mix{}).Pick(r) != "" {
		t.Error("an empty mix picked something")
	}
}

// TestRunClosedLoop: N clients each wait for their answer; every kind is
// counted, errors by kind and message.
func TestRunClosedLoop(t *testing.T) {
	var inFlight, most atomic.Int32
	do := func(ctx context.Context, kind string, r *rand.Rand) error {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		if kind == "bad" {
			return errors.New("HTTP 500")
		}
		return nil
	}
	res := Run(context.Background(), Config{Clients: 4, Duration: 300 * time.Millisecond, Seed: 1}, Mix{{"good", 3}, {"bad", 1}}, do)
	if most.Load() > 4 {
		t.Errorf("%d requests at once from 4 clients", most.Load())
	}
	if res.Requests < 100 || res.Requests > 4*150 {
		t.Errorf("%d requests from 4 clients for 300ms at 2ms each", res.Requests)
	}
	if len(res.Kinds) != 2 || res.Kinds[0].Kind != "bad" || res.Kinds[1].Kind != "good" {
		t.Fatalf("kinds %+v", res.Kinds)
	}
	bad := res.Kinds[0]
	if bad.Errors != bad.Requests || bad.ErrorsBy["HTTP 500"] != bad.Errors || res.Errors != bad.Errors {
		t.Errorf("errors: all %d, bad %+v", res.Errors, bad)
	}
	if res.Kinds[1].Errors != 0 || res.P50 < 2 || res.RPS <= 0 {
		t.Errorf("figures %+v", res.KindStats)
	}
}

// TestRunOpenLoop: requests arrive at the rate whatever the answers'
// speed, and a slow answer's latency counts from its arrival; beyond the
// bound of requests in flight the arrivals are dropped as overload.
func TestRunOpenLoop(t *testing.T) {
	var started atomic.Int32
	do := func(ctx context.Context, kind string, r *rand.Rand) error {
		started.Add(1)
		time.Sleep(50 * time.Millisecond)
		return nil
	}
	res := Run(context.Background(), Config{Rate: 200, Duration: time.Second, Seed: 2}, Mix{{"slow", 1}}, do)
	if math.Abs(float64(res.Requests)-200) > 4*math.Sqrt(200) {
		t.Errorf("%d requests at 200/s for 1s", res.Requests)
	}
	if res.P50 < 50 || res.Errors != 0 {
		t.Errorf("p50 %vms (each takes 50ms), %d errors", res.P50, res.Errors)
	}
	res = Run(context.Background(), Config{Rate: 200, Duration: 500 * time.Millisecond, Seed: 3, MaxInFlight: 2}, Mix{{"slow", 1}}, do)
	if res.Errors == 0 || res.Kinds[0].ErrorsBy[ErrOverload.Error()] != res.Errors {
		t.Errorf("no overload with 2 in flight: %+v", res.Kinds)
	}
}

func TestParseStatus(t *testing.T) {
	m, err := parseStatus([]byte("Name:\tradsup\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t9\n"))
	if err != nil || m.RSS != 100<<20 || m.Peak != 200<<20 {
		t.Errorf("%+v, %v", m, err)
	}
	if _, err := parseStatus([]byte("Name:\tx\n")); err == nil {
		t.Error("no VmRSS: no error")
	}
}

func TestListeningInodes(t *testing.T) {
	table := "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 12345 1 0000000000000000 100 0 0 10 0\n" +
		"   1: 0100007F:1F90 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 67890 1 0000000000000000 20 4 30 10 -1\n"
	if got := listeningInodes([]byte(table), 8080); len(got) != 1 || got[0] != "12345" {
		t.Errorf("listening inodes of :8080 = %v", got)
	}
	if got := listeningInodes([]byte(table), 8081); len(got) != 0 {
		t.Errorf(":8081 = %v", got)
	}
}

func TestParseStat(t *testing.T) {
	stat := "4242 (radsup serve) S 1 4242 4242 0 -1 4194560 9000 0 0 0 250 50 0 0 20 0 12 0 100 1000000 5000\n"
	d, err := parseStat([]byte(stat))
	if err != nil || d != 3*time.Second {
		t.Errorf("cpu time %v, %v; want 3s", d, err)
	}
	if _, err := parseStat([]byte("4242 (x")); err == nil {
		t.Error("a cut stat: no error")
	}
}

// TestRunOpenLoopGrace: answers still due a grace after the last arrival
// are cancelled and counted as errors; the run ends then.
func TestRunOpenLoopGrace(t *testing.T) {
	do := func(ctx context.Context, kind string, r *rand.Rand) error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Second):
			return nil
		}
	}
	start := time.Now()
	res := Run(context.Background(), Config{Rate: 50, Duration: 200 * time.Millisecond, Grace: 100 * time.Millisecond, Seed: 4}, Mix{{"stuck", 1}}, do)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the run took %v", took)
	}
	if res.Requests == 0 || res.Errors != res.Requests {
		t.Errorf("%d requests, %d errors: want all cancelled", res.Requests, res.Errors)
	}
}
