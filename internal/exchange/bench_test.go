package exchange_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/findings"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
	"radsup/internal/xlsx"
)

// benchRows is the size of the generated dose report (RADSUP_BENCH_ROWS).
func benchRows() int {
	n := 100_000
	if v := os.Getenv("RADSUP_BENCH_ROWS"); v != "" {
		fmt.Sscan(v, &n)
	}
	return n
}

// doseReport is a dosimetry service's report: rows/4 workers at 20
// institutions, four quarters each, in a database that knows them all.
type doseReport struct {
	s     *store.Store
	path  string
	rows  int
	ids   map[string]int64 // ID number → person id
	codes map[string]int64 // credit code → institution id
}

func newDoseReport(b *testing.B, rows int) *doseReport {
	b.Helper()
	s := storetest.Open(b)
	r := &doseReport{s: s, rows: rows, ids: map[string]int64{}, codes: map[string]int64{}}
	people := rows / 4
	type worker struct{ id, code string }
	var workers []worker
	err := s.WithTx(ctx, clerk, func(tx *store.Tx) error {
		l := tx.Loader()
		defer l.Close()
		var insts []*domain.Institution
		for i := range 20 {
			x := &domain.Institution{Name: fmt.Sprintf("郑州市测试医院%02d", i), CreditCode: credit(100 + i), Kind: "general_hospital",
				DivisionCode: domain.DefaultDivision, Address: "中原区", Status: "open"}
			if err := store.Load(l, store.Institutions, x); err != nil {
				return err
			}
			insts = append(insts, x)
			r.codes[x.CreditCode] = x.ID
		}
		for i := range people {
			birth := domain.NewDate(1970, 1, 1).AddDate(0, 0, i%9000)
			first17 := fmt.Sprintf("410102%s%03d", birth.Time().Format("20060102"), (i/9000)%1000) // unique up to 9 million
			p := &domain.Person{IDNumber: first17 + string(domain.IDCheckChar(first17)), Name: fmt.Sprintf("工作人员%d", i)}
			if _, dup := r.ids[p.IDNumber]; dup {
				continue
			}
			if err := store.Load(l, store.People, p); err != nil {
				return err
			}
			inst := insts[i%len(insts)]
			e := &domain.Employment{PersonID: p.ID, InstitutionID: inst.ID, Occupation: "2A", StartedOn: domain.NewDate(2015, 1, 1)}
			if err := store.Load(l, store.Employments, e); err != nil {
				return err
			}
			r.ids[p.IDNumber] = p.ID
			workers = append(workers, worker{p.IDNumber, inst.CreditCode})
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	r.path = filepath.Join(b.TempDir(), "dose-report.xlsx")
	f, err := os.Create(r.path)
	if err != nil {
		b.Fatal(err)
	}
	w := xlsx.NewWriter(f)
	keys := []string{"id_number", "credit_code", "period_start", "period_end", "hp10", "provider", "report_no"}
	if err := w.Sheet(xlsx.KindByName("doses"), keys); err != nil {
		b.Fatal(err)
	}
	y := today.Year() - 1
	n := 0
	for q := range 4 {
		start := domain.NewDate(y, time.Month(3*q+1), 1)
		end := start.AddDate(0, 3, -1)
		for i, wk := range workers {
			if n == rows {
				break
			}
			hp10 := fmt.Sprintf("%d.%03d", (i%7)/5, (i*37)%1000)
			if err := w.Row([]string{wk.id, wk.code, start.String(), end.String(), hp10, "河南省职业病防治研究院", fmt.Sprintf("ZY%d-%06d", y, n)}); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	if n != rows {
		b.Fatalf("generated %d rows, want %d", n, rows)
	}
	r.rows = n
	return r
}

// clearDoses empties the doses (and what imports write beside them) so
// that each iteration imports into the same database, and screens it: the
// people are on file and screened (every day's run does) before their dose
// report arrives, and the import brings their findings up to date.
func (r *doseReport) clearDoses(b *testing.B) {
	for _, table := range []string{"doses", "audit_events", "findings"} {
		storetest.Exec(b, r.s, "DELETE FROM "+table)
	}
	if _, err := (&findings.Service{Store: r.s}).RunFull(ctx, today); err != nil {
		b.Fatal(err)
	}
}

// liveHeap returns the live heap after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// peakHeap samples the live heap until stop is called and returns the peak.
func peakHeap() (stop func() uint64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			peak = max(peak, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// BenchmarkDoseReportImport imports a generated dose report (100,000 rows;
// RADSUP_BENCH_ROWS to change) through the full import — both passes,
// validation, natural-key lookups, audit events, re-screening — and, in
// the same run, the baseline: the same rows read from the same workbook
// and inserted with one prepared statement in one transaction, unchecked.
func BenchmarkDoseReportImport(b *testing.B) {
	r := newDoseReport(b, benchRows())
	var full, committed, bare, paused time.Duration
	var start time.Time
	var liveBefore, kept uint64 // the live heap before the import; the most it kept at its commit
	im := &exchange.Importer{Store: r.s, Findings: &findings.Service{Store: r.s}, Today: func() domain.Date { return today },
		AfterCommit: func() { committed += time.Since(start) - paused },
		BeforeCommit: func(*store.Tx, *exchange.Report) error {
			t := time.Now()
			if live := liveHeap(); live > liveBefore {
				kept = max(kept, live-liveBefore)
			}
			paused += time.Since(t) // not the import's time
			return nil
		}}
	var peakFull, peakBare uint64
	for b.Loop() {
		r.clearDoses(b)
		stop := peakHeap()
		liveBefore, paused = liveHeap(), 0
		start = time.Now()
		rep, err := im.Import(ctx, clerk, nil, []string{r.path}, exchange.Options{})
		full += time.Since(start) - paused
		peakFull = max(peakFull, stop())
		if err != nil || !rep.OK() || rep.Changed() != r.rows {
			b.Fatalf("import: %v, %d changed of %d, problems %v", err, rep.Changed(), r.rows, rep.Problems[:min(3, len(rep.Problems))])
		}

		r.clearDoses(b)
		stop = peakHeap()
		start := time.Now()
		if err := r.bareInsert(); err != nil {
			b.Fatal(err)
		}
		bare += time.Since(start)
		peakBare = max(peakBare, stop())
	}
	n := float64(b.N)
	b.ReportMetric(float64(r.rows)*n/full.Seconds(), "import-rows/s")
	b.ReportMetric(float64(r.rows)*n/bare.Seconds(), "bare-rows/s")
	b.ReportMetric(bare.Seconds()/full.Seconds(), "import/bare-rate")
	b.ReportMetric(bare.Seconds()/committed.Seconds(), "commit/bare-rate")
	b.ReportMetric(float64(peakFull)/(1<<20), "import-peak-heap-MB")
	b.ReportMetric(float64(peakBare)/(1<<20), "bare-peak-heap-MB")
	b.ReportMetric(float64(kept)/(1<<20), "kept-at-commit-MB")
}

// bareInsert is the baseline: read the workbook, insert every row with a
// prepared statement in one transaction (of its own, on the store's writer
// pool), no checks, no audit.
func (r *doseReport) bareInsert() error {
	wb, err := xlsx.Open(r.path, "")
	if err != nil {
		return err
	}
	defer wb.Close()
	tx, err := r.s.DB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now().UTC()
	st, err := tx.PrepareContext(ctx, r.s.Rebind(`INSERT INTO doses (version, retired, created_at, updated_at, person_id, institution_id,
		period_start, period_end, hp10, below_mdl, lost, provider, report_no) VALUES (1, FALSE, ?, ?, ?, ?, ?, ?, ?, FALSE, FALSE, ?, ?)`))
	if err != nil {
		return err
	}
	defer st.Close()
	for _, sh := range wb.Sheets() {
		err := sh.Each(func(row xlsx.Row) error {
			c := func(k string) string { return row.Cells[k].Value }
			hp10, _ := domain.ParseDose(c("hp10"))
			_, err := st.ExecContext(ctx, now, now, r.ids[c("id_number")], r.codes[c("credit_code")], c("period_start"), c("period_end"),
				hp10.MicroSv, c("provider"), c("report_no"))
			return err
		})
		if err != nil {
			return err
		}
	}
	return tx.Commit()
}

// BenchmarkExport100k exports the doses of the generated report.
func BenchmarkExport100k(b *testing.B) {
	r := newDoseReport(b, benchRows())
	im := &exchange.Importer{Store: r.s, Today: func() domain.Date { return today }}
	if rep, err := im.Import(ctx, clerk, nil, []string{r.path}, exchange.Options{}); err != nil || !rep.OK() {
		b.Fatal(err)
	}
	super := &domain.User{Username: "supervisor", Role: domain.RoleSupervisor}
	var peak uint64
	for b.Loop() {
		stop := peakHeap()
		n, err := exchange.Export(ctx, r.s, clerk, super, "doses", store.Filter{}, io.Discard, exchange.XLSX)
		peak = max(peak, stop())
		if err != nil || n != r.rows {
			b.Fatalf("export: %d rows, %v", n, err)
		}
	}
	b.ReportMetric(float64(r.rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
