package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"radsup/internal/domain"
)

// The database's faults: it cannot be reached or cannot take a write. They
// are answered 503 with a sentence saying to retry later; the data is safe.
var (
	// ErrUnavailable is a database that is stopped, restarting or unreachable.
	ErrUnavailable = &domain.Error{Code: domain.EUNAVAILABLE, Message: "error.unavailable"}
	// ErrReadOnly is a database that refuses writes (a read-only file or a
	// standby); reading still works.
	ErrReadOnly = &domain.Error{Code: domain.EUNAVAILABLE, Message: "error.read_only"}
	// ErrStorageFull is a database whose disk is full.
	ErrStorageFull = &domain.Error{Code: domain.EUNAVAILABLE, Message: "error.storage_full"}
)

// Fault returns ErrUnavailable, ErrReadOnly or ErrStorageFull when err says
// the database cannot serve now, nil otherwise (a wrong request, a bug, a
// cancelled context).
func Fault(err error) *domain.Error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	if f := engineFault(err); f != nil {
		return f
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return ErrUnavailable
	}
	if pgconn.SafeToRetry(err) {
		return ErrUnavailable
	}
	return nil
}

// markFault wraps a database fault with its *domain.Error so that pages and
// the API answer 503, keeping the driver's text for the log. An error
// already carrying a domain code is left as it is.
func markFault(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*domain.Error](err); ok {
		return err
	}
	if f := Fault(err); f != nil {
		return fmt.Errorf("%w: %w", f, err)
	}
	return err
}

// forgetConns closes the idle connections once the database was found
// unreachable: they died with the server, and each would otherwise fail one
// request after the database is back. New ones are opened as needed.
func (s *Store) forgetConns(err error) {
	if !errors.Is(err, ErrUnavailable) {
		return
	}
	for _, db := range []*sql.DB{s.write, s.read} {
		idle := max(db.Stats().MaxOpenConnections/2, 1)
		db.SetMaxIdleConns(0)
		db.SetMaxIdleConns(idle)
	}
}
