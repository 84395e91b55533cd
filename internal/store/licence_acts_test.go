package store_test

import (
	"context"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestMigrateLicenceIssueActs: a licence stored before 0017 gets its 发证
// act, dated its issue, with its valid_until as the first 校验 due date.
func TestMigrateLicenceIssueActs(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, storetest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.MigrateBefore(ctx, "0017_change_requests.sql"); err != nil {
		t.Fatal(err)
	}
	var lic *domain.Licence
	if err := s.WithTx(ctx, domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		lic = storetest.Licence(t, tx, storetest.Institution(t, tx).ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var acts []*domain.LicenceAct
	if err := s.View(ctx, func(tx *store.Tx) (err error) {
		acts, err = tx.LicenceActs(lic.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(acts) != 1 || acts[0].Kind != domain.ActIssue || acts[0].On != lic.IssuedOn || acts[0].NextDue != lic.ValidUntil ||
		acts[0].DocumentNo != lic.LicenceNo {
		t.Errorf("acts after 0017: %+v", acts)
	}
}
