package store

import (
	"fmt"
	"slices"
	"strings"

	"radsup/internal/domain"
)

// Find returns the record with id, or ErrNotFound if it does not exist or is
// outside the scope.
func Find[T any](tx *Tx, t *Table[T], sc domain.Scope, id int64) (*T, error) {
	return get(tx, t, sc, id)
}

// List returns a page of records matching f within the scope, and the total count.
func List[T any](tx *Tx, t *Table[T], sc domain.Scope, f Filter) ([]*T, int, error) {
	return list(tx, t, sc, f)
}

// Create inserts rec (setting its id, version and timestamps) and audits it.
// It returns ErrConflict on a duplicate natural key or a missing parent, and
// ErrNotFound if the new record would be outside the scope.
func Create[T any](tx *Tx, t *Table[T], sc domain.Scope, rec *T) error { return insert(tx, t, sc, rec) }

// Update stores rec if rec's version is the stored version (ErrStale otherwise)
// and audits the change with the record before and after.
func Update[T any](tx *Tx, t *Table[T], sc domain.Scope, rec *T) error { return update(tx, t, sc, rec) }

// Retire marks the record retired (it stays stored and audited) if version is current.
func Retire[T any](tx *Tx, t *Table[T], sc domain.Scope, id int64, version int) (*T, error) {
	return setRetired(tx, t, sc, id, version, true)
}

// Restore undoes Retire.
func Restore[T any](tx *Tx, t *Table[T], sc domain.Scope, id int64, version int) (*T, error) {
	return setRetired(tx, t, sc, id, version, false)
}

// Entity returns the entity name of the table ("institution", "person" …).
func (t *Table[T]) Entity() string { return t.entity }

// tableName returns the entity name and the SQL table.
func (t *Table[T]) tableName() (entity, table string) { return t.entity, t.name }

const (
	personScope = "person_id IN (SELECT person_id FROM employments WHERE institution_id = ? AND NOT retired)"
	// examScope: an employer sees the exams the job needs (pre-job and in
	// service), whoever filed them, and every exam it filed itself; a
	// former or other employer's exams on leaving or after an accident stay
	// with that employer.
	examScope      = personScope + " AND (kind IN ('prejob', 'periodic') OR filed_by = ?)"
	equipmentScope = "equipment_id IN (SELECT id FROM equipment WHERE institution_id = ?)"
)

// Institutions is the table of 放射诊疗机构.
var Institutions = described(&Table[domain.Institution]{
	name: "institutions", entity: "institution",
	args: func(x *domain.Institution) []any {
		return []any{x.Name, x.CreditCode, x.MedicalLicenceNo, x.Kind, x.Grade, x.Ownership, x.EconomicType, x.UnitCategory, intPtrArg(x.Beds),
			x.DivisionCode, x.Street, x.Address, x.LegalRep, x.RadiationOfficer, x.Phone, x.Status}
	},
	dest: func(x *domain.Institution) []any {
		return []any{&x.Name, &x.CreditCode, &x.MedicalLicenceNo, &x.Kind, &x.Grade, &x.Ownership, &x.EconomicType, &x.UnitCategory, intPtrCol{&x.Beds},
			&x.DivisionCode, &x.Street, &x.Address, &x.LegalRep, &x.RadiationOfficer, &x.Phone, &x.Status}
	},
	meta:  func(x *domain.Institution) *domain.Meta { return &x.Meta },
	scope: "id = ?",
	filters: map[string]func(dialect, string) (string, []any){
		"q": search("name", "credit_code"), "kind": eq("kind"), "street": eq("street"), "status": eq("status"),
		"division_code": eq("division_code"), "grade": eq("grade"), "credit_code": eq("credit_code"),
		"licence_to": dateCmp(licenceUntilSQL, "<="), "no_licence": noLicence,
		"open_findings": hasOpenFindings(false), "open_findings_general": hasOpenFindings(true),
	},
	order:   "name_key, id",
	derived: []derivedCol[domain.Institution]{{"name_key", func(x *domain.Institution) any { return NameKey(x.Name) }}},
	sorts: map[string][]string{
		"name": {"name_key"}, "credit_code": {"text(credit_code)"}, "kind": {"text(kind)"}, "grade": {"text(grade)"},
		"street": {"text(street)"}, "status": {"text(status)"},
		"licence": {"(" + licenceUntilSQL + " IS NULL)", licenceUntilSQL}, "devices": {devicesSQL}, "workers": {workersSQL},
		"findings": {openFindingsSQL(false)}, "findings_general": {openFindingsSQL(true)},
	},
	// A reader who may not see health findings counts, sorts and filters
	// institutions by the others only.
	noHealth: map[string]string{"findings": "findings_general", "open_findings": "open_findings_general"},
})

// Licences is the table of 放射诊疗许可证.
var Licences = described(&Table[domain.Licence]{
	name: "licences", entity: "licence",
	args: func(x *domain.Licence) []any {
		return []any{x.InstitutionID, x.LicenceNo, x.Issuer, dateArg(x.IssuedOn), dateArg(x.ValidUntil), listArg(x.Items)}
	},
	dest: func(x *domain.Licence) []any {
		return []any{&x.InstitutionID, &x.LicenceNo, &x.Issuer, (*dateCol)(&x.IssuedOn), (*dateCol)(&x.ValidUntil), (*listCol)(&x.Items)}
	},
	meta:    func(x *domain.Licence) *domain.Meta { return &x.Meta },
	scope:   "institution_id = ?",
	filters: map[string]func(dialect, string) (string, []any){"institution_id": eqInt("institution_id")},
	order:   "issued_on DESC, id DESC",
})

// People is the register of 放射工作人员, one row per human being.
var People = described(&Table[domain.Person]{
	name: "people", entity: "person",
	args: func(x *domain.Person) []any { return []any{x.IDNumber, x.Name, x.Gender, dateArg(x.BirthDate)} },
	dest: func(x *domain.Person) []any {
		return []any{&x.IDNumber, &x.Name, &x.Gender, (*dateCol)(&x.BirthDate)}
	},
	meta:  func(x *domain.Person) *domain.Meta { return &x.Meta },
	scope: "id IN (SELECT person_id FROM employments WHERE institution_id = ? AND NOT retired)",
	filters: map[string]func(dialect, string) (string, []any){
		"id_number": eq("id_number"),
		"institution_id": func(d dialect, v string) (string, []any) {
			c, a := eqInt("institution_id")(d, v)
			return "id IN (SELECT person_id FROM employments WHERE " + c + " AND NOT retired)", a
		},
		// A page walks the people in name order and asks each: the first
		// page of a category most people share is found at once.
		"occupation": func(d dialect, v string) (string, []any) {
			return "EXISTS (SELECT 1 FROM employments e WHERE e.person_id = people.id AND e.occupation = ? AND NOT e.retired)", []any{v}
		},
	},
	// The count starts from the category's employments instead, in person
	// order (and stops at the bound): a rare category is counted without
	// walking everyone.
	counts: map[string]func(dialect, string) (string, []any){
		"occupation": func(d dialect, v string) (string, []any) {
			return "SELECT DISTINCT e.person_id FROM employments e JOIN people p ON p.id = e.person_id" +
				" WHERE e.occupation = ? AND NOT e.retired AND NOT p.retired", []any{v}
		},
	},
	lookupFilters: map[string]func(*Tx, domain.Scope, string) (string, []any, error){"q": personSearch},
	order:         "name_key, id",
	derived:       []derivedCol[domain.Person]{{"name_key", func(x *domain.Person) any { return NameKey(x.Name) }}},
	sorts: map[string][]string{
		"name": {"name_key"}, "id_number": {"text(id_number)"}, "gender": {"text(gender)"},
		"birth_date": {"(birth_date IS NULL)", "birth_date"},
	},
})

// Employments is the table of 任职 records.
var Employments = described(&Table[domain.Employment]{
	name: "employments", entity: "employment",
	args: func(x *domain.Employment) []any {
		return []any{x.PersonID, x.InstitutionID, x.Occupation, x.Job, dateArg(x.StartedOn), dateArg(x.EndedOn),
			x.PermitNo, dateArg(x.PermitIssuedOn)}
	},
	dest: func(x *domain.Employment) []any {
		return []any{&x.PersonID, &x.InstitutionID, &x.Occupation, &x.Job, (*dateCol)(&x.StartedOn), (*dateCol)(&x.EndedOn),
			&x.PermitNo, (*dateCol)(&x.PermitIssuedOn)}
	},
	meta:  func(x *domain.Employment) *domain.Meta { return &x.Meta },
	scope: "institution_id = ?",
	filters: map[string]func(dialect, string) (string, []any){
		"person_id": eqInt("person_id"), "institution_id": eqInt("institution_id"), "occupation": eq("occupation"),
	},
	order: "started_on DESC, id DESC",
})

// Trainings is the table of 放射防护培训 records.
var Trainings = described(&Table[domain.Training]{
	name: "trainings", entity: "training",
	args: func(x *domain.Training) []any {
		return []any{x.PersonID, dateArg(x.TakenOn), x.Kind, intPtrArg(x.Days), x.Passed, x.CertificateNo, x.Provider, nullID(x.FiledBy)}
	},
	dest: func(x *domain.Training) []any {
		return []any{&x.PersonID, (*dateCol)(&x.TakenOn), &x.Kind, intPtrCol{&x.Days}, &x.Passed, &x.CertificateNo, &x.Provider, idCol{&x.FiledBy}}
	},
	meta:    func(x *domain.Training) *domain.Meta { return &x.Meta },
	scope:   personScope,
	filters: map[string]func(dialect, string) (string, []any){"person_id": eqInt("person_id"), "kind": eq("kind")},
	order:   "taken_on DESC, id DESC",
})

// Exams is the table of 职业健康检查 records.
var Exams = described(&Table[domain.Exam]{
	name: "exams", entity: "exam",
	args: func(x *domain.Exam) []any {
		return []any{x.PersonID, dateArg(x.ExaminedOn), x.Kind, x.Conclusion, x.Provider, nullID(x.FiledBy)}
	},
	dest: func(x *domain.Exam) []any {
		return []any{&x.PersonID, (*dateCol)(&x.ExaminedOn), &x.Kind, &x.Conclusion, &x.Provider, idCol{&x.FiledBy}}
	},
	meta:    func(x *domain.Exam) *domain.Meta { return &x.Meta },
	scope:   examScope,
	filters: map[string]func(dialect, string) (string, []any){"person_id": eqInt("person_id"), "kind": eq("kind")},
	order:   "examined_on DESC, id DESC",
})

// Doses is the table of 个人剂量监测结果.
var Doses = described(&Table[domain.DoseRecord]{
	name: "doses", entity: "dose",
	args: func(x *domain.DoseRecord) []any {
		return []any{x.PersonID, x.InstitutionID, dateArg(x.PeriodStart), dateArg(x.PeriodEnd), doseArg(x.Hp10),
			doseArg(x.Hp007), doseArg(x.Hp3), x.BelowMDL, x.Lost, x.Provider, x.ReportNo}
	},
	dest: func(x *domain.DoseRecord) []any {
		return []any{&x.PersonID, &x.InstitutionID, (*dateCol)(&x.PeriodStart), (*dateCol)(&x.PeriodEnd), (*doseCol)(&x.Hp10),
			(*doseCol)(&x.Hp007), (*doseCol)(&x.Hp3), &x.BelowMDL, &x.Lost, &x.Provider, &x.ReportNo}
	},
	meta:  func(x *domain.DoseRecord) *domain.Meta { return &x.Meta },
	scope: "institution_id = ?",
	filters: map[string]func(dialect, string) (string, []any){
		"person_id": eqInt("person_id"), "institution_id": eqInt("institution_id"),
		"from": dateCmp("period_end", ">="), "to": dateCmp("period_end", "<="),
	},
	order: "period_start DESC, id DESC",
})

// Equipment is the table of 放射诊疗设备.
var Equipment = described(&Table[domain.Equipment]{
	name: "equipment", entity: "equipment",
	args: func(x *domain.Equipment) []any {
		return []any{x.InstitutionID, x.Type, x.Interventional, x.Name, x.Manufacturer, x.Model, x.SerialNo,
			dateArg(x.ManufacturedOn), dateArg(x.InstalledOn), x.Room, x.Status}
	},
	dest: func(x *domain.Equipment) []any {
		return []any{&x.InstitutionID, &x.Type, &x.Interventional, &x.Name, &x.Manufacturer, &x.Model, &x.SerialNo,
			(*dateCol)(&x.ManufacturedOn), (*dateCol)(&x.InstalledOn), &x.Room, &x.Status}
	},
	meta:  func(x *domain.Equipment) *domain.Meta { return &x.Meta },
	scope: "institution_id = ?",
	filters: map[string]func(dialect, string) (string, []any){
		"q": equipmentSearch, "institution_id": eqInt("institution_id"),
		"type": eq("type"), "status": eq("status"),
	},
	order: "institution_id, type, id",
	sorts: map[string][]string{
		"institution": {"(SELECT i.name_key FROM institutions i WHERE i.id = equipment.institution_id)"},
		"type":        {"text(type)"}, "name": {"text(name)"}, "model": {"text(model)"}, "serial_no": {"text(serial_no)"},
		"status": {"text(status)"},
	},
})

// Tests is the table of equipment 检测 records.
var Tests = described(&Table[domain.EquipmentTest]{
	name: "equipment_tests", entity: "test",
	args: func(x *domain.EquipmentTest) []any {
		return []any{x.EquipmentID, x.Kind, dateArg(x.TestedOn), x.Agency, x.ReportNo, x.Result}
	},
	dest: func(x *domain.EquipmentTest) []any {
		return []any{&x.EquipmentID, &x.Kind, (*dateCol)(&x.TestedOn), &x.Agency, &x.ReportNo, &x.Result}
	},
	meta:    func(x *domain.EquipmentTest) *domain.Meta { return &x.Meta },
	scope:   equipmentScope,
	filters: map[string]func(dialect, string) (string, []any){"equipment_id": eqInt("equipment_id"), "kind": eq("kind")},
	order:   "tested_on DESC, id DESC",
})

// personSearch matches the start of an ID number when the text is a number,
// otherwise the start of a name, ignoring case and width (a range of the
// pinyin sort key, so that the list's index answers the search in its
// order and the first page stops early, which matters with a province's
// hundred thousand workers), or a part of the name of an institution where
// the person works: for an institution user only its own, whose other
// employers it does not see. The institutions are looked up first, so that
// a search no institution name matches stays a plain range.
func personSearch(tx *Tx, sc domain.Scope, v string) (string, []any, error) {
	v = strings.TrimSpace(v)
	if v != "" && strings.Trim(strings.ToUpper(v), "0123456789X") == "" {
		c, a := tx.d.prefix("id_number", strings.ToUpper(v))
		return c, a, nil
	}
	lo := NameKey(v)
	cond, args := "(name_key >= ? AND name_key < ?)", []any{lo, lo + "g"} // "g" follows every hex digit
	q, qa := "SELECT id FROM institutions WHERE name "+tx.d.like+` ? ESCAPE '\'`, []any{likeArg(v)}
	if sc.InstitutionID != 0 {
		q, qa = q+" AND id = ?", append(qa, sc.InstitutionID)
	}
	// Unordered, so that the names are searched in their index, not in
	// the table; sorted here, for one statement text per set of ids.
	ids, err := tx.ids(q+" LIMIT ?", append(qa, maxParams+1)...)
	slices.Sort(ids)
	switch {
	case err != nil:
		return "", nil, mapError("search people", err)
	case len(ids) == 0:
		return cond, args, nil
	case len(ids) > maxParams:
		// A text many institutions' names hold (人民医院, 王): their workers
		// are many, and reading people in the list's order until the page
		// is full beats sorting them all.
		k := tx.d.noIndex + "name_key"
		return "((" + k + " >= ? AND " + k + " < ?) OR id IN (SELECT person_id FROM employments WHERE NOT retired AND institution_id IN (" +
			q + ")))", append(args, qa...), nil
	}
	in, ia := sel{ids: ids}.on("institution_id")
	return "(" + cond + " OR id IN (SELECT person_id FROM employments WHERE NOT retired AND " + in + "))", append(args, ia...), nil
}

// equipmentSearch matches the text in a device's name, model, serial
// number or manufacturer, or in its institution's name.
func equipmentSearch(d dialect, v string) (string, []any) {
	c, args := search("name", "model", "serial_no", "manufacturer")(d, v)
	return "(" + c + " OR institution_id IN (SELECT id FROM institutions WHERE name " + d.like + ` ? ESCAPE '\'))`,
		append(args, likeArg(v))
}

// Each calls fn with every record matching f within the scope, in the list
// order, streaming: for exports of any size. f's limit and offset are ignored.
func Each[T any](tx *Tx, t *Table[T], sc domain.Scope, f Filter, fn func(*T) error) error {
	where, args, err := t.where(tx, sc, f)
	if err != nil {
		return err
	}
	rows, err := tx.query(t.selectSQL()+where+" ORDER BY "+t.orderBy(tx.d, sc, f.Sort), args...)
	if err != nil {
		return mapError("list "+t.entity, err)
	}
	defer rows.Close()
	for rows.Next() {
		rec := new(T)
		if err := rows.Scan(t.scanDest(rec)...); err != nil {
			return mapError("list "+t.entity, err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return mapError("list "+t.entity, rows.Err())
}

// FindByIDs returns the records with the given ids (retired ones too) that
// the scope lets the user see, in id order: one query per few hundred ids,
// for the names a page shows beside its rows.
func FindByIDs[T any](tx *Tx, t *Table[T], sc domain.Scope, ids []int64) ([]*T, error) {
	var out []*T
	for chunk := range slices.Chunk(uniqueIDs(ids), maxParams) {
		c, args := sel{ids: chunk}.on("id")
		if sc, a := t.scopeCond(sc); sc != "" {
			c, args = c+" AND "+sc, append(args, a...)
		}
		xs, err := selectRows(tx, t, "WHERE "+c+" ORDER BY id", args...)
		if err != nil {
			return nil, err
		}
		out = append(out, xs...)
	}
	return out, nil
}

// Filters lists the names of the filters the table accepts, sorted.
func (t *Table[T]) Filters() []string {
	names := make([]string, 0, len(t.filters)+len(t.lookupFilters))
	for name := range t.filters {
		if !t.renamed(name) {
			names = append(names, name)
		}
	}
	for name := range t.lookupFilters {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// finder is what Visible needs of a table.
type finder interface {
	tableName() (entity, table string)
	exists(tx *Tx, sc domain.Scope, id int64) error
}

func (t *Table[T]) exists(tx *Tx, sc domain.Scope, id int64) error {
	_, err := get(tx, t, sc, id)
	return err
}

// tables are the register's tables by entity name.
var tables = func() map[string]finder {
	m := map[string]finder{}
	for _, t := range []finder{Institutions, Licences, People, Employments, Trainings, Exams, Doses, Equipment, Tests} {
		entity, _ := t.tableName()
		m[entity] = t
	}
	return m
}()

// Visible returns nil if the record (entity, id) exists within the scope,
// ErrNotFound otherwise: for the parents a new or changed record names.
func Visible(tx *Tx, entity string, sc domain.Scope, id int64) error {
	t, ok := tables[entity]
	if !ok {
		return fmt.Errorf("store: Visible: unknown entity %q", entity)
	}
	return t.exists(tx, sc, id)
}

// OtherEmployers counts the institutions other than instID where the person
// works now (an employment not retired and not ended).
func (tx *Tx) OtherEmployers(personID, instID int64) (int, error) {
	var n int
	// An end date still to come is an employer today.
	err := tx.queryRow(`SELECT COUNT(DISTINCT institution_id) FROM employments
		WHERE person_id = ? AND institution_id <> ? AND NOT retired AND (ended_on IS NULL OR ended_on > ?)`,
		personID, instID, dateArg(tx.today)).Scan(&n)
	return n, mapError("other employers", err)
}
