package store

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"radsup/internal/domain"
)

// Bulk writes many records in one transaction with prepared statements, an
// audit event for every change, as imports do. Unlike Create and Update it
// does not check the scope: the caller has checked every row before writing.
type Bulk struct {
	tx     *Tx
	stmts  map[string]*sql.Stmt
	queues map[string]queue // inserts waiting, by table (InsertLater)
}

// Bulk returns a bulk writer on the transaction; Close it before commit.
func (tx *Tx) Bulk() *Bulk { return &Bulk{tx: tx, stmts: map[string]*sql.Stmt{}} }

// Close releases the prepared statements.
func (b *Bulk) Close() error {
	for _, st := range b.stmts {
		st.Close()
	}
	return nil
}

func (b *Bulk) stmt(q string) (*sql.Stmt, error) {
	if st, ok := b.stmts[q]; ok {
		return st, nil
	}
	b.tx.noteWrite(q)
	st, err := b.tx.tx.PrepareContext(b.tx.ctx, b.tx.d.rebind(q))
	if err != nil {
		return nil, err
	}
	b.stmts[q] = st
	return st, nil
}

// KeyOf returns the values of rec's natural key columns, as stored.
func KeyOf[T any](t *Table[T], rec *T) []any {
	args := t.args(rec)
	out := make([]any, len(t.key))
	for i, col := range t.key {
		out[i] = args[slices.Index(t.cols, col)]
	}
	return out
}

// Key returns the natural key column names of t.
func (t *Table[T]) Key() []string { return t.key }

// FindByKey returns the record of t whose natural key is key (as KeyOf gives
// it), retired or not, or ErrNotFound if there is none. ErrNotFound comes
// bare, not wrapped: an import asks for every row's record, most of them new.
func FindByKey[T any](b *Bulk, t *Table[T], key []any) (*T, error) {
	if err := b.flushTable(t.name); err != nil {
		return nil, err
	}
	st, err := b.stmt(t.selectSQL() + " WHERE " + strings.Join(t.key, " = ? AND ") + " = ?")
	if err != nil {
		return nil, mapError("find "+t.entity, err)
	}
	rec := new(T)
	err = st.QueryRowContext(b.tx.ctx, key...).Scan(t.scanDest(rec)...)
	if err == sql.ErrNoRows {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, mapError("find "+t.entity, err)
	}
	return rec, nil
}

// Insert writes a new record, sets its id, version and timestamps, and audits it.
func Insert[T any](b *Bulk, t *Table[T], rec *T) error {
	st, err := b.stmt(t.insertSQL() + " RETURNING id")
	if err != nil {
		return mapError("create "+t.entity, err)
	}
	m := t.meta(rec)
	m.Version, m.Retired, m.CreatedAt, m.UpdatedAt = 1, false, b.tx.now, b.tx.now
	if err := st.QueryRowContext(b.tx.ctx, append([]any{1, false, b.tx.now, b.tx.now}, t.writeArgs(rec)...)...).Scan(&m.ID); err != nil {
		return mapError("create "+t.entity, err)
	}
	return b.audit(domain.AuditCreate, t.entity, m.ID, nil, rec)
}

// Replace writes rec over before, the stored record with the same id (and
// restores it if it was retired), and audits the change.
func Replace[T any](b *Bulk, t *Table[T], before, rec *T) error {
	bm, m := t.meta(before), t.meta(rec)
	st, err := b.stmt("UPDATE " + t.name + " SET " + t.setSQL() +
		", retired = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?")
	if err != nil {
		return mapError("update "+t.entity, err)
	}
	res, err := st.ExecContext(b.tx.ctx, append(t.writeArgs(rec), false, b.tx.now, bm.ID, bm.Version)...)
	if err != nil {
		return mapError("update "+t.entity, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("update %s %d: %w", t.entity, bm.ID, ErrStale)
	}
	m.ID, m.Version, m.Retired, m.CreatedAt, m.UpdatedAt = bm.ID, bm.Version+1, false, bm.CreatedAt, b.tx.now
	return b.audit(domain.AuditUpdate, t.entity, m.ID, before, rec)
}

// Audit records an event of the bulk write (the import itself, say).
func (b *Bulk) Audit(action, entity string, id int64, detail any) error {
	return b.audit(action, entity, id, nil, detail)
}

func (b *Bulk) audit(action, entity string, id int64, before, after any) error {
	args, err := b.tx.auditArgs(action, entity, id, before, after)
	if err != nil {
		return err
	}
	return b.tx.queueAudit(args)
}

// Records is a table used through domain.Record values, for work that
// treats every kind alike (an import of a workbook of any sheets).
type Records interface {
	// Entity is the name of the table's domain entity.
	Entity() string
	// KeyOf returns the natural key of rec, as stored.
	KeyOf(rec domain.Record) []any
	// FindByKey returns the stored record with rec's natural key, retired
	// or not, or ErrNotFound.
	FindByKey(b *Bulk, rec domain.Record) (domain.Record, error)
	// Insert writes rec as a new record.
	Insert(b *Bulk, rec domain.Record) error
	// InsertLater queues rec to be written as a new record (InsertLater).
	InsertLater(b *Bulk, rec domain.Record) error
	// Replace writes rec over before.
	Replace(b *Bulk, before, rec domain.Record) error
}

// RecordsOf returns the table of the entity with the given name or plural,
// or nil.
func RecordsOf(entity string) Records {
	e := domain.EntityByName(entity)
	if e == nil {
		return nil
	}
	r, _ := tables[e.Name].(Records)
	return r
}

// KeyOf implements Records.
func (t *Table[T]) KeyOf(rec domain.Record) []any { return KeyOf(t, rec.(any).(*T)) }

// FindByKey implements Records.
func (t *Table[T]) FindByKey(b *Bulk, rec domain.Record) (domain.Record, error) {
	found, err := FindByKey(b, t, KeyOf(t, rec.(any).(*T)))
	if err != nil {
		return nil, err
	}
	return any(found).(domain.Record), nil
}

// Insert implements Records.
func (t *Table[T]) Insert(b *Bulk, rec domain.Record) error { return Insert(b, t, rec.(any).(*T)) }

// InsertLater implements Records.
func (t *Table[T]) InsertLater(b *Bulk, rec domain.Record) error {
	return InsertLater(b, t, rec.(any).(*T))
}

// Replace implements Records.
func (t *Table[T]) Replace(b *Bulk, before, rec domain.Record) error {
	return Replace(b, t, before.(any).(*T), rec.(any).(*T))
}

// OtherEmployers is Tx.OtherEmployers inside the bulk writer's transaction.
func (b *Bulk) OtherEmployers(personID, instID int64) (int, error) {
	if err := b.Flush(); err != nil {
		return 0, err
	}
	return b.tx.OtherEmployers(personID, instID)
}
