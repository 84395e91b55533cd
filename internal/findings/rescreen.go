package findings

import (
	"context"
	"time"

	"radsup/internal/domain"
	"radsup/internal/store"
)

// RescreenInstitution re-screens the subjects of the institution with a
// credit code (itself, its equipment, the people it employs or monitors)
// as of asOf, in one transaction, as a change to the institution would
// (store.ErrNotFound if there is no such institution: nothing is written).
// It counts what changed by comparing the stored findings of those
// subjects before and after; Dismissed is not counted, as a dismissed
// finding looks the same whether it still fires or not.
func (s *Service) RescreenInstitution(ctx context.Context, code string, asOf domain.Date) (RunStats, error) {
	start := time.Now()
	stats := RunStats{AsOf: asOf}
	err := s.Store.WithTx(ctx, system, func(tx *store.Tx) error {
		instID, err := institutionByCode(tx, code)
		if err != nil {
			return err
		}
		ids, err := subjectsOf(tx, instID)
		if err != nil {
			return err
		}
		before, err := storedFindings(tx, ids)
		if err != nil {
			return err
		}
		if err := s.Rescreen(tx, "institution", []int64{instID}, asOf); err != nil {
			return err
		}
		after, err := storedFindings(tx, ids)
		if err != nil {
			return err
		}
		stats.Subjects = len(ids[0]) + len(ids[1]) + len(ids[2])
		countChanges(&stats, before, after)
		return nil
	})
	stats.Duration = time.Since(start)
	return stats, err
}

// storedFindings returns the stored findings of the subjects with the ids
// of each kind (in the order of kinds), by key.
func storedFindings(tx *store.Tx, ids [3][]int64) (map[domain.FindingKey]*domain.Finding, error) {
	m := map[domain.FindingKey]*domain.Finding{}
	for i, k := range kinds {
		if len(ids[i]) == 0 {
			continue
		}
		fs, err := tx.SubjectFindings(k.subject, ids[i])
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			m[f.Key()] = f
		}
	}
	return m, nil
}

// countChanges counts the findings opened, still open and resolved between
// two snapshots of the same subjects' findings.
func countChanges(stats *RunStats, before, after map[domain.FindingKey]*domain.Finding) {
	for k, a := range after {
		b := before[k]
		switch {
		case a.Status == domain.FindingOpen && (b == nil || b.Status != domain.FindingOpen):
			stats.Opened++
		case a.Status == domain.FindingOpen:
			stats.StillOpen++
		case a.Status == domain.FindingResolved && b != nil && b.Status == domain.FindingOpen:
			stats.Resolved++
		}
	}
}
