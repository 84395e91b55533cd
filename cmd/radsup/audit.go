package main

import (
	"context"
	"fmt"
	"io"

	"radsup/internal/accounts"
	"radsup/internal/audit"
	"radsup/internal/config"
	"radsup/internal/i18n"
	"radsup/internal/store"
)

// auditBroken makes `radsup audit verify` exit with status 1; its text is
// in the reader's language.
type auditBroken struct{ lang string }

func (e auditBroken) Error() string { return i18n.T(e.lang, "cli.audit.altered") }

// runAudit runs `radsup audit verify`, which checks the hash chain of the
// audit trail and names the first event that does not fit, and `radsup
// audit prune`, which deletes the events past the retention.
func runAudit(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	if len(args) != 1 || (args[0] != "verify" && args[0] != "prune") {
		return fmt.Errorf("usage: radsup audit verify | radsup audit prune")
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	if args[0] == "prune" {
		return pruneAudit(ctx, s, cfg.Lang, out)
	}
	rep, err := (&audit.Service{Store: s}).Check(ctx)
	if err != nil {
		return err
	}
	lang := cfg.Lang
	if rep.Break != nil {
		fmt.Fprintln(out, i18n.T(lang, "cli.audit.broken", rep.Break.ID, rep.Events, rep.Break.Reason))
		return auditBroken{lang}
	}
	fmt.Fprintln(out, i18n.T(lang, "cli.audit.whole", rep.Events, rep.LastID))
	fmt.Fprintln(out, i18n.T(lang, "cli.audit.head", rep.Head))
	fmt.Fprintln(out, i18n.T(lang, "cli.audit.keep_head"))
	return nil
}

// pruneAudit deletes the audit events older than the policy's retention
// (at least 180 days); the chain of the rest still verifies.
func pruneAudit(ctx context.Context, s *store.Store, lang string, out io.Writer) error {
	pol, err := (&accounts.Service{Store: s}).Policy(ctx)
	if err != nil {
		return err
	}
	n, before, err := (&audit.Service{Store: s}).Prune(ctx, cliActor, pol.RetentionDays)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, i18n.T(lang, "cli.audit.pruned", before.Format("2006-01-02"), n, pol.RetentionDays))
	return nil
}
