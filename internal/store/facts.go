package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/screening"
)

// The facts the screening rules look at, read from the database, without
// the records' created_at and updated_at. Retired records are left out; a subject itself is returned even when retired (the
// rules find nothing for it, which resolves its findings). Full scans read
// subjects in id order, a batch at a time, and read each batch's records
// completely before handing out its facts: memory stays flat at any scale,
// no result set is left open (pgx runs one query at a time per connection),
// and the callback may write on the same transaction.

// FactsBatch is the number of subjects a full scan reads at a time.
const FactsBatch = 500

// maxParams bounds the ids of one IN list (SQLite allows 32766 parameters;
// PostgreSQL 65535).
const maxParams = 500

// sel chooses the subjects whose records a batch reads: an id range (a
// full scan's batch, answered by the records' index on the parent id) or a
// list of ids.
type sel struct {
	lo, hi int64
	ids    []int64
}

func (s sel) on(col string) (string, []any) {
	if s.ids == nil {
		return col + " BETWEEN ? AND ?", []any{s.lo, s.hi}
	}
	args := make([]any, len(s.ids))
	for i, id := range s.ids {
		args[i] = id
	}
	return col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(s.ids)), ", ") + ")", args
}

// rangeOf selects the range from the first to the last of a batch of rows
// sorted by id.
func rangeOf[T any](t *Table[T], xs []*T) sel {
	return sel{lo: t.meta(xs[0]).ID, hi: t.meta(xs[len(xs)-1]).ID}
}

// selectRows runs a SELECT of t's rows with the given tail (WHERE … ORDER
// BY …). It leaves out created_at and updated_at: the rules do not look at
// them, and parsing the two timestamps of every row is a fifth of a full
// scan's time (with the SQLite driver).
func selectRows[T any](tx *Tx, t *Table[T], tail string, args ...any) ([]*T, error) {
	rows, err := tx.query("SELECT id, version, retired, "+strings.Join(t.cols, ", ")+" FROM "+t.name+" "+tail, args...)
	if err != nil {
		return nil, mapError("load "+t.entity, err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		rec := new(T)
		m := t.meta(rec)
		if err := rows.Scan(append([]any{&m.ID, &m.Version, &m.Retired}, t.dest(rec)...)...); err != nil {
			return nil, mapError("load "+t.entity, err)
		}
		out = append(out, rec)
	}
	return out, mapError("load "+t.entity, rows.Err())
}

// children reads the non-retired rows of t whose parent column is in s,
// grouped by parent id, each group in id order.
func children[T any](tx *Tx, t *Table[T], col string, s sel, parent func(*T) int64) (map[int64][]*T, error) {
	c, args := s.on(col)
	xs, err := selectRows(tx, t, "WHERE "+c+" AND NOT retired ORDER BY "+col+", id", args...)
	if err != nil {
		return nil, err
	}
	m := map[int64][]*T{}
	for _, x := range xs {
		m[parent(x)] = append(m[parent(x)], x)
	}
	return m, nil
}

// byIDs reads the rows of t with the given ids (retired ones too), in
// chunks that keep each IN list short.
func byIDs[T any](tx *Tx, t *Table[T], ids []int64) ([]*T, error) {
	ids = uniqueIDs(ids)
	var out []*T
	for chunk := range slices.Chunk(ids, maxParams) {
		c, args := sel{ids: chunk}.on("id")
		xs, err := selectRows(tx, t, "WHERE "+c+" ORDER BY id", args...)
		if err != nil {
			return nil, err
		}
		out = append(out, xs...)
	}
	return out, nil
}

// after reads the next n non-retired rows of t with an id above after.
func after[T any](tx *Tx, t *Table[T], after int64, n int) ([]*T, error) {
	return selectRows(tx, t, "WHERE id > ? AND NOT retired ORDER BY id LIMIT ?", after, n)
}

func uniqueIDs(ids []int64) []int64 {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return slices.Compact(ids)
}

func indexByID[T any](t *Table[T], xs []*T) map[int64]*T {
	m := make(map[int64]*T, len(xs))
	for _, x := range xs {
		m[t.meta(x).ID] = x
	}
	return m
}

// factsOf reads the subjects of t with the given ids (retired ones too) and
// builds their facts.
func factsOf[S, F any](tx *Tx, t *Table[S], ids []int64, build func([]*S, sel) ([]F, error)) ([]F, error) {
	var out []F
	for chunk := range slices.Chunk(uniqueIDs(ids), maxParams) {
		subjects, err := byIDs(tx, t, chunk)
		if err != nil {
			return nil, err
		}
		fs, err := build(subjects, sel{ids: chunk})
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

// factsAfter reads the next n non-retired subjects of t after an id and
// builds their facts.
func factsAfter[S, F any](tx *Tx, t *Table[S], afterID int64, n int, build func([]*S, sel) ([]F, error)) ([]F, error) {
	subjects, err := after(tx, t, afterID, n)
	if err != nil || len(subjects) == 0 {
		return nil, err
	}
	return build(subjects, rangeOf(t, subjects))
}

// one returns the facts of a single subject, or ErrNotFound.
func one[F any](fs []F, err error) (F, error) {
	var zero F
	if err != nil {
		return zero, err
	}
	if len(fs) == 0 {
		return zero, fmt.Errorf("load facts: %w", ErrNotFound)
	}
	return fs[0], nil
}

// InstitutionFacts returns the facts of one institution, or ErrNotFound.
func (tx *Tx) InstitutionFacts(id int64) (screening.InstitutionFacts, error) {
	return one(tx.InstitutionFactsOf([]int64{id}))
}

// InstitutionFactsOf returns the facts of the institutions with the given
// ids that exist, in id order.
func (tx *Tx) InstitutionFactsOf(ids []int64) ([]screening.InstitutionFacts, error) {
	return factsOf(tx, Institutions, ids, tx.institutionFacts)
}

// InstitutionFactsAfter returns the facts of the next n non-retired
// institutions with an id above after, in id order: one batch of a full scan.
func (tx *Tx) InstitutionFactsAfter(afterID int64, n int) ([]screening.InstitutionFacts, error) {
	return factsAfter(tx, Institutions, afterID, n, tx.institutionFacts)
}

func (tx *Tx) institutionFacts(insts []*domain.Institution, s sel) ([]screening.InstitutionFacts, error) {
	lics, err := children(tx, Licences, "institution_id", s, func(l *domain.Licence) int64 { return l.InstitutionID })
	if err != nil {
		return nil, err
	}
	equip, err := children(tx, Equipment, "institution_id", s, func(e *domain.Equipment) int64 { return e.InstitutionID })
	if err != nil {
		return nil, err
	}
	stops, err := tx.licenceStops(lics)
	if err != nil {
		return nil, err
	}
	out := make([]screening.InstitutionFacts, len(insts))
	for i, inst := range insts {
		out[i] = screening.InstitutionFacts{Institution: inst, Licences: lics[inst.ID], Equipment: equip[inst.ID], LicenceActs: stops}
	}
	return out, nil
}

// EquipmentFacts returns the facts of one piece of equipment, or ErrNotFound.
func (tx *Tx) EquipmentFacts(id int64) (screening.EquipmentFacts, error) {
	return one(tx.EquipmentFactsOf([]int64{id}))
}

// EquipmentFactsOf returns the facts of the equipment with the given ids
// that exists, in id order.
func (tx *Tx) EquipmentFactsOf(ids []int64) ([]screening.EquipmentFacts, error) {
	return factsOf(tx, Equipment, ids, tx.equipmentFacts)
}

// EquipmentFactsAfter returns the facts of the next n non-retired pieces of
// equipment with an id above after, in id order.
func (tx *Tx) EquipmentFactsAfter(afterID int64, n int) ([]screening.EquipmentFacts, error) {
	return factsAfter(tx, Equipment, afterID, n, tx.equipmentFacts)
}

func (tx *Tx) equipmentFacts(equip []*domain.Equipment, s sel) ([]screening.EquipmentFacts, error) {
	tests, err := children(tx, Tests, "equipment_id", s, func(t *domain.EquipmentTest) int64 { return t.EquipmentID })
	if err != nil {
		return nil, err
	}
	var instIDs []int64
	for _, e := range equip {
		instIDs = append(instIDs, e.InstitutionID)
	}
	insts, err := byIDs(tx, Institutions, instIDs)
	if err != nil {
		return nil, err
	}
	// The institutions of a batch are few and scattered: an id list, not a range.
	lics, err := children(tx, Licences, "institution_id", sel{ids: uniqueIDs(instIDs)}, func(l *domain.Licence) int64 { return l.InstitutionID })
	if err != nil {
		return nil, err
	}
	stops, err := tx.licenceStops(lics)
	if err != nil {
		return nil, err
	}
	byID := indexByID(Institutions, insts)
	out := make([]screening.EquipmentFacts, len(equip))
	for i, e := range equip {
		out[i] = screening.EquipmentFacts{Equipment: e, Institution: byID[e.InstitutionID],
			Licences: lics[e.InstitutionID], Tests: tests[e.ID], LicenceActs: stops}
	}
	return out, nil
}

// PersonFacts returns the facts of one person, or ErrNotFound.
func (tx *Tx) PersonFacts(id int64) (screening.PersonFacts, error) {
	return one(tx.PersonFactsOf([]int64{id}))
}

// PersonFactsOf returns the facts of the people with the given ids that
// exist, in id order.
func (tx *Tx) PersonFactsOf(ids []int64) ([]screening.PersonFacts, error) {
	return factsOf(tx, People, ids, tx.personFacts)
}

// PersonFactsAfter returns the facts of the next n non-retired people with
// an id above after, in id order.
func (tx *Tx) PersonFactsAfter(afterID int64, n int) ([]screening.PersonFacts, error) {
	return factsAfter(tx, People, afterID, n, tx.personFacts)
}

// personRecords are the records of a batch of people, by person id.
type personRecords struct {
	emps   map[int64][]*domain.Employment
	trains map[int64][]*domain.Training
	exams  map[int64][]*domain.Exam
	doses  map[int64][]*domain.DoseRecord
}

func (tx *Tx) personFacts(people []*domain.Person, s sel) ([]screening.PersonFacts, error) {
	var r personRecords
	var err error
	if r.emps, err = children(tx, Employments, "person_id", s, func(e *domain.Employment) int64 { return e.PersonID }); err != nil {
		return nil, err
	}
	if r.trains, err = children(tx, Trainings, "person_id", s, func(t *domain.Training) int64 { return t.PersonID }); err != nil {
		return nil, err
	}
	if r.exams, err = children(tx, Exams, "person_id", s, func(x *domain.Exam) int64 { return x.PersonID }); err != nil {
		return nil, err
	}
	if r.doses, err = children(tx, Doses, "person_id", s, func(d *domain.DoseRecord) int64 { return d.PersonID }); err != nil {
		return nil, err
	}
	insts, err := tx.referencedInstitutions(r)
	if err != nil {
		return nil, err
	}
	out := make([]screening.PersonFacts, len(people))
	for i, p := range people {
		f := screening.PersonFacts{Person: p, Employments: r.emps[p.ID], Trainings: r.trains[p.ID],
			Exams: r.exams[p.ID], Doses: r.doses[p.ID], Institutions: map[int64]*domain.Institution{}}
		// Each person gets a map of only its own institutions, so that the
		// facts are the same whether loaded alone or in a batch.
		for _, e := range f.Employments {
			f.Institutions[e.InstitutionID] = insts[e.InstitutionID]
		}
		for _, d := range f.Doses {
			f.Institutions[d.InstitutionID] = insts[d.InstitutionID]
		}
		out[i] = f
	}
	return out, nil
}

// referencedInstitutions reads the institutions named by the employments
// and dose records of a batch (retired ones too: they still name findings).
func (tx *Tx) referencedInstitutions(r personRecords) (map[int64]*domain.Institution, error) {
	var ids []int64
	for _, es := range r.emps {
		for _, e := range es {
			ids = append(ids, e.InstitutionID)
		}
	}
	for _, ds := range r.doses {
		for _, d := range ds {
			ids = append(ids, d.InstitutionID)
		}
	}
	insts, err := byIDs(tx, Institutions, ids)
	return indexByID(Institutions, insts), err
}

// EachInstitutionFacts calls fn with the facts of every non-retired
// institution, in id order, reading FactsBatch institutions at a time.
func (tx *Tx) EachInstitutionFacts(fn func(screening.InstitutionFacts) error) error {
	return each(tx.InstitutionFactsAfter, func(f screening.InstitutionFacts) int64 { return f.Institution.ID }, fn)
}

// EachEquipmentFacts calls fn with the facts of every non-retired piece of
// equipment, in id order, reading FactsBatch at a time.
func (tx *Tx) EachEquipmentFacts(fn func(screening.EquipmentFacts) error) error {
	return each(tx.EquipmentFactsAfter, func(f screening.EquipmentFacts) int64 { return f.Equipment.ID }, fn)
}

// EachPersonFacts calls fn with the facts of every non-retired person, in
// id order, reading FactsBatch people at a time.
func (tx *Tx) EachPersonFacts(fn func(screening.PersonFacts) error) error {
	return each(tx.PersonFactsAfter, func(f screening.PersonFacts) int64 { return f.Person.ID }, fn)
}

func each[F any](batch func(after int64, n int) ([]F, error), id func(F) int64, fn func(F) error) error {
	var last int64
	for {
		fs, err := batch(last, FactsBatch)
		if err != nil {
			return err
		}
		for _, f := range fs {
			if err := fn(f); err != nil {
				return err
			}
		}
		if len(fs) < FactsBatch {
			return nil
		}
		last = id(fs[len(fs)-1])
	}
}

// parentOf names the parent of each kind of child record (the one it is
// filed under, domain.Entity.Parent): its table and parent column, and the
// entity of the parent.
var parentOf = func() map[string]struct{ table, col, parent string } {
	m := map[string]struct{ table, col, parent string }{}
	for _, e := range domain.Entities {
		if p, ok := e.Parent(); ok {
			_, name := tables[e.Name].tableName()
			m[e.Name] = struct{ table, col, parent string }{name, p.Field, p.Entity}
		}
	}
	return m
}()

// SubjectsOf tells which screening subjects a change to the record (entity,
// id) touches: a test its equipment; an employment, training, exam or dose
// record its person; a piece of equipment itself and its institution (whose
// licence rules count equipment in use); a licence its institution and all
// the institution's equipment; an institution itself, its equipment and
// everyone employed or monitored there (their findings name it). A change
// that moved a record to another parent touches the old parent's subjects
// too: the old parent is read from the record's latest audit event. The id
// lists are sorted and without duplicates; a record that does not exist
// touches nothing.
func (tx *Tx) SubjectsOf(entity string, id int64) (institutions, equipment, people []int64, err error) {
	var s subjects
	switch entity {
	case "institution":
		err = s.addInstitution(tx, id, true)
	case "person":
		s.people = append(s.people, id)
	default:
		p, ok := parentOf[entity]
		if !ok {
			return nil, nil, nil, fmt.Errorf("store: SubjectsOf: unknown entity %q", entity)
		}
		var parents []int64
		if parents, err = tx.parents(entity, p.table, p.col, id); err == nil {
			err = s.addChild(tx, entity, id, p.parent, parents)
		}
	}
	if err != nil {
		return nil, nil, nil, mapError("subjects of "+entity, err)
	}
	return uniqueIDs(s.institutions), uniqueIDs(s.equipment), uniqueIDs(s.people), nil
}

type subjects struct{ institutions, equipment, people []int64 }

// AuditMark returns the id of the newest audit event the transaction sees.
// Audited transactions are chained in commit order (see audit.go), so the
// changes committed after the transaction's snapshot are exactly the events
// after the mark: SubjectsChangedSince tells what they touched.
func (tx *Tx) AuditMark() (int64, error) {
	var id int64
	err := tx.queryRow("SELECT last_id FROM audit_head WHERE id = 1").Scan(&id)
	return id, mapError("audit mark", err)
}

// SubjectsChangedSince returns the screening subjects touched (SubjectsOf)
// by the changes audited after the event mark, including the old parent of
// a record each event moved; a licence act touches what its licence does.
// Events about anything but the records the rules read (users, findings,
// enforcement) touch nothing.
func (tx *Tx) SubjectsChangedSince(mark int64) (institutions, equipment, people []int64, err error) {
	return tx.SubjectsChangedBetween(mark, math.MaxInt64)
}

// SubjectsChangedBetween is SubjectsChangedSince(mark) for the events up to
// and including the event through.
func (tx *Tx) SubjectsChangedBetween(mark, through int64) (institutions, equipment, people []int64, err error) {
	type change struct {
		entity string
		id     int64
	}
	moved := map[change][]int64{} // the records changed, each with the old parents its events' before images name
	rows, err := tx.query("SELECT entity, entity_id, before_json FROM audit_events WHERE id > ? AND id <= ? ORDER BY id", mark, through)
	if err != nil {
		return nil, nil, nil, mapError("changes since", err)
	}
	for rows.Next() {
		var c change
		var id sql.NullInt64
		var before *string
		if err := rows.Scan(&c.entity, &id, &before); err != nil {
			rows.Close()
			return nil, nil, nil, mapError("changes since", err)
		}
		if c.entity == "licence_act" {
			c.entity = "licence" // an act is audited under its licence's id, and changes whether it is in force
		}
		p, child := parentOf[c.entity]
		if !id.Valid || !child && c.entity != "institution" && c.entity != "person" {
			continue
		}
		c.id = id.Int64
		old := moved[c]
		if child {
			if v, ok := oldParent(before, p.col); ok {
				old = append(old, v)
			}
		}
		moved[c] = old
	}
	err = errors.Join(rows.Err(), rows.Close())
	if err != nil {
		return nil, nil, nil, mapError("changes since", err)
	}
	var s subjects
	for c, old := range moved {
		ins, eq, ppl, err := tx.SubjectsOf(c.entity, c.id)
		if err != nil {
			return nil, nil, nil, err
		}
		s.institutions, s.equipment, s.people = append(s.institutions, ins...), append(s.equipment, eq...), append(s.people, ppl...)
		if len(old) > 0 {
			if err := s.addChild(tx, c.entity, c.id, parentOf[c.entity].parent, old); err != nil {
				return nil, nil, nil, mapError("changes since", err)
			}
		}
	}
	return uniqueIDs(s.institutions), uniqueIDs(s.equipment), uniqueIDs(s.people), nil
}

// addInstitution adds an institution and its equipment, and with people
// the people employed or monitored there.
func (s *subjects) addInstitution(tx *Tx, id int64, people bool) error {
	s.institutions = append(s.institutions, id)
	eq, err := tx.ids("SELECT id FROM equipment WHERE institution_id = ?", id)
	if err != nil {
		return err
	}
	s.equipment = append(s.equipment, eq...)
	if !people {
		return nil
	}
	ps, err := tx.ids("SELECT person_id FROM employments WHERE institution_id = ? UNION SELECT person_id FROM doses WHERE institution_id = ?", id, id)
	s.people = append(s.people, ps...)
	return err
}

func (s *subjects) addChild(tx *Tx, entity string, id int64, parent string, parents []int64) error {
	for _, p := range parents {
		switch {
		case entity == "licence":
			if err := s.addInstitution(tx, p, false); err != nil {
				return err
			}
		case entity == "equipment":
			s.institutions, s.equipment = append(s.institutions, p), append(s.equipment, id)
		case parent == "equipment":
			s.equipment = append(s.equipment, p)
		default:
			s.people = append(s.people, p)
		}
	}
	return nil
}

// parents returns the record's parent id now and, if its latest audit
// event shows it had another before the change, that one too.
func (tx *Tx) parents(entity, table, col string, id int64) ([]int64, error) {
	cur, err := tx.ids("SELECT "+col+" FROM "+table+" WHERE id = ?", id)
	if err != nil || len(cur) == 0 {
		return nil, err
	}
	var before *string
	err = tx.queryRow("SELECT before_json FROM audit_events WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT 1", entity, id).Scan(&before)
	if err != nil || before == nil {
		return cur, ignoreNoRows(err)
	}
	if v, ok := oldParent(before, col); ok && v != cur[0] {
		cur = append(cur, v)
	}
	return cur, nil
}

// oldParent reads the parent column col from an audit event's before image.
func oldParent(before *string, col string) (int64, bool) {
	var old map[string]any
	if before == nil || json.Unmarshal([]byte(*before), &old) != nil {
		return 0, false
	}
	v, ok := old[col].(float64)
	return int64(v), ok
}

func ignoreNoRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

// ids runs a query returning one integer column.
func (tx *Tx) ids(q string, args ...any) ([]int64, error) {
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
