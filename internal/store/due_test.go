package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"radsup/internal/domain"
	"radsup/internal/stats"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// dueFixture files two institutions for TestLastDone, as of 2026-06-15:
//
//	A  licence issued 2021-07-01, 校验 2026-07-10 (a superseded one of 2016
//	   and one issued after the as-of date do not count);
//	   E1 in use: acceptance 2024-01-01, status 2025-07-01 passed, status
//	   2025-08-01 failed, status 2026-06-20 (after the as-of date);
//	   protection 2025-06-14 (due the day before the as-of date);
//	   E2 out of use with a status test of 2025-07-01;
//	   P1 active: trainings 2023-01-01 and 2024-07-01 passed, 2024-08-01
//	   failed; exams 在岗 2024-06-20 and 离岗 2025-01-01; doses at A to
//	   2026-04-01 and at B to 2026-05-01;
//	   P2 left on 2026-01-01: training 2024-07-01;
//	B  E3 in use, status 2025-07-01; P3 active, training 2024-07-01.
func dueFixture(t *testing.T) (s *store.Store, a, b *domain.Institution, e1, p1, p3 int64) {
	t.Helper()
	s = storetest.Open(t)
	d := domain.MustDate
	err := s.WithTx(context.Background(), domain.System, func(tx *store.Tx) error {
		a, b = storetest.Institution(t, tx), storetest.Institution(t, tx)
		lic := func(issued, until string) {
			storetest.Licence(t, tx, a.ID, func(l *domain.Licence) { l.IssuedOn, l.ValidUntil = d(issued), d(until) })
		}
		lic("2016-07-01", "2021-07-01")
		lic("2021-07-01", "2026-07-10")
		lic("2026-07-01", "2031-07-01")
		test := func(eq int64, kind, on, result string) {
			storetest.Test(t, tx, eq, func(x *domain.EquipmentTest) { x.Kind, x.TestedOn, x.Result = kind, d(on), result })
		}
		e1 = storetest.Equipment(t, tx, a.ID).ID
		test(e1, "acceptance", "2024-01-01", "pass")
		test(e1, "status", "2025-07-01", "pass")
		test(e1, "status", "2025-08-01", "fail")
		test(e1, "status", "2026-06-20", "pass")
		test(e1, "protection", "2025-06-14", "pass")
		e2 := storetest.Equipment(t, tx, a.ID, func(e *domain.Equipment) { e.Status = "idle" }).ID
		test(e2, "status", "2025-07-01", "pass")
		e3 := storetest.Equipment(t, tx, b.ID).ID
		test(e3, "status", "2025-07-01", "pass")

		job := func(p, inst int64, ended string) {
			storetest.Employment(t, tx, p, inst, func(e *domain.Employment) {
				e.StartedOn = d("2020-01-01")
				if ended != "" {
					e.EndedOn = d(ended)
				}
			})
		}
		train := func(p int64, on, passed string) {
			storetest.Training(t, tx, p, func(x *domain.Training) { x.TakenOn, x.Passed = d(on), passed })
		}
		p1 = storetest.Person(t, tx).ID
		job(p1, a.ID, "")
		train(p1, "2023-01-01", "pass")
		train(p1, "2024-07-01", "pass")
		train(p1, "2024-08-01", "fail")
		storetest.Exam(t, tx, p1, func(x *domain.Exam) { x.ExaminedOn, x.Kind = d("2024-06-20"), "periodic" })
		storetest.Exam(t, tx, p1, func(x *domain.Exam) { x.ExaminedOn, x.Kind = d("2025-01-01"), "leaving" })
		storetest.Dose(t, tx, p1, a.ID, func(r *domain.DoseRecord) { r.PeriodStart, r.PeriodEnd = d("2026-01-01"), d("2026-04-01") })
		storetest.Dose(t, tx, p1, b.ID, func(r *domain.DoseRecord) { r.PeriodStart, r.PeriodEnd = d("2026-02-01"), d("2026-05-01") })
		p2 := storetest.Person(t, tx).ID
		job(p2, a.ID, "2026-01-01")
		train(p2, "2024-07-01", "pass")
		p3 = storetest.Person(t, tx).ID
		job(p3, b.ID, "")
		train(p3, "2024-07-01", "pass")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, a, b, e1, p1, p3
}

// dueIntervals are the rules' default intervals.
var dueIntervals = map[string]stats.Interval{
	stats.DueLicence: {}, stats.DueStatus: {Years: 1}, stats.DueProtection: {Years: 1},
	stats.DueTraining: {Years: 2}, stats.DueExam: {Years: 2}, stats.DueDose: {Days: 90},
}

// dueOf runs LastDone for every kind with the window's ranges, then stats.Due.
func dueOf(t *testing.T, s *store.Store, inst int64, asOf domain.Date, days int) []string {
	t.Helper()
	var lasts []stats.Last
	err := s.View(context.Background(), func(tx *store.Tx) error {
		for _, k := range stats.DueKinds {
			from, to := dueIntervals[k].Range(asOf, days)
			ls, err := tx.LastDone(k, inst, asOf, from, to)
			if err != nil {
				return err
			}
			for _, l := range ls {
				if l.Last.Before(from) || l.Last.After(to) {
					t.Errorf("%s: %d's last %s outside [%s, %s]", k, l.SubjectID, l.Last, from, to)
				}
			}
			lasts = append(lasts, ls...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range stats.Due(lasts, dueIntervals, asOf, days) {
		out = append(out, fmt.Sprintf("%s %s %d %s %d", x.DueOn, x.Kind, x.SubjectID, x.Last.Last, x.DaysLeft))
	}
	return out
}

// TestLastDone: the latest record of each subject, as the rules read it,
// scoped to one institution, and only what may fall due.
func TestLastDone(t *testing.T) {
	s, a, b, e1, p1, p3 := dueFixture(t)
	asOf := domain.MustDate("2026-06-15")
	got := dueOf(t, s, a.ID, asOf, 30)
	want := []string{
		fmt.Sprintf("2026-06-20 exam %d 2024-06-20 5", p1),
		fmt.Sprintf("2026-06-30 dose %d 2026-04-01 15", p1),
		fmt.Sprintf("2026-07-01 status_test %d 2025-07-01 16", e1),
		fmt.Sprintf("2026-07-01 training %d 2024-07-01 16", p1),
		fmt.Sprintf("2026-07-10 licence %d 2026-07-10 25", a.ID),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("A, 30 days (-want +got):\n%s", diff)
	}
	// B sees its own device and worker, none of A's.
	got = dueOf(t, s, b.ID, asOf, 30)
	want = []string{
		fmt.Sprintf("2026-07-01 training %d 2024-07-01 16", p3),
	}
	if len(got) != 2 || got[1] != want[0] || !strings.Contains(got[0], "2026-07-01 status_test") {
		t.Errorf("B, 30 days: %q", got)
	}
	// Six days later the exam is behind and the status test of 2026-06-20
	// supersedes that of 2025-07-01; the window's far edge is included.
	for _, c := range []struct{ days, n int }{{10, 2}, {9, 1}, {8, 0}} {
		if got := dueOf(t, s, a.ID, domain.MustDate("2026-06-21"), c.days); len(got) != c.n {
			t.Errorf("A from 2026-06-21, %d days: %q", c.days, got)
		}
	}
}

// TestInstitutionCounts: active workers and equipment in use of one
// institution only.
func TestInstitutionCounts(t *testing.T) {
	s, a, b, _, _, _ := dueFixture(t)
	for _, c := range []struct {
		inst             int64
		workers, devices int
	}{{a.ID, 1, 1}, {b.ID, 1, 1}} {
		var got *store.InstitutionCounts
		err := s.View(context.Background(), func(tx *store.Tx) (err error) {
			got, err = tx.InstitutionCounts(c.inst, domain.MustDate("2026-06-15"))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Workers != c.workers || got.Equipment != c.devices || len(got.Findings) != 0 {
			t.Errorf("institution %d: %+v", c.inst, got)
		}
	}
}
