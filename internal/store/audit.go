package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"radsup/internal/domain"
)

// The audit trail is a hash chain: every event stores the hash of the event
// before it (in id order) and its own hash over its content and that link.
// Changing, deleting or reordering a stored event breaks the chain at that
// event or the next; deleting the newest events is caught by audit_head,
// which holds the id and hash of the last event. A transaction that audits
// takes the head first (locked on PostgreSQL; SQLite has one writer), so
// audited transactions are chained in commit order.

// auditSQL inserts one audit event; auditArgs gives its arguments.
const auditSQL = `INSERT INTO audit_events (id, at, user_id, username, role, action, entity, entity_id, before_json, after_json,
	request_id, ip, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// chainHash is the hash of an event: SHA-256 over its content and the hash
// of the event before it, as a JSON array so that no field can bleed into
// the next.
func chainHash(e *domain.AuditEvent) string {
	b, _ := json.Marshal([]any{e.ID, e.At.UTC().Format(time.RFC3339Nano), e.UserID, e.Username, e.Role, e.Action,
		e.Entity, e.EntityID, e.Before, e.After, e.RequestID, e.IP, e.PrevHash})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// chain is a transaction's position in the audit chain.
type chain struct {
	loaded bool
	lastID int64
	hash   string
	moved  bool // events were added: write the head at commit
}

// chainHead reads (and on PostgreSQL locks until commit) the chain's head.
func (tx *Tx) chainHead() error {
	if tx.chain.loaded {
		return nil
	}
	q := "SELECT last_id, hash FROM audit_head WHERE id = 1" + tx.d.forUpdate
	if err := tx.tx.QueryRowContext(tx.ctx, q).Scan(&tx.chain.lastID, &tx.chain.hash); err != nil {
		return mapError("audit head", err)
	}
	tx.chain.loaded = true
	return nil
}

// saveChainHead writes the head if the transaction added events.
func (tx *Tx) saveChainHead() error {
	if !tx.chain.moved {
		return nil
	}
	_, err := tx.tx.ExecContext(tx.ctx, tx.d.rebind("UPDATE audit_head SET last_id = ?, hash = ? WHERE id = 1"),
		tx.chain.lastID, tx.chain.hash)
	return mapError("audit head", err)
}

// auditArgs returns the arguments of auditSQL for one change by the
// transaction's actor, with before and after as JSON, and advances the chain.
func (tx *Tx) auditArgs(action, entity string, id int64, before, after any) ([]any, error) {
	enc := func(v any) (*string, error) {
		if v == nil {
			return nil, nil
		}
		b, err := json.Marshal(v)
		s := string(b)
		return &s, err
	}
	b, err := enc(before)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	a, err := enc(after)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	if err := tx.chainHead(); err != nil {
		return nil, err
	}
	e := &domain.AuditEvent{ID: tx.chain.lastID + 1, At: tx.now, UserID: tx.actor.UserID, Username: tx.actor.Username,
		Role: tx.actor.Role, Action: action, Entity: entity, EntityID: id, Before: b, After: a,
		RequestID: tx.actor.RequestID, IP: tx.actor.IP, PrevHash: tx.chain.hash}
	e.Hash = chainHash(e)
	tx.chain.lastID, tx.chain.hash, tx.chain.moved = e.ID, e.Hash, true
	return []any{e.ID, e.At, nullID(e.UserID), e.Username, e.Role, e.Action, e.Entity, e.EntityID,
		nullString(e.Before), nullString(e.After), e.RequestID, e.IP, e.PrevHash, e.Hash}, nil
}

func nullString(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// audit records one change with the actor of the transaction.
func (tx *Tx) audit(action, entity string, id int64, before, after any) error {
	args, err := tx.auditArgs(action, entity, id, before, after)
	if err != nil {
		return err
	}
	_, err = tx.exec(auditSQL, args...)
	return mapError("audit", err)
}

// Audit records an event that is not a record change (login, logout, export…).
func (tx *Tx) Audit(action, entity string, id int64, detail any) error {
	return tx.audit(action, entity, id, nil, detail)
}

const auditCols = "id, at, user_id, username, role, action, entity, entity_id, before_json, after_json, request_id, ip, prev_hash, hash"

func scanAudit(row interface{ Scan(...any) error }) (*domain.AuditEvent, error) {
	e := &domain.AuditEvent{}
	var uid, eid sql.NullInt64
	var before, after sql.NullString
	err := row.Scan(&e.ID, timeCol{&e.At}, &uid, &e.Username, &e.Role, &e.Action, &e.Entity, &eid, &before, &after,
		&e.RequestID, &e.IP, &e.PrevHash, &e.Hash)
	e.UserID, e.EntityID = uid.Int64, eid.Int64
	if before.Valid {
		e.Before = &before.String
	}
	if after.Valid {
		e.After = &after.String
	}
	return e, err
}

// ChainBreak says where the audit chain is broken.
type ChainBreak struct {
	ID     int64  // the first event that does not fit (the head's id for a break at the end)
	Reason string // what does not fit, in English
}

func (b *ChainBreak) Error() string { return fmt.Sprintf("audit event %d: %s", b.ID, b.Reason) }

// ChainReport is the result of verifying the audit chain.
type ChainReport struct {
	Events int64
	LastID int64
	Head   string      // the hash of the last event: record it elsewhere to detect a rewrite of the whole chain
	Break  *ChainBreak // nil if the chain is whole
}

// VerifyAudit reads every audit event in id order and checks the chain:
// ids without gaps, each event's link to the one before, each event's own
// hash, and the head. It stops at the first break.
func (s *Store) VerifyAudit(ctx context.Context) (*ChainReport, error) {
	rep := &ChainReport{}
	err := s.View(ctx, func(tx *Tx) error {
		// One snapshot for the head and every event, so that events
		// committed meanwhile do not look like a broken end.
		if tx.d.snapshot != "" {
			if _, err := tx.exec(tx.d.snapshot); err != nil {
				return mapError("verify audit", err)
			}
		}
		var headID int64
		var headHash, baseHash string
		if err := tx.queryRow("SELECT last_id, hash, base_hash FROM audit_head WHERE id = 1").Scan(&headID, &headHash, &baseHash); err != nil {
			return mapError("audit head", err)
		}
		rows, err := tx.query("SELECT " + auditCols + " FROM audit_events ORDER BY id")
		if err != nil {
			return mapError("verify audit", err)
		}
		defer rows.Close()
		var prevID int64
		prevHash := baseHash // the link of the oldest event kept after a pruning
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				return mapError("verify audit", err)
			}
			switch {
			case e.PrevHash != prevHash:
				rep.Break = &ChainBreak{e.ID, "its link does not match the event before it (changed, replaced or reordered)"}
			case chainHash(e) != e.Hash:
				rep.Break = &ChainBreak{e.ID, "its content does not match its hash (the event was changed)"}
			}
			if rep.Break != nil {
				return nil
			}
			rep.Events++
			prevID, prevHash = e.ID, e.Hash
		}
		if err := rows.Err(); err != nil {
			return mapError("verify audit", err)
		}
		rep.LastID, rep.Head = prevID, prevHash
		if headID != prevID || headHash != prevHash {
			rep.Break = &ChainBreak{headID, fmt.Sprintf("the chain ends at event %d but its head records event %d: the newest events were deleted or changed", prevID, headID)}
		}
		return nil
	})
	return rep, err
}

// AuditFilter selects audit events. Empty fields select everything.
type AuditFilter struct {
	Username string    // exact
	Action   string    // exact
	Entity   string    // exact
	EntityID int64     // with Entity
	From, To time.Time // at >= From, at < To
	Limit    int       // 0: no limit
	Offset   int
}

func (f AuditFilter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(c string, a any) { conds, args = append(conds, c), append(args, a) }
	if f.Username != "" {
		add("username = ?", f.Username)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.Entity != "" {
		add("entity = ?", f.Entity)
	}
	if f.EntityID != 0 {
		add("entity_id = ?", f.EntityID)
	}
	if !f.From.IsZero() {
		add("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < ?", f.To.UTC())
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindAuditEvents returns a page of the events matching f, newest first,
// and how many match.
func (tx *Tx) FindAuditEvents(f AuditFilter) ([]*domain.AuditEvent, int, error) {
	where, args := f.where()
	var total int
	if err := tx.queryRow("SELECT COUNT(*) FROM audit_events"+where, args...).Scan(&total); err != nil {
		return nil, 0, mapError("audit events", err)
	}
	q := "SELECT " + auditCols + " FROM audit_events" + where + " ORDER BY id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	var out []*domain.AuditEvent
	err := tx.eachAudit(q, args, func(e *domain.AuditEvent) error { out = append(out, e); return nil })
	return out, total, err
}

// EachAuditEvent streams the events matching f (its limit ignored), newest
// first, for exports.
func (tx *Tx) EachAuditEvent(f AuditFilter, fn func(*domain.AuditEvent) error) error {
	where, args := f.where()
	return tx.eachAudit("SELECT "+auditCols+" FROM audit_events"+where+" ORDER BY id DESC", args, fn)
}

func (tx *Tx) eachAudit(q string, args []any, fn func(*domain.AuditEvent) error) error {
	rows, err := tx.query(q, args...)
	if err != nil {
		return mapError("audit events", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return mapError("audit events", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return mapError("audit events", rows.Err())
}

// AuditActions lists the actions recorded so far, for the filter.
func (tx *Tx) AuditActions() ([]string, error) {
	rows, err := tx.query("SELECT DISTINCT action FROM audit_events ORDER BY action")
	if err != nil {
		return nil, mapError("audit actions", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, mapError("audit actions", err)
		}
		out = append(out, a)
	}
	return out, mapError("audit actions", rows.Err())
}

// PruneAudit deletes the events older than before, keeping at least the
// newest, and records the link the oldest remaining event carries so that
// the rest of the chain still verifies. The pruning is itself an event.
func (s *Store) PruneAudit(ctx context.Context, actor domain.Actor, before time.Time) (int64, error) {
	var n int64
	err := s.WithTx(ctx, actor, func(tx *Tx) error {
		if err := tx.chainHead(); err != nil {
			return err
		}
		var through sql.NullInt64
		if err := tx.queryRow("SELECT MAX(id) FROM audit_events WHERE at < ? AND id < ?", before.UTC(), tx.chain.lastID).Scan(&through); err != nil {
			return mapError("prune audit", err)
		}
		if !through.Valid {
			return nil
		}
		var link string
		if err := tx.queryRow("SELECT prev_hash FROM audit_events WHERE id > ? ORDER BY id LIMIT 1", through.Int64).Scan(&link); err != nil {
			return mapError("prune audit", err)
		}
		res, err := tx.exec("DELETE FROM audit_events WHERE id <= ?", through.Int64)
		if err != nil {
			return mapError("prune audit", err)
		}
		n, _ = res.RowsAffected()
		if _, err := tx.exec("UPDATE audit_head SET base_hash = ? WHERE id = 1", link); err != nil {
			return mapError("prune audit", err)
		}
		return tx.audit(domain.AuditPrune, "audit", 0, nil, map[string]any{"before": before.UTC(), "through_id": through.Int64, "deleted": n})
	})
	return n, err
}
