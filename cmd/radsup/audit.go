package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"radsup/internal/accounts"
	"radsup/internal/audit"
	"radsup/internal/config"
	"radsup/internal/store"
)

// errAuditBroken makes `radsup audit verify` exit with status 1.
var errAuditBroken = errors.New("audit verify: the audit trail has been altered")

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
		return pruneAudit(ctx, s, out)
	}
	rep, err := (&audit.Service{Store: s}).Check(ctx)
	if err != nil {
		return err
	}
	if rep.Break != nil {
		fmt.Fprintf(out, "审计日志链在第 %d 条事件处断开（已核对 %d 条）：%s\n", rep.Break.ID, rep.Events, rep.Break.Reason)
		fmt.Fprintf(out, "audit chain BROKEN at event %d after %d good events: %s\n", rep.Break.ID, rep.Events, rep.Break.Reason)
		return errAuditBroken
	}
	fmt.Fprintf(out, "审计日志链完整：%d 条事件，最后一条 #%d。\n", rep.Events, rep.LastID)
	fmt.Fprintf(out, "audit chain OK: %d events, last #%d, head %s\n", rep.Events, rep.LastID, rep.Head)
	fmt.Fprintln(out, "Keep the head hash outside this database (a log, a signed note): it shows the whole chain was not rewritten.")
	return nil
}

// pruneAudit deletes the audit events older than the policy's retention
// (at least 180 days); the chain of the rest still verifies.
func pruneAudit(ctx context.Context, s *store.Store, out io.Writer) error {
	pol, err := (&accounts.Service{Store: s}).Policy(ctx)
	if err != nil {
		return err
	}
	n, before, err := (&audit.Service{Store: s}).Prune(ctx, cliActor, pol.RetentionDays)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "已删除 %s 之前的审计事件 %d 条（保存期 %d 天）。\naudit events before %s deleted: %d (retention %d days)\n",
		before.Format("2006-01-02"), n, pol.RetentionDays, before.Format("2006-01-02"), n, pol.RetentionDays)
	return nil
}
