package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"radsup/internal/domain"
)

// The store's errors. Each is a *domain.Error so that pages and the API map
// them to a code without knowing the store.
var (
	ErrNotFound = &domain.Error{Code: domain.ENOTFOUND, Message: "error.not_found"}
	ErrConflict = &domain.Error{Code: domain.ECONFLICT, Message: "error.conflict"}
	ErrStale    = &domain.Error{Code: domain.ESTALE, Message: "error.stale"}
	// ErrReference marks a conflict with a record referred to (a foreign
	// key): it is also an ErrConflict.
	ErrReference = &domain.Error{Code: domain.ECONFLICT, Message: "error.reference"}
)

// mapError turns driver errors into ErrNotFound or ErrConflict, keeping
// the driver's text for the log.
func mapError(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return fmt.Errorf("%s: %w", op, err)
	}
	msg := err.Error()
	// SQLite: "UNIQUE constraint failed", "FOREIGN KEY constraint failed";
	// PostgreSQL: SQLSTATE 23505 (unique), 23503 (foreign key).
	if strings.Contains(msg, "FOREIGN KEY constraint") || strings.Contains(msg, "SQLSTATE 23503") {
		return fmt.Errorf("%s: %w: %w (%s)", op, ErrConflict, ErrReference, msg)
	}
	if strings.Contains(msg, "UNIQUE constraint") || strings.Contains(msg, "SQLSTATE 23505") {
		return fmt.Errorf("%s: %w (%s)", op, ErrConflict, msg)
	}
	return fmt.Errorf("%s: %w", op, err)
}
