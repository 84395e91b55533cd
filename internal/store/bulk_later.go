package store

import (
	"fmt"
	"strconv"
	"strings"

	"radsup/internal/domain"
)

// An insert whose id nobody needs at once (a dose record, a training: no
// later row names it) can wait: InsertLater queues it, and the queue of a
// table is written in multi-row statements, each returning the rows' ids,
// with the audit events after them. The queue is written when it is full,
// before a lookup in its table (so that a lookup sees every row written
// before it) and by Flush.

// queue is the waiting inserts of one table.
type queue interface {
	flush(b *Bulk) error
}

type insertQueue[T any] struct {
	t    *Table[T]
	recs []*T
}

// InsertLater queues a new record for insertion, as Insert writes it; its
// id is set when the queue is written.
func InsertLater[T any](b *Bulk, t *Table[T], rec *T) error {
	if b.queues == nil {
		b.queues = map[string]queue{}
	}
	q, _ := b.queues[t.name].(*insertQueue[T])
	if q == nil {
		q = &insertQueue[T]{t: t}
		b.queues[t.name] = q
	}
	q.recs = append(q.recs, rec)
	if len(q.recs) < batchRows {
		return nil
	}
	return q.flush(b)
}

// Flush writes every queued insert.
func (b *Bulk) Flush() error {
	for _, q := range b.queues {
		if err := q.flush(b); err != nil {
			return err
		}
	}
	return nil
}

// flushTable writes the queued inserts of one table.
func (b *Bulk) flushTable(name string) error {
	if q := b.queues[name]; q != nil {
		return q.flush(b)
	}
	return nil
}

func (q *insertQueue[T]) flush(b *Bulk) error {
	if len(q.recs) == 0 {
		return nil
	}
	recs := q.recs
	q.recs = nil
	t := q.t
	cols := t.writeCols()
	args := make([]any, 0, len(recs)*(len(cols)+4))
	byKey := make(map[string]*T, len(recs))
	for _, rec := range recs {
		m := t.meta(rec)
		m.Version, m.Retired, m.CreatedAt, m.UpdatedAt = 1, false, b.tx.now, b.tx.now
		args = append(append(args, 1, false, b.tx.now, b.tx.now), t.writeArgs(rec)...)
		byKey[KeyString(KeyOf(t, rec))] = rec
	}
	head := "INSERT INTO " + t.name + " (version, retired, created_at, updated_at, " + strings.Join(cols, ", ") + ") VALUES "
	// The engines return the rows of a multi-row statement in no promised
	// order: each comes back with its id and natural key, which finds its
	// record.
	rows, err := b.tx.query(multiRow(head, len(cols)+4, len(recs))+" RETURNING id, "+strings.Join(t.key, ", "), args...)
	if err != nil {
		return mapError("create "+t.entity, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		got := new(T)
		if err := rows.Scan(t.keyDest(got)...); err != nil {
			return mapError("create "+t.entity, err)
		}
		rec := byKey[KeyString(KeyOf(t, got))]
		if rec == nil {
			return fmt.Errorf("create %s: the database returned a row not written", t.entity)
		}
		t.meta(rec).ID = t.meta(got).ID
		n++
	}
	if err := rows.Err(); err != nil {
		return mapError("create "+t.entity, err)
	}
	if n != len(recs) {
		return fmt.Errorf("create %s: %d rows written of %d", t.entity, n, len(recs))
	}
	for _, rec := range recs {
		if err := b.audit(domain.AuditCreate, t.entity, t.meta(rec).ID, nil, rec); err != nil {
			return err
		}
	}
	return nil
}

// KeyString joins the values of a natural key (KeyOf's) into one map key:
// a text is quoted and each value ends in a separator, so that no two keys
// join alike.
func KeyString(vals []any) string {
	var b []byte
	for _, v := range vals {
		switch v := v.(type) {
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case string:
			b = strconv.AppendQuote(b, v)
		default:
			b = fmt.Append(b, v)
		}
		b = append(b, 0)
	}
	return string(b)
}
