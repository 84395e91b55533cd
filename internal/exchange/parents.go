package exchange

import (
	"errors"
	"reflect"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// cleanCode is a credit code or serial number as compared: folded, trimmed,
// upper case (domain.NormalizeSerial, domain.NormalizeCreditCode).
func cleanCode(s string) string { return domain.NormalizeSerial(s) }

// standIn returns the stand-in id of a parent filed by the workbook itself.
func (r *run) standIn(m map[string]int64, key string) int64 {
	id, ok := m[key]
	if !ok {
		r.nextNew++
		id = 1<<40 + r.nextNew
		m[key] = id
	}
	return id
}

// parentID returns the id of the parent with key: stored (looked up once
// with find, which gives 0 for none), or, while checking, filed by the
// workbook itself (planned); 0 if neither.
func (r *run) parentID(ids, planned map[string]int64, key string, find func() (int64, error)) (int64, error) {
	if id, ok := ids[key]; ok && id != 0 {
		return id, nil
	} else if !ok {
		id, err := find()
		if err != nil {
			return 0, err
		}
		ids[key] = id
		if id != 0 {
			return id, nil
		}
	}
	return planned[key], nil
}

// idOf is the id of a record FindByKey found, 0 if it found none.
func idOf[T any, P interface {
	*T
	domain.Record
}](found *T, err error) (int64, error) {
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return P(found).Base().ID, nil
}

// institutionID returns the id of the institution with the credit code.
func (r *run) institutionID(code string) (int64, error) {
	return r.parentID(r.instIDs, r.newInst, code, func() (int64, error) {
		return idOf(store.FindByKey(r.b, store.Institutions, []any{code}))
	})
}

// personID returns the id of the person with the ID number.
func (r *run) personID(idNumber string) (int64, error) {
	return r.parentID(r.personIDs, r.newPerson, idNumber, func() (int64, error) {
		return idOf(store.FindByKey(r.b, store.People, []any{idNumber}))
	})
}

// equipmentID returns the id of the device with the serial number at the
// institution with the credit code (and id instID).
func (r *run) equipmentID(code, serial string, instID int64) (int64, error) {
	return r.parentID(r.equipIDs, r.newEquip, code+"/"+serial, func() (int64, error) {
		return idOf(store.FindByKey(r.b, store.Equipment, []any{instID, serial}))
	})
}

// rowParents are the parents a row names: the ids of its institution,
// person and device, and owner, the credit code of the institution the
// row belongs to ("" for people and their trainings and exams).
type rowParents struct {
	inst, person, equip int64
	owner               string
}

// parents resolves the parents a row names, reporting the first that is
// missing or unknown.
func (r *run) parents(c *rowCtx) (rowParents, error) {
	var ps rowParents
	need := parents(c.k.Name)
	if c.k.Name == "institutions" || need.inst || need.equip {
		ps.owner = cleanCode(c.cell("credit_code"))
	}
	var ok bool
	var err error
	if need.inst || need.equip {
		if ps.inst, ok, err = r.parentInstitution(c, ps.owner); err != nil || !ok {
			return ps, err
		}
	}
	if need.person {
		if ps.person, ok, err = r.parentPerson(c); err != nil || !ok {
			return ps, err
		}
	}
	if need.equip {
		ps.equip, _, err = r.parentEquipment(c, ps.owner, ps.inst)
	}
	return ps, err
}

// parentInstitution resolves the institution with the credit code; ok is
// false if it is missing or unknown (and reported).
func (r *run) parentInstitution(c *rowCtx, code string) (id int64, ok bool, err error) {
	if code == "" {
		r.bad(c, "credit_code", keyCreditCodeRequired.Msg())
		return 0, false, nil
	}
	if id, err = r.institutionID(code); err != nil || id != 0 {
		return id, err == nil, err
	}
	r.bad(c, "credit_code", keyInstitutionNotFound.Msg(xlsx.Text(code)))
	return 0, false, nil
}

// parentPerson resolves the person the row's ID number names; ok is false
// if it is bad, missing or unknown (and reported).
func (r *run) parentPerson(c *rowCtx) (id int64, ok bool, err error) {
	idNumber, err := xlsx.ParseIDNumberText(c.cell("id_number"))
	switch {
	case err != nil:
		r.bad(c, "id_number", valueMessage(err))
		return 0, false, nil
	case idNumber == "":
		r.bad(c, "id_number", keyIDNumberRequired.Msg())
		return 0, false, nil
	}
	if id, err = r.personID(idNumber); err != nil || id != 0 {
		return id, err == nil, err
	}
	r.bad(c, "id_number", keyPersonNotFound.Msg(xlsx.Text(idNumber)))
	return 0, false, nil
}

// parentEquipment resolves the device the row's serial number names at
// the institution; ok is false if it is missing or unknown (and reported).
func (r *run) parentEquipment(c *rowCtx, code string, instID int64) (id int64, ok bool, err error) {
	serial := cleanCode(c.cell("serial_no"))
	if serial == "" {
		r.bad(c, "serial_no", keySerialRequired.Msg())
		return 0, false, nil
	}
	if id, err = r.equipmentID(code, serial, instID); err != nil || id != 0 {
		return id, err == nil, err
	}
	r.bad(c, "serial_no", keyEquipmentNotFound.Msg(xlsx.Text(serial)))
	return 0, false, nil
}

// plan notes a record the workbook files but does not write, so that later rows may
// name it as their parent (a licence: the rows of its acts).
func (r *run) plan(rec domain.Record, row xlsx.Row) {
	switch x := rec.(type) {
	case *domain.Institution:
		r.standIn(r.newInst, x.CreditCode)
	case *domain.Person:
		r.standIn(r.newPerson, x.IDNumber)
	case *domain.Equipment:
		r.standIn(r.newEquip, cleanCode(row.Cells["credit_code"].Value)+"/"+x.SerialNo)
	case *domain.Licence:
		r.standIn(r.newLic, licKey{x.InstitutionID, x.LicenceNo}.String())
	}
}

// remember notes the id of a record just written.
func (r *run) remember(rec domain.Record, row xlsx.Row) {
	switch x := rec.(type) {
	case *domain.Institution:
		r.instIDs[x.CreditCode] = x.ID
	case *domain.Person:
		r.personIDs[x.IDNumber] = x.ID
	case *domain.Equipment:
		r.equipIDs[cleanCode(row.Cells["credit_code"].Value)+"/"+x.SerialNo] = x.ID
	}
}

// checkScope holds a user bound to an institution to its own
// institution's rows, and to what the policy lets it file.
func (r *run) checkScope(c *rowCtx, owner string, rec domain.Record) {
	if r.ownCode != "" && owner != "" && owner != r.ownCode {
		r.fail(cellProblem(c.sh, c.k, c.row, "credit_code", keyScopeOtherInstitution.Msg(xlsx.Text(r.ownCode))))
		return
	}
	if x, ok := rec.(*domain.Institution); ok && x.ID == 0 && !r.may(auth.Create, "institution") {
		r.fail(cellProblem(c.sh, c.k, c.row, "credit_code", keyScopeNewInstitution.Msg()))
		return
	}
	if r.ownCode == "" {
		return
	}
	switch rec.(type) {
	case *domain.Employment:
		r.ownPeople[r.idNumberOf(c.row)] = true
	case *domain.Person, *domain.Training, *domain.Exam:
		id := r.idNumberOf(c.row)
		if !r.ownPeople[id] {
			r.pending = append(r.pending, pendingPerson{id, cellProblem(c.sh, c.k, c.row, "id_number", keyScopeNotEmployed.Msg())})
		}
	}
}

// checkOwner keeps who filed a record and holds an institution user to what
// is its own, as the registry does: a new training or exam is filed by the
// user's institution (the office's for others), a stored one keeps its
// filer and is not the user's to change if another filed it, and a person
// who works elsewhere too keeps the identity the register has.
func (r *run) checkOwner(c *rowCtx, rec, existing domain.Record) error {
	e := domain.EntityOf(rec)
	if e.FiledBy {
		filedBy := r.ownID
		if existing != nil {
			filedBy = domain.RefOf(existing, "filed_by")
		}
		domain.SetRef(rec, "filed_by", filedBy)
		if r.ownID != 0 && filedBy != r.ownID && !reflect.DeepEqual(existing, rec) {
			r.fail(cellProblem(c.sh, c.k, c.row, c.k.Key[len(c.k.Key)-1], keyScopeFiledByOther.Msg()))
		}
	}
	if r.ownID == 0 || e.Name != "person" || existing == nil || reflect.DeepEqual(existing, rec) {
		return nil
	}
	n, err := r.b.OtherEmployers(existing.Base().ID, r.ownID)
	if err != nil {
		return err
	}
	if n > 0 {
		r.fail(cellProblem(c.sh, c.k, c.row, "id_number", keyScopeSharedPerson.Msg()))
	}
	return nil
}

// checkOverlap refuses a dose row whose period shares days with another
// record of the person at the institution: stored, or on an earlier row of
// the files. The problem names the other period. The row's period is
// noted for the rows after it (fileDose).
func (r *run) checkOverlap(c *rowCtx, rec domain.Record) error {
	d, ok := rec.(*domain.DoseRecord)
	if !ok {
		return nil
	}
	o, overlap, err := r.doseOverlap(d)
	if err != nil {
		return err
	}
	r.fileDose(d, !overlap)
	if overlap {
		r.bad(c, "period", keyDoseOverlap.Msg(xlsx.Text(o.start.date().String()), xlsx.Text(o.end.date().String())))
	}
	return nil
}

func (r *run) idNumberOf(row xlsx.Row) string {
	id, _ := xlsx.ParseIDNumberText(row.Cells["id_number"].Value)
	return id
}

// checkPending settles the rows of people that name no employment of the
// institution user: they pass if the person works there already.
func (r *run) checkPending(tx *store.Tx) error {
	for _, p := range r.pending {
		if r.ownPeople[p.idNumber] {
			continue
		}
		works, err := tx.WorksAt(p.idNumber, r.ownID)
		if err != nil {
			return err
		}
		if works {
			r.ownPeople[p.idNumber] = true
			continue
		}
		r.fail(p.problem)
	}
	return nil
}

// touch notes the subject whose findings a written record may change.
func (r *run) touch(k *xlsx.Kind, rec domain.Record, ps rowParents) {
	entity, id := subjectOf(k.Name, rec, ps.inst, ps.person, ps.equip)
	r.touched[entity] = append(r.touched[entity], id) // sorted and compacted by rescreen
}

// queueRescreen queues every subject the import changed for re-screening
// after the commit (store.Tx.QueueRescreen), in the import's transaction:
// the import and the queue commit together.
func (r *run) queueRescreen(tx *store.Tx) error {
	if r.im.Findings == nil {
		return nil
	}
	for _, entity := range []string{"institution", "equipment", "person"} {
		if err := tx.QueueRescreen(entity, r.touched[entity]); err != nil {
			return err
		}
	}
	return nil
}
