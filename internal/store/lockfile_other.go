//go:build !unix

package store

import (
	"errors"
	"os"
)

var errLocked = errors.New("locked by another process")

// lockFile: systems without flock rely on SQLite's own locks.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) {}
