// Package audit runs the audit trail's use cases: the auditor's view,
// export and chain verification, pruning past the retention, and the
// events that record no change of a record (a refusal, a reveal, a
// throttled login). The chain itself is written by the store inside every
// transaction that changes something.
package audit

import (
	"context"
	"io"
	"strconv"
	"time"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// Service runs the audit use cases on a store.
type Service struct {
	Store *store.Store
}

// Record writes one event that is not a change of a record, in its own
// transaction.
func (s *Service) Record(ctx context.Context, actor domain.Actor, action, entity string, id int64, detail any) error {
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.Audit(action, entity, id, detail) })
}

// Page is a page of the audit log with the actions recorded so far (for
// the filter).
type Page struct {
	Events  []*domain.AuditEvent
	Total   int
	Actions []string
	Names   Names // the names of the records the events are about
}

// Events returns the events matching f, newest first, if u may read the
// audit trail; personal data in what changed is masked (see masks).
func (s *Service) Events(ctx context.Context, u *domain.User, f store.AuditFilter) (*Page, error) {
	if !auth.Can(u, auth.Read, auth.AuditTrail) {
		return nil, auth.ErrForbidden
	}
	p := &Page{}
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		if p.Events, p.Total, err = tx.FindAuditEvents(f); err != nil {
			return err
		}
		for i, e := range p.Events {
			p.Events[i] = masked(e)
		}
		if p.Names, err = names(tx, p.Events); err != nil {
			return err
		}
		p.Actions, err = tx.AuditActions()
		return err
	})
	return p, err
}

// Actions lists the actions recorded so far.
func (s *Service) Actions(ctx context.Context, u *domain.User) ([]string, error) {
	if !auth.Can(u, auth.Read, auth.AuditTrail) {
		return nil, auth.ErrForbidden
	}
	var out []string
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.AuditActions()
		return err
	})
	return out, err
}

// Verify checks the hash chain for an auditor and records that it did.
func (s *Service) Verify(ctx context.Context, actor domain.Actor, u *domain.User) (*store.ChainReport, error) {
	if !auth.Can(u, auth.Verify, auth.AuditTrail) {
		return nil, auth.ErrForbidden
	}
	rep, err := s.Store.VerifyAudit(ctx)
	if err != nil {
		return nil, err
	}
	err = s.Record(ctx, actor, domain.AuditVerify, "audit", 0, map[string]any{"events": rep.Events, "whole": rep.Break == nil})
	return rep, err
}

// Check verifies the hash chain for the operator at the console; it
// writes nothing, so that checking a copy changes nothing.
func (s *Service) Check(ctx context.Context) (*store.ChainReport, error) {
	return s.Store.VerifyAudit(ctx)
}

// Prune deletes the events older than the retention (days before now); the
// chain of the rest still verifies. It returns how many went and the
// cut-off.
func (s *Service) Prune(ctx context.Context, actor domain.Actor, retentionDays int) (int64, time.Time, error) {
	before := s.Store.Now().AddDate(0, 0, -retentionDays)
	n, err := s.Store.PruneAudit(ctx, actor, before)
	return n, before, err
}

// exportColumns are the columns of an audit log export; the headers are
// catalogue keys.
var exportColumns = []string{"id", "at", "username", "role", "action", "entity", "entity_id", "ip", "request_id",
	"before", "after", "hash"}

// textColumns are kept as text, so that Excel does not read them as numbers.
var textColumns = map[string]bool{"username": true, "ip": true, "request_id": true, "hash": true}

// Export writes the events matching f (its limit ignored), newest first, as
// a workbook in lang, personal data masked as on the page. The export is
// recorded before the first event leaves, with the filter; it returns the
// number of events written.
func (s *Service) Export(ctx context.Context, actor domain.Actor, u *domain.User, f store.AuditFilter, lang string, w io.Writer) (int, error) {
	if !auth.Can(u, auth.Export, auth.AuditTrail) {
		return 0, auth.ErrForbidden
	}
	if err := s.Record(ctx, actor, domain.AuditExport, "audit", 0, map[string]any{"filter": f}); err != nil {
		return 0, err
	}
	k := &xlsx.Kind{Name: "audit", Entity: "audit", Sheet: i18n.T(lang, "audit.sheet")}
	for _, key := range exportColumns {
		k.Columns = append(k.Columns, xlsx.Column{Key: key, ZH: i18n.T(lang, "audit.column."+key), Text: textColumns[key]})
	}
	x := xlsx.NewWriter(w)
	if err := x.Sheet(k, exportColumns); err != nil {
		return 0, err
	}
	n := 0
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		return tx.EachAuditEvent(f, func(e *domain.AuditEvent) error {
			n++
			return x.Row(exportRow(lang, masked(e)))
		})
	})
	if err != nil {
		return n, err
	}
	return n, x.Close()
}

// exportRow is one event as a row; its time in the office's zone, as the
// pages show it.
func exportRow(lang string, e *domain.AuditEvent) []string {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	role := ""
	if e.Role != "" {
		role = i18n.T(lang, "role."+e.Role)
	}
	return []string{strconv.FormatInt(e.ID, 10), e.At.Local().Format("2006-01-02 15:04:05"), e.Username,
		role, e.Action, e.Entity, strconv.FormatInt(e.EntityID, 10),
		e.IP, e.RequestID, str(e.Before), str(e.After), e.Hash}
}
