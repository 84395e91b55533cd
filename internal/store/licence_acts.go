package store

import (
	"strings"

	"radsup/internal/domain"
)

const licenceActCols = "id, licence_id, kind, act_on, result, next_due, until, document_no, note, recorded_by, created_at"

func scanLicenceAct(row interface{ Scan(...any) error }) (*domain.LicenceAct, error) {
	a := &domain.LicenceAct{}
	err := row.Scan(&a.ID, &a.LicenceID, &a.Kind, (*dateCol)(&a.On), &a.Result, (*dateCol)(&a.NextDue), (*dateCol)(&a.Until),
		&a.DocumentNo, &a.Note, &a.RecordedBy, timeCol{&a.CreatedAt})
	return a, err
}

// AddLicenceAct records an act on a licence by the transaction's actor,
// audited as a change of the licence.
func (tx *Tx) AddLicenceAct(a *domain.LicenceAct) error {
	a.RecordedBy, a.CreatedAt = tx.actor.Username, tx.now
	id, err := tx.insertID(`INSERT INTO licence_acts (licence_id, kind, act_on, result, next_due, until, document_no, note, recorded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.LicenceID, a.Kind, dateArg(a.On), a.Result, dateArg(a.NextDue), dateArg(a.Until),
		a.DocumentNo, a.Note, a.RecordedBy, a.CreatedAt)
	if err != nil {
		return mapError("add licence act", err)
	}
	a.ID = id
	return tx.audit(domain.AuditCreate, "licence_act", a.LicenceID, nil, a)
}

// IssueMissingActs records the 发证 act of every licence that has none
// (licences loaded in bulk), as migration 0017 did for the licences before
// it: the issue date, valid_until as the first 校验 due date, the licence
// number as the document. It returns how many it recorded.
func (tx *Tx) IssueMissingActs() (int64, error) {
	res, err := tx.exec(`INSERT INTO licence_acts (licence_id, kind, act_on, next_due, document_no, recorded_by, created_at)
		SELECT l.id, ?, l.issued_on, l.valid_until, l.licence_no, ?, ? FROM licences l
		WHERE NOT EXISTS (SELECT 1 FROM licence_acts a WHERE a.licence_id = l.id)`, domain.ActIssue, tx.actor.Username, tx.now)
	if err != nil {
		return 0, mapError("issue licence acts", err)
	}
	return res.RowsAffected()
}

// LicenceActs returns the acts on the given licences, oldest first.
func (tx *Tx) LicenceActs(licenceIDs ...int64) ([]*domain.LicenceAct, error) {
	var out []*domain.LicenceAct
	for _, chunk := range chunks(uniqueIDs(licenceIDs), maxParams) {
		rows, err := tx.query("SELECT "+licenceActCols+" FROM licence_acts WHERE licence_id IN (?"+strings.Repeat(", ?", len(chunk)-1)+
			") ORDER BY act_on, id", anyIDs(chunk)...)
		if err != nil {
			return nil, mapError("licence acts", err)
		}
		for rows.Next() {
			a, err := scanLicenceAct(rows)
			if err != nil {
				rows.Close()
				return nil, mapError("licence acts", err)
			}
			out = append(out, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapError("licence acts", err)
		}
	}
	return out, nil
}

// licenceStops returns the acts that may stop the given licences (注销,
// 暂停, and the checks that defer or lift): what screening needs of them.
func (tx *Tx) licenceStops(lics map[int64][]*domain.Licence) ([]*domain.LicenceAct, error) {
	var ids []int64
	for _, ls := range lics {
		for _, l := range ls {
			ids = append(ids, l.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	acts, err := tx.LicenceActs(ids...)
	var out []*domain.LicenceAct // nil when none stops a licence, as for one subject alone
	for _, a := range acts {
		if a.Kind == domain.ActCancel || a.Kind == domain.ActSuspend || a.Kind == domain.ActCheck {
			out = append(out, a)
		}
	}
	return out, err
}

func chunks(ids []int64, n int) [][]int64 {
	var out [][]int64
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

func anyIDs(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
