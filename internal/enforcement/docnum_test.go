package enforcement_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestDocumentNumbersConcurrent issues many documents at once: the numbers
// of a type and year run 1..N with no gap and no duplicate, a transaction
// that rolls back after taking a number gives it back, and each type counts
// on its own.
func TestDocumentNumbersConcurrent(t *testing.T) {
	s := storetest.Open(t)
	svc := &enforcement.Service{Store: s, Today: func() domain.Date { return domain.MustDate("2026-12-05") }, DocPrefix: "中原卫放"}
	const workers, each = 8, 6
	errRollback := errors.New("roll back")
	var wg sync.WaitGroup
	var mu sync.Mutex
	committed, failed := 0, []error{}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				rollback := (w+i)%4 == 0 // a quarter of the issuers give up after taking a number
				typ := enforcement.DocOrder
				if i%3 == 2 {
					typ = enforcement.DocPenalty
				}
				err := s.WithTx(context.Background(), domain.System, func(tx *store.Tx) error {
					if _, err := svc.IssueDocument(tx, typ, "rectification", int64(w*100+i)); err != nil {
						return err
					}
					if rollback {
						return errRollback
					}
					return nil
				})
				mu.Lock()
				switch {
				case err == nil && typ == enforcement.DocOrder:
					committed++
				case err != nil && !errors.Is(err, errRollback):
					failed = append(failed, err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(failed) > 0 {
		t.Fatalf("issuing failed: %v", failed)
	}
	var orders, penalties []*domain.Document
	err := s.View(context.Background(), func(tx *store.Tx) (err error) {
		if orders, err = tx.Documents(string(enforcement.DocOrder), 2026); err != nil {
			return err
		}
		penalties, err = tx.Documents(string(enforcement.DocPenalty), 2026)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != committed || committed == 0 {
		t.Fatalf("%d 责改 documents in the register, %d committed", len(orders), committed)
	}
	for _, docs := range [][]*domain.Document{orders, penalties} {
		for i, d := range docs {
			if d.Seq != i+1 {
				t.Fatalf("the %d-th %s document has number %d: a gap or a duplicate", i+1, d.Type, d.Seq)
			}
			if want := enforcement.DocumentNumber("中原卫放", enforcement.DocType(d.Type), 2026, i+1); d.Number != want {
				t.Errorf("number %q, want %q", d.Number, want)
			}
		}
	}
	if got := orders[2].Number; got != "中原卫放责改〔2026〕3号" {
		t.Errorf("the third 责令改正通知书 is %q", got)
	}
	if len(penalties) == 0 || penalties[0].Number != "中原卫放罚〔2026〕1号" {
		t.Errorf("the first 行政处罚决定书: %v", penalties)
	}
	// The counter stands where the register ends: the next number follows on.
	var next *domain.Document
	err = s.WithTx(context.Background(), domain.System, func(tx *store.Tx) (err error) {
		next, err = svc.IssueDocument(tx, enforcement.DocOrder, "rectification", 1)
		return err
	})
	if err != nil || next.Seq != committed+1 {
		t.Errorf("next number %v (%v), want %d", next, err, committed+1)
	}
}

// TestDocumentNumbersPerYear: a new year starts again at 1; an office with
// no prefix configured gets the default one.
func TestDocumentNumbersPerYear(t *testing.T) {
	s := storetest.Open(t)
	today := domain.MustDate("2026-12-31")
	svc := &enforcement.Service{Store: s, Today: func() domain.Date { return today }}
	issue := func() string {
		var d *domain.Document
		err := s.WithTx(context.Background(), domain.System, func(tx *store.Tx) (err error) {
			d, err = svc.IssueDocument(tx, enforcement.DocOpinion, "rectification", 7)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return d.Number
	}
	got := []string{issue(), issue()}
	today = domain.MustDate("2027-01-01")
	got = append(got, issue())
	want := []string{"中原卫放意〔2026〕1号", "中原卫放意〔2026〕2号", "中原卫放意〔2027〕1号"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("numbers %v, want %v", got, want)
	}
	err := s.WithTx(context.Background(), domain.System, func(tx *store.Tx) error {
		_, err := svc.IssueDocument(tx, enforcement.DocType("bogus"), "rectification", 7)
		return err
	})
	if err == nil {
		t.Error("an unknown document type was numbered")
	}
}
