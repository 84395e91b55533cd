package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"radsup/internal/domain"
)

const changeCols = `id, institution_id, entity, record_id, changes, reason, status, decision, requested_by, requested_at,
	decided_by, decided_at`

func scanChange(row interface{ Scan(...any) error }) (*domain.ChangeRequest, error) {
	c := &domain.ChangeRequest{}
	var changes string
	var rec sql.NullInt64
	err := row.Scan(&c.ID, &c.InstitutionID, &c.Entity, &rec, &changes, &c.Reason, &c.Status, &c.Decision, &c.RequestedBy,
		timeCol{&c.RequestedAt}, &c.DecidedBy, timeCol{&c.DecidedAt})
	if err != nil {
		return nil, err
	}
	c.RecordID = rec.Int64
	if err := json.Unmarshal([]byte(changes), &c.Changes); err != nil {
		return nil, fmt.Errorf("store: change request %d: %w", c.ID, err)
	}
	return c, nil
}

// AddChangeRequest files a pending change request by the transaction's
// actor, audited.
func (tx *Tx) AddChangeRequest(c *domain.ChangeRequest) error {
	c.Status, c.RequestedBy, c.RequestedAt = domain.ChangePending, tx.actor.Username, tx.now
	b, err := json.Marshal(c.Changes)
	if err != nil {
		return err
	}
	var rec any
	if c.RecordID > 0 {
		rec = c.RecordID
	}
	id, err := tx.insertID(`INSERT INTO change_requests (institution_id, entity, record_id, changes, reason, status, requested_by, requested_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.InstitutionID, c.Entity, rec, string(b), c.Reason, c.Status, c.RequestedBy, c.RequestedAt)
	if err != nil {
		return mapError("add change request", err)
	}
	c.ID = id
	return tx.audit(domain.AuditCreate, "change_request", id, nil, c)
}

// ChangeRequest returns one change request in scope (an institution its
// own); lock holds it until the transaction ends where the engine can.
func (tx *Tx) ChangeRequest(sc domain.Scope, id int64, lock bool) (*domain.ChangeRequest, error) {
	q, args := "SELECT "+changeCols+" FROM change_requests WHERE id = ?", []any{id}
	if sc.InstitutionID != 0 {
		q, args = q+" AND institution_id = ?", append(args, sc.InstitutionID)
	}
	if lock {
		q += tx.d.forUpdate
	}
	c, err := scanChange(tx.queryRow(q, args...))
	if err != nil {
		return nil, mapError("change request", err)
	}
	return c, nil
}

// ChangeFilter selects change requests.
type ChangeFilter struct {
	Status        string // "": any
	InstitutionID int64  // 0: any
	Entity        string // "": any
	RecordID      int64  // 0: any
	Limit         int    // 0: 200
}

// ChangeRequests lists the change requests in scope matching f, newest first.
func (tx *Tx) ChangeRequests(sc domain.Scope, f ChangeFilter) ([]*domain.ChangeRequest, error) {
	var conds []string
	var args []any
	add := func(cond string, v any) { conds, args = append(conds, cond), append(args, v) }
	if sc.InstitutionID != 0 {
		add("institution_id = ?", sc.InstitutionID)
	}
	if f.InstitutionID != 0 {
		add("institution_id = ?", f.InstitutionID)
	}
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.Entity != "" {
		add("entity = ?", f.Entity)
	}
	if f.RecordID != 0 {
		add("record_id = ?", f.RecordID)
	}
	q := "SELECT " + changeCols + " FROM change_requests"
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, err := tx.query(q+" ORDER BY requested_at DESC, id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, mapError("change requests", err)
	}
	defer rows.Close()
	var out []*domain.ChangeRequest
	for rows.Next() {
		c, err := scanChange(rows)
		if err != nil {
			return nil, mapError("change requests", err)
		}
		out = append(out, c)
	}
	return out, mapError("change requests", rows.Err())
}

// DecideChangeRequest records the outcome of a pending request (approved,
// rejected or withdrawn) with its reason, audited as action. A decided
// request is final: the database refuses to change it again.
func (tx *Tx) DecideChangeRequest(c *domain.ChangeRequest, status, decision, action string) error {
	before := *c
	res, err := tx.exec(`UPDATE change_requests SET status = ?, decision = ?, decided_by = ?, decided_at = ?
		WHERE id = ? AND status = ?`, status, decision, tx.actor.Username, tx.now, c.ID, domain.ChangePending)
	if err != nil {
		return mapError("decide change request", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return ErrStale
	}
	c.Status, c.Decision, c.DecidedBy, c.DecidedAt = status, decision, tx.actor.Username, tx.now
	return tx.audit(action, "change_request", c.ID, before, c)
}

const attachmentCols = "id, entity, record_id, name, content_type, size, sha256, uploaded_by, created_at"

func scanAttachment(row interface{ Scan(...any) error }, extra ...any) (*domain.Attachment, error) {
	a := &domain.Attachment{}
	err := row.Scan(append([]any{&a.ID, &a.Entity, &a.RecordID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.UploadedBy,
		timeCol{&a.CreatedAt}}, extra...)...)
	return a, err
}

// AddAttachment stores a file with a record, audited (without its content).
// The caller has checked that the record exists and may be changed.
func (tx *Tx) AddAttachment(a *domain.Attachment, data []byte) error {
	a.UploadedBy, a.CreatedAt, a.Size = tx.actor.Username, tx.now, int64(len(data))
	id, err := tx.insertID(`INSERT INTO attachments (entity, record_id, name, content_type, size, sha256, data, uploaded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.Entity, a.RecordID, a.Name, a.ContentType, a.Size, a.SHA256, data, a.UploadedBy, a.CreatedAt)
	if err != nil {
		return mapError("add attachment", err)
	}
	a.ID = id
	return tx.audit(domain.AuditUpload, a.Entity, a.RecordID, nil, a)
}

// Attachments returns the files kept with a record (without content).
func (tx *Tx) Attachments(entity string, recordID int64) ([]domain.Attachment, error) {
	rows, err := tx.query("SELECT "+attachmentCols+" FROM attachments WHERE entity = ? AND record_id = ? ORDER BY id", entity, recordID)
	if err != nil {
		return nil, mapError("attachments", err)
	}
	defer rows.Close()
	var out []domain.Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, mapError("attachments", err)
		}
		out = append(out, *a)
	}
	return out, mapError("attachments", rows.Err())
}

// Attachment returns one attachment's description; the caller checks that
// the reader may see its record before reading its content.
func (tx *Tx) Attachment(id int64) (*domain.Attachment, error) {
	a, err := scanAttachment(tx.queryRow("SELECT "+attachmentCols+" FROM attachments WHERE id = ?", id))
	if err != nil {
		return nil, mapError("attachment", err)
	}
	return a, nil
}

// AttachmentData returns an attachment's content.
func (tx *Tx) AttachmentData(id int64) ([]byte, error) {
	var data []byte
	if err := tx.queryRow("SELECT data FROM attachments WHERE id = ?", id).Scan(&data); err != nil {
		return nil, mapError("attachment data", err)
	}
	return data, nil
}
