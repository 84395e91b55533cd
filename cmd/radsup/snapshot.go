package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"radsup/internal/audit"
	"radsup/internal/config"
	"radsup/internal/i18n"
	"radsup/internal/store"
)

// runBackup runs `radsup backup FILE`: a consistent copy of the database
// taken while the server may run (SQLite), or pg_dump (PostgreSQL).
func runBackup(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: radsup [-db URL] backup FILE")
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	if err := s.Backup(ctx, cfg.DB, args[0]); err != nil {
		return err
	}
	st, err := os.Stat(args[0])
	if err != nil {
		return err
	}
	fmt.Fprintln(out, i18n.T(cfg.Lang, "cli.backup.done", args[0], st.Size(), s.Dialect(), time.Since(start).Round(time.Millisecond)))
	return nil
}

// runRestore runs `radsup restore [-force] FILE`: the backup replaces the
// database, which is then migrated (an older backup is brought up to date).
func runRestore(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: radsup [-db URL] restore [-force] FILE")
	}
	err := store.RestoreBackup(ctx, cfg.DB, args[0], cfg.Force)
	if errors.Is(err, store.ErrNotEmpty) {
		return errors.New(i18n.T(cfg.Lang, "cli.restore.not_empty", cfg.DB))
	}
	if err != nil {
		return err
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := (&audit.Service{Store: s}).Check(ctx)
	if err != nil {
		return err
	}
	if rep.Break != nil {
		fmt.Fprintln(out, i18n.T(cfg.Lang, "cli.restore.done_broken", args[0], cfg.DB, rep.Events, rep.Break.ID, rep.Break.Reason))
		return nil
	}
	fmt.Fprintln(out, i18n.T(cfg.Lang, "cli.restore.done", args[0], cfg.DB, rep.Events))
	return nil
}
