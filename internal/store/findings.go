package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"radsup/internal/domain"
	"radsup/internal/screening"
)

// FindingOf maps a finding of the screening engine to a stored finding; the
// life-cycle fields are left for the caller.
func FindingOf(f screening.Finding) *domain.Finding {
	return &domain.Finding{Rule: f.Rule, Severity: f.Severity, SubjectType: f.SubjectType, SubjectKey: f.SubjectKey,
		SubjectID: f.SubjectID, InstitutionID: f.InstitutionID, InstitutionCode: f.Institution,
		Template: f.Template, Evidence: f.Evidence, DueOn: f.DueOn}
}

const findingCols = "id, rule, severity, subject_type, subject_key, subject_id, institution_id, institution_code, " +
	"template, evidence, due_on, status, first_seen, last_seen, resolved_at, facts_hash, dismissed_by, dismiss_reason, " +
	"dismissed_at, version, created_at, updated_at"

func scanFinding(row interface{ Scan(...any) error }) (*domain.Finding, error) {
	f := &domain.Finding{}
	var ev string
	err := row.Scan(&f.ID, &f.Rule, &f.Severity, &f.SubjectType, &f.SubjectKey, &f.SubjectID, &f.InstitutionID,
		&f.InstitutionCode, &f.Template, &ev, (*dateCol)(&f.DueOn), &f.Status, (*dateCol)(&f.FirstSeen),
		(*dateCol)(&f.LastSeen), timeCol{&f.ResolvedAt}, &f.FactsHash, &f.DismissedBy, &f.DismissReason,
		timeCol{&f.DismissedAt}, &f.Version, timeCol{&f.CreatedAt}, timeCol{&f.UpdatedAt})
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(ev), &f.Evidence); err != nil {
		return nil, fmt.Errorf("finding %d evidence: %w", f.ID, err)
	}
	return f, nil
}

func (tx *Tx) findings(op, q string, args ...any) ([]*domain.Finding, error) {
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, mapError(op, err)
	}
	defer rows.Close()
	var out []*domain.Finding
	for rows.Next() {
		f, err := scanFinding(rows)
		if err != nil {
			return nil, mapError(op, err)
		}
		out = append(out, f)
	}
	return out, mapError(op, rows.Err())
}

func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// PutFinding writes f by its key: a new row, or over the row with the same
// rule, subject and institution. The caller sets every field but the
// timestamps; ID is set from the row. No audit event: findings are derived
// from audited changes, and the daily run would otherwise flood the trail.
func (tx *Tx) PutFinding(f *domain.Finding) error {
	return tx.PutFindings([]*domain.Finding{f})
}

// TouchFindings sets last_seen of the findings with the given ids: a rule
// still firing on unchanged facts changes nothing else (not the version,
// not updated_at).
func (tx *Tx) TouchFindings(ids []int64, lastSeen domain.Date) error {
	for chunk := range slices.Chunk(ids, maxParams) {
		c, args := sel{ids: chunk}.on("id")
		if _, err := tx.exec("UPDATE findings SET last_seen = ? WHERE "+c, append([]any{dateArg(lastSeen)}, args...)...); err != nil {
			return mapError("touch findings", err)
		}
	}
	return nil
}

// SubjectFindings returns the stored findings (of any status) of the
// subjects of one type with the given ids.
func (tx *Tx) SubjectFindings(subjectType string, ids []int64) ([]*domain.Finding, error) {
	var out []*domain.Finding
	for chunk := range slices.Chunk(uniqueIDs(ids), maxParams) {
		c, args := sel{ids: chunk}.on("subject_id")
		fs, err := tx.findings("subject findings", "SELECT "+findingCols+" FROM findings WHERE subject_type = ? AND "+c,
			append([]any{subjectType}, args...)...)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

// FindingsInRange returns the stored findings of the subjects of one type
// with an id in (after, upTo]: a full run's batch, including subjects that
// have since been retired or removed.
func (tx *Tx) FindingsInRange(subjectType string, after, upTo int64) ([]*domain.Finding, error) {
	return tx.findings("findings in range", "SELECT "+findingCols+
		" FROM findings WHERE subject_type = ? AND subject_id > ? AND subject_id <= ?", subjectType, after, upTo)
}

// FindingDueDates returns the due dates of the findings not resolved, by
// key; of one institution's findings when institutionID is not 0.
func (tx *Tx) FindingDueDates(institutionID int64) (map[domain.FindingKey]domain.Date, error) {
	q, args := "SELECT rule, subject_type, subject_id, institution_id, due_on FROM findings WHERE status <> ?", []any{domain.FindingResolved}
	if institutionID != 0 {
		q, args = q+" AND institution_id = ?", append(args, institutionID)
	}
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, mapError("finding due dates", err)
	}
	defer rows.Close()
	out := map[domain.FindingKey]domain.Date{}
	for rows.Next() {
		var k domain.FindingKey
		var d domain.Date
		if err := rows.Scan(&k.Rule, &k.SubjectType, &k.SubjectID, &k.InstitutionID, (*dateCol)(&d)); err != nil {
			return nil, mapError("finding due dates", err)
		}
		out[k] = d
	}
	return out, mapError("finding due dates", rows.Err())
}

// PostgreSQL advisory lock keys (migrations use 727001).
const (
	findingsLock  = 727002 // held by each transaction that writes findings
	screeningLock = 727003 // held by the server running the daily screening
)

// LockFindings serializes the transactions that write findings. PostgreSQL
// runs writers side by side: without the lock a full run's batch, having
// read a subject's facts, could overwrite what a concurrent change just
// re-screened. The lock is held until the transaction ends. SQLite has one
// writer at a time already.
func (tx *Tx) LockFindings() error {
	return mapError("lock findings", tx.lock(findingsLock))
}

// TryScreeningLock takes the lock of the daily screening run, so that of
// several servers on one PostgreSQL database only one runs it: ok is false
// when another holds it. The lock lives on a connection of its own until
// release. On SQLite (one server process) it always succeeds.
func (s *Store) TryScreeningLock(ctx context.Context) (release func(), ok bool, err error) {
	if s.dialect.tryLock == "" {
		return func() {}, true, nil
	}
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("screening lock: %w", err)
	}
	if err := conn.QueryRowContext(ctx, s.dialect.rebind(s.dialect.tryLock), screeningLock).Scan(&ok); err != nil || !ok {
		conn.Close()
		return nil, false, mapError("screening lock", err)
	}
	return func() {
		// A fresh context: the lock must be given back even when ctx is done.
		conn.ExecContext(context.Background(), s.dialect.rebind(s.dialect.unlock), screeningLock)
		conn.Close()
	}, true, nil
}

// health and notHealth select the findings of the rules whose findings are
// health data (screening.HealthRules), or of the other rules.
func health() (string, []any)    { return inRules("rule IN ") }
func notHealth() (string, []any) { return inRules("rule NOT IN ") }

func inRules(cond string) (string, []any) {
	ids := screening.HealthRules()
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return cond + "(" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")", args
}

// FindFinding returns the finding with id if the scope lets the user see it.
func (tx *Tx) FindFinding(sc domain.Scope, id int64) (*domain.Finding, error) {
	q, args := "SELECT "+findingCols+" FROM findings WHERE id = ?", []any{id}
	if sc.InstitutionID != 0 {
		q, args = q+" AND institution_id = ?", append(args, sc.InstitutionID)
	}
	if sc.NoHealth {
		c, a := notHealth()
		q, args = q+" AND "+c, append(args, a...)
	}
	f, err := scanFinding(tx.queryRow(q, args...))
	return f, mapError("find finding", err)
}

// DismissFinding marks an open finding dismissed (已核销) by the
// transaction's actor with a reason, if version is current (ErrStale
// otherwise), and audits it. A finding that is not open cannot be
// dismissed (ErrConflict).
func (tx *Tx) DismissFinding(sc domain.Scope, id int64, version int, reason string) (*domain.Finding, error) {
	before, err := tx.FindFinding(sc, id)
	if err != nil {
		return nil, err
	}
	if before.Version != version {
		return nil, fmt.Errorf("dismiss finding %d: %w", id, ErrStale)
	}
	if before.Status != domain.FindingOpen {
		return nil, fmt.Errorf("dismiss finding %d (%s): %w", id, before.Status, ErrConflict)
	}
	res, err := tx.exec(`UPDATE findings SET status = ?, dismissed_by = ?, dismiss_reason = ?, dismissed_at = ?,
		version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		domain.FindingDismissed, tx.actor.Username, reason, tx.now, tx.now, id, version)
	if err != nil {
		return nil, mapError("dismiss finding", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, fmt.Errorf("dismiss finding %d: %w", id, ErrStale)
	}
	after, err := tx.FindFinding(sc, id)
	if err != nil {
		return nil, err
	}
	return after, tx.audit(domain.AuditDismiss, "finding", id, before, after)
}

// ReopenFinding undoes a dismissal: the finding is open again (the screening
// then keeps or resolves it as it does any open finding), if version is
// current (ErrStale otherwise) and it is dismissed (ErrConflict otherwise).
// The audit event holds the dismissal undone and the reason for reopening.
func (tx *Tx) ReopenFinding(sc domain.Scope, id int64, version int, reason string) (*domain.Finding, error) {
	before, err := tx.FindFinding(sc, id)
	if err != nil {
		return nil, err
	}
	if before.Version != version {
		return nil, fmt.Errorf("reopen finding %d: %w", id, ErrStale)
	}
	if before.Status != domain.FindingDismissed {
		return nil, fmt.Errorf("reopen finding %d (%s): %w", id, before.Status, ErrConflict)
	}
	res, err := tx.exec(`UPDATE findings SET status = ?, dismissed_by = '', dismiss_reason = '', dismissed_at = NULL,
		version = version + 1, updated_at = ? WHERE id = ? AND version = ?`, domain.FindingOpen, tx.now, id, version)
	if err != nil {
		return nil, mapError("reopen finding", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, fmt.Errorf("reopen finding %d: %w", id, ErrStale)
	}
	after, err := tx.FindFinding(sc, id)
	if err != nil {
		return nil, err
	}
	return after, tx.audit(domain.AuditReopen, "finding", id, before, map[string]any{"status": after.Status, "reason": reason})
}

// FindingFilter selects findings for a list. Empty fields do not filter.
type FindingFilter struct {
	Rule          string
	Severity      domain.Severity
	Status        string
	InstitutionID int64
	// Street selects the findings of institutions in a street (by code).
	Street      string
	SubjectType string
	SubjectID   int64
	// Health selects only the findings that are health data.
	Health bool
	Limit  int // 0: no limit
	Offset int // rows to skip; only with a Limit
}

// FindingPage is one page of a findings list with its counts.
type FindingPage struct {
	Findings []*domain.Finding
	// Total is the number of findings matching the filter.
	Total int
	// ByRule and BySeverity count the findings matching the filter except
	// on rule (or severity): what choosing another rule (or severity) would give.
	ByRule     map[string]int
	BySeverity map[domain.Severity]int
}

// where builds the conditions of the filter within the scope, leaving out
// the filter named skip ("rule" or "severity").
func (f FindingFilter) where(sc domain.Scope, skip string) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, a any) {
		if s, ok := a.(string); ok && domain.HasControl(s) {
			conds = append(conds, "1 = 0") // no finding holds one, and PostgreSQL would refuse a NUL
			return
		}
		conds, args = append(conds, c), append(args, a)
	}
	if sc.InstitutionID != 0 {
		add("institution_id = ?", sc.InstitutionID)
	}
	if sc.NoHealth {
		c, a := notHealth()
		conds, args = append(conds, c), append(args, a...)
	}
	if f.Health {
		c, a := health()
		conds, args = append(conds, c), append(args, a...)
	}
	if f.Rule != "" && skip != "rule" {
		add("rule = ?", f.Rule)
	}
	if f.Severity != "" && skip != "severity" {
		add("severity_rank = ?", f.Severity.Rank()) // the rank: the list index holds it
	}
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.InstitutionID != 0 {
		add("institution_id = ?", f.InstitutionID)
	}
	if f.Street != "" {
		add("institution_id IN (SELECT id FROM institutions WHERE street = ?)", f.Street)
	}
	if f.SubjectType != "" {
		add("subject_type = ?", f.SubjectType)
	}
	if f.SubjectID != 0 {
		add("subject_id = ?", f.SubjectID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindFindings returns a page of the findings matching f within the scope,
// most serious first, then by due date and id, with the counts by rule and
// by severity.
func (tx *Tx) FindFindings(sc domain.Scope, f FindingFilter) (*FindingPage, error) {
	where, args := f.where(sc, "")
	q := "SELECT " + findingCols + " FROM findings" + where + " ORDER BY severity_rank, due_on, id"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	fs, err := tx.findings("list findings", q, args...)
	if err != nil {
		return nil, err
	}
	p := &FindingPage{Findings: fs, ByRule: map[string]int{}, BySeverity: map[domain.Severity]int{}}
	if err := tx.countFindings(f, sc, "rule", func(k string, n int) { p.ByRule[k] = n }); err != nil {
		return nil, err
	}
	if err := tx.countFindings(f, sc, "severity", func(k string, n int) { p.BySeverity[domain.Severity(k)] = n }); err != nil {
		return nil, err
	}
	for s, n := range p.BySeverity {
		if f.Severity == "" || s == f.Severity {
			p.Total += n
		}
	}
	return p, nil
}

// countFindings counts the findings matching f except on col, grouped by
// col. The counts are kept between writes to the findings, as list totals are.
func (tx *Tx) countFindings(f FindingFilter, sc domain.Scope, col string, add func(string, int)) error {
	where, args := f.where(sc, col)
	q := "SELECT " + col + ", COUNT(*) FROM findings" + where + " GROUP BY " + col
	groups, err := kept(tx, q, args, func() ([]groupCount, error) {
		rows, err := tx.query(q, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var groups []groupCount
		for rows.Next() {
			var g groupCount
			if err := rows.Scan(&g.key, &g.n); err != nil {
				return nil, err
			}
			groups = append(groups, g)
		}
		return groups, rows.Err()
	})
	if err != nil {
		return mapError("count findings", err)
	}
	for _, g := range groups {
		add(g.key, g.n)
	}
	return nil
}

// StartScreeningRun records the start of a run (at the transaction's time) and sets r.ID.
func (tx *Tx) StartScreeningRun(r *domain.ScreeningRun) error {
	r.StartedAt = tx.now
	id, err := tx.insertID("INSERT INTO screening_runs (started_at, as_of, kind) VALUES (?, ?, ?)", tx.now, dateArg(r.AsOf), r.Kind)
	r.ID = id
	return mapError("start screening run", err)
}

// FinishScreeningRun records the end of run r (at the transaction's time) and its counts.
func (tx *Tx) FinishScreeningRun(r *domain.ScreeningRun) error {
	r.FinishedAt = tx.now
	_, err := tx.exec("UPDATE screening_runs SET finished_at = ?, subjects = ?, opened = ?, resolved = ?, still_open = ? WHERE id = ?",
		tx.now, r.Subjects, r.Opened, r.Resolved, r.StillOpen, r.ID)
	return mapError("finish screening run", err)
}

// LastScreeningRun returns the finished run of the kind that started last,
// or ErrNotFound.
func (tx *Tx) LastScreeningRun(kind string) (*domain.ScreeningRun, error) {
	r := &domain.ScreeningRun{}
	err := tx.queryRow(`SELECT id, started_at, finished_at, as_of, kind, subjects, opened, resolved, still_open
		FROM screening_runs WHERE kind = ? AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1`, kind).
		Scan(&r.ID, timeCol{&r.StartedAt}, timeCol{&r.FinishedAt}, (*dateCol)(&r.AsOf), &r.Kind, &r.Subjects,
			&r.Opened, &r.Resolved, &r.StillOpen)
	if err != nil {
		return nil, mapError("last screening run", err)
	}
	return r, nil
}

// ScreeningRunDone reports whether a run of the kind as of asOf has finished.
func (tx *Tx) ScreeningRunDone(kind string, asOf domain.Date) (bool, error) {
	var n int
	err := tx.queryRow("SELECT COUNT(*) FROM screening_runs WHERE kind = ? AND as_of = ? AND finished_at IS NOT NULL",
		kind, dateArg(asOf)).Scan(&n)
	return n > 0, mapError("screening run done", err)
}
