package store

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"radsup/internal/domain"
)

// ChangeFeedFilter selects the feed of what institution users changed.
type ChangeFeedFilter struct {
	InstitutionID int64     // 0: every institution
	Entity        string    // "": every kind the feed lists
	From, To      time.Time // at >= From, at < To; zero: open
	Limit, Offset int       // Limit 0: 50
}

// FeedEvent is an event of the feed with the institution of the user who
// caused it.
type FeedEvent struct {
	*domain.AuditEvent
	InstitutionID int64
}

// FeedEntities are the kinds of record whose changes by institution users
// the feed lists: the register's, their submissions under review, change
// requests of what the office issued, and imports (one event each).
var FeedEntities = []string{"institution", "person", "employment", "training", "exam", "dose", "equipment", "test",
	"licence", "submission", "change_request", "import"}

// feedActions are the actions that change something (or ask for a change).
var feedActions = []string{domain.AuditCreate, domain.AuditUpdate, domain.AuditRetire, domain.AuditRestore,
	domain.AuditImport, domain.AuditUpload, domain.AuditWithdraw}

// InstitutionChanges returns a page of the events by institution users
// that changed records, submitted them for review or asked for a change,
// newest first. The rows an import wrote are left out: its own event,
// with the counts, stands for them.
func (tx *Tx) InstitutionChanges(f ChangeFeedFilter) ([]FeedEvent, error) {
	in := func(vs []string) (string, []any) {
		args := make([]any, len(vs))
		for i, v := range vs {
			args[i] = v
		}
		return strings.TrimSuffix(strings.Repeat("?, ", len(vs)), ", "), args
	}
	actions, args := in(feedActions)
	entities, eargs := in(FeedEntities)
	conds := []string{"e.role = ?", "e.action IN (" + actions + ")", "e.entity IN (" + entities + ")",
		`NOT (e.action <> 'import' AND e.request_id <> '' AND EXISTS (SELECT 1 FROM audit_events i
			WHERE i.action = 'import' AND i.request_id = e.request_id))`}
	args = append(append([]any{domain.RoleInstitution}, args...), eargs...)
	add := func(c string, a any) { conds, args = append(conds, c), append(args, a) }
	if f.InstitutionID != 0 {
		add("u.institution_id = ?", f.InstitutionID)
	}
	if f.Entity != "" {
		add("e.entity = ?", f.Entity)
	}
	if !f.From.IsZero() {
		add("e.at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("e.at < ?", f.To.UTC())
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	q := "SELECT e." + strings.ReplaceAll(auditCols, ", ", ", e.") + ", u.institution_id FROM audit_events e" +
		" JOIN users u ON u.id = e.user_id WHERE " + strings.Join(conds, " AND ") +
		fmt.Sprintf(" ORDER BY e.id DESC LIMIT %d OFFSET %d", limit, max(f.Offset, 0))
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, mapError("institution changes", err)
	}
	defer rows.Close()
	var out []FeedEvent
	for rows.Next() {
		var inst sql.NullInt64
		e, err := scanAudit(rowWith{rows, &inst})
		if err != nil {
			return nil, mapError("institution changes", err)
		}
		out = append(out, FeedEvent{AuditEvent: e, InstitutionID: inst.Int64})
	}
	return out, mapError("institution changes", rows.Err())
}

// rowWith scans a row whose last columns go to extra, after those the
// caller's Scan names.
type rowWith struct {
	row   interface{ Scan(...any) error }
	extra any
}

func (r rowWith) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra)...) }
