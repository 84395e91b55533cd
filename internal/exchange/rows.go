package exchange

import (
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"reflect"
	"slices"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// rowCtx is one row of a sheet being read as a record of kind k.
type rowCtx struct {
	sh  *xlsx.Sheet
	k   *xlsx.Kind
	row xlsx.Row
	ok  bool // no problem so far
}

// cell returns the value of the row's cell of column key.
func (c *rowCtx) cell(key string) string { return c.row.Cells[key].Value }

// wrap names the row in a system error.
func (c *rowCtx) wrap(err error) error { return fmt.Errorf("%s row %d: %w", c.sh.Name, c.row.Num, err) }

// bad records a problem with the row's cell of column key.
func (r *run) bad(c *rowCtx, key string, msg xlsx.Message) {
	c.ok = false
	r.fail(cellProblem(c.sh, c.k, c.row, key, msg))
}

// row checks the record of kind k in row and writes it while writing.
func (r *run) row(sh *xlsx.Sheet, k *xlsx.Kind, row xlsx.Row) error {
	c := &rowCtx{sh: sh, k: k, row: row, ok: true}
	r.count(k, sh.Name).Rows++
	if k.Name == xlsx.LicenceActs {
		return r.actRow(c)
	}
	o := opsByKind[k.Name]
	rec, present := r.record(c, o)
	ps, err := r.parents(c)
	if err != nil || !c.ok {
		return err
	}
	setParents(rec, ps.inst, ps.person, ps.equip)
	rec.Normalize()
	existing, err := r.stored(o, rec, present, ps)
	if err != nil {
		return err
	}
	r.validate(c, rec)
	if !c.ok {
		return nil
	}
	if dup, err := r.duplicate(c, o, rec); err != nil || dup {
		return err
	}
	r.checkScope(c, ps.owner, rec)
	if err := r.checkOwner(c, rec, existing); err != nil {
		return err
	}
	if err := r.checkOverlap(c, rec); err != nil {
		return err
	}
	return r.save(c, o, rec, existing, ps)
}

// record reads the row's cells into a new record; present are the fields
// the sheet has a column for.
func (r *run) record(c *rowCtx, o ops) (domain.Record, map[string]bool) {
	rec := o.new()
	present := map[string]bool{}
	for _, col := range c.k.Columns {
		cell, in := c.row.Cells[col.Key]
		if !in || col.Field == nil {
			continue
		}
		present[col.Field.Key] = true
		canon, err := xlsx.Canonical(*col.Field, cell.Value)
		if err != nil {
			r.bad(c, col.Key, valueMessage(err))
			continue
		}
		if code := domain.Assign(rec, *col.Field, canon); code != "" {
			r.bad(c, col.Key, xlsx.FieldMessage(col.Field.Key, code))
		}
	}
	if d, isDose := rec.(*domain.DoseRecord); isDose {
		r.period(c, d, present)
	}
	return rec, present
}

// period reads the composite dose period column, if the sheet has it.
func (r *run) period(c *rowCtx, d *domain.DoseRecord, present map[string]bool) {
	cell, in := c.row.Cells["period"]
	if !in || strings.TrimSpace(cell.Value) == "" {
		return
	}
	start, end, err := xlsx.ParsePeriod(cell.Value)
	if err != nil {
		r.bad(c, "period", valueMessage(err))
		return
	}
	d.PeriodStart, d.PeriodEnd = start, end
	present["period_start"], present["period_end"] = true, true
}

// stored returns the stored record with rec's natural key, or nil if there
// is none. rec then takes the stored record's id and version, and its
// values of the fields the sheet has no column for.
func (r *run) stored(o ops, rec domain.Record, present map[string]bool, ps rowParents) (domain.Record, error) {
	if d, isDose := rec.(*domain.DoseRecord); isDose {
		if may, err := r.doseStored(d); err != nil || !may {
			return nil, err
		}
	}
	existing, err := o.FindByKey(r.b, rec)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, f := range domain.Fields[o.entity] {
		if !present[f.Key] && f.Type != domain.RefField {
			domain.Assign(rec, f, domain.Value(existing, f))
		}
	}
	*rec.Base() = *existing.Base()
	setParents(rec, ps.inst, ps.person, ps.equip)
	rec.Normalize()
	return existing, nil
}

// validate reports the record's field errors, each at the column that
// fills the field.
func (r *run) validate(c *rowCtx, rec domain.Record) {
	errs := rec.Validate(r.today)
	for _, field := range slices.Sorted(maps.Keys(errs)) {
		key := field
		if _, in := c.row.Cells[key]; !in && (field == "period_start" || field == "period_end") {
			key = "period"
		}
		if _, in := c.row.Cells[key]; !in && parentColumn(field) != "" {
			key = parentColumn(field)
		}
		r.bad(c, key, xlsx.FieldMessage(field, errs[field]))
	}
}

// duplicate reports whether an earlier row of the files has the record's
// natural key, and if so says so. The keys of dose rows are their periods
// (claimDose); other keys are kept as hashes (hashKey).
func (r *run) duplicate(c *rowCtx, o ops, rec domain.Record) (bool, error) {
	first := 0
	if d, isDose := rec.(*domain.DoseRecord); isDose {
		n, err := r.claimDose(d, c.row.Num)
		if err != nil {
			return false, err
		}
		first = n
	} else {
		key := r.hashKey(c.k.Name, o.KeyOf(rec))
		if n, dup := r.seen[key]; dup {
			first = int(n)
		} else {
			r.seen[key] = int32(c.row.Num)
		}
	}
	if first != 0 {
		r.bad(c, c.k.Key[len(c.k.Key)-1], keyDuplicate.Msg(xlsx.Int(first), keyLabels(c.k)))
	}
	return first != 0, nil
}

// seenKey is a natural key as a 128-bit hash: the import remembers the key
// of every row, and 16 bytes a row stay small where the key would not.
type seenKey [2]uint64

// hashKey hashes the natural key vals of kind.
func (r *run) hashKey(kind string, vals []any) seenKey {
	k := kind + "\x00" + store.KeyString(vals)
	return seenKey{maphash.String(r.seeds[0], k), maphash.String(r.seeds[1], k)}
}

// save counts the record as created, updated or unchanged and, while
// writing, writes it; existing is the stored record or nil.
func (r *run) save(c *rowCtx, o ops, rec, existing domain.Record, ps rowParents) error {
	n := r.count(c.k, c.sh.Name)
	switch {
	case existing == nil:
		n.Created++
		if !r.writing() {
			r.plan(rec, c.row)
			return nil
		}
		if err := r.insert(o, rec); err != nil {
			return c.wrap(err)
		}
		r.remember(rec, c.row)
		if l, ok := rec.(*domain.Licence); ok {
			r.filed = append(r.filed, licKey{l.InstitutionID, l.LicenceNo})
		}
	case reflect.DeepEqual(existing, rec):
		n.Unchanged++
		return nil
	default:
		n.Updated++
		if !r.writing() {
			return nil
		}
		if err := o.Replace(r.b, existing, rec); err != nil {
			return c.wrap(err)
		}
	}
	if d, isDose := rec.(*domain.DoseRecord); isDose && r.wroteDose(d) {
		return nil // the person is queued for re-screening already
	}
	r.touch(c.k, rec, ps)
	return nil
}

// cellProblem is a problem with the cell of column key in row.
func cellProblem(sh *xlsx.Sheet, k *xlsx.Kind, row xlsx.Row, key string, msg xlsx.Message) xlsx.Problem {
	c := row.Cells[key]
	label := columnArg(k, key)
	if written := sh.Columns[key]; written != "" {
		label = xlsx.Text(written)
	}
	return xlsx.Problem{Sheet: sh.Name, Row: row.Num, Col: label, Ref: c.Ref, Value: c.Value, Message: msg}
}

// parentColumn is the column that fills a parent id field.
func parentColumn(field string) string {
	switch field {
	case "institution_id":
		return "credit_code"
	case "person_id":
		return "id_number"
	case "equipment_id":
		return "serial_no"
	}
	return ""
}

// keyLabels names the natural key columns of k.
func keyLabels(k *xlsx.Kind) xlsx.Arg {
	zh, en := make([]string, len(k.Key)), make([]string, len(k.Key))
	for i, key := range k.Key {
		c, _ := k.Column(key)
		zh[i], en[i] = "“"+c.ZH+"”", "“"+c.EN+"”"
	}
	return xlsx.Label(strings.Join(zh, "+"), strings.Join(en, " + "))
}

// valueMessage is the message of a cell value's error.
func valueMessage(err error) xlsx.Message {
	var ve *xlsx.ValueError
	if errors.As(err, &ve) {
		return ve.Message
	}
	return keyValueUnreadable.Msg()
}

// insert writes a new record: at once if later rows may name it as their
// parent (they need its id), else queued with others (store.InsertLater).
func (r *run) insert(o ops, rec domain.Record) error {
	switch o.entity {
	case "institution", "person", "equipment":
		return o.Insert(r.b, rec)
	}
	return o.InsertLater(r.b, rec)
}
