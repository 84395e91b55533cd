package store

import (
	"slices"
)

// QueueRescreen records, in the transaction, that the subjects of one type
// ("institution", "equipment", "person") with the given ids are to be
// re-screened once it commits; a subject already queued stays queued once.
func (tx *Tx) QueueRescreen(subjectType string, ids []int64) error {
	for chunk := range slices.Chunk(uniqueIDs(ids), batchRows) {
		args := make([]any, 0, 2*len(chunk))
		for _, id := range chunk {
			args = append(args, subjectType, id)
		}
		q := multiRow("INSERT INTO rescreen_outbox (subject_type, subject_id) VALUES ", 2, len(chunk)) +
			" ON CONFLICT (subject_type, subject_id) DO NOTHING"
		if _, err := tx.exec(q, args...); err != nil {
			return mapError("queue re-screening", err)
		}
	}
	return nil
}

// QueuedRescreens returns up to n queued subjects of one type, in id order.
func (tx *Tx) QueuedRescreens(subjectType string, n int) ([]int64, error) {
	ids, err := tx.ids("SELECT subject_id FROM rescreen_outbox WHERE subject_type = ? ORDER BY subject_id LIMIT ?", subjectType, n)
	return ids, mapError("queued re-screenings", err)
}

// DoneRescreen removes subjects of one type from the queue.
func (tx *Tx) DoneRescreen(subjectType string, ids []int64) error {
	for chunk := range slices.Chunk(ids, maxParams) {
		c, args := sel{ids: chunk}.on("subject_id")
		if _, err := tx.exec("DELETE FROM rescreen_outbox WHERE subject_type = ? AND "+c, append([]any{subjectType}, args...)...); err != nil {
			return mapError("done re-screening", err)
		}
	}
	return nil
}
