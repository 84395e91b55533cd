package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"radsup/internal/domain"
)

// Tx is one database transaction. Every read and write goes through a Tx so
// that a page sees one snapshot and a change commits with its audit events.
type Tx struct {
	ctx   context.Context
	tx    *sql.Tx
	d     dialect
	actor domain.Actor
	now   time.Time   // UTC
	today domain.Date // the office's day at now (Today)
	seen  func(string, []any)

	counts *countCache     // the store's kept list totals
	epoch  uint64          // the counts' epoch when the transaction began
	wrote  map[string]bool // tables written, in a read-write transaction; nil in a read-only one

	// Statements run more than once in this transaction are prepared once:
	// parsing dominates small statements (an import, a re-screening).
	uses  map[string]int
	stmts map[string]*sql.Stmt

	chain chain // the audit chain, from the first event the transaction writes
	// queued are audit events (auditSQL's arguments) a bulk write has not
	// inserted yet; they are written in multi-row statements, at the
	// latest before commit.
	queued [][]any
}

// maxCounted bounds the statements a transaction counts for preparing;
// queries with id lists of many lengths would otherwise grow it freely.
const maxCounted = 512

// Now is the time the transaction started; every timestamp it writes uses it.
func (tx *Tx) Now() time.Time { return tx.now }

// Today is the office's day at the transaction's time: the day of the
// store's clock (Store.Now) in the zone of the time it gives, which is the
// office's (time.Local) unless a test's clock says otherwise; not UTC's.
func (tx *Tx) Today() domain.Date { return tx.today }

// domain.Actor returns who makes the transaction's changes.
func (tx *Tx) Actor() domain.Actor { return tx.actor }

// WithTx runs fn in a read-write transaction on behalf of actor and commits
// if fn returns nil; otherwise, or on panic, it rolls back.
func (s *Store) WithTx(ctx context.Context, actor domain.Actor, fn func(*Tx) error) error {
	err := s.run(ctx, s.write, actor, false, fn)
	if sh := s.shared(ctx); sh != nil && err == nil {
		sh.writes.Add(1) // the Views after it begin a new snapshot
	}
	return err
}

// View runs fn in a read-only transaction on the reader pool.
func (s *Store) View(ctx context.Context, fn func(*Tx) error) error {
	if sh := s.shared(ctx); sh != nil {
		if ok, err := sh.view(fn); ok {
			return err
		}
	}
	return s.run(ctx, s.read, domain.Actor{}, true, fn)
}

func (s *Store) run(ctx context.Context, db *sql.DB, actor domain.Actor, readOnly bool, fn func(*Tx) error) (err error) {
	defer func() { err = markFault(err); s.forgetConns(err) }()
	var opts *sql.TxOptions
	if s.dialect.txOptions {
		opts = &sql.TxOptions{ReadOnly: readOnly}
	}
	tx, err := s.begin(ctx, db, actor, opts)
	if err != nil {
		return err
	}
	stx := tx.tx
	if !readOnly {
		tx.wrote = map[string]bool{}
	}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
		if err == nil {
			err = tx.flushAudit()
		}
		if err == nil {
			err = tx.saveChainHead()
		}
		if err != nil {
			stx.Rollback()
			return
		}
		if cerr := stx.Commit(); cerr != nil {
			err = fmt.Errorf("store: commit: %w", cerr)
			return
		}
		s.counts.committed(tx.wrote)
	}()
	return fn(tx)
}

// begin starts a transaction on db with opts (nil: the engine's default)
// on behalf of actor.
func (s *Store) begin(ctx context.Context, db *sql.DB, actor domain.Actor, opts *sql.TxOptions) (*Tx, error) {
	epoch := s.counts.now() // before the snapshot: a total counted in it is never newer than this
	stx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	clock := s.Now()
	return &Tx{ctx: ctx, tx: stx, d: s.dialect, actor: actor, now: clock.UTC().Truncate(time.Microsecond), today: domain.DateOf(clock),
		seen: s.OnQuery, counts: &s.counts, epoch: epoch}, nil
}

func (tx *Tx) exec(q string, args ...any) (sql.Result, error) {
	if st := tx.stmt(q, args); st != nil {
		return st.ExecContext(tx.ctx, args...)
	}
	return tx.tx.ExecContext(tx.ctx, tx.sql(q, args), args...)
}

func (tx *Tx) query(q string, args ...any) (*sql.Rows, error) {
	if st := tx.stmt(q, args); st != nil {
		return st.QueryContext(tx.ctx, args...)
	}
	return tx.tx.QueryContext(tx.ctx, tx.sql(q, args), args...)
}

func (tx *Tx) queryRow(q string, args ...any) *sql.Row {
	if st := tx.stmt(q, args); st != nil {
		return st.QueryRowContext(tx.ctx, args...)
	}
	return tx.tx.QueryRowContext(tx.ctx, tx.sql(q, args), args...)
}

// stmt returns q prepared on the transaction from its second use on, nil
// before (a statement run once costs the same unprepared, and on PostgreSQL
// preparing it would cost a round trip). The transaction closes its
// statements when it ends. A statement seen for the first time has the
// table it writes noted (noteWrite).
func (tx *Tx) stmt(q string, args []any) *sql.Stmt {
	if st, ok := tx.stmts[q]; ok {
		if tx.seen != nil {
			tx.seen(tx.d.rebind(q), args)
		}
		return st
	}
	if tx.uses == nil {
		tx.uses, tx.stmts = map[string]int{}, map[string]*sql.Stmt{}
	}
	n, counted := tx.uses[q]
	if !counted {
		tx.noteWrite(q)
	}
	if !counted && len(tx.uses) >= maxCounted {
		return nil
	}
	tx.uses[q] = n + 1
	if n == 0 {
		return nil
	}
	st, err := tx.tx.PrepareContext(tx.ctx, tx.sql(q, args))
	if err != nil {
		return nil // the unprepared run reports the error
	}
	tx.stmts[q] = st
	return st
}

// noteWrite notes the table q writes, in a read-write transaction, so that
// kept list totals that read it are dropped once the transaction commits.
func (tx *Tx) noteWrite(q string) {
	if tx.wrote != nil {
		if t := writtenTable(q); t != "" {
			tx.wrote[t] = true
		}
	}
}

// sql rebinds q for the dialect and shows it to the store's OnQuery.
func (tx *Tx) sql(q string, args []any) string {
	q = tx.d.rebind(q)
	if tx.seen != nil {
		tx.seen(q, args)
	}
	return q
}

// insertID runs an INSERT … RETURNING id and returns the new id.
func (tx *Tx) insertID(q string, args ...any) (int64, error) {
	var id int64
	err := tx.queryRow(q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// lock takes the advisory lock key until the transaction ends, where the
// engine runs writers side by side.
func (tx *Tx) lock(key int64) error {
	if tx.d.lock == "" {
		return nil
	}
	_, err := tx.exec(tx.d.lock, key)
	return mapError("lock", err)
}
