package store_test

import (
	"context"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// beijing is the office's zone of these tests, without changing the
// process's time.Local under tests running in parallel.
var beijing = time.FixedZone("CST", 8*3600)

// TestSubmissionsFilteredByTheOfficesDay: 00:30 on 5 January in Beijing is
// 16:30 UTC on 4 January; bounds given in the office's zone find it on the
// 5th, not the 4th (SQLite compared the bounds' text with the stored UTC
// text).
func TestSubmissionsFilteredByTheOfficesDay(t *testing.T) {
	s := storetest.Open(t)
	s.Now = func() time.Time { return time.Date(2026, 1, 5, 0, 30, 0, 0, beijing) }
	ctx := context.Background()
	err := s.WithTx(ctx, domain.Actor{Username: "clerk"}, func(tx *store.Tx) error {
		inst := storetest.Institution(t, tx)
		return tx.AddSubmission(&domain.Submission{InstitutionID: inst.ID, Entity: domain.SubmissionImport, Action: domain.SubmitSave, Data: "{}"})
	})
	if err != nil {
		t.Fatal(err)
	}
	day := domain.NewDate(2026, 1, 5)
	for _, tc := range []struct {
		day  domain.Date
		want int
	}{{day, 1}, {day.AddDate(0, 0, -1), 0}} {
		err := s.View(ctx, func(tx *store.Tx) error {
			got, err := tx.Submissions(domain.Scope{}, store.SubmissionFilter{From: tc.day.Start(beijing), To: tc.day.AddDate(0, 0, 1).Start(beijing)})
			if len(got) != tc.want {
				t.Errorf("submissions of %s: %d, want %d", tc.day, len(got), tc.want)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestOtherEmployersOnTheOfficesDay: at 01:00 on 5 January in Beijing (still
// the 4th in UTC) an employment that ended on the 5th is over; the
// transaction's day is the office's (Tx.Today), not UTC's.
func TestOtherEmployersOnTheOfficesDay(t *testing.T) {
	s := storetest.Open(t)
	s.Now = func() time.Time { return time.Date(2026, 1, 5, 1, 0, 0, 0, beijing) }
	err := s.WithTx(context.Background(), domain.Actor{Username: "clerk"}, func(tx *store.Tx) error {
		if got, want := tx.Today(), domain.NewDate(2026, 1, 5); !got.Equal(want) {
			t.Errorf("the transaction's day %s, want %s", got, want)
		}
		own, other := storetest.Institution(t, tx), storetest.Institution(t, tx)
		p := storetest.Person(t, tx)
		storetest.Employment(t, tx, p.ID, own.ID)
		storetest.Employment(t, tx, p.ID, other.ID, func(e *domain.Employment) { e.EndedOn = domain.NewDate(2026, 1, 5) })
		n, err := tx.OtherEmployers(p.ID, own.ID)
		if n != 0 {
			t.Errorf("other employers with an employment ended today: %d, want 0", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
