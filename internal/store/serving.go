package store

import (
	"errors"
	"fmt"
	"os"
)

// ErrServed reports that a server is running on the database: on SQLite
// one process writes at a time, and a long write from another process
// (a command-line import) would make the server's own writes fail.
var ErrServed = errors.New("store: a server is running on this database")

// Serve marks the database as served by this process until the store
// closes: on SQLite an exclusive lock on a file beside the database, which
// a second server, or a command that writes for long, cannot take. On
// PostgreSQL, where servers share the database, it does nothing.
func (s *Store) Serve() error {
	release, err := s.serve()
	if err == nil {
		s.unserve = release
	}
	return err
}

func (s *Store) serve() (release func(), err error) {
	if s.path == "" {
		return func() {}, nil
	}
	f, err := os.OpenFile(s.path+"-serve.lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: serve lock: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, ErrServed
		}
		return nil, fmt.Errorf("store: serve lock: %w", err)
	}
	return func() { unlockFile(f); f.Close() }, nil
}

// Served reports whether a server holds the database (see Serve).
func (s *Store) Served() (bool, error) {
	release, err := s.serve()
	if errors.Is(err, ErrServed) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	release()
	return false, nil
}
