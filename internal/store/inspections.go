package store

import (
	"fmt"
	"strings"

	"radsup/internal/domain"
)

const inspectionCols = `x.id, x.plan_id, x.plan_ord, x.type, x.institution_id, i.name, i.credit_code, x.inspector1, x.inspector2,
	x.inspected_on, x.place, x.outcome, x.signed1_at, x.signed2_at, x.locked_at, x.created_by, x.version, x.created_at, x.updated_at`

const inspectionFrom = " FROM inspections x JOIN institutions i ON i.id = x.institution_id"

func scanInspection(row interface{ Scan(...any) error }) (*domain.Inspection, error) {
	x := &domain.Inspection{}
	err := row.Scan(&x.ID, idCol{&x.PlanID}, &x.PlanOrder, &x.Type, &x.InstitutionID, &x.InstitutionName, &x.CreditCode,
		&x.Inspector1, &x.Inspector2, (*dateCol)(&x.Date), &x.Place, &x.Outcome, timeCol{&x.Signed1At}, timeCol{&x.Signed2At},
		timeCol{&x.LockedAt}, &x.CreatedBy, &x.Version, timeCol{&x.CreatedAt}, timeCol{&x.UpdatedAt})
	return x, err
}

// CreateInspection stores a new inspection with one item per code and its
// result (the rest unchecked), audited.
func (tx *Tx) CreateInspection(x *domain.Inspection, codes []string, results map[string]string) error {
	var planID any
	if x.PlanID != 0 {
		planID = x.PlanID
	}
	id, err := tx.insertID(`INSERT INTO inspections (plan_id, plan_ord, type, institution_id, inspector1, inspector2, inspected_on,
		place, created_by, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
		planID, x.PlanOrder, x.Type, x.InstitutionID, x.Inspector1, x.Inspector2, dateArg(x.Date), x.Place,
		tx.actor.Username, tx.now, tx.now)
	if err != nil {
		return mapError("create inspection", err)
	}
	for _, c := range codes {
		r := results[c]
		if r == "" {
			r = "unchecked"
		}
		if _, err := tx.exec(`INSERT INTO inspection_items (inspection_id, code, result, note, version, updated_by, updated_at)
			VALUES (?, ?, ?, '', 1, ?, ?)`, id, c, r, tx.actor.Username, tx.now); err != nil {
			return mapError("create inspection", err)
		}
	}
	after, err := tx.Inspection(domain.Scope{}, id, false)
	if err != nil {
		return err
	}
	*x = *after
	return tx.audit(domain.AuditCreate, "inspection", id, nil, x)
}

// Inspection returns the inspection id within the scope: an institution
// user sees only its own institution's, and only once signed. lock takes
// the row for a change.
func (tx *Tx) Inspection(sc domain.Scope, id int64, lock bool) (*domain.Inspection, error) {
	q, args := "SELECT "+inspectionCols+inspectionFrom+" WHERE x.id = ?", []any{id}
	if sc.InstitutionID != 0 {
		q, args = q+" AND x.institution_id = ? AND x.locked_at IS NOT NULL", append(args, sc.InstitutionID)
	}
	if lock {
		q += tx.d.forUpdate
	}
	x, err := scanInspection(tx.queryRow(q, args...))
	return x, mapError("inspection", err)
}

// InspectionFilter selects inspections. Empty fields do not filter.
type InspectionFilter struct {
	InstitutionID int64
	Inspector     string // one of the two inspectors
	PlanID        int64
	Signed        bool // only locked (signed by both)
	Unsigned      bool // only not yet locked
	Limit         int
}

// Inspections returns the inspections matching f within the scope, newest
// first.
func (tx *Tx) Inspections(sc domain.Scope, f InspectionFilter) ([]*domain.Inspection, error) {
	var conds []string
	var args []any
	if sc.InstitutionID != 0 {
		conds, args = append(conds, "x.institution_id = ?", "x.locked_at IS NOT NULL"), append(args, sc.InstitutionID)
	}
	if f.InstitutionID != 0 {
		conds, args = append(conds, "x.institution_id = ?"), append(args, f.InstitutionID)
	}
	if f.Inspector != "" {
		conds, args = append(conds, "(x.inspector1 = ? OR x.inspector2 = ?)"), append(args, f.Inspector, f.Inspector)
	}
	if f.PlanID != 0 {
		conds, args = append(conds, "x.plan_id = ?"), append(args, f.PlanID)
	}
	if f.Signed {
		conds = append(conds, "x.locked_at IS NOT NULL")
	}
	if f.Unsigned {
		conds = append(conds, "x.locked_at IS NULL")
	}
	q := "SELECT " + inspectionCols + inspectionFrom
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY x.inspected_on DESC, x.id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, mapError("inspections", err)
	}
	defer rows.Close()
	var out []*domain.Inspection
	for rows.Next() {
		x, err := scanInspection(rows)
		if err != nil {
			return nil, mapError("inspections", err)
		}
		out = append(out, x)
	}
	return out, mapError("inspections", rows.Err())
}

// InspectionItems returns an inspection's items in code order.
func (tx *Tx) InspectionItems(id int64) ([]domain.InspectionItem, error) {
	rows, err := tx.query(`SELECT inspection_id, code, result, note, version, updated_by, updated_at FROM inspection_items
		WHERE inspection_id = ? ORDER BY code`, id)
	if err != nil {
		return nil, mapError("inspection items", err)
	}
	defer rows.Close()
	var out []domain.InspectionItem
	for rows.Next() {
		var it domain.InspectionItem
		if err := rows.Scan(&it.InspectionID, &it.Code, &it.Result, &it.Note, &it.Version, &it.UpdatedBy, timeCol{&it.UpdatedAt}); err != nil {
			return nil, mapError("inspection items", err)
		}
		out = append(out, it)
	}
	return out, mapError("inspection items", rows.Err())
}

// touchInspection marks a change of an unlocked inspection: its version
// moves on and both signatures are cleared (what was signed has changed).
func (tx *Tx) touchInspection(id int64) error {
	res, err := tx.exec(`UPDATE inspections SET signed1_at = NULL, signed2_at = NULL, version = version + 1, updated_at = ?
		WHERE id = ? AND locked_at IS NULL`, tx.now, id)
	if err != nil {
		return mapError("touch inspection", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("touch inspection %d: %w", id, ErrConflict)
	}
	return nil
}

// UpdateInspectionItem saves one item's result and note if the item is at
// version (ErrStale otherwise), clears the signatures, and audits it.
func (tx *Tx) UpdateInspectionItem(it *domain.InspectionItem, version int) error {
	var before domain.InspectionItem
	err := tx.queryRow(`SELECT inspection_id, code, result, note, version, updated_by, updated_at FROM inspection_items
		WHERE inspection_id = ? AND code = ?`, it.InspectionID, it.Code).Scan(&before.InspectionID, &before.Code, &before.Result,
		&before.Note, &before.Version, &before.UpdatedBy, timeCol{&before.UpdatedAt})
	if err != nil {
		return mapError("inspection item", err)
	}
	if before.Version != version {
		return fmt.Errorf("inspection item %d %s: %w", it.InspectionID, it.Code, ErrStale)
	}
	res, err := tx.exec(`UPDATE inspection_items SET result = ?, note = ?, version = version + 1, updated_by = ?, updated_at = ?
		WHERE inspection_id = ? AND code = ? AND version = ?`, it.Result, it.Note, tx.actor.Username, tx.now,
		it.InspectionID, it.Code, version)
	if err != nil {
		return mapError("update inspection item", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("inspection item %d %s: %w", it.InspectionID, it.Code, ErrStale)
	}
	if err := tx.touchInspection(it.InspectionID); err != nil {
		return err
	}
	it.Version, it.UpdatedBy, it.UpdatedAt = version+1, tx.actor.Username, tx.now
	return tx.audit(domain.AuditUpdate, "inspection_item", it.InspectionID, before, it)
}

// UpdateInspection saves an inspection's date, place and outcome if it is
// at version (ErrStale otherwise), clears the signatures, and audits it.
func (tx *Tx) UpdateInspection(x *domain.Inspection, version int) error {
	before, err := tx.Inspection(domain.Scope{}, x.ID, true)
	if err != nil {
		return err
	}
	if before.Version != version {
		return fmt.Errorf("inspection %d: %w", x.ID, ErrStale)
	}
	res, err := tx.exec(`UPDATE inspections SET inspected_on = ?, place = ?, outcome = ?, signed1_at = NULL, signed2_at = NULL,
		version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND locked_at IS NULL`,
		dateArg(x.Date), x.Place, x.Outcome, tx.now, x.ID, version)
	if err != nil {
		return mapError("update inspection", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("inspection %d: %w", x.ID, ErrStale)
	}
	after, err := tx.Inspection(domain.Scope{}, x.ID, false)
	if err != nil {
		return err
	}
	*x = *after
	return tx.audit(domain.AuditUpdate, "inspection", x.ID, before, after)
}

// SignInspection records the signature of inspector slot (1 or 2) if the
// inspection is at version (ErrStale otherwise); with both signatures the
// inspection is locked. Audited.
func (tx *Tx) SignInspection(id int64, slot, version int) (*domain.Inspection, error) {
	col := "signed1_at"
	if slot == 2 {
		col = "signed2_at"
	}
	res, err := tx.exec(`UPDATE inspections SET `+col+` = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ? AND locked_at IS NULL`, tx.now, tx.now, id, version)
	if err != nil {
		return nil, mapError("sign inspection", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, fmt.Errorf("sign inspection %d: %w", id, ErrStale)
	}
	if _, err := tx.exec(`UPDATE inspections SET locked_at = ? WHERE id = ? AND signed1_at IS NOT NULL AND signed2_at IS NOT NULL`,
		tx.now, id); err != nil {
		return nil, mapError("sign inspection", err)
	}
	after, err := tx.Inspection(domain.Scope{}, id, false)
	if err != nil {
		return nil, err
	}
	return after, tx.audit(domain.AuditSign, "inspection", id, nil, map[string]any{"slot": slot, "locked": after.Locked()})
}

// AddAmendment stores a correction of a signed inspection's item, audited.
func (tx *Tx) AddAmendment(a *domain.Amendment) error {
	a.By, a.At = tx.actor.Username, tx.now
	id, err := tx.insertID(`INSERT INTO inspection_amendments (inspection_id, code, result, note, reason, made_by, made_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, a.InspectionID, a.Code, a.Result, a.Note, a.Reason, a.By, a.At)
	if err != nil {
		return mapError("add amendment", err)
	}
	a.ID = id
	return tx.audit(domain.AuditAmend, "inspection", a.InspectionID, nil, a)
}

// Amendments returns an inspection's amendments, oldest first.
func (tx *Tx) Amendments(id int64) ([]domain.Amendment, error) {
	rows, err := tx.query(`SELECT id, inspection_id, code, result, note, reason, made_by, made_at FROM inspection_amendments
		WHERE inspection_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, mapError("amendments", err)
	}
	defer rows.Close()
	var out []domain.Amendment
	for rows.Next() {
		var a domain.Amendment
		if err := rows.Scan(&a.ID, &a.InspectionID, &a.Code, &a.Result, &a.Note, &a.Reason, &a.By, timeCol{&a.At}); err != nil {
			return nil, mapError("amendments", err)
		}
		out = append(out, a)
	}
	return out, mapError("amendments", rows.Err())
}

// AddEvidence stores an evidence file of an unlocked inspection's item,
// audited (without its content).
func (tx *Tx) AddEvidence(e *domain.EvidenceFile, data []byte) error {
	e.UploadedBy, e.CreatedAt, e.Size = tx.actor.Username, tx.now, int64(len(data))
	id, err := tx.insertID(`INSERT INTO inspection_evidence (inspection_id, code, name, content_type, size, sha256, data, uploaded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.InspectionID, e.Code, e.Name, e.ContentType, e.Size, e.SHA256, data, e.UploadedBy, e.CreatedAt)
	if err != nil {
		return mapError("add evidence", err)
	}
	e.ID = id
	if err := tx.touchInspection(e.InspectionID); err != nil {
		return err
	}
	return tx.audit(domain.AuditUpload, "inspection", e.InspectionID, nil, e)
}

const evidenceCols = "id, inspection_id, code, name, content_type, size, sha256, uploaded_by, created_at"

func scanEvidence(row interface{ Scan(...any) error }, extra ...any) (*domain.EvidenceFile, error) {
	e := &domain.EvidenceFile{}
	err := row.Scan(append([]any{&e.ID, &e.InspectionID, &e.Code, &e.Name, &e.ContentType, &e.Size, &e.SHA256, &e.UploadedBy,
		timeCol{&e.CreatedAt}}, extra...)...)
	return e, err
}

// EvidenceFiles returns an inspection's evidence files (without content).
func (tx *Tx) EvidenceFiles(id int64) ([]domain.EvidenceFile, error) {
	rows, err := tx.query("SELECT "+evidenceCols+" FROM inspection_evidence WHERE inspection_id = ? ORDER BY code, id", id)
	if err != nil {
		return nil, mapError("evidence", err)
	}
	defer rows.Close()
	var out []domain.EvidenceFile
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, mapError("evidence", err)
		}
		out = append(out, *e)
	}
	return out, mapError("evidence", rows.Err())
}

// EvidenceFile returns one evidence file of an inspection with its content.
func (tx *Tx) EvidenceFile(inspectionID, id int64) (*domain.EvidenceFile, []byte, error) {
	var data []byte
	e, err := scanEvidence(tx.queryRow("SELECT "+evidenceCols+", data FROM inspection_evidence WHERE inspection_id = ? AND id = ?",
		inspectionID, id), &data)
	if err != nil {
		return nil, nil, mapError("evidence file", err)
	}
	return e, data, nil
}

// LicensedCategories returns the categories the unretired licences of an
// institution cover.
func (tx *Tx) LicensedCategories(institutionID int64) (map[string]bool, error) {
	rows, err := tx.query("SELECT items FROM licences WHERE institution_id = ? AND retired = ?", institutionID, false)
	if err != nil {
		return nil, mapError("licensed categories", err)
	}
	defer rows.Close()
	cats := map[string]bool{}
	for rows.Next() {
		var l domain.Licence
		if err := rows.Scan((*listCol)(&l.Items)); err != nil {
			return nil, mapError("licensed categories", err)
		}
		for c := range l.Categories() {
			cats[c] = true
		}
	}
	return cats, mapError("licensed categories", rows.Err())
}
