package store

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"radsup/internal/domain"
)

// Filter selects and pages rows of a list. Values holds the filter's named
// conditions (the names each table accepts, e.g. "q", "kind", "institution_id").
type Filter struct {
	Values  map[string]string
	Retired bool // include retired rows
	Limit   int  // 0 means no limit
	Offset  int  // rows to skip; applies only with a Limit
	// Sort names the order of the rows, one of the table's Sorts, with a
	// leading "-" for descending; "" (or a name the table does not know)
	// is the table's usual order.
	Sort string
}

// countBound is how far a list's total is counted: past it a list says
// "more than" ("共 10,000+ 条") rather than scan the whole table on every
// page. A page beyond the bound raises it to the end of that page.
var countBound = 10000

// Beyond reports whether total, as a list of f returned it, stands for
// more rows than counted: the list then shows Bound(f) and a "+".
func (f Filter) Beyond(total int) bool { return f.Limit > 0 && total > f.Bound() }

// Bound returns how far the total of f's list is counted.
func (f Filter) Bound() int { return max(countBound, max(f.Offset, 0)+f.Limit) }

// Get returns a named filter value.
func (f Filter) Get(name string) string { return f.Values[name] }

// Table maps one entity type to its SQL table. Its functions give the
// column values and scan targets in the order of cols.
type Table[T any] struct {
	name   string   // SQL table
	entity string   // the domain entity's name: audit events, domain.Entities
	cols   []string // derived from the domain entity (described)
	args   func(*T) []any
	dest   func(*T) []any
	meta   func(*T) *domain.Meta
	// scope is a condition whose every ? is the institution id, that holds for the
	// rows an institution user may see.
	scope string
	// filters turn a named filter value into a condition and its arguments.
	filters map[string]func(d dialect, v string) (string, []any)
	// lookupFilters are filters whose condition depends on the user's
	// scope and on what a query in the transaction finds first.
	lookupFilters map[string]func(tx *Tx, sc domain.Scope, v string) (string, []any, error)
	// counts are the row sources of a list's count when it is filtered by
	// one of these names alone (live rows, no scope): one row per matching
	// record, found from the filter's own index rather than in the list's
	// order, which is how a page is found (and stops at its end).
	counts map[string]func(d dialect, v string) (string, []any)
	order  string
	// sorts are the orders a list may ask for by name: each a list of
	// ORDER BY terms, reversed for a descending sort; the id breaks ties.
	// A term written text(col) compares the text byte by byte on both engines.
	sorts map[string][]string
	// noHealth renames sorts and filters for a scope without health
	// findings; the names it renames to are not offered (Sorts, Filters).
	noHealth map[string]string
	// derived are columns computed from the record on every write (sort keys).
	derived []derivedCol[T]
	// key lists the natural key columns (spec/formats.md), unique in the
	// table, retired rows included; derived from the domain entity.
	key []string
}

// described completes t from the description of its entity in
// domain.Entities: the columns and the natural key. args and dest stay
// typed for speed; TestTablesMatchEntities checks that they list the
// columns in this order.
func described[T any](t *Table[T]) *Table[T] {
	e := domain.EntityByName(t.entity)
	if e == nil {
		panic("store: no domain entity " + t.entity)
	}
	t.cols, t.key = e.Columns(), e.Key
	return t
}

const metaCols = "id, version, retired, created_at, updated_at"

func (t *Table[T]) selectSQL() string {
	return "SELECT " + metaCols + ", " + strings.Join(t.cols, ", ") + " FROM " + t.name
}

// writeCols are the columns a write sets: the described ones, then the derived.
func (t *Table[T]) writeCols() []string {
	cols := slices.Clip(t.cols)
	for _, d := range t.derived {
		cols = append(cols, d.col)
	}
	return cols
}

// writeArgs are the values of writeCols for rec.
func (t *Table[T]) writeArgs(rec *T) []any {
	args := t.args(rec)
	for _, d := range t.derived {
		args = append(args, d.of(rec))
	}
	return args
}

// insertSQL inserts a row: meta columns, then writeCols.
func (t *Table[T]) insertSQL() string {
	cols := t.writeCols()
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(cols)+4), ", ")
	return "INSERT INTO " + t.name + " (version, retired, created_at, updated_at, " + strings.Join(cols, ", ") + ") VALUES (" + ph + ")"
}

// setSQL sets writeCols in an UPDATE.
func (t *Table[T]) setSQL() string { return strings.Join(t.writeCols(), " = ?, ") + " = ?" }

// orderBy returns the ORDER BY terms of the sort named by s ("name",
// "-name" descending): a whitelisted order, never text from the caller.
func (t *Table[T]) orderBy(d dialect, sc domain.Scope, s string) string {
	name, desc := strings.CutPrefix(s, "-")
	if alt, ok := t.noHealth[name]; ok && sc.NoHealth {
		name = alt
	}
	terms, ok := t.sorts[name]
	if !ok || name == "" {
		return t.order
	}
	out := make([]string, 0, len(terms)+1)
	for _, term := range append(slices.Clip(terms), "id") {
		if col, ok := strings.CutPrefix(term, "text("); ok {
			term = strings.TrimSuffix(col, ")") + d.binary
		}
		if desc {
			term += " DESC"
		}
		out = append(out, term)
	}
	return strings.Join(out, ", ")
}

// Sorts lists the names of the orders the table's lists accept, sorted.
func (t *Table[T]) Sorts() []string {
	names := make([]string, 0, len(t.sorts))
	for name := range t.sorts {
		if !t.renamed(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// renamed reports whether name is what noHealth renames another name to.
func (t *Table[T]) renamed(name string) bool {
	for _, alt := range t.noHealth {
		if alt == name {
			return true
		}
	}
	return false
}

func (t *Table[T]) scanDest(rec *T) []any {
	m := t.meta(rec)
	return append([]any{&m.ID, &m.Version, &m.Retired, timeCol{&m.CreatedAt}, timeCol{&m.UpdatedAt}}, t.dest(rec)...)
}

// keyDest returns the scan destinations of id and the natural key columns.
func (t *Table[T]) keyDest(rec *T) []any {
	all := t.dest(rec)
	out := []any{&t.meta(rec).ID}
	for _, col := range t.key {
		out = append(out, all[slices.Index(t.cols, col)])
	}
	return out
}

// scopeCond returns the scope condition and its argument, or "" for no scope.
func (t *Table[T]) scopeCond(sc domain.Scope) (string, []any) {
	if sc.InstitutionID == 0 || t.scope == "" {
		return "", nil
	}
	args := make([]any, strings.Count(t.scope, "?"))
	for i := range args {
		args[i] = sc.InstitutionID
	}
	return t.scope, args
}

// get returns the row with id if the scope lets the user see it.
func get[T any](tx *Tx, t *Table[T], sc domain.Scope, id int64) (*T, error) {
	q, args := t.selectSQL()+" WHERE id = ?", []any{id}
	if c, a := t.scopeCond(sc); c != "" {
		q, args = q+" AND "+c, append(args, a...)
	}
	rec := new(T)
	if err := tx.queryRow(q, args...).Scan(t.scanDest(rec)...); err != nil {
		return nil, mapError("find "+t.entity, err)
	}
	return rec, nil
}

// list returns a page of rows matching f and the total number matching. The
// total comes from a separate COUNT, which is much cheaper than a window
// count over the whole result, and is skipped when the page holds it all.
// The count stops past f.Bound(): a total above it is f.Bound()+1 (Beyond).
func list[T any](tx *Tx, t *Table[T], sc domain.Scope, f Filter) ([]*T, int, error) {
	where, args, err := t.where(tx, sc, f)
	if err != nil {
		return nil, 0, err
	}
	q := t.selectSQL() + where + " ORDER BY " + t.orderBy(tx.d, sc, f.Sort)
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, 0, mapError("list "+t.entity, err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		rec := new(T)
		if err := rows.Scan(t.scanDest(rec)...); err != nil {
			return nil, 0, mapError("list "+t.entity, err)
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, mapError("list "+t.entity, err)
	}
	rows.Close()
	total := len(out)
	if f.Limit > 0 { // without a limit the query ignores the offset, and so must the total
		total += max(f.Offset, 0)
	}
	if f.Limit > 0 && (len(out) == f.Limit || (len(out) == 0 && f.Offset > 0)) {
		src := "SELECT 1 FROM " + t.name + where
		if c, a, ok := t.count(tx.d, sc, f); ok {
			src, args = c, a
		}
		q := fmt.Sprintf("SELECT COUNT(*) FROM (%s LIMIT %d) n", src, f.Bound()+1)
		if total, err = kept(tx, q, args, func() (n int, err error) {
			return n, tx.queryRow(q, args...).Scan(&n)
		}); err != nil {
			return nil, 0, mapError("count "+t.entity, err)
		}
	}
	return out, total, nil
}

// count returns the count's own row source for f, if the table has one.
func (t *Table[T]) count(d dialect, sc domain.Scope, f Filter) (string, []any, bool) {
	if sc.InstitutionID != 0 || f.Retired || sc.NoHealth {
		return "", nil, false
	}
	var name string
	for n, v := range f.Values {
		if v == "" {
			continue
		}
		if name != "" {
			return "", nil, false
		}
		name = n
	}
	fn, ok := t.counts[name]
	if !ok || domain.HasControl(f.Values[name]) {
		return "", nil, false
	}
	q, args := fn(d, f.Values[name])
	return q, args, true
}

// where builds the WHERE clause of a list: scope, retired and named filters
// (in sorted order, so that equal filters give equal SQL).
func (t *Table[T]) where(tx *Tx, sc domain.Scope, f Filter) (string, []any, error) {
	var conds []string
	var args []any
	if c, a := t.scopeCond(sc); c != "" {
		conds, args = append(conds, c), append(args, a...)
	}
	if !f.Retired {
		conds = append(conds, "NOT retired")
	}
	names := make([]string, 0, len(f.Values))
	for name := range f.Values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fn, ok := t.filters[name]
		if alt, renamed := t.noHealth[name]; renamed && sc.NoHealth {
			fn = t.filters[alt]
		}
		lf, lookup := t.lookupFilters[name]
		switch v := f.Values[name]; {
		case (!ok && !lookup) || v == "":
		case domain.HasControl(v):
			// No record holds one (validation refuses them), and PostgreSQL
			// would refuse a NUL in the query: it matches nothing.
			conds = append(conds, "1 = 0")
		case lookup:
			c, a, err := lf(tx, sc, v)
			if err != nil {
				return "", nil, err
			}
			conds, args = append(conds, c), append(args, a...)
		default:
			c, a := fn(tx.d, v)
			conds, args = append(conds, c), append(args, a...)
		}
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// insert writes a new row, then checks that the scope can see it (so an
// institution user cannot file records for another institution), and audits it.
func insert[T any](tx *Tx, t *Table[T], sc domain.Scope, rec *T) error {
	m := t.meta(rec)
	m.Version, m.Retired, m.CreatedAt, m.UpdatedAt = 1, false, tx.now, tx.now
	id, err := tx.insertID(t.insertSQL(), append([]any{1, false, tx.now, tx.now}, t.writeArgs(rec)...)...)
	if err != nil {
		return mapError("create "+t.entity, err)
	}
	m.ID = id
	if _, err := get(tx, t, sc, id); err != nil {
		return err
	}
	return tx.audit(domain.AuditCreate, t.entity, id, nil, rec)
}

// update writes rec over the row with rec's id if its version is still the
// stored one; otherwise nothing changes and ErrStale is returned.
func update[T any](tx *Tx, t *Table[T], sc domain.Scope, rec *T) error {
	m := t.meta(rec)
	before, err := get(tx, t, sc, m.ID)
	if err != nil {
		return err
	}
	if t.meta(before).Version != m.Version {
		return fmt.Errorf("update %s %d: %w", t.entity, m.ID, ErrStale)
	}
	q := "UPDATE " + t.name + " SET " + t.setSQL() + ", version = version + 1, updated_at = ? WHERE id = ? AND version = ?"
	res, err := tx.exec(q, append(t.writeArgs(rec), tx.now, m.ID, m.Version)...)
	if err != nil {
		return mapError("update "+t.entity, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("update %s %d: %w", t.entity, m.ID, ErrStale)
	}
	m.Version, m.UpdatedAt, m.CreatedAt, m.Retired = m.Version+1, tx.now, t.meta(before).CreatedAt, t.meta(before).Retired
	if _, err := get(tx, t, sc, m.ID); err != nil {
		return err // moved out of the user's scope
	}
	return tx.audit(domain.AuditUpdate, t.entity, m.ID, before, rec)
}

// setRetired retires (or restores) the row with id at the given version.
func setRetired[T any](tx *Tx, t *Table[T], sc domain.Scope, id int64, version int, retired bool) (*T, error) {
	before, err := get(tx, t, sc, id)
	if err != nil {
		return nil, err
	}
	if t.meta(before).Version != version {
		return nil, fmt.Errorf("retire %s %d: %w", t.entity, id, ErrStale)
	}
	res, err := tx.exec("UPDATE "+t.name+" SET retired = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
		retired, tx.now, id, version)
	if err != nil {
		return nil, mapError("retire "+t.entity, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, fmt.Errorf("retire %s %d: %w", t.entity, id, ErrStale)
	}
	after, err := get(tx, t, sc, id)
	if err != nil {
		return nil, err
	}
	action := domain.AuditRetire
	if !retired {
		action = domain.AuditRestore
	}
	return after, tx.audit(action, t.entity, id, before, after)
}

// eq returns a filter for column = value.
func eq(col string) func(dialect, string) (string, []any) {
	return func(_ dialect, v string) (string, []any) { return col + " = ?", []any{v} }
}

// eqInt returns a filter for an integer column; a non-number matches nothing.
func eqInt(col string) func(dialect, string) (string, []any) {
	return func(_ dialect, v string) (string, []any) {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "1 = 0", nil
		}
		return col + " = ?", []any{n}
	}
}

// dateCmp returns a filter comparing a date column with a YYYY-MM-DD value
// (op is "<=", ">=" …); anything else matches nothing, on either engine.
func dateCmp(col, op string) func(dialect, string) (string, []any) {
	return func(_ dialect, v string) (string, []any) {
		d, err := domain.ParseDate(v)
		if err != nil || d.IsZero() {
			return "1 = 0", nil
		}
		return col + " " + op + " ?", []any{d.String()}
	}
}

// search returns a filter matching any of cols against the text v.
func search(cols ...string) func(dialect, string) (string, []any) {
	return func(d dialect, v string) (string, []any) {
		parts := make([]string, len(cols))
		args := make([]any, len(cols))
		for i, c := range cols {
			parts[i] = c + " " + d.like + ` ? ESCAPE '\'`
			args[i] = likeArg(v)
		}
		return "(" + strings.Join(parts, " OR ") + ")", args
	}
}
