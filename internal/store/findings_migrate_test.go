package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestMigrateFindingTemplates writes findings as they were before 0007
// (a Chinese message, evidence of Chinese text) and migrates: each names
// its template, the variant read off its evidence, its hash is marked as
// of the old formula, and the message is gone.
func TestMigrateFindingTemplates(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, storetest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.MigrateBefore(ctx, "0007_finding_templates.sql"); err != nil {
		t.Fatal(err)
	}
	rows := []struct{ rule, evidence, hash string }{
		{"EQP-PROTECTION-OVERDUE", `{"equipment":"CT","serial_no":"A1"}`, "h1"},
		{"EQP-PROTECTION-OVERDUE", `{"equipment":"CT","serial_no":"A2","last_passed":"2024-05-10","deadline":"2025-05-10","years":"1"}`, "h2"},
		{"EQP-FAILED-IN-USE", `{"test_kind":"状态检测","result":"不合格"}`, "h3"},
	}
	for i, r := range rows {
		_, err := s.DB().ExecContext(ctx, `INSERT INTO findings (rule, severity, severity_rank, subject_type, subject_key,
			subject_id, institution_id, institution_code, message, evidence, due_on, status, first_seen, last_seen,
			facts_hash, version, created_at, updated_at) VALUES ('`+r.rule+`', 'violation', 1, 'equipment', 'K', `+
			strconv.Itoa(i+1)+`, 1, 'C', '一句中文', '`+r.evidence+`', '2026-07-30', 'dismissed', '2026-06-30',
			'2026-06-30', '`+r.hash+`', 3, '2026-06-30T00:00:00Z', '2026-06-30T00:00:00Z')`)
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want := []struct{ template, hash string }{
		{"EQP-PROTECTION-OVERDUE/none", "v1:h1"}, {"EQP-PROTECTION-OVERDUE/stale", "v1:h2"}, {"EQP-FAILED-IN-USE", "v1:h3"},
	}
	err = s.View(ctx, func(tx *store.Tx) error {
		for i, w := range want {
			f, err := tx.FindFinding(domain.Scope{}, int64(i+1))
			if err != nil {
				return err
			}
			if f.Template != w.template || f.FactsHash != w.hash || f.Version != 3 || f.Status != domain.FindingDismissed {
				t.Errorf("row %d after 0007: %+v", i+1, f)
			}
		}
		if f, _ := tx.FindFinding(domain.Scope{}, 3); f.Evidence.Value("test_kind") != "状态检测" {
			t.Errorf("evidence changed: %v", f.Evidence)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, "SELECT message FROM findings"); err == nil || !strings.Contains(strings.ToLower(err.Error()), "message") {
		t.Errorf("the message column is still there: %v", err)
	}
}
