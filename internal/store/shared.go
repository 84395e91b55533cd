package store

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"

	"radsup/internal/domain"
)

// A page reads its parts through several services, each in a View of its
// own. Under load every View waits for a reader connection, so a page of
// ten parts waited ten times, and read ten snapshots. ShareReads makes the
// Views of one request share a single read-only transaction: one wait, one
// snapshot, statements prepared once.
type sharedRead struct {
	s      *Store
	ctx    context.Context
	mu     sync.Mutex // held while a View runs on the transaction
	tx     *Tx
	closed bool
	writes atomic.Int64 // writes committed under the context
	seen   int64        // writes committed when tx began
}

type sharedKey struct{}

// ShareReads returns a context under which the store's Views share one
// read-only transaction, begun at the first, and the function that ends it.
// A write committed under the context ends the transaction, so that the
// Views after it see the write. Work that outlives the request takes
// Unshared(ctx).
func (s *Store) ShareReads(ctx context.Context) (context.Context, func()) {
	sh := &sharedRead{s: s, ctx: ctx}
	return context.WithValue(ctx, sharedKey{}, sh), func() {
		sh.mu.Lock()
		defer sh.mu.Unlock()
		sh.end()
		sh.closed = true
	}
}

// Unshared returns ctx without its shared read transaction.
func Unshared(ctx context.Context) context.Context {
	if ctx.Value(sharedKey{}) == nil {
		return ctx
	}
	return context.WithValue(ctx, sharedKey{}, (*sharedRead)(nil))
}

// shared returns the context's shared read transaction for s, if any.
func (s *Store) shared(ctx context.Context) *sharedRead {
	sh, _ := ctx.Value(sharedKey{}).(*sharedRead)
	if sh == nil || sh.s != s {
		return nil
	}
	return sh
}

// view runs fn on the shared transaction, begun if need be; ok is false
// when it cannot be used (ended, or in use: a View within a View, another
// goroutine), and the caller runs a transaction of its own.
func (sh *sharedRead) view(fn func(*Tx) error) (ok bool, err error) {
	if !sh.mu.TryLock() {
		return false, nil
	}
	defer sh.mu.Unlock()
	if sh.closed {
		return false, nil
	}
	if w := sh.writes.Load(); sh.tx != nil && w != sh.seen {
		sh.end()
	}
	if sh.tx == nil {
		if err := sh.begin(); err != nil {
			return true, err
		}
	}
	defer func() {
		if p := recover(); p != nil {
			sh.end()
			panic(p)
		}
		err = markFault(err)
		sh.s.forgetConns(err)
		if err != nil {
			// On PostgreSQL a failed statement aborts the transaction:
			// the next View begins another.
			sh.end()
		}
	}()
	return true, fn(sh.tx)
}

func (sh *sharedRead) begin() error {
	s := sh.s
	var opts *sql.TxOptions
	if s.dialect.txOptions {
		// One snapshot for the whole request, as SQLite's read transaction
		// gives (PostgreSQL's default takes one per statement).
		opts = &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	}
	sh.seen = sh.writes.Load()
	tx, err := s.begin(sh.ctx, s.read, domain.Actor{}, opts)
	if err != nil {
		err = markFault(err)
		s.forgetConns(err)
		return err
	}
	sh.tx = tx
	return nil
}

// end closes the transaction, if one is open.
func (sh *sharedRead) end() {
	if sh.tx != nil {
		sh.tx.tx.Rollback()
		sh.tx = nil
	}
}
