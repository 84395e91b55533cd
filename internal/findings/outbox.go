package findings

import (
	"context"
	"fmt"

	"radsup/internal/domain"
	"radsup/internal/store"
)

// outboxBatch is how many queued subjects one transaction re-screens.
const outboxBatch = 500

// WorkOff re-screens the subjects queued by store.Tx.QueueRescreen (an
// import's, after it commits), as of asOf, a batch per transaction that
// also takes them off the queue, until none is left; it returns how many
// it re-screened. A crash leaves the rest queued for the next call: the
// server works the queue off when it starts.
func (s *Service) WorkOff(ctx context.Context, asOf domain.Date) (int, error) {
	done := 0
	for _, subject := range []string{"institution", "equipment", "person"} {
		for {
			var n int
			err := s.Store.WithTx(ctx, system, func(tx *store.Tx) error {
				// The lock first: of two servers working the queue, the
				// second reads it after the first has taken its batch off.
				if err := tx.LockFindings(); err != nil {
					return err
				}
				ids, err := tx.QueuedRescreens(subject, outboxBatch)
				if err != nil || len(ids) == 0 {
					return err
				}
				if err := s.Rescreen(tx, subject, ids, asOf); err != nil {
					return err
				}
				n = len(ids)
				return tx.DoneRescreen(subject, ids)
			})
			if err != nil {
				return done, fmt.Errorf("findings.WorkOff: %w", err)
			}
			done += n
			if n < outboxBatch {
				break
			}
		}
	}
	return done, nil
}
