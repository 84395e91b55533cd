package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"radsup/internal/domain"
)

const noticeCols = `n.id, n.institution_id, i.name, n.kind, n.day, n.subject, n.body, n.created_by, n.created_at, n.read_at, n.read_by`

const noticeFrom = " FROM notices n JOIN institutions i ON i.id = n.institution_id"

func scanNotice(row interface{ Scan(...any) error }) (*domain.NoticeMessage, error) {
	n := &domain.NoticeMessage{}
	err := row.Scan(&n.ID, &n.InstitutionID, &n.Institution, &n.Kind, (*dateCol)(&n.Day), &n.Subject, &n.Body,
		&n.CreatedBy, timeCol{&n.CreatedAt}, timeCol{&n.ReadAt}, &n.ReadBy)
	return n, err
}

// CreateNotice stores a notice and one queued delivery per address given
// (channel → address). A digest is stored once per institution and day:
// when that day's digest exists already it returns ErrConflict and stores
// nothing, whichever server or restart asks.
func (tx *Tx) CreateNotice(n *domain.NoticeMessage, addresses map[string]string) error {
	q := `INSERT INTO notices (institution_id, kind, day, subject, body, created_by, created_at, read_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, '')`
	if n.Kind == domain.NoticeDigest {
		q += " ON CONFLICT (institution_id, day) WHERE kind = 'digest' DO NOTHING"
	}
	id, err := tx.insertID(q, n.InstitutionID, n.Kind, dateArg(n.Day), n.Subject, n.Body, tx.actor.Username, tx.now)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("create notice: digest of %s for institution %d: %w", n.Day, n.InstitutionID, ErrConflict)
	}
	if err != nil {
		return mapError("create notice", err)
	}
	n.ID, n.CreatedBy, n.CreatedAt = id, tx.actor.Username, tx.now
	for _, ch := range []string{domain.ChannelEmail, domain.ChannelSMS} {
		addr := addresses[ch]
		if addr == "" {
			continue
		}
		if _, err := tx.exec(`INSERT INTO notice_deliveries (notice_id, institution_id, day, channel, address, state, attempts, reason, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 0, '', ?)`, id, n.InstitutionID, dateArg(n.Day), ch, addr, domain.DeliveryQueued, tx.now); err != nil {
			return mapError("create notice delivery", err)
		}
		n.Deliveries = append(n.Deliveries, domain.Delivery{NoticeID: id, InstitutionID: n.InstitutionID, Channel: ch,
			Address: addr, State: domain.DeliveryQueued})
	}
	return nil
}

// NoticeFilter selects notices. Empty fields do not filter.
type NoticeFilter struct {
	InstitutionID int64
	Unread        bool
	Limit         int // 0: 200
	Offset        int
}

// Notices returns the notices matching f within the scope (an institution
// user: its own), newest first, with their deliveries, and their number.
func (tx *Tx) Notices(sc domain.Scope, f NoticeFilter) ([]*domain.NoticeMessage, int, error) {
	var conds []string
	var args []any
	if sc.InstitutionID != 0 {
		conds, args = append(conds, "n.institution_id = ?"), append(args, sc.InstitutionID)
	}
	if f.InstitutionID != 0 {
		conds, args = append(conds, "n.institution_id = ?"), append(args, f.InstitutionID)
	}
	if f.Unread {
		conds = append(conds, "n.read_at IS NULL")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := tx.queryRow("SELECT COUNT(*) FROM notices n"+where, args...).Scan(&total); err != nil {
		return nil, 0, mapError("count notices", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	rows, err := tx.query("SELECT "+noticeCols+noticeFrom+where+fmt.Sprintf(" ORDER BY n.id DESC LIMIT %d OFFSET %d", limit, max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, mapError("list notices", err)
	}
	defer rows.Close()
	var out []*domain.NoticeMessage
	byID := map[int64]*domain.NoticeMessage{}
	for rows.Next() {
		n, err := scanNotice(rows)
		if err != nil {
			return nil, 0, mapError("list notices", err)
		}
		out, byID[n.ID] = append(out, n), n
	}
	if err := rows.Err(); err != nil {
		return nil, 0, mapError("list notices", err)
	}
	rows.Close()
	return out, total, tx.attachDeliveries(out, byID)
}

// attachDeliveries reads the deliveries of the notices in one query.
func (tx *Tx) attachDeliveries(ns []*domain.NoticeMessage, byID map[int64]*domain.NoticeMessage) error {
	if len(ns) == 0 {
		return nil
	}
	args := make([]any, len(ns))
	for i, n := range ns {
		args[i] = n.ID
	}
	rows, err := tx.query("SELECT "+deliveryCols+" FROM notice_deliveries WHERE notice_id IN ("+
		strings.TrimSuffix(strings.Repeat("?, ", len(ns)), ", ")+") ORDER BY notice_id, channel", args...)
	if err != nil {
		return mapError("notice deliveries", err)
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return mapError("notice deliveries", err)
		}
		byID[d.NoticeID].Deliveries = append(byID[d.NoticeID].Deliveries, *d)
	}
	return mapError("notice deliveries", rows.Err())
}

const deliveryCols = "id, notice_id, institution_id, channel, address, state, attempts, reason, sent_at"

func scanDelivery(row interface{ Scan(...any) error }) (*domain.Delivery, error) {
	d := &domain.Delivery{}
	err := row.Scan(&d.ID, &d.NoticeID, &d.InstitutionID, &d.Channel, &d.Address, &d.State, &d.Attempts, &d.Reason, timeCol{&d.SentAt})
	return d, err
}

// Notice returns one notice within the scope, with its deliveries.
func (tx *Tx) Notice(sc domain.Scope, id int64) (*domain.NoticeMessage, error) {
	q, args := "SELECT "+noticeCols+noticeFrom+" WHERE n.id = ?", []any{id}
	if sc.InstitutionID != 0 {
		q, args = q+" AND n.institution_id = ?", append(args, sc.InstitutionID)
	}
	n, err := scanNotice(tx.queryRow(q, args...))
	if err != nil {
		return nil, mapError("notice", err)
	}
	return n, tx.attachDeliveries([]*domain.NoticeMessage{n}, map[int64]*domain.NoticeMessage{n.ID: n})
}

// UnreadNotices counts an institution's unread notices.
func (tx *Tx) UnreadNotices(institutionID int64) (int, error) {
	var n int
	err := tx.queryRow("SELECT COUNT(*) FROM notices WHERE institution_id = ? AND read_at IS NULL", institutionID).Scan(&n)
	return n, mapError("unread notices", err)
}

// MarkNoticeRead marks a notice of the scope read by the actor (once: a
// notice read already keeps its first reading) and audits it.
func (tx *Tx) MarkNoticeRead(sc domain.Scope, id int64) (*domain.NoticeMessage, error) {
	n, err := tx.Notice(sc, id)
	if err != nil {
		return nil, err
	}
	if !n.ReadAt.IsZero() {
		return n, nil
	}
	if _, err := tx.exec("UPDATE notices SET read_at = ?, read_by = ? WHERE id = ? AND read_at IS NULL", tx.now, tx.actor.Username, id); err != nil {
		return nil, mapError("mark notice read", err)
	}
	n.ReadAt, n.ReadBy = tx.now, tx.actor.Username
	return n, tx.audit(domain.AuditNoticeRead, "notice", id, nil, map[string]any{"read_by": n.ReadBy})
}

// QueuedDelivery is a delivery waiting to be made, with its notice's text.
type QueuedDelivery struct {
	domain.Delivery
	Subject, Body string
}

// QueuedDeliveries returns up to limit queued deliveries, oldest first.
func (tx *Tx) QueuedDeliveries(limit int) ([]QueuedDelivery, error) {
	rows, err := tx.query(`SELECT d.id, d.notice_id, d.institution_id, d.channel, d.address, d.state, d.attempts, d.reason, d.sent_at,
		n.subject, n.body FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id
		WHERE d.state = ? ORDER BY d.id LIMIT ?`, domain.DeliveryQueued, limit)
	if err != nil {
		return nil, mapError("queued deliveries", err)
	}
	defer rows.Close()
	var out []QueuedDelivery
	for rows.Next() {
		var q QueuedDelivery
		d := &q.Delivery
		if err := rows.Scan(&d.ID, &d.NoticeID, &d.InstitutionID, &d.Channel, &d.Address, &d.State, &d.Attempts, &d.Reason,
			timeCol{&d.SentAt}, &q.Subject, &q.Body); err != nil {
			return nil, mapError("queued deliveries", err)
		}
		out = append(out, q)
	}
	return out, mapError("queued deliveries", rows.Err())
}

// ClaimDelivery counts an attempt of a queued delivery that has had
// attempts attempts, before it is made: false when another process took it
// (or it is no longer queued), so no delivery is attempted twice at once.
func (tx *Tx) ClaimDelivery(id int64, attempts int) (bool, error) {
	res, err := tx.exec(`UPDATE notice_deliveries SET attempts = attempts + 1, updated_at = ?
		WHERE id = ? AND state = ? AND attempts = ?`, tx.now, id, domain.DeliveryQueued, attempts)
	if err != nil {
		return false, mapError("claim delivery", err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapError("claim delivery", err)
}

// FinishDelivery sets a delivery's state after an attempt: sent, failed
// with the reason, or queued again with the reason of the last failure.
func (tx *Tx) FinishDelivery(id int64, state, reason string) error {
	var sentAt any
	if state == domain.DeliverySent {
		sentAt = tx.now
	}
	_, err := tx.exec("UPDATE notice_deliveries SET state = ?, reason = ?, sent_at = ?, updated_at = ? WHERE id = ?",
		state, reason, sentAt, tx.now, id)
	return mapError("finish delivery", err)
}

// NoticeContacts returns the contacts of the institutions (all when ids is
// empty), by institution.
func (tx *Tx) NoticeContacts(ids ...int64) (map[int64]domain.NoticeContact, error) {
	q, args := "SELECT institution_id, email, phone FROM notice_contacts", []any{}
	if len(ids) > 0 {
		q += " WHERE institution_id IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")"
		for _, id := range ids {
			args = append(args, id)
		}
	}
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, mapError("notice contacts", err)
	}
	defer rows.Close()
	out := map[int64]domain.NoticeContact{}
	for rows.Next() {
		var c domain.NoticeContact
		if err := rows.Scan(&c.InstitutionID, &c.Email, &c.Phone); err != nil {
			return nil, mapError("notice contacts", err)
		}
		out[c.InstitutionID] = c
	}
	return out, mapError("notice contacts", rows.Err())
}

// PutNoticeContact stores an institution's contact, audited with the
// values before and after.
func (tx *Tx) PutNoticeContact(c domain.NoticeContact) error {
	cs, err := tx.NoticeContacts(c.InstitutionID)
	if err != nil {
		return err
	}
	before, ok := cs[c.InstitutionID]
	if ok && before == c {
		return nil
	}
	if _, err := tx.exec(`INSERT INTO notice_contacts (institution_id, email, phone, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (institution_id) DO UPDATE SET email = excluded.email, phone = excluded.phone,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		c.InstitutionID, c.Email, c.Phone, tx.actor.Username, tx.now); err != nil {
		return mapError("put notice contact", err)
	}
	var b any
	if ok {
		b = before
	}
	return tx.audit(domain.AuditUpdate, "notice_contact", c.InstitutionID, b, c)
}

// OpenInstitutionIDs returns the ids of the institutions that are open
// (status open, not retired), in id order: those a daily digest is for.
func (tx *Tx) OpenInstitutionIDs() ([]int64, error) {
	rows, err := tx.query("SELECT id FROM institutions WHERE status = 'open' AND retired = ? ORDER BY id", false)
	if err != nil {
		return nil, mapError("open institutions", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, mapError("open institutions", err)
		}
		out = append(out, id)
	}
	return out, mapError("open institutions", rows.Err())
}

// OpenFindingsByRule counts an institution's open findings by rule and
// severity.
func (tx *Tx) OpenFindingsByRule(institutionID int64) ([]RuleCount, error) {
	rows, err := tx.query(`SELECT rule, severity, COUNT(*) FROM findings WHERE institution_id = ? AND status = 'open'
		GROUP BY rule, severity, severity_rank ORDER BY severity_rank, rule`, institutionID)
	if err != nil {
		return nil, mapError("open findings by rule", err)
	}
	defer rows.Close()
	var out []RuleCount
	for rows.Next() {
		var c RuleCount
		if err := rows.Scan(&c.Rule, &c.Severity, &c.N); err != nil {
			return nil, mapError("open findings by rule", err)
		}
		out = append(out, c)
	}
	return out, mapError("open findings by rule", rows.Err())
}

// RuleCount is a number of findings of one rule.
type RuleCount struct {
	Rule     string
	Severity string
	N        int
}

// InstitutionIDsByCode maps credit codes to the ids of the institutions
// that hold them (retired ones too); unknown codes are left out.
func (tx *Tx) InstitutionIDsByCode(codes []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(codes) == 0 {
		return out, nil
	}
	args := make([]any, len(codes))
	for i, c := range codes {
		args[i] = c
	}
	rows, err := tx.query("SELECT credit_code, id FROM institutions WHERE credit_code IN ("+
		strings.TrimSuffix(strings.Repeat("?, ", len(codes)), ", ")+")", args...)
	if err != nil {
		return nil, mapError("institutions by code", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		var id int64
		if err := rows.Scan(&c, &id); err != nil {
			return nil, mapError("institutions by code", err)
		}
		out[c] = id
	}
	return out, mapError("institutions by code", rows.Err())
}
