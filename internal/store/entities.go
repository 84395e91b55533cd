package store

import (
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

const (
	personScope    = "person_id IN (SELECT person_id FROM employments WHERE institution_id = ? AND NOT retired)"
	equipmentScope = "equipment_id IN (SELECT id FROM equipment WHERE institution_id = ?)"
)

// Institutions is the table of 放射诊疗机构.
var Institutions = &Table[domain.Institution]{
	name: "institutions", entity: "institution",
	cols: []string{"name", "credit_code", "medical_licence_no", "kind", "grade", "ownership", "beds", "division_code",
		"street", "address", "legal_rep", "radiation_officer", "phone", "status"},
	args: func(x *domain.Institution) []any {
		return []any{x.Name, x.CreditCode, x.MedicalLicenceNo, x.Kind, x.Grade, x.Ownership, intPtrArg(x.Beds),
			x.DivisionCode, x.Street, x.Address, x.LegalRep, x.RadiationOfficer, x.Phone, x.Status}
	},
	dest: func(x *domain.Institution) []any {
		return []any{&x.Name, &x.CreditCode, &x.MedicalLicenceNo, &x.Kind, &x.Grade, &x.Ownership, intPtrCol{&x.Beds},
			&x.DivisionCode, &x.Street, &x.Address, &x.LegalRep, &x.RadiationOfficer, &x.Phone, &x.Status}
	},
	meta:  func(x *domain.Institution) *domain.Meta { return &x.Meta },
	scope: "id = ?",
	filters: map[string]func(dialect, string) (string, []any){
		"q": search("name", "credit_code"), "kind": eq("kind"), "street": eq("street"), "status": eq("status"),
		"division_code": eq("division_code"), "grade": eq("grade"), "credit_code": eq("credit_code"),
	},
	order: "name, id",
	key:   []string{"credit_code"},
}

// Licences is the table of 放射诊疗许可证.
var Licences = &Table[domain.Licence]{
	name: "licences", entity: "licence",
	cols: []string{"institution_id", "licence_no", "issuer", "issued_on", "valid_until", "items"},
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
	key:     []string{"institution_id", "licence_no"},
}

// People is the register of 放射工作人员, one row per human being.
var People = &Table[domain.Person]{
	name: "people", entity: "person",
	cols: []string{"id_number", "name", "gender", "birth_date"},
	args: func(x *domain.Person) []any { return []any{x.IDNumber, x.Name, x.Gender, dateArg(x.BirthDate)} },
	dest: func(x *domain.Person) []any {
		return []any{&x.IDNumber, &x.Name, &x.Gender, (*dateCol)(&x.BirthDate)}
	},
	meta:  func(x *domain.Person) *domain.Meta { return &x.Meta },
	scope: "id IN (SELECT person_id FROM employments WHERE institution_id = ? AND NOT retired)",
	filters: map[string]func(dialect, string) (string, []any){
		"q": personSearch, "id_number": eq("id_number"),
		"institution_id": func(d dialect, v string) (string, []any) {
			c, a := eqInt("institution_id")(d, v)
			return "id IN (SELECT person_id FROM employments WHERE " + c + " AND NOT retired)", a
		},
		"occupation": func(d dialect, v string) (string, []any) {
			return "id IN (SELECT person_id FROM employments WHERE occupation = ? AND NOT retired)", []any{v}
		},
	},
	order: "name, id",
	key:   []string{"id_number"},
}

// Employments is the table of 任职 records.
var Employments = &Table[domain.Employment]{
	name: "employments", entity: "employment",
	cols: []string{"person_id", "institution_id", "occupation", "job", "started_on", "ended_on", "permit_no", "permit_issued_on"},
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
	key:   []string{"person_id", "institution_id", "started_on"},
}

// Trainings is the table of 放射防护培训 records.
var Trainings = &Table[domain.Training]{
	name: "trainings", entity: "training",
	cols: []string{"person_id", "taken_on", "kind", "days", "passed", "certificate_no", "provider"},
	args: func(x *domain.Training) []any {
		return []any{x.PersonID, dateArg(x.TakenOn), x.Kind, intPtrArg(x.Days), x.Passed, x.CertificateNo, x.Provider}
	},
	dest: func(x *domain.Training) []any {
		return []any{&x.PersonID, (*dateCol)(&x.TakenOn), &x.Kind, intPtrCol{&x.Days}, &x.Passed, &x.CertificateNo, &x.Provider}
	},
	meta:    func(x *domain.Training) *domain.Meta { return &x.Meta },
	scope:   personScope,
	filters: map[string]func(dialect, string) (string, []any){"person_id": eqInt("person_id"), "kind": eq("kind")},
	order:   "taken_on DESC, id DESC",
	key:     []string{"person_id", "taken_on", "kind"},
}

// Exams is the table of 职业健康检查 records.
var Exams = &Table[domain.Exam]{
	name: "exams", entity: "exam",
	cols: []string{"person_id", "examined_on", "kind", "conclusion", "provider"},
	args: func(x *domain.Exam) []any {
		return []any{x.PersonID, dateArg(x.ExaminedOn), x.Kind, x.Conclusion, x.Provider}
	},
	dest: func(x *domain.Exam) []any {
		return []any{&x.PersonID, (*dateCol)(&x.ExaminedOn), &x.Kind, &x.Conclusion, &x.Provider}
	},
	meta:    func(x *domain.Exam) *domain.Meta { return &x.Meta },
	scope:   personScope,
	filters: map[string]func(dialect, string) (string, []any){"person_id": eqInt("person_id"), "kind": eq("kind")},
	order:   "examined_on DESC, id DESC",
	key:     []string{"person_id", "examined_on", "kind"},
}

// Doses is the table of 个人剂量监测结果.
var Doses = &Table[domain.DoseRecord]{
	name: "doses", entity: "dose",
	cols: []string{"person_id", "institution_id", "period_start", "period_end", "hp10", "hp007", "hp3", "below_mdl", "lost",
		"provider", "report_no"},
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
	key:   []string{"person_id", "institution_id", "period_start"},
}

// Equipment is the table of 放射诊疗设备.
var Equipment = &Table[domain.Equipment]{
	name: "equipment", entity: "equipment",
	cols: []string{"institution_id", "type", "interventional", "name", "manufacturer", "model", "serial_no",
		"manufactured_on", "installed_on", "room", "status"},
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
		"q": search("name", "model", "serial_no", "manufacturer"), "institution_id": eqInt("institution_id"),
		"type": eq("type"), "status": eq("status"),
	},
	order: "institution_id, type, id",
	key:   []string{"institution_id", "serial_no"},
}

// Tests is the table of equipment 检测 records.
var Tests = &Table[domain.EquipmentTest]{
	name: "equipment_tests", entity: "test",
	cols: []string{"equipment_id", "kind", "tested_on", "agency", "report_no", "result"},
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
	key:     []string{"equipment_id", "kind", "tested_on"},
}

// personSearch matches the start of an ID number when the text is a number,
// otherwise the start of a name: both answered from an index, which matters
// with a province's hundred thousand workers.
func personSearch(d dialect, v string) (string, []any) {
	v = strings.ToUpper(strings.TrimSpace(v))
	if v != "" && strings.Trim(v, "0123456789X") == "" {
		return d.prefix("id_number", v)
	}
	return d.prefix("name", v)
}

// Each calls fn with every record matching f within the scope, in the list
// order, streaming: for exports of any size. f's limit and offset are ignored.
func Each[T any](tx *Tx, t *Table[T], sc domain.Scope, f Filter, fn func(*T) error) error {
	where, args := t.where(tx.d, sc, f)
	rows, err := tx.query(t.selectSQL()+where+" ORDER BY "+t.order, args...)
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
