package findings_test

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// benchStore opens the database named by RADSUP_BENCH_DB (a SQLite path
// or a postgres:// URL, made with `radsup demo -scale province`; the
// benchmarks write findings into it), screened as of RADSUP_BENCH_ASOF
// (default: today, the date `radsup demo` generates for). Without it they
// run on a fresh demo district.
func benchStore(b *testing.B) (*store.Store, *findings.Service, domain.Date) {
	b.Helper()
	url := os.Getenv("RADSUP_BENCH_DB")
	if url == "" {
		s, svc := demoDistrict(b)
		return s, svc, day0
	}
	if !strings.Contains(url, "://") && !strings.HasPrefix(url, "sqlite:") {
		url = "sqlite:" + url
	}
	ctx := context.Background()
	s, err := store.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	asOf := domain.DateOf(time.Now())
	if v := os.Getenv("RADSUP_BENCH_ASOF"); v != "" {
		if asOf, err = domain.ParseDate(v); err != nil {
			b.Fatal(err)
		}
	}
	return s, &findings.Service{Store: s, Logger: slog.New(slog.DiscardHandler)}, asOf
}

// BenchmarkRunFull measures the daily run: after a first run has brought
// the stored findings up to date, each iteration screens the next day.
func BenchmarkRunFull(b *testing.B) {
	s, svc, asOf := benchStore(b)
	ctx := context.Background()
	first, err := svc.RunFull(ctx, asOf)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s, first run: %d subjects, %d opened, %d resolved, %d still open in %s", s.Dialect(),
		first.Subjects, first.Opened, first.Resolved, first.StillOpen, first.Duration.Round(time.Millisecond))
	var last findings.RunStats
	day := 0
	for b.Loop() {
		day++
		if last, err = svc.RunFull(ctx, asOf.AddDate(0, 0, day)); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("day %d: %+v", day, last)
	b.ReportMetric(float64(last.Subjects)/b.Elapsed().Seconds()*float64(day), "subjects/s")
}

// BenchmarkReadOnly measures the full scans alone: the facts of every
// subject read and assembled, no rule evaluated, nothing written.
func BenchmarkReadOnly(b *testing.B) {
	s, _, _ := benchStore(b)
	ctx := context.Background()
	var n int
	for b.Loop() {
		n = 0
		err := s.View(ctx, func(tx *store.Tx) error {
			if err := tx.EachInstitutionFacts(func(screening.InstitutionFacts) error { n++; return nil }); err != nil {
				return err
			}
			if err := tx.EachEquipmentFacts(func(screening.EquipmentFacts) error { n++; return nil }); err != nil {
				return err
			}
			return tx.EachPersonFacts(func(screening.PersonFacts) error { n++; return nil })
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "subjects/s")
}

// BenchmarkRescreenPerson measures one change to a worker: the edit and
// the re-screening of the person in one transaction, as the registry does.
func BenchmarkRescreenPerson(b *testing.B) {
	s, svc, asOf := benchStore(b)
	ctx := context.Background()
	var id int64
	if err := storetest.Row(b, s, `SELECT person_id FROM doses WHERE person_id IN
		(SELECT person_id FROM employments WHERE ended_on IS NULL AND NOT retired) GROUP BY person_id ORDER BY COUNT(*) DESC, person_id LIMIT 1`).Scan(&id); err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		err := s.WithTx(ctx, domain.Actor{Username: "bench"}, func(tx *store.Tx) error {
			p, err := store.Find(tx, store.People, domain.Scope{}, id)
			if err != nil {
				return err
			}
			p.Name = strings.TrimSuffix(p.Name, "*") + strings.Repeat("*", p.Version%2)
			if err := store.Update(tx, store.People, domain.Scope{}, p); err != nil {
				return err
			}
			return svc.Rescreen(tx, "person", []int64{id}, asOf)
		})
		if err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2])/1e6, "p50-ms")
	b.ReportMetric(float64(took[(len(took)*99+99)/100-1])/1e6, "p99-ms")
}

// BenchmarkRescreenInstitution measures a change to the institution with
// the most workers: it re-screens the institution, its equipment and
// everyone employed or monitored there.
func BenchmarkRescreenInstitution(b *testing.B) {
	s, svc, asOf := benchStore(b)
	ctx := context.Background()
	var id int64
	if err := storetest.Row(b, s, `SELECT institution_id FROM employments GROUP BY institution_id ORDER BY COUNT(*) DESC, institution_id LIMIT 1`).Scan(&id); err != nil {
		b.Fatal(err)
	}
	var people int
	for b.Loop() {
		err := s.WithTx(ctx, domain.Actor{Username: "bench"}, func(tx *store.Tx) error {
			_, _, ppl, err := tx.SubjectsOf("institution", id)
			people = len(ppl)
			if err != nil {
				return err
			}
			return svc.Rescreen(tx, "institution", []int64{id}, asOf)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(people), "people")
}
