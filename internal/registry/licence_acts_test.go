package registry_test

import (
	"testing"

	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestLicenceLifeCycle: a passed 校验 moves valid_until; a suspension and
// a cancellation count as no licence, so the institution's device in use
// makes INS-LICENCE-MISSING; institution users record no acts; the
// history lists every act, newest first.
func TestLicenceLifeCycle(t *testing.T) {
	e := newChangeEnv(t)
	svc := &findings.Service{Store: e.s}
	e.reg.AfterChange = svc.AfterChange(e.reg.Today)
	if err := e.s.WithTx(e.ctx, domain.Actor{Username: "setup"}, func(tx *store.Tx) error {
		storetest.Equipment(t, tx, e.iu.InstitutionID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RunFull(e.ctx, e.reg.Today()); err != nil {
		t.Fatal(err)
	}
	missing := func() int {
		t.Helper()
		var page *store.FindingPage
		if err := e.s.View(e.ctx, func(tx *store.Tx) (err error) {
			page, err = tx.FindFindings(domain.Scope{}, store.FindingFilter{Rule: screening.InsLicenceMissing, Status: domain.FindingOpen,
				SubjectType: "institution", SubjectID: e.iu.InstitutionID})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return page.Total
	}
	if missing() != 0 {
		t.Fatal("missing licence before any act")
	}
	today := e.reg.Today()
	act := func(u *domain.User, a domain.LicenceAct) error {
		a.LicenceID = e.lic.ID
		return e.reg.RecordLicenceAct(e.ctx, actorOf(u), u, &a)
	}
	if err := act(e.iu, domain.LicenceAct{Kind: domain.ActCheck, On: today, Result: domain.CheckPass, NextDue: today.AddDate(3, 0, 0), DocumentNo: "X"}); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("institution records a check: %v", err)
	}
	if err := act(e.sup, domain.LicenceAct{Kind: domain.ActCheck, On: today, Result: domain.CheckPass}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("passed check without next due date: %v", err)
	}
	next := today.AddDate(3, 0, 0)
	if err := act(e.sup, domain.LicenceAct{Kind: domain.ActCheck, On: today, Result: domain.CheckPass, NextDue: next, DocumentNo: "中卫放校〔2026〕1号"}); err != nil {
		t.Fatal(err)
	}
	if got := e.licence(t).ValidUntil; got != next {
		t.Errorf("valid_until %s after the check, want %s", got, next)
	}
	if err := act(e.sup, domain.LicenceAct{Kind: domain.ActSuspend, On: today, Until: today.AddDate(0, 1, 0), Note: "整改期间暂停"}); err != nil {
		t.Fatal(err)
	}
	if missing() != 1 {
		t.Errorf("a suspended licence is not missing")
	}
	if err := act(e.sup, domain.LicenceAct{Kind: domain.ActCheck, On: today, Result: domain.CheckPass, NextDue: next, DocumentNo: "中卫放校〔2026〕2号"}); err != nil {
		t.Fatal(err)
	}
	if missing() != 0 {
		t.Errorf("a passed check did not lift the suspension")
	}
	if err := act(e.sup, domain.LicenceAct{Kind: domain.ActCancel, On: today, Note: "机构申请注销"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("cancellation without a document number: %v", err)
	}
	if err := act(e.sup, domain.LicenceAct{Kind: domain.ActCancel, On: today, DocumentNo: "中卫放注〔2026〕1号", Note: "机构申请注销"}); err != nil {
		t.Fatal(err)
	}
	if missing() != 1 {
		t.Errorf("a cancelled licence is not missing (INS-LICENCE-MISSING)")
	}
	h, err := e.reg.LicenceHistory(e.ctx, e.iu, e.lic.ID)
	if err != nil || h.InForce || len(h.Acts) != 4 || h.Acts[0].Kind != domain.ActCancel {
		t.Errorf("history %+v %v", h, err)
	}
	if _, err := e.reg.LicenceHistory(e.ctx, e.ou, e.lic.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("another institution reads the history: %v", err)
	}
}
