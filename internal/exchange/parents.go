package exchange

import (
	"slices"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// cleanCode is a credit code or serial number as compared: folded, trimmed,
// upper case.
func cleanCode(s string) string { return strings.ToUpper(domain.Clean(s)) }

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

// institutionID returns the id of the institution with the credit code:
// stored, or (while checking) filed by the workbook; 0 if neither.
func (r *run) institutionID(code string) (int64, error) {
	if id, ok := r.instIDs[code]; ok && id != 0 {
		return id, nil
	} else if !ok {
		found, err := store.FindByKey(r.b, store.Institutions, []any{code})
		if err != nil {
			return 0, err
		}
		if found != nil {
			id = found.ID
		}
		r.instIDs[code] = id
		if id != 0 {
			return id, nil
		}
	}
	return r.newInst[code], nil
}

func (r *run) personID(idNumber string) (int64, error) {
	if id, ok := r.personIDs[idNumber]; ok && id != 0 {
		return id, nil
	} else if !ok {
		found, err := store.FindByKey(r.b, store.People, []any{idNumber})
		if err != nil {
			return 0, err
		}
		if found != nil {
			id = found.ID
		}
		r.personIDs[idNumber] = id
		if id != 0 {
			return id, nil
		}
	}
	return r.newPerson[idNumber], nil
}

func (r *run) equipmentID(code, serial string, instID int64) (int64, error) {
	key := code + "/" + serial
	if id, ok := r.equipIDs[key]; ok && id != 0 {
		return id, nil
	} else if !ok {
		found, err := store.FindByKey(r.b, store.Equipment, []any{instID, serial})
		if err != nil {
			return 0, err
		}
		if found != nil {
			id = found.ID
		}
		r.equipIDs[key] = id
		if id != 0 {
			return id, nil
		}
	}
	return r.newEquip[key], nil
}

// parents resolves the parents a row of kind k names. owner is the credit
// code of the institution the row belongs to ("" for people and their
// trainings and exams). bad reports a problem with a column.
func (r *run) parents(sh *xlsx.Sheet, k *xlsx.Kind, row xlsx.Row, bad func(key string, msg xlsx.Message)) (inst, person, equip int64, owner string, ok bool, err error) {
	ok = true
	need := parents[k.Name]
	cell := func(key string) string { return row.Cells[key].Value }
	if k.Name == "institutions" {
		owner = cleanCode(cell("credit_code"))
	}
	if need.inst || need.equip {
		owner = cleanCode(cell("credit_code"))
		if owner == "" {
			bad("credit_code", keyCreditCodeRequired.Msg())
			return 0, 0, 0, owner, false, nil
		}
		id, err := r.institutionID(owner)
		if err != nil {
			return 0, 0, 0, owner, false, err
		}
		if id == 0 {
			bad("credit_code", keyInstitutionNotFound.Msg(xlsx.Text(owner)))
			return 0, 0, 0, owner, false, nil
		}
		inst = id
	}
	if need.person {
		idNumber, err := xlsx.ParseIDNumberText(cell("id_number"))
		switch {
		case err != nil:
			bad("id_number", valueMessage(err))
			return 0, 0, 0, owner, false, nil
		case idNumber == "":
			bad("id_number", keyIDNumberRequired.Msg())
			return 0, 0, 0, owner, false, nil
		}
		id, err := r.personID(idNumber)
		if err != nil {
			return 0, 0, 0, owner, false, err
		}
		if id == 0 {
			bad("id_number", keyPersonNotFound.Msg(xlsx.Text(idNumber)))
			return 0, 0, 0, owner, false, nil
		}
		person = id
	}
	if need.equip {
		serial := cleanCode(cell("serial_no"))
		if serial == "" {
			bad("serial_no", keySerialRequired.Msg())
			return 0, 0, 0, owner, false, nil
		}
		id, err := r.equipmentID(owner, serial, inst)
		if err != nil {
			return 0, 0, 0, owner, false, err
		}
		if id == 0 {
			bad("serial_no", keyEquipmentNotFound.Msg(xlsx.Text(serial)))
			return 0, 0, 0, owner, false, nil
		}
		equip = id
	}
	return inst, person, equip, owner, ok, nil
}

// plan notes a record the workbook files but does not write, so that later rows may
// name it as their parent.
func (r *run) plan(k *xlsx.Kind, rec domain.Record, row xlsx.Row) {
	switch x := rec.(type) {
	case *domain.Institution:
		r.standIn(r.newInst, x.CreditCode)
	case *domain.Person:
		r.standIn(r.newPerson, x.IDNumber)
	case *domain.Equipment:
		r.standIn(r.newEquip, cleanCode(row.Cells["credit_code"].Value)+"/"+x.SerialNo)
	}
}

// remember notes the id of a record just written.
func (r *run) remember(k *xlsx.Kind, rec domain.Record, row xlsx.Row) {
	switch x := rec.(type) {
	case *domain.Institution:
		r.instIDs[x.CreditCode] = x.ID
	case *domain.Person:
		r.personIDs[x.IDNumber] = x.ID
	case *domain.Equipment:
		r.equipIDs[cleanCode(row.Cells["credit_code"].Value)+"/"+x.SerialNo] = x.ID
	}
}

// checkScope holds an institution user to its own institution's rows.
func (r *run) checkScope(sh *xlsx.Sheet, k *xlsx.Kind, row xlsx.Row, owner string, rec domain.Record) {
	if r.ownCode == "" {
		return
	}
	if owner != "" && owner != r.ownCode {
		r.fail(cellProblem(sh, k, row, "credit_code", keyScopeOtherInstitution.Msg(xlsx.Text(r.ownCode))))
		return
	}
	switch x := rec.(type) {
	case *domain.Institution:
		if x.ID == 0 {
			r.fail(cellProblem(sh, k, row, "credit_code", keyScopeNewInstitution.Msg()))
		}
	case *domain.Employment:
		r.ownPeople[r.idNumberOf(row)] = true
	case *domain.Person, *domain.Training, *domain.Exam:
		id := r.idNumberOf(row)
		if !r.ownPeople[id] {
			r.pending = append(r.pending, pendingPerson{id, cellProblem(sh, k, row, "id_number", keyScopeNotEmployed.Msg())})
		}
	}
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
		var n int
		err := tx.QueryRow(`SELECT COUNT(*) FROM employments e JOIN people p ON p.id = e.person_id
			WHERE p.id_number = ? AND e.institution_id = ? AND NOT e.retired`, p.idNumber, r.u.InstitutionID).Scan(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			r.ownPeople[p.idNumber] = true
			continue
		}
		r.fail(p.problem)
	}
	return nil
}

// touch notes the subject whose findings a written record may change.
func (r *run) touch(k *xlsx.Kind, rec domain.Record, inst, person, equip int64) {
	entity, id := rescreenAs(k.Name), rec.Base().ID
	switch k.Name {
	case "licences":
		id = inst
	case "tests":
		id = equip
	case "employments", "trainings", "exams", "doses":
		id = person
	}
	r.touched[entity] = append(r.touched[entity], id) // sorted and compacted by rescreen
}

// rescreen re-screens every subject the import changed, in its transaction.
func (r *run) rescreen(tx *store.Tx) error {
	if r.im.Findings == nil {
		return nil
	}
	for _, entity := range []string{"institution", "equipment", "person"} {
		ids := r.touched[entity]
		slices.Sort(ids)
		ids = slices.Compact(ids)
		for len(ids) > 0 {
			n := min(len(ids), 500)
			if err := r.im.Findings.Rescreen(tx, entity, ids[:n], r.today); err != nil {
				return err
			}
			ids = ids[n:]
		}
	}
	return nil
}
