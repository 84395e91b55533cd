package store

import (
	"database/sql"
)

// Loader inserts many rows in one transaction with prepared statements,
// without a per-row audit event: for bulk loads (demo data, benchmarks) that
// record one audit event for the whole load.
type Loader struct {
	tx    *Tx
	stmts map[string]*sql.Stmt
}

// Loader returns a bulk loader on the transaction; Close it before commit.
func (tx *Tx) Loader() *Loader { return &Loader{tx: tx, stmts: map[string]*sql.Stmt{}} }

// Load inserts rec into t and sets its id, version and timestamps.
func Load[T any](l *Loader, t *Table[T], rec *T) error {
	st, ok := l.stmts[t.name]
	if !ok {
		var err error
		l.tx.noteWrite(t.insertSQL())
		if st, err = l.tx.tx.PrepareContext(l.tx.ctx, l.tx.d.rebind(t.insertSQL()+" RETURNING id")); err != nil {
			return mapError("load "+t.entity, err)
		}
		l.stmts[t.name] = st
	}
	m := t.meta(rec)
	m.Version, m.CreatedAt, m.UpdatedAt = 1, l.tx.now, l.tx.now
	err := st.QueryRowContext(l.tx.ctx, append([]any{1, false, l.tx.now, l.tx.now}, t.writeArgs(rec)...)...).Scan(&m.ID)
	return mapError("load "+t.entity, err)
}

// Close releases the prepared statements.
func (l *Loader) Close() error {
	for _, st := range l.stmts {
		st.Close()
	}
	return nil
}
