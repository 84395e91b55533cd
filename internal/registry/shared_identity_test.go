package registry_test

import (
	"errors"
	"fmt"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/registry"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// share gives the review env's person, employed at A, a current
// employment at B too.
func (e *reviewEnv) share(t *testing.T) {
	t.Helper()
	if err := e.s.WithTx(e.ctx, domain.Actor{Username: "setup"}, func(tx *store.Tx) error {
		storetest.Employment(t, tx, e.person.ID, e.ou.InstitutionID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// stored is the person as the office reads it.
func (e *reviewEnv) stored(t *testing.T) *domain.Person {
	t.Helper()
	p, err := registry.Find(e.ctx, e.reg, e.sup, store.People, e.person.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// rename changes the person's name as u, from the stored record.
func (e *reviewEnv) rename(t *testing.T, u *domain.User, name string) error {
	t.Helper()
	p := e.stored(t)
	p.Name = name
	return registry.Update(e.ctx, e.reg, domain.Actor{Username: u.Username}, u, store.People, p)
}

// idNumberBorn returns a valid ID number of someone born on birth.
func idNumberBorn(birth domain.Date, n int) string {
	first17 := fmt.Sprintf("410100%s%03d", birth.Time().Format("20060102"), n%1000)
	return first17 + string(domain.IDCheckChar(first17))
}

// heldShared reports whether err says the change was held because the
// person works elsewhere too.
func heldShared(err error) bool {
	var held *registry.Submitted
	return errors.As(err, &held) && held.SharedPerson && held.ID > 0
}

// TestSharedIdentityAlwaysReviewed: an institution's change of the name of
// a person who works at another institution too waits for review whether
// review is on or off, is not applied nor screened, and only the submitter
// sees it pending; the office's own change is immediate.
func TestSharedIdentityAlwaysReviewed(t *testing.T) {
	for _, on := range []bool{false, true} {
		t.Run(fmt.Sprintf("review=%v", on), func(t *testing.T) {
			e := newReviewEnv(t)
			e.share(t)
			e.review(t, on)
			before := e.stored(t)
			err := e.rename(t, e.iu, "改名待审")
			if !heldShared(err) {
				t.Fatalf("rename of a shared person: %v, want held as shared", err)
			}
			if got := e.stored(t); got.Name != before.Name || got.Version != before.Version {
				t.Errorf("held rename applied: %+v", got)
			}
			if e.screened["person"] != 0 {
				t.Errorf("held rename screened")
			}
			subs := e.pending(t, e.iu)
			if len(subs) != 1 || subs[0].Entity != "person" || subs[0].RecordID != e.person.ID || subs[0].PersonID != e.person.ID ||
				subs[0].BaseVersion != before.Version {
				t.Fatalf("pending for the submitter: %+v", subs)
			}
			if n := len(e.pending(t, e.ou)); n != 0 {
				t.Errorf("the other employer sees %d pending submissions", n)
			}
			if err := e.rename(t, e.sup, "监管改名"); err != nil {
				t.Fatalf("supervisor's rename: %v", err)
			}
			if got := e.stored(t).Name; got != "监管改名" {
				t.Errorf("supervisor's rename not immediate: %q", got)
			}
		})
	}
}

// TestSharedIdentityOtherChanges: a save of a shared person that keeps
// name and ID number follows the setting, and a rename of a person who
// works at no other institution follows it too.
func TestSharedIdentityOtherChanges(t *testing.T) {
	e := newReviewEnv(t)
	// Not shared, review off: at once.
	if err := e.rename(t, e.iu, "本机构改名"); err != nil {
		t.Fatalf("rename of an own-only person, review off: %v", err)
	}
	if got := e.stored(t).Name; got != "本机构改名" {
		t.Errorf("rename not applied: %q", got)
	}
	// Not shared, review on: held by the setting, not as shared.
	e.review(t, true)
	var held *registry.Submitted
	if err := e.rename(t, e.iu, "开启审核后改名"); !errors.As(err, &held) || held.SharedPerson {
		t.Errorf("rename with review on: %v, want held by the setting", err)
	}
	e.review(t, false)
	// Shared, identity kept, review off: saved at once.
	e.share(t)
	p := e.stored(t)
	if err := registry.Update(e.ctx, e.reg, domain.Actor{Username: "iu"}, e.iu, store.People, p); err != nil {
		t.Fatalf("save of a shared person keeping the identity: %v", err)
	}
	if got := e.stored(t).Version; got != p.Version {
		t.Errorf("version %d after the save, want %d", got, p.Version)
	}
	// A name that normalizes to the stored one is no change of identity.
	p = e.stored(t)
	p.Name = " " + p.Name + " "
	if err := registry.Update(e.ctx, e.reg, domain.Actor{Username: "iu"}, e.iu, store.People, p); err != nil {
		t.Errorf("save with the name padded: %v", err)
	}
	// Shared, identity kept, review on: held by the setting.
	e.review(t, true)
	p = e.stored(t)
	if err := registry.Update(e.ctx, e.reg, domain.Actor{Username: "iu"}, e.iu, store.People, p); !errors.As(err, &held) || held.SharedPerson {
		t.Errorf("save of a shared person with review on: %v, want held by the setting", err)
	}
	// An ended employment elsewhere does not share the person.
	e2 := newReviewEnv(t)
	if err := e2.s.WithTx(e2.ctx, domain.Actor{Username: "setup"}, func(tx *store.Tx) error {
		storetest.Employment(t, tx, e2.person.ID, e2.ou.InstitutionID, func(x *domain.Employment) { x.EndedOn = x.StartedOn.AddDate(1, 0, 0) })
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := e2.rename(t, e2.iu, "前同事已离职"); err != nil {
		t.Errorf("rename of a person who left the other institution: %v", err)
	}
	// One whose employment elsewhere ends tomorrow still works there today.
	e3 := newReviewEnv(t)
	if err := e3.s.WithTx(e3.ctx, domain.Actor{Username: "setup"}, func(tx *store.Tx) error {
		tomorrow := domain.DateOf(tx.Now()).AddDate(0, 0, 1)
		storetest.Employment(t, tx, e3.person.ID, e3.ou.InstitutionID, func(x *domain.Employment) { x.EndedOn = tomorrow })
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := e3.rename(t, e3.iu, "明天离职"); !errors.As(err, &held) || !held.SharedPerson {
		t.Errorf("rename of a person who leaves the other institution tomorrow: %v, want held as shared", err)
	}
}

// TestSharedIdentityApproveRescreens: approving a held change of a shared
// person's ID number applies it, re-screens the person (a birth date that
// makes them under 18 when they started opens PER-UNDERAGE), and both
// employers read the new identity.
func TestSharedIdentityApproveRescreens(t *testing.T) {
	e := newReviewEnv(t)
	svc := &findings.Service{Store: e.s}
	rescreen := svc.AfterChange(e.reg.Today)
	e.reg.AfterChange = func(tx *store.Tx, entity string, ids []int64) error {
		e.screened[entity] += len(ids)
		return rescreen(tx, entity, ids)
	}
	e.share(t)
	if _, err := svc.RunFull(e.ctx, e.reg.Today()); err != nil {
		t.Fatal(err)
	}
	underage := func() int {
		t.Helper()
		var page *store.FindingPage
		if err := e.s.View(e.ctx, func(tx *store.Tx) (err error) {
			page, err = tx.FindFindings(domain.Scope{}, store.FindingFilter{Rule: screening.PerUnderage, Status: domain.FindingOpen})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return page.Total
	}
	if underage() != 0 {
		t.Fatal("PER-UNDERAGE before the change")
	}
	// Born 20 years ago: 17 when the employments began, 3 years ago.
	young := idNumberBorn(e.reg.Today().AddDate(-20, 0, 0), 7)
	p := e.stored(t)
	p.IDNumber, p.Gender, p.BirthDate, p.Name = young, "", domain.Date{}, "身份更正"
	if err := registry.Update(e.ctx, e.reg, domain.Actor{Username: "iu"}, e.iu, store.People, p); !heldShared(err) {
		t.Fatalf("ID number change: %v, want held as shared", err)
	}
	if got := e.stored(t); got.IDNumber == young || underage() != 0 {
		t.Fatalf("held ID number change took effect: %+v", got)
	}
	subs := e.pending(t, e.sup)
	if len(subs) != 1 {
		t.Fatalf("%d pending", len(subs))
	}
	changes, err := e.reg.Changes(e.ctx, e.sup, subs)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]bool{}
	for _, fc := range changes[subs[0].ID] {
		fields[fc.Field.Key] = true
	}
	if !fields["id_number"] || !fields["name"] {
		t.Errorf("the review shows %v, want the name and the ID number", fields)
	}
	if err := e.reg.Approve(e.ctx, domain.Actor{Username: "sup"}, e.sup, []int64{subs[0].ID}, "核对身份证原件"); err != nil {
		t.Fatal(err)
	}
	if e.screened["person"] != 1 {
		t.Errorf("approved change screened %d times, want 1", e.screened["person"])
	}
	if underage() == 0 {
		t.Error("approved ID number not re-screened: no PER-UNDERAGE")
	}
	for _, u := range []*domain.User{e.iu, e.ou} {
		got, err := registry.Find(e.ctx, e.reg, u, store.People, e.person.ID)
		if err != nil || got.IDNumber != young || got.Name != "身份更正" {
			t.Errorf("%s reads %+v, %v; want the new identity", u.Username, got, err)
		}
	}
}

// TestSharedIdentityReject: a rejected change of a shared person's name
// leaves the person as it was (version too) and stays in the audit with
// its rejection; the other employer never sees the submission.
func TestSharedIdentityReject(t *testing.T) {
	e := newReviewEnv(t)
	e.share(t)
	before := e.stored(t)
	if err := e.rename(t, e.iu, "被驳回的改名"); !heldShared(err) {
		t.Fatalf("rename: %v", err)
	}
	subs := e.pending(t, e.sup)
	if len(subs) != 1 {
		t.Fatalf("%d pending", len(subs))
	}
	if err := e.reg.Reject(e.ctx, domain.Actor{Username: "ou"}, e.ou, subs[0].ID, "不同意"); err == nil {
		t.Error("the other employer rejected the submission")
	}
	if err := e.reg.Reject(e.ctx, domain.Actor{Username: "sup"}, e.sup, subs[0].ID, "与身份证不符"); err != nil {
		t.Fatal(err)
	}
	got := e.stored(t)
	if got.Name != before.Name || got.IDNumber != before.IDNumber || got.Version != before.Version {
		t.Errorf("rejected change left a trace: %+v, was %+v", got, before)
	}
	if n := storetest.Count(t, e.s, "audit_events WHERE entity = 'person' AND entity_id = ? AND action = ?", e.person.ID, domain.AuditUpdate); n != 0 {
		t.Errorf("%d updates of the person audited", n)
	}
	if n := storetest.Count(t, e.s, "audit_events WHERE entity = 'submission' AND entity_id = ? AND action IN (?, ?)", subs[0].ID,
		domain.AuditCreate, domain.AuditReject); n != 2 {
		t.Errorf("%d audit events of the submission, want its filing and its rejection", n)
	}
	mine, err := e.reg.Submissions(e.ctx, e.iu, store.SubmissionFilter{State: domain.SubmissionRejected})
	if err != nil || len(mine) != 1 || mine[0].Reason != "与身份证不符" {
		t.Errorf("the submitter sees %+v, %v", mine, err)
	}
	if other, _ := e.reg.Submissions(e.ctx, e.ou, store.SubmissionFilter{}); len(other) != 0 {
		t.Errorf("the other employer sees %d submissions", len(other))
	}
}
