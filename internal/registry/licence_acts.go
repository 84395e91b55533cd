package registry

import (
	"context"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// LicenceHistory is a licence with its acts, newest first, and whether it
// stands today; for the 校验 form, today, the 校验期 of its institution
// and the next due date radsup proposes for a check today
// (domain.ProposedNextDue).
type LicenceHistory struct {
	Licence         *domain.Licence
	Acts            []*domain.LicenceAct
	InForce         bool
	Today           domain.Date
	CheckYears      int
	ProposedNextDue domain.Date
}

// LicenceHistory returns a licence the user may see with its acts.
func (r *Registry) LicenceHistory(ctx context.Context, u *domain.User, id int64) (*LicenceHistory, error) {
	if !auth.Can(u, auth.Read, "licence") {
		return nil, errForbidden
	}
	h := &LicenceHistory{}
	err := r.Store.View(ctx, func(tx *store.Tx) (err error) {
		if h.Licence, err = store.Find(tx, store.Licences, u.Scope(), id); err != nil {
			return err
		}
		inst, err := store.Find(tx, store.Institutions, u.Scope(), h.Licence.InstitutionID)
		if err != nil {
			return err
		}
		h.Today = r.Today()
		h.CheckYears, h.ProposedNextDue = domain.CheckYears(inst), domain.ProposedNextDue(inst, h.Today)
		h.Acts, err = tx.LicenceActs(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	h.InForce = domain.LicenceInForce(h.Acts, id, h.Today)
	for i, j := 0, len(h.Acts)-1; i < j; i, j = i+1, j-1 {
		h.Acts[i], h.Acts[j] = h.Acts[j], h.Acts[i]
	}
	return h, nil
}

// RecordLicenceAct records the office's act on a licence in one
// transaction with its audit and the re-screening of the institution. A
// passed 校验 sets the licence's valid_until to its next due date; the
// other acts leave the licence's fields as they are (a 变更 of its
// particulars is the licence edit or an approved change request, recorded
// here with its document number).
func (r *Registry) RecordLicenceAct(ctx context.Context, actor domain.Actor, u *domain.User, a *domain.LicenceAct) error {
	if !auth.Can(u, auth.Update, "licence") || u.Scope().InstitutionID != 0 {
		return errForbidden
	}
	a.Tidy()
	if err := a.Validate(r.Today()).Err(); err != nil {
		return err
	}
	return r.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		lic, err := store.Find(tx, store.Licences, domain.Scope{}, a.LicenceID)
		if err != nil {
			return err
		}
		if a.Kind == domain.ActCheck && a.Result == domain.CheckPass {
			lic.ValidUntil = a.NextDue
			if err := store.Update(tx, store.Licences, domain.Scope{}, lic); err != nil {
				return err
			}
		}
		if err := tx.AddLicenceAct(a); err != nil {
			return err
		}
		return r.after(tx, "licence", lic.ID)
	})
}

// issueAct records the 发证 act of a licence just filed: its issue date,
// its valid_until as the first 校验 due date, its number as the document.
func issueAct(tx *store.Tx, rec domain.Record) error {
	l, ok := rec.(*domain.Licence)
	if !ok {
		return nil
	}
	return tx.AddLicenceAct(&domain.LicenceAct{LicenceID: l.ID, Kind: domain.ActIssue, On: l.IssuedOn, NextDue: l.ValidUntil, DocumentNo: l.LicenceNo})
}
