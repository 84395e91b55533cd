package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"radsup/internal/domain"
)

const caseCols = `c.id, c.institution_id, i.name, i.credit_code, c.source, c.inspection_id, c.rectification_id, c.finding_ids, c.cause, c.facts,
	c.articles, c.handler1, c.handler2, c.state, c.opened_on, c.investigation, c.notified_on, c.hearing, c.reviewer,
	c.review_note, c.penalties, c.summary, c.decision_no, c.decided_on, c.served_on, c.execution, c.executed_on,
	c.closed_on, c.report1_on, c.report2_on, c.created_by, c.version, c.created_at, c.updated_at`

const caseFrom = " FROM cases c JOIN institutions i ON i.id = c.institution_id"

// decidedStates are the states in which a case has been decided: an
// institution sees its own cases only in these.
const decidedStates = "('decided', 'served', 'executed', 'closed')"

func scanCase(row interface{ Scan(...any) error }) (*domain.Case, error) {
	c := &domain.Case{}
	var findings, penalties string
	var hearing any
	err := row.Scan(&c.ID, &c.InstitutionID, &c.InstitutionName, &c.CreditCode, &c.Source, idCol{&c.InspectionID}, idCol{&c.RectificationID}, &findings,
		&c.Cause, &c.Facts, (*listCol)(&c.Articles), &c.Handler1, &c.Handler2, &c.State, (*dateCol)(&c.OpenedOn),
		&c.Investigation, (*dateCol)(&c.NotifiedOn), &hearing, &c.Reviewer, &c.ReviewNote, &penalties, &c.Summary,
		&c.DecisionNo, (*dateCol)(&c.DecidedOn), (*dateCol)(&c.ServedOn), &c.Execution, (*dateCol)(&c.ExecutedOn),
		(*dateCol)(&c.ClosedOn), (*dateCol)(&c.Report1On), (*dateCol)(&c.Report2On), &c.CreatedBy, &c.Version,
		timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt})
	if err != nil {
		return nil, err
	}
	switch h := hearing.(type) {
	case bool:
		c.Hearing = h
	case int64:
		c.Hearing = h != 0
	}
	c.FindingIDs = []int64{}
	for s := range strings.SplitSeq(findings, ",") {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			c.FindingIDs = append(c.FindingIDs, id)
		}
	}
	if err := json.Unmarshal([]byte(penalties), &c.Penalties); err != nil {
		return nil, fmt.Errorf("case %d penalties: %w", c.ID, err)
	}
	if c.Penalties == nil {
		c.Penalties = []domain.Penalty{}
	}
	if c.Articles == nil {
		c.Articles = []string{}
	}
	return c, nil
}

func idsArg(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

func penaltiesArg(ps []domain.Penalty) (string, error) {
	if ps == nil {
		ps = []domain.Penalty{}
	}
	b, err := json.Marshal(ps)
	return string(b), err
}

// CreateCase stores a new case in the state opened, with its first step
// taken by c.CreatedBy, audited.
func (tx *Tx) CreateCase(c *domain.Case) error {
	var inspection, rectification any
	if c.InspectionID != 0 {
		inspection = c.InspectionID
	}
	if c.RectificationID != 0 {
		rectification = c.RectificationID
	}
	id, err := tx.insertID(`INSERT INTO cases (institution_id, source, inspection_id, rectification_id, finding_ids, cause, facts, articles,
		handler1, handler2, state, opened_on, created_by, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'opened', ?, ?, 1, ?, ?)`,
		c.InstitutionID, c.Source, inspection, rectification, idsArg(c.FindingIDs), c.Cause, c.Facts, listArg(c.Articles), c.Handler1, c.Handler2,
		dateArg(c.OpenedOn), c.CreatedBy, tx.now, tx.now)
	if err != nil {
		return mapError("create case", err)
	}
	if err := tx.StepCase(id, "", "opened", c.OpenedOn, "", c.CreatedBy); err != nil {
		return err
	}
	after, err := tx.Case(domain.Scope{}, id, false)
	if err != nil {
		return err
	}
	*c = *after
	return tx.audit(domain.AuditCreate, "case", id, nil, c)
}

// Case returns the case id within the scope: an institution user sees only
// its own institution's, and only once decided. lock takes the row for a
// change.
func (tx *Tx) Case(sc domain.Scope, id int64, lock bool) (*domain.Case, error) {
	q, args := "SELECT "+caseCols+caseFrom+" WHERE c.id = ?", []any{id}
	if sc.InstitutionID != 0 {
		q, args = q+" AND c.institution_id = ? AND c.state IN "+decidedStates, append(args, sc.InstitutionID)
	}
	if lock {
		q += tx.d.forUpdate
	}
	c, err := scanCase(tx.queryRow(q, args...))
	return c, mapError("case", err)
}

// CaseFilter selects cases. Empty fields do not filter.
type CaseFilter struct {
	InstitutionID int64
	State         string
	Decided       bool // only decided ones (decided, served, executed, closed)
	Open          bool // only those not closed
	Limit         int
}

// Cases returns the cases matching f within the scope, newest first.
func (tx *Tx) Cases(sc domain.Scope, f CaseFilter) ([]*domain.Case, error) {
	var conds []string
	var args []any
	if sc.InstitutionID != 0 {
		conds, args = append(conds, "c.institution_id = ?", "c.state IN "+decidedStates), append(args, sc.InstitutionID)
	}
	if f.InstitutionID != 0 {
		conds, args = append(conds, "c.institution_id = ?"), append(args, f.InstitutionID)
	}
	if f.State != "" {
		conds, args = append(conds, "c.state = ?"), append(args, f.State)
	}
	if f.Decided {
		conds = append(conds, "c.state IN "+decidedStates)
	}
	if f.Open {
		conds = append(conds, "c.state <> 'closed'")
	}
	q := "SELECT " + caseCols + caseFrom
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY c.opened_on DESC, c.id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, mapError("cases", err)
	}
	defer rows.Close()
	var out []*domain.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, mapError("cases", err)
		}
		out = append(out, c)
	}
	return out, mapError("cases", rows.Err())
}

// UpdateCase saves a case as c holds it if it is at version (ErrStale
// otherwise), audited with action (update, or the step taken). A decided
// case's content is refused by the database too.
func (tx *Tx) UpdateCase(c *domain.Case, version int, action string) error {
	before, err := tx.Case(domain.Scope{}, c.ID, true)
	if err != nil {
		return err
	}
	if before.Version != version {
		return fmt.Errorf("case %d: %w", c.ID, ErrStale)
	}
	pen, err := penaltiesArg(c.Penalties)
	if err != nil {
		return err
	}
	res, err := tx.exec(`UPDATE cases SET cause = ?, facts = ?, articles = ?, finding_ids = ?, state = ?, investigation = ?,
		notified_on = ?, hearing = ?, reviewer = ?, review_note = ?, penalties = ?, summary = ?, decision_no = ?, decided_on = ?,
		served_on = ?, execution = ?, executed_on = ?, closed_on = ?, report1_on = ?, report2_on = ?, version = version + 1,
		updated_at = ? WHERE id = ? AND version = ?`,
		c.Cause, c.Facts, listArg(c.Articles), idsArg(c.FindingIDs), c.State, c.Investigation, dateArg(c.NotifiedOn), c.Hearing,
		c.Reviewer, c.ReviewNote, pen, c.Summary, c.DecisionNo, dateArg(c.DecidedOn), dateArg(c.ServedOn), c.Execution,
		dateArg(c.ExecutedOn), dateArg(c.ClosedOn), dateArg(c.Report1On), dateArg(c.Report2On), tx.now, c.ID, version)
	if err != nil {
		if strings.Contains(err.Error(), "a decided case is locked") {
			return fmt.Errorf("update case: %w", &domain.Error{Code: domain.ECONFLICT, Message: "case.error.locked"})
		}
		return mapError("update case", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("case %d: %w", c.ID, ErrStale)
	}
	after, err := tx.Case(domain.Scope{}, c.ID, false)
	if err != nil {
		return err
	}
	*c = *after
	return tx.audit(action, "case", c.ID, before, after)
}

// StepCase records that a case moved from one state to the next on a date
// with a note, by the user by; the caller has updated the case.
func (tx *Tx) StepCase(id int64, from, to string, on domain.Date, note, by string) error {
	_, err := tx.exec(`INSERT INTO case_steps (case_id, from_state, to_state, on_date, note, made_by, made_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, from, to, dateArg(on), note, by, tx.now)
	return mapError("case step", err)
}

// CaseSteps returns a case's steps, oldest first.
func (tx *Tx) CaseSteps(id int64) ([]domain.CaseStep, error) {
	rows, err := tx.query(`SELECT id, case_id, from_state, to_state, on_date, note, made_by, made_at FROM case_steps
		WHERE case_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, mapError("case steps", err)
	}
	defer rows.Close()
	var out []domain.CaseStep
	for rows.Next() {
		var s domain.CaseStep
		if err := rows.Scan(&s.ID, &s.CaseID, &s.From, &s.To, (*dateCol)(&s.On), &s.Note, &s.By, timeCol{&s.At}); err != nil {
			return nil, mapError("case steps", err)
		}
		out = append(out, s)
	}
	return out, mapError("case steps", rows.Err())
}

// CaseStepper returns who took a case's steps to the state to.
func (tx *Tx) CaseStepper(id int64, to string) ([]string, error) {
	rows, err := tx.query(`SELECT DISTINCT made_by FROM case_steps WHERE case_id = ? AND to_state = ?`, id, to)
	if err != nil {
		return nil, mapError("case stepper", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, mapError("case stepper", err)
		}
		out = append(out, s)
	}
	return out, mapError("case stepper", rows.Err())
}

// InstitutionPeopleNames returns the names of the people employed by an
// institution (now or before), to keep them out of what is published.
func (tx *Tx) InstitutionPeopleNames(institutionID int64) ([]string, error) {
	rows, err := tx.query(`SELECT DISTINCT p.name FROM people p JOIN employments e ON e.person_id = p.id
		WHERE e.institution_id = ?`, institutionID)
	if err != nil {
		return nil, mapError("people names", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, mapError("people names", err)
		}
		out = append(out, s)
	}
	return out, mapError("people names", rows.Err())
}

// CaseOfRectification returns the id and state of the case opened from a
// rectification, or 0 when there is none.
func (tx *Tx) CaseOfRectification(rectificationID int64) (int64, string, error) {
	var id int64
	var state string
	err := tx.queryRow(`SELECT id, state FROM cases WHERE rectification_id = ?`, rectificationID).Scan(&id, &state)
	if err == sql.ErrNoRows {
		return 0, "", nil
	}
	return id, state, mapError("case of rectification", err)
}
