package store

import (
	"database/sql"
	"fmt"
	"strings"

	"radsup/internal/domain"
)

const rectificationCols = `r.id, r.institution_id, i.name, i.credit_code, r.inspection_id, r.state, r.issued_on, r.deadline, r.opinion,
	r.basis, r.response, r.responded_by, r.responded_at, r.close_note, r.closed_by, r.closed_at, r.created_by, r.version,
	r.created_at, r.updated_at`

const rectificationFrom = " FROM rectifications r JOIN institutions i ON i.id = r.institution_id"

func scanRectification(row interface{ Scan(...any) error }) (*domain.Rectification, error) {
	r := &domain.Rectification{}
	err := row.Scan(&r.ID, &r.InstitutionID, &r.InstitutionName, &r.CreditCode, idCol{&r.InspectionID}, &r.State,
		(*dateCol)(&r.IssuedOn), (*dateCol)(&r.Deadline), &r.Opinion, &r.Basis, &r.Response, &r.RespondedBy,
		timeCol{&r.RespondedAt}, &r.CloseNote, &r.ClosedBy, timeCol{&r.ClosedAt}, &r.CreatedBy, &r.Version,
		timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt})
	return r, err
}

// CreateRectification stores a new rectification, state issued, with its
// items, audited.
func (tx *Tx) CreateRectification(r *domain.Rectification, items []domain.RectificationItem) error {
	var inspection any
	if r.InspectionID != 0 {
		inspection = r.InspectionID
	}
	id, err := tx.insertID(`INSERT INTO rectifications (institution_id, inspection_id, state, issued_on, deadline, opinion, basis,
		created_by, version, created_at, updated_at) VALUES (?, ?, 'issued', ?, ?, ?, ?, ?, 1, ?, ?)`,
		r.InstitutionID, inspection, dateArg(r.IssuedOn), dateArg(r.Deadline), r.Opinion, r.Basis, tx.actor.Username, tx.now, tx.now)
	if err != nil {
		return mapError("create rectification", err)
	}
	for i, it := range items {
		var finding any
		if it.FindingID != 0 {
			finding = it.FindingID
		}
		if _, err := tx.exec(`INSERT INTO rectification_items (rectification_id, ord, code, finding_id, text) VALUES (?, ?, ?, ?, ?)`,
			id, i+1, it.Code, finding, it.Text); err != nil {
			return mapError("create rectification", err)
		}
	}
	after, err := tx.Rectification(domain.Scope{}, id, false)
	if err != nil {
		return err
	}
	*r = *after
	return tx.audit(domain.AuditCreate, "rectification", id, nil, map[string]any{"rectification": r, "items": items})
}

// Rectification returns the rectification id within the scope (an
// institution user sees only its own institution's). lock takes the row
// for a change.
func (tx *Tx) Rectification(sc domain.Scope, id int64, lock bool) (*domain.Rectification, error) {
	q, args := "SELECT "+rectificationCols+rectificationFrom+" WHERE r.id = ?", []any{id}
	if sc.InstitutionID != 0 {
		q, args = q+" AND r.institution_id = ?", append(args, sc.InstitutionID)
	}
	if lock {
		q += tx.d.forUpdate
	}
	r, err := scanRectification(tx.queryRow(q, args...))
	return r, mapError("rectification", err)
}

// RectificationFilter selects rectifications. Empty fields do not filter.
type RectificationFilter struct {
	InstitutionID int64
	InspectionID  int64
	Open          bool        // not closed
	DueBefore     domain.Date // open with a deadline before this date (overdue)
	Responded     bool        // answered, waiting for the office
	Limit         int
}

// Rectifications returns the rectifications matching f within the scope,
// newest first.
func (tx *Tx) Rectifications(sc domain.Scope, f RectificationFilter) ([]*domain.Rectification, error) {
	var where []string
	var args []any
	add := func(cond string, a ...any) { where, args = append(where, cond), append(args, a...) }
	if sc.InstitutionID != 0 {
		add("r.institution_id = ?", sc.InstitutionID)
	}
	if f.InstitutionID != 0 {
		add("r.institution_id = ?", f.InstitutionID)
	}
	if f.InspectionID != 0 {
		add("r.inspection_id = ?", f.InspectionID)
	}
	if f.Open || !f.DueBefore.IsZero() {
		add("r.state <> 'closed'")
	}
	if !f.DueBefore.IsZero() {
		add("r.deadline < ?", dateArg(f.DueBefore))
	}
	if f.Responded {
		add("r.state = 'responded'")
	}
	q := "SELECT " + rectificationCols + rectificationFrom
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY r.id DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, mapError("rectifications", err)
	}
	defer rows.Close()
	var out []*domain.Rectification
	for rows.Next() {
		r, err := scanRectification(rows)
		if err != nil {
			return nil, mapError("rectifications", err)
		}
		out = append(out, r)
	}
	return out, mapError("rectifications", rows.Err())
}

// RectificationItems returns a rectification's items in order, each
// finding item with its finding as it stands.
func (tx *Tx) RectificationItems(id int64) ([]domain.RectificationItem, error) {
	rows, err := tx.query(`SELECT t.ord, t.code, t.finding_id, t.text, COALESCE(f.rule, ''), COALESCE(f.subject_type, ''),
		COALESCE(f.subject_key, ''), COALESCE(f.status, '')
		FROM rectification_items t LEFT JOIN findings f ON f.id = t.finding_id WHERE t.rectification_id = ? ORDER BY t.ord`, id)
	if err != nil {
		return nil, mapError("rectification items", err)
	}
	defer rows.Close()
	var out []domain.RectificationItem
	for rows.Next() {
		var it domain.RectificationItem
		if err := rows.Scan(&it.Ord, &it.Code, idCol{&it.FindingID}, &it.Text, &it.Rule, &it.SubjectType, &it.SubjectKey,
			&it.FindingStatus); err != nil {
			return nil, mapError("rectification items", err)
		}
		out = append(out, it)
	}
	return out, mapError("rectification items", rows.Err())
}

// RespondRectification stores the institution's answer at version: the
// rectification becomes responded. Audited.
func (tx *Tx) RespondRectification(r *domain.Rectification, response string, version int) error {
	if r.Version != version {
		return fmt.Errorf("rectification %d: %w", r.ID, ErrStale)
	}
	before := *r
	res, err := tx.exec(`UPDATE rectifications SET state = 'responded', response = ?, responded_by = ?, responded_at = ?,
		version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND state <> 'closed'`,
		response, tx.actor.Username, tx.now, tx.now, r.ID, version)
	if err := oneRow(res, err, "respond rectification"); err != nil {
		return err
	}
	r.State, r.Response, r.RespondedBy, r.RespondedAt = "responded", response, tx.actor.Username, tx.now
	r.Version, r.UpdatedAt = version+1, tx.now
	return tx.audit(domain.AuditRespond, "rectification", r.ID, &before, r)
}

// CloseRectification records the supervisor's confirmation at version: the
// rectification is closed. Audited.
func (tx *Tx) CloseRectification(r *domain.Rectification, note string, version int) error {
	if r.Version != version {
		return fmt.Errorf("rectification %d: %w", r.ID, ErrStale)
	}
	before := *r
	res, err := tx.exec(`UPDATE rectifications SET state = 'closed', close_note = ?, closed_by = ?, closed_at = ?,
		version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND state = 'responded'`,
		note, tx.actor.Username, tx.now, tx.now, r.ID, version)
	if err := oneRow(res, err, "close rectification"); err != nil {
		return err
	}
	r.State, r.CloseNote, r.ClosedBy, r.ClosedAt = "closed", note, tx.actor.Username, tx.now
	r.Version, r.UpdatedAt = version+1, tx.now
	return tx.audit(domain.AuditClose, "rectification", r.ID, &before, r)
}

// AddRectificationFile stores an evidence file of a rectification,
// audited (without its content).
func (tx *Tx) AddRectificationFile(e *domain.RectificationFile, data []byte) error {
	e.UploadedBy, e.CreatedAt, e.Size = tx.actor.Username, tx.now, int64(len(data))
	id, err := tx.insertID(`INSERT INTO rectification_evidence (rectification_id, name, content_type, size, sha256, data, uploaded_by,
		created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.RectificationID, e.Name, e.ContentType, e.Size, e.SHA256, data, e.UploadedBy,
		e.CreatedAt)
	if err != nil {
		return mapError("add rectification file", err)
	}
	e.ID = id
	return tx.audit(domain.AuditUpload, "rectification", e.RectificationID, nil, e)
}

const rectFileCols = "id, rectification_id, name, content_type, size, sha256, uploaded_by, created_at"

func scanRectFile(row interface{ Scan(...any) error }, extra ...any) (*domain.RectificationFile, error) {
	e := &domain.RectificationFile{}
	err := row.Scan(append([]any{&e.ID, &e.RectificationID, &e.Name, &e.ContentType, &e.Size, &e.SHA256, &e.UploadedBy,
		timeCol{&e.CreatedAt}}, extra...)...)
	return e, err
}

// RectificationFiles returns a rectification's evidence files (without content).
func (tx *Tx) RectificationFiles(id int64) ([]domain.RectificationFile, error) {
	rows, err := tx.query("SELECT "+rectFileCols+" FROM rectification_evidence WHERE rectification_id = ? ORDER BY id", id)
	if err != nil {
		return nil, mapError("rectification files", err)
	}
	defer rows.Close()
	var out []domain.RectificationFile
	for rows.Next() {
		e, err := scanRectFile(rows)
		if err != nil {
			return nil, mapError("rectification files", err)
		}
		out = append(out, *e)
	}
	return out, mapError("rectification files", rows.Err())
}

// RectificationFile returns one evidence file of a rectification with its content.
func (tx *Tx) RectificationFile(rectificationID, id int64) (*domain.RectificationFile, []byte, error) {
	var data []byte
	e, err := scanRectFile(tx.queryRow("SELECT "+rectFileCols+", data FROM rectification_evidence WHERE rectification_id = ? AND id = ?",
		rectificationID, id), &data)
	if err != nil {
		return nil, nil, mapError("rectification file", err)
	}
	return e, data, nil
}

// oneRow maps an UPDATE of one row by its version: no row is a stale version.
func oneRow(res sql.Result, err error, op string) error {
	if err != nil {
		return mapError(op, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("%s: %w", op, ErrStale)
	}
	return nil
}
