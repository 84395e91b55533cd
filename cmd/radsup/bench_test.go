package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"radsup/internal/accounts"
	"radsup/internal/auth"
	"radsup/internal/config"
	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/reports"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// The page benchmarks serve requests through the whole handler (request log,
// session or token lookup, store, templates or JSON) and, in the same loop,
// replay the statements that request ran straight through database/sql,
// reading every row: the bare query. They report the p50 and p99 of both and
// the ratio of the p50s.
//
// RADSUP_BENCH_DB names the database (a SQLite path or postgres:// URL made
// with `radsup demo -scale province`); without it they run on a fresh demo
// district. Run with -benchtime=300x or more for a meaningful p99.

// benchEnv is a handler on the benchmark database with a supervisor's
// session and API token.
type benchEnv struct {
	store   *store.Store
	reports *reports.Service
	h       http.Handler
	session string
	token   string
}

var (
	benchOnce sync.Once
	benchVal  *benchEnv
	benchErr  error
	benchDir  string // the fresh demo database's directory, removed by TestMain
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchVal != nil {
		benchVal.store.Close()
	}
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func openBench(b *testing.B) *benchEnv {
	b.Helper()
	benchOnce.Do(func() { benchVal, benchErr = newBenchEnv(b) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchVal
}

func newBenchEnv(b *testing.B) (*benchEnv, error) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.DB = os.Getenv("RADSUP_BENCH_DB")
	fresh := cfg.DB == ""
	if fresh {
		// Not b.TempDir: the environment outlives this b, shared by every benchmark.
		var err error
		if benchDir, err = os.MkdirTemp("", "radsup-bench"); err != nil {
			return nil, err
		}
		cfg.DB = "sqlite:" + filepath.Join(benchDir, "bench.db")
	} else if !strings.Contains(cfg.DB, "://") && !strings.HasPrefix(cfg.DB, "sqlite:") {
		cfg.DB = "sqlite:" + cfg.DB
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if fresh {
		scale, _ := demo.ScaleByName("district")
		if _, err := demo.Load(ctx, s, scale, 1, domain.DateOf(time.Now())); err != nil {
			return nil, err
		}
	}
	authSvc := &accounts.Service{Store: s}
	m := &Main{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h, err := m.handler(s, authSvc)
	if err != nil {
		return nil, err
	}
	// A supervisor with a second factor, signed in: the session is made
	// here as the login's second step would make it.
	name := fmt.Sprintf("bench%d", time.Now().UnixNano())
	actor := domain.Actor{Username: "bench"}
	session, sessionHash := auth.NewToken()
	token, hash := auth.NewToken()
	err = s.WithTx(ctx, actor, func(tx *store.Tx) error {
		u := &domain.User{Username: name, DisplayName: "基准测试", Role: domain.RoleSupervisor, PasswordHash: storetest.PasswordHash}
		if err := tx.CreateUser(u); err != nil {
			return err
		}
		if err := tx.SetTOTP(u.ID, "JBSWY3DPEHPK3PXP", 0); err != nil {
			return err
		}
		if err := tx.CreateSession(sessionHash, u.ID, tx.Now().Add(accounts.SessionLifetime), ""); err != nil {
			return err
		}
		_, err := tx.CreateAPIToken(u.ID, "bench", hash)
		return err
	})
	return &benchEnv{store: s, reports: m.Reports, h: h, session: session, token: token}, err
}

// statement is one recorded query with its arguments.
type statement struct {
	query string
	args  []any
}

// request serves one GET and returns the statements it ran.
func (e *benchEnv) request(b *testing.B, target string, record bool) []statement {
	var seen []statement
	if record {
		e.store.OnQuery = func(q string, args []any) { seen = append(seen, statement{q, slices.Clone(args)}) }
		defer func() { e.store.OnQuery = nil }()
	}
	r := httptest.NewRequest("GET", target, nil)
	if strings.HasPrefix(target, "/api/") {
		r.Header.Set("Authorization", "Bearer "+e.token)
	} else {
		r.AddCookie(&http.Cookie{Name: "radsup_session", Value: e.session})
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		b.Fatalf("GET %s: %d\n%.500s", target, w.Code, w.Body.String())
	}
	return seen
}

// replay runs the statements bare: queries on the reader pool with every
// column of every row read, writes on the writer pool.
func (e *benchEnv) replay(b *testing.B, stmts []statement) {
	ctx := context.Background()
	for _, st := range stmts {
		if !strings.HasPrefix(st.query, "SELECT") && !strings.HasPrefix(st.query, "WITH") {
			if _, err := e.store.DB().ExecContext(ctx, st.query, st.args...); err != nil {
				b.Fatal(err)
			}
			continue
		}
		rows, err := e.store.Reader().QueryContext(ctx, st.query, st.args...)
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]sql.RawBytes, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				b.Fatal(err)
			}
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// benchPages serves the targets in turn, each followed by its bare replay.
func benchPages(b *testing.B, e *benchEnv, targets []string) {
	recorded := make([][]statement, len(targets))
	for i, t := range targets {
		recorded[i] = e.request(b, t, true)
		if len(recorded[i]) == 0 {
			b.Fatalf("GET %s ran no statement", t)
		}
	}
	page := make([]time.Duration, 0, b.N)
	bare := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(targets)
		start := time.Now()
		e.request(b, targets[k], false)
		mid := time.Now()
		e.replay(b, recorded[k])
		page, bare = append(page, mid.Sub(start)), append(bare, time.Since(mid))
	}
	b.StopTimer()
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	p50, p99 := percentile(page, 50), percentile(page, 99)
	b50, b99 := percentile(bare, 50), percentile(bare, 99)
	b.ReportMetric(ms(p50), "page-p50-ms")
	b.ReportMetric(ms(p99), "page-p99-ms")
	b.ReportMetric(ms(b50), "bare-p50-ms")
	b.ReportMetric(ms(b99), "bare-p99-ms")
	b.ReportMetric(float64(p50)/float64(b50), "page/bare-p50")
	b.ReportMetric(float64(len(recorded[0])), "stmts/op")
}

// percentile returns the p-th percentile of ds (nearest rank).
func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	i := (len(s)*p + 99) / 100
	return s[max(i-1, 0)]
}

// sample returns up to n request targets, format filled with ids that
// query returns, spread evenly over them.
func sample(b *testing.B, e *benchEnv, query, format string, n int) []string {
	b.Helper()
	rows, err := e.store.Reader().Query(query)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var all []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		all = append(all, id)
	}
	if len(all) == 0 {
		b.Fatalf("no rows for %s", query)
	}
	var out []string
	step := max(len(all)/n, 1)
	for i := 0; i < len(all) && len(out) < n; i += step {
		out = append(out, fmt.Sprintf(format, all[i]))
	}
	return out
}

// BenchmarkInstitutionList is the first page of the institution list, plain
// and filtered by kind and status, and a search by name.
func BenchmarkInstitutionList(b *testing.B) {
	e := openBench(b)
	benchPages(b, e, []string{
		"/institutions",
		"/institutions?kind=dental_clinic&status=open",
		"/institutions?q=" + "人民医院",
		"/institutions?page=3",
	})
}

// BenchmarkPeopleList is the people list: first page, a name search, a
// later page.
func BenchmarkPeopleList(b *testing.B) {
	e := openBench(b)
	benchPages(b, e, []string{"/people", "/people?q=" + "王", "/people?page=3"})
}

// BenchmarkEquipmentList is the equipment list: first page, a type filter,
// a later page.
func BenchmarkEquipmentList(b *testing.B) {
	e := openBench(b)
	benchPages(b, e, []string{"/equipment", "/equipment?type=dr", "/equipment?page=3"})
}

// BenchmarkListSorts are the lists' other orders and the institution
// list's filters on its computed columns: whole-register sorts, answered
// only when a supervisor asks for them.
func BenchmarkListSorts(b *testing.B) {
	e := openBench(b)
	benchPages(b, e, []string{
		"/institutions?sort=-devices",
		"/institutions?sort=workers",
		"/institutions?sort=-findings",
		"/institutions?sort=licence",
		"/institutions?expires=90",
		"/institutions?findings=open",
		"/people?q=" + "人民医院",
		"/equipment?sort=institution",
		"/equipment?q=" + "人民医院",
	})
}

// BenchmarkPersonPage is a worker's page (employments, trainings, exams and
// the dose history with yearly sums) for 200 people spread over the register.
func BenchmarkPersonPage(b *testing.B) {
	e := openBench(b)
	benchPages(b, e, sample(b, e, "SELECT id FROM people WHERE NOT retired ORDER BY id", "/people/%d", 200))
}

// BenchmarkInstitutionPage is an institution's page (its particulars,
// licence, people, equipment, findings and enforcement history) for 200
// institutions spread over the register.
func BenchmarkInstitutionPage(b *testing.B) {
	e := openBench(b)
	benchPages(b, e, sample(b, e, "SELECT id FROM institutions WHERE NOT retired ORDER BY id", "/institutions/%d", 200))
}

// BenchmarkPeopleAPIByInstitution lists the radiation workers of one
// institution through the API, for 200 institutions spread over the register.
func BenchmarkPeopleAPIByInstitution(b *testing.B) {
	e := openBench(b)
	benchPages(b, e, sample(b, e, "SELECT id FROM institutions WHERE NOT retired ORDER BY id", "/api/v1/people?institution_id=%d", 200))
}

// BenchmarkPeopleAPIByOccupation lists the first page of all workers of one
// occupation category through the API, with the total count.
func BenchmarkPeopleAPIByOccupation(b *testing.B) {
	e := openBench(b)
	benchPages(b, e, []string{
		"/api/v1/people?occupation=2A",
		"/api/v1/people?occupation=2C&limit=20",
		"/api/v1/people?occupation=2E&offset=100",
	})
}

// BenchmarkOverview is the district overview: register counts grouped by
// SQL, the open findings by rule, severity and street, the top risks.
func BenchmarkOverview(b *testing.B) {
	e := openBench(b)
	benchPages(b, e, []string{"/overview"})
}

// BenchmarkStatsServed compares the statistics pages (the overview, the
// district's dose figures of this year on the page and of last year through
// the API) with their bare aggregate statements, recorded from one
// computation: "served" times each page served from its recent computation,
// then its aggregates replayed; "refreshing" times the pages alone, one
// every 20 ms, with a TTL so short that each finds its figures old and a
// computation runs in the background all the while: no reader waits for it.
func BenchmarkStatsServed(b *testing.B) {
	e := openBench(b)
	year := time.Now().Year()
	targets := []struct{ name, url string }{
		{"overview", "/overview"},
		{"dose-page", fmt.Sprintf("/stats/dose?year=%d", year)},
		{"dose-api", fmt.Sprintf("/api/v1/stats/dose?year=%d", year-1)},
	}
	defer func() { e.reports.OverviewTTL = 0 }()
	for _, t := range targets {
		b.Run("served/"+t.name, func(b *testing.B) {
			e.reports.OverviewTTL = -1 // every request computes: its statements are the aggregates
			recorded := e.request(b, t.url, true)
			e.reports.OverviewTTL = time.Hour
			e.request(b, t.url, false)
			page := make([]time.Duration, 0, b.N)
			bare := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				e.request(b, t.url, false)
				mid := time.Now()
				e.replay(b, recorded)
				page, bare = append(page, mid.Sub(start)), append(bare, time.Since(mid))
			}
			reportPercentiles(b, "page", page)
			reportPercentiles(b, "bare", bare)
			b.ReportMetric(float64(percentile(page, 99))/float64(percentile(bare, 50)), "page-p99/bare-p50")
		})
	}
	b.Run("refreshing", func(b *testing.B) {
		e.reports.OverviewTTL = time.Millisecond
		page := make([]time.Duration, 0, b.N)
		i := 0
		for b.Loop() {
			start := time.Now()
			e.request(b, targets[i%len(targets)].url, false)
			page = append(page, time.Since(start))
			i++
			time.Sleep(20 * time.Millisecond)
		}
		reportPercentiles(b, "page", page)
	})
}

// reportPercentiles reports the p50 and p99 of ds in milliseconds.
func reportPercentiles(b *testing.B, name string, ds []time.Duration) {
	b.ReportMetric(float64(percentile(ds, 50))/1e6, name+"-p50-ms")
	b.ReportMetric(float64(percentile(ds, 99))/1e6, name+"-p99-ms")
}

// BenchmarkDoseStats is the dose statistics of a year, for the district
// and for one institution, on the page and through the API.
func BenchmarkDoseStats(b *testing.B) {
	e := openBench(b)
	year := time.Now().Year()
	targets := []string{fmt.Sprintf("/stats/dose?year=%d", year), fmt.Sprintf("/api/v1/stats/dose?year=%d", year-1)}
	targets = append(targets, sample(b, e, "SELECT id FROM institutions WHERE NOT retired ORDER BY id",
		fmt.Sprintf("/stats/dose?year=%d&institution_id=%%d", year), 5)...)
	benchPages(b, e, targets)
}
