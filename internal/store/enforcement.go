package store

import (
	"database/sql"
	"fmt"
	"strings"

	"radsup/internal/domain"
)

// Inspectors returns every enabled supervisor account as an inspector
// (Version 0 for an account that is not yet one), with its recusals, by
// username.
func (tx *Tx) Inspectors() ([]*domain.Inspector, error) {
	return tx.inspectors("u.role = ? AND u.disabled = ?", domain.RoleSupervisor, false)
}

// Inspector returns the supervisor account id as an inspector.
func (tx *Tx) Inspector(userID int64) (*domain.Inspector, error) {
	ins, err := tx.inspectors("u.role = ? AND u.id = ?", domain.RoleSupervisor, userID)
	if err != nil {
		return nil, err
	}
	if len(ins) == 0 {
		return nil, fmt.Errorf("inspector %d: %w", userID, ErrNotFound)
	}
	return ins[0], nil
}

func (tx *Tx) inspectors(where string, args ...any) ([]*domain.Inspector, error) {
	rows, err := tx.query(`SELECT u.id, u.username, u.display_name, n.cert_no, n.active, n.version
		FROM users u LEFT JOIN inspectors n ON n.user_id = u.id WHERE `+where+` ORDER BY u.username`, args...)
	if err != nil {
		return nil, mapError("inspectors", err)
	}
	defer rows.Close()
	var out []*domain.Inspector
	byID := map[int64]*domain.Inspector{}
	for rows.Next() {
		in := &domain.Inspector{}
		var cert sql.NullString
		var active sql.NullBool
		var version sql.NullInt64
		if err := rows.Scan(&in.UserID, &in.Username, &in.DisplayName, &cert, &active, &version); err != nil {
			return nil, mapError("inspectors", err)
		}
		in.CertNo, in.Active, in.Version = cert.String, active.Bool, int(version.Int64)
		in.Recusals = []domain.Recusal{}
		out = append(out, in)
		byID[in.UserID] = in
	}
	if err := rows.Err(); err != nil {
		return nil, mapError("inspectors", err)
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	rs, err := tx.query(`SELECT r.user_id, r.institution_id, i.credit_code, i.name, r.reason
		FROM recusals r JOIN institutions i ON i.id = r.institution_id ORDER BY r.user_id, i.credit_code`)
	if err != nil {
		return nil, mapError("recusals", err)
	}
	defer rs.Close()
	for rs.Next() {
		var uid int64
		var r domain.Recusal
		if err := rs.Scan(&uid, &r.InstitutionID, &r.CreditCode, &r.Name, &r.Reason); err != nil {
			return nil, mapError("recusals", err)
		}
		if in := byID[uid]; in != nil {
			in.Recusals = append(in.Recusals, r)
		}
	}
	return out, mapError("recusals", rs.Err())
}

// PutInspector stores the inspector's certificate number, active flag and
// recusals; version is the version the change was made on (0: the account
// is not yet an inspector). The change is audited.
func (tx *Tx) PutInspector(in *domain.Inspector, version int) error {
	before, err := tx.Inspector(in.UserID)
	if err != nil {
		return err
	}
	if before.Version != version {
		return fmt.Errorf("inspector %d: %w", in.UserID, ErrStale)
	}
	action := domain.AuditUpdate
	if version == 0 {
		action = domain.AuditCreate
		_, err = tx.exec(`INSERT INTO inspectors (user_id, cert_no, active, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)`,
			in.UserID, in.CertNo, in.Active, tx.now, tx.now)
	} else {
		var res sql.Result
		res, err = tx.exec(`UPDATE inspectors SET cert_no = ?, active = ?, version = version + 1, updated_at = ? WHERE user_id = ? AND version = ?`,
			in.CertNo, in.Active, tx.now, in.UserID, version)
		if err == nil {
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("inspector %d: %w", in.UserID, ErrStale)
			}
		}
	}
	if err != nil {
		return mapError("put inspector", err)
	}
	if _, err := tx.exec(`DELETE FROM recusals WHERE user_id = ?`, in.UserID); err != nil {
		return mapError("put inspector", err)
	}
	for _, r := range in.Recusals {
		if _, err := tx.exec(`INSERT INTO recusals (user_id, institution_id, reason, created_at) VALUES (?, ?, ?, ?)`,
			in.UserID, r.InstitutionID, r.Reason, tx.now); err != nil {
			return mapError("put inspector", err)
		}
	}
	after, err := tx.Inspector(in.UserID)
	if err != nil {
		return err
	}
	*in = *after
	if version == 0 {
		return tx.audit(action, "inspector", in.UserID, nil, after)
	}
	return tx.audit(action, "inspector", in.UserID, before, after)
}

// PoolCandidate is an open institution that matches a plan's pool filter,
// with what its risk weight is made of.
type PoolCandidate struct {
	InstitutionID  int64
	CreditCode     string
	Name           string
	Categories     map[string]bool // the categories its licences cover
	OpenViolations int             // open violation findings naming it
}

// PoolCandidates returns the open (开业), unretired institutions matching
// the filter, by credit code: street and kind exactly, category among the
// categories its unretired licences cover ("" matches anything).
func (tx *Tx) PoolCandidates(street, kind, category string) ([]*PoolCandidate, error) {
	where := []string{"retired = ?", "status = ?"}
	args := []any{false, "open"}
	if street != "" {
		where, args = append(where, "street = ?"), append(args, street)
	}
	if kind != "" {
		where, args = append(where, "kind = ?"), append(args, kind)
	}
	rows, err := tx.query("SELECT id, credit_code, name FROM institutions WHERE "+strings.Join(where, " AND ")+" ORDER BY credit_code", args...)
	if err != nil {
		return nil, mapError("pool", err)
	}
	defer rows.Close()
	var all []*PoolCandidate
	byID := map[int64]*PoolCandidate{}
	for rows.Next() {
		c := &PoolCandidate{Categories: map[string]bool{}}
		if err := rows.Scan(&c.InstitutionID, &c.CreditCode, &c.Name); err != nil {
			return nil, mapError("pool", err)
		}
		all = append(all, c)
		byID[c.InstitutionID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, mapError("pool", err)
	}
	rows.Close()

	lic, err := tx.query("SELECT institution_id, items FROM licences WHERE retired = ?", false)
	if err != nil {
		return nil, mapError("pool licences", err)
	}
	defer lic.Close()
	for lic.Next() {
		var id int64
		var l domain.Licence
		if err := lic.Scan(&id, (*listCol)(&l.Items)); err != nil {
			return nil, mapError("pool licences", err)
		}
		if c := byID[id]; c != nil {
			for cat := range l.Categories() {
				c.Categories[cat] = true
			}
		}
	}
	if err := lic.Err(); err != nil {
		return nil, mapError("pool licences", err)
	}
	lic.Close()

	vs, err := tx.query(`SELECT institution_id, COUNT(*) FROM findings WHERE status = ? AND severity = ? AND institution_id > 0
		GROUP BY institution_id`, domain.FindingOpen, string(domain.Violation))
	if err != nil {
		return nil, mapError("pool findings", err)
	}
	defer vs.Close()
	for vs.Next() {
		var id int64
		var n int
		if err := vs.Scan(&id, &n); err != nil {
			return nil, mapError("pool findings", err)
		}
		if c := byID[id]; c != nil {
			c.OpenViolations = n
		}
	}
	if err := vs.Err(); err != nil {
		return nil, mapError("pool findings", err)
	}
	if category == "" {
		return all, nil
	}
	var out []*PoolCandidate
	for _, c := range all {
		if c.Categories[category] {
			out = append(out, c)
		}
	}
	return out, nil
}

const planCols = `id, year, name, type, street, kind, category, draw_count, draw_ratio, weighted, seed_sha256, seed_source, seed,
	pool_size, drawn_at, drawn_by, created_by, version, created_at, updated_at`

func scanPlan(row interface{ Scan(...any) error }) (*domain.Plan, error) {
	p := &domain.Plan{}
	err := row.Scan(&p.ID, &p.Year, &p.Name, &p.Type, &p.Street, &p.Kind, &p.Category, &p.Count, &p.Ratio, &p.Weighted,
		&p.SeedSHA256, &p.SeedSource, &p.Seed, &p.Pool, timeCol{&p.DrawnAt}, &p.DrawnBy, &p.CreatedBy, &p.Version,
		timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt})
	return p, err
}

// CreatePlan stores a new plan, audited.
func (tx *Tx) CreatePlan(p *domain.Plan) error {
	p.CreatedBy, p.CreatedAt, p.UpdatedAt, p.Version = tx.actor.Username, tx.now, tx.now, 1
	id, err := tx.insertID(`INSERT INTO plans (year, name, type, street, kind, category, draw_count, draw_ratio, weighted,
		seed_sha256, seed_source, created_by, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
		p.Year, p.Name, p.Type, p.Street, p.Kind, p.Category, p.Count, p.Ratio, p.Weighted, p.SeedSHA256, p.SeedSource,
		p.CreatedBy, tx.now, tx.now)
	if err != nil {
		return mapError("create plan", err)
	}
	p.ID = id
	return tx.audit(domain.AuditCreate, "plan", id, nil, p)
}

// Plan returns the plan id.
func (tx *Tx) Plan(id int64) (*domain.Plan, error) {
	p, err := scanPlan(tx.queryRow("SELECT "+planCols+" FROM plans WHERE id = ?", id))
	return p, mapError("plan", err)
}

// Plans returns the plans of a year (0: every year), newest first.
func (tx *Tx) Plans(year int) ([]*domain.Plan, error) {
	q, args := "SELECT "+planCols+" FROM plans", []any{}
	if year != 0 {
		q, args = q+" WHERE year = ?", append(args, year)
	}
	rows, err := tx.query(q+" ORDER BY year DESC, id DESC", args...)
	if err != nil {
		return nil, mapError("plans", err)
	}
	defer rows.Close()
	var out []*domain.Plan
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, mapError("plans", err)
		}
		out = append(out, p)
	}
	return out, mapError("plans", rows.Err())
}

// FreezeDraw stores a plan's draw: the seed, the pool size, the snapshot
// (JSON) it was computed from and the drawn units. It fails with ErrStale
// unless the plan is at version and not drawn; afterwards triggers refuse
// any change to the plan or its units.
func (tx *Tx) FreezeDraw(p *domain.Plan, version int, snapshot string, units []domain.PlanUnit) error {
	res, err := tx.exec(`UPDATE plans SET seed = ?, pool_size = ?, snapshot = ?, drawn_at = ?, drawn_by = ?, version = version + 1,
		updated_at = ? WHERE id = ? AND version = ? AND seed = ''`,
		p.Seed, p.Pool, snapshot, tx.now, tx.actor.Username, tx.now, p.ID, version)
	if err != nil {
		return mapError("freeze draw", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("freeze draw %d: %w", p.ID, ErrStale)
	}
	for _, u := range units {
		in1, in2 := "", ""
		if len(u.Inspectors) > 0 {
			in1 = u.Inspectors[0]
		}
		if len(u.Inspectors) > 1 {
			in2 = u.Inspectors[1]
		}
		if _, err := tx.exec(`INSERT INTO plan_units (plan_id, ord, institution_id, credit_code, name, weight, draw_key, inspector1, inspector2)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, u.Order, u.InstitutionID, u.CreditCode, u.Name, u.Weight, u.Key, in1, in2); err != nil {
			return mapError("freeze draw", err)
		}
	}
	after, err := tx.Plan(p.ID)
	if err != nil {
		return err
	}
	*p = *after
	return tx.audit(domain.AuditDraw, "plan", p.ID, nil, map[string]any{"seed": p.Seed, "seed_sha256": p.SeedSHA256, "pool": p.Pool, "drawn": units})
}

// PlanSnapshot returns the pool and inspectors a drawn plan was computed
// from, as stored (JSON).
func (tx *Tx) PlanSnapshot(id int64) (string, error) {
	var s string
	err := tx.queryRow("SELECT snapshot FROM plans WHERE id = ?", id).Scan(&s)
	return s, mapError("plan snapshot", err)
}

// PlanUnits returns a plan's drawn units in draw order.
func (tx *Tx) PlanUnits(planID int64) ([]domain.PlanUnit, error) {
	return tx.planUnits("plan_id = ? ORDER BY ord", planID)
}

// InstitutionPlanUnits returns the draws that picked an institution, newest plan first.
func (tx *Tx) InstitutionPlanUnits(institutionID int64) ([]domain.PlanUnit, error) {
	return tx.planUnits("institution_id = ? ORDER BY plan_id DESC", institutionID)
}

func (tx *Tx) planUnits(where string, args ...any) ([]domain.PlanUnit, error) {
	rows, err := tx.query(`SELECT plan_id, ord, institution_id, credit_code, name, weight, draw_key, inspector1, inspector2
		FROM plan_units WHERE `+where, args...)
	if err != nil {
		return nil, mapError("plan units", err)
	}
	defer rows.Close()
	var out []domain.PlanUnit
	for rows.Next() {
		var u domain.PlanUnit
		var in1, in2 string
		if err := rows.Scan(&u.PlanID, &u.Order, &u.InstitutionID, &u.CreditCode, &u.Name, &u.Weight, &u.Key, &in1, &in2); err != nil {
			return nil, mapError("plan units", err)
		}
		u.Inspectors = []string{}
		for _, n := range []string{in1, in2} {
			if n != "" {
				u.Inspectors = append(u.Inspectors, n)
			}
		}
		out = append(out, u)
	}
	return out, mapError("plan units", rows.Err())
}

// InstitutionIDByCode returns the id and name of the unretired institution
// with the credit code.
func (tx *Tx) InstitutionIDByCode(code string) (id int64, name string, err error) {
	err = tx.queryRow("SELECT id, name FROM institutions WHERE credit_code = ? AND retired = ?", code, false).Scan(&id, &name)
	return id, name, mapError("institution by code", err)
}
