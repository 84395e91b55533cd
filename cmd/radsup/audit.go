package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"radsup/internal/config"
)

// errAuditBroken makes `radsup audit verify` exit with status 1.
var errAuditBroken = errors.New("audit verify: the audit trail has been altered")

// runAudit runs `radsup audit verify`: it checks the hash chain of the audit
// trail and names the first event that does not fit.
func runAudit(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	if len(args) != 1 || args[0] != "verify" {
		return fmt.Errorf("usage: radsup audit verify")
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.VerifyAudit(ctx)
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
