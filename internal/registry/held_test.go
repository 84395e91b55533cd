package registry_test

import (
	"errors"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/registry"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// newHire is a person new to the register with an employment at the
// review env's institution A.
func newHire(e *reviewEnv) (*domain.Person, *domain.Employment) {
	p := &domain.Person{IDNumber: storetest.IDNumber(), Name: "审核新人"}
	emp := &domain.Employment{InstitutionID: e.instA.ID, Occupation: "2B", Job: "技师", StartedOn: domain.MustDate("2023-03-01"),
		PermitNo: "410102-HIRE", PermitIssuedOn: domain.MustDate("2023-03-01")}
	return p, emp
}

func (e *reviewEnv) hire(u *domain.User, p *domain.Person, emp *domain.Employment) error {
	return e.reg.CreatePersonWithEmployment(e.ctx, domain.Actor{Username: u.Username}, u, p, emp)
}

// TestReviewHire: with review on, an institution's new person with their
// employment waits as one submission and nothing is filed or screened;
// approving files both in one transaction and re-screens the person. With
// review off, or for a supervisor, they are filed at once.
func TestReviewHire(t *testing.T) {
	e := newReviewEnv(t)
	e.review(t, true)
	people, emps := storetest.Count(t, e.s, "people"), storetest.Count(t, e.s, "employments")
	p, emp := newHire(e)
	var held *registry.Submitted
	if err := e.hire(e.iu, p, emp); !errors.As(err, &held) {
		t.Fatalf("hire: %v %+v, want held for review", err, err)
	}
	if storetest.Count(t, e.s, "people") != people || storetest.Count(t, e.s, "employments") != emps || e.screened["person"] != 0 {
		t.Fatalf("a held hire filed or screened something")
	}
	subs := e.pending(t, e.iu)
	if len(subs) != 1 || subs[0].ID != held.ID || subs[0].Action != domain.SubmitHire || subs[0].Entity != "person" || subs[0].RecordID != 0 {
		t.Fatalf("pending: %+v", subs)
	}
	changes, err := e.reg.Changes(e.ctx, e.sup, subs)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{}
	for _, fc := range changes[held.ID] {
		fields[fc.Field.Key] = fc.Proposed
	}
	if fields["name"] != "审核新人" || fields["job"] != "技师" || fields["permit_no"] != "410102-HIRE" {
		t.Errorf("the review shows %v, want the person's and the employment's fields", fields)
	}
	if err := e.reg.Approve(e.ctx, domain.Actor{Username: "sup"}, e.sup, []int64{held.ID}, ""); err != nil {
		t.Fatal(err)
	}
	if storetest.Count(t, e.s, "people") != people+1 || storetest.Count(t, e.s, "employments") != emps+1 {
		t.Fatalf("approval did not file the person with the employment")
	}
	if n := storetest.Count(t, e.s, "employments WHERE institution_id = ? AND person_id = (SELECT id FROM people WHERE id_number = ?)",
		e.instA.ID, p.IDNumber); n != 1 {
		t.Errorf("the employment is not the new person's at A: %d", n)
	}
	if e.screened["person"] != 1 {
		t.Errorf("approved hire screened %d times, want 1", e.screened["person"])
	}
	decided, err := e.reg.Submissions(e.ctx, e.sup, store.SubmissionFilter{IDs: []int64{held.ID}})
	if err != nil || len(decided) != 1 || decided[0].State != domain.SubmissionApproved || decided[0].PersonID == 0 {
		t.Errorf("the approved hire does not name its person: %v %+v", err, decided)
	}

	// Review off: at once.
	e.review(t, false)
	p2, emp2 := newHire(e)
	if err := e.hire(e.iu, p2, emp2); err != nil {
		t.Fatal(err)
	}
	if p2.ID == 0 || emp2.ID == 0 || storetest.Count(t, e.s, "people") != people+2 {
		t.Errorf("with review off the hire was not filed at once")
	}
}

// TestReviewHireOfAKnownPerson: a held hire of someone the register has
// (employed elsewhere) names them, so that their page shows it; approving
// adds the employment to them and leaves their particulars as they are.
func TestReviewHireOfAKnownPerson(t *testing.T) {
	e := newReviewEnv(t)
	var known *domain.Person
	if err := e.s.WithTx(e.ctx, domain.Actor{Username: "setup"}, func(tx *store.Tx) error {
		known = storetest.Person(t, tx, func(p *domain.Person) { p.Name = "原有人员" })
		storetest.Employment(t, tx, known.ID, storetest.Institution(t, tx).ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	e.review(t, true)
	p, emp := newHire(e)
	p.IDNumber = known.IDNumber
	var held *registry.Submitted
	if err := e.hire(e.iu, p, emp); !errors.As(err, &held) {
		t.Fatalf("hire: %v", err)
	}
	onPage, err := e.reg.PendingFor(e.ctx, e.sup, store.SubmissionFilter{PersonID: known.ID})
	if err != nil || len(onPage.Subs) != 1 || onPage.Subs[0].ID != held.ID {
		t.Fatalf("the known person's page does not show the held hire: %v %+v", err, onPage)
	}
	if err := e.reg.Approve(e.ctx, domain.Actor{Username: "sup"}, e.sup, []int64{held.ID}, ""); err != nil {
		t.Fatal(err)
	}
	if n := storetest.Count(t, e.s, "employments WHERE person_id = ? AND institution_id = ?", known.ID, e.instA.ID); n != 1 {
		t.Errorf("%d employments of the known person at A, want 1", n)
	}
	var name string
	if err := storetest.Row(t, e.s, "SELECT name FROM people WHERE id = ?", known.ID).Scan(&name); err != nil || name != "原有人员" {
		t.Errorf("the known person's name became %q (%v)", name, err)
	}
}

// retireCase is one entity an institution retires and restores.
type retireCase struct {
	entity, table string
	retire        func(e *reviewEnv, u *domain.User, version int, restore bool) error
}

func retireCaseOf[T any](entity, table string, tbl *store.Table[T]) retireCase {
	return retireCase{entity: entity, table: table, retire: func(e *reviewEnv, u *domain.User, version int, restore bool) error {
		return registry.Retire(e.ctx, e.reg, domain.Actor{Username: u.Username}, u, tbl, e.rec[entity], version, restore)
	}}
}

func retireCases() []retireCase {
	return []retireCase{
		retireCaseOf("employment", "employments", store.Employments),
		retireCaseOf("training", "trainings", store.Trainings),
		retireCaseOf("exam", "exams", store.Exams),
		retireCaseOf("dose", "doses", store.Doses),
		retireCaseOf("equipment", "equipment", store.Equipment),
		retireCaseOf("test", "equipment_tests", store.Tests),
	}
}

// state reads the stored record's retired flag and version.
func (e *reviewEnv) state(t *testing.T, c retireCase) (bool, int) {
	t.Helper()
	var retired bool
	var version int
	if err := storetest.Row(t, e.s, "SELECT retired, version FROM "+c.table+" WHERE id = ?", e.rec[c.entity]).Scan(&retired, &version); err != nil {
		t.Fatal(err)
	}
	return retired, version
}

// TestReviewRetireAndRestore: with review on, an institution's retirement
// (then restoration) of each kind of record waits as a submission and the
// record stays as it is; approval applies it and re-screens; with review
// off it is applied at once.
func TestReviewRetireAndRestore(t *testing.T) {
	for _, c := range retireCases() {
		t.Run(c.entity, func(t *testing.T) {
			e := newReviewEnv(t)
			e.review(t, true)
			for _, restore := range []bool{false, true} {
				_, version := e.state(t, c)
				var held *registry.Submitted
				if err := c.retire(e, e.iu, version, restore); !errors.As(err, &held) {
					t.Fatalf("retire (restore %v): %v, want held", restore, err)
				}
				if retired, v := e.state(t, c); retired != restore || v != version {
					t.Fatalf("a held retirement (restore %v) took effect", restore)
				}
				if e.screened[c.entity] != 0 && !restore {
					t.Errorf("a held retirement was screened")
				}
				subs := e.pending(t, e.sup)
				want := domain.SubmitRetire
				if restore {
					want = domain.SubmitRestore
				}
				if len(subs) != 1 || subs[0].Action != want || subs[0].RecordID != e.rec[c.entity] || subs[0].BaseVersion != version {
					t.Fatalf("pending: %+v", subs)
				}
				if subs[0].PersonID == 0 && subs[0].EquipmentID == 0 {
					t.Errorf("the submission names no page to show it on: %+v", subs[0])
				}
				changes, err := e.reg.Changes(e.ctx, e.iu, subs)
				if err != nil || len(changes[subs[0].ID]) != 1 || changes[subs[0].ID][0].Field.Key != "retired" {
					t.Errorf("the review shows %v %+v, want the retired flag", err, changes)
				}
				before := e.screened[c.entity]
				if err := e.reg.Approve(e.ctx, domain.Actor{Username: "sup"}, e.sup, []int64{subs[0].ID}, ""); err != nil {
					t.Fatal(err)
				}
				if retired, _ := e.state(t, c); retired == restore {
					t.Fatalf("approved retirement (restore %v) not applied", restore)
				}
				if e.screened[c.entity] != before+1 {
					t.Errorf("the approved retirement was not screened")
				}
			}
			// Review off: at once.
			e.review(t, false)
			_, version := e.state(t, c)
			if err := c.retire(e, e.iu, version, false); err != nil {
				t.Fatal(err)
			}
			if retired, _ := e.state(t, c); !retired {
				t.Errorf("with review off the retirement waited")
			}
		})
	}
}

// TestReviewRetireStale: a held retirement of a record changed since fails
// its approval as stale and changes nothing; one at a version that is not
// current is refused when submitted.
func TestReviewRetireStale(t *testing.T) {
	e := newReviewEnv(t)
	e.review(t, true)
	c := retireCases()[4] // equipment
	_, version := e.state(t, c)
	if err := c.retire(e, e.iu, version-1, false); !errors.Is(err, store.ErrStale) {
		t.Errorf("a retirement at an old version: %v, want stale", err)
	}
	if err := c.retire(e, e.iu, version, false); err == nil {
		t.Fatal("not held")
	}
	if err := reviewCases()[5].update(e, t, e.sup, "监管先改"); err != nil {
		t.Fatal(err)
	}
	subs := e.pending(t, e.sup)
	err := e.reg.Approve(e.ctx, domain.Actor{Username: "sup"}, e.sup, []int64{subs[0].ID}, "")
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.ESTALE {
		t.Fatalf("approve: %v, want stale", err)
	}
	if retired, _ := e.state(t, c); retired {
		t.Error("a stale retirement was applied")
	}
}

// TestPendingFor: a record page's one query finds the pending submissions
// of the institution, or about a person or a device: the new records with
// what they propose, the changed ones by record; an institution sees only
// its own, a viewer none.
func TestPendingFor(t *testing.T) {
	e := newReviewEnv(t)
	e.review(t, true)
	cases := reviewCases()
	_ = cases[2].update(e, t, e.iu, "待审核培训机构") // training
	_ = cases[2].create(e, e.iu)
	_ = cases[6].create(e, e.iu) // a test of the device
	p, emp := newHire(e)
	_ = e.hire(e.iu, p, emp)
	if n := len(e.pending(t, e.sup)); n != 4 {
		t.Fatalf("%d pending, want 4", n)
	}
	person, err := e.reg.PendingFor(e.ctx, e.iu, store.SubmissionFilter{PersonID: e.person.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(person.Subs) != 2 || person.Changing("training", e.rec["training"]) == nil || person.AboutPerson(e.person.ID) == nil {
		t.Errorf("the person's page: %+v", person.Subs)
	}
	if n := person.New("training"); len(n) != 1 || n[0].Record.(*domain.Training).CertificateNo != "PX-NEW-1" {
		t.Errorf("new trainings: %+v", n)
	}
	equip, err := e.reg.PendingFor(e.ctx, e.sup, store.SubmissionFilter{EquipmentID: e.equip.ID})
	if err != nil || len(equip.Subs) != 1 || len(equip.New("test")) != 1 || equip.AboutEquipment(e.equip.ID) == nil {
		t.Errorf("the device's page: %v %+v", err, equip)
	}
	inst, err := e.reg.PendingFor(e.ctx, e.sup, store.SubmissionFilter{InstitutionID: e.instA.ID})
	if err != nil || len(inst.Subs) != 4 {
		t.Fatalf("the institution's page: %v %+v", err, inst)
	}
	hires := inst.New("person")
	if len(hires) != 1 || hires[0].Record.(*domain.Person).Name != "审核新人" || hires[0].Employment == nil || hires[0].Employment.Job != "技师" {
		t.Errorf("new people: %+v", hires)
	}
	if other, err := e.reg.PendingFor(e.ctx, e.ou, store.SubmissionFilter{PersonID: e.person.ID}); err != nil || len(other.Subs) != 0 {
		t.Errorf("another institution sees %v %+v", err, other)
	}
	viewer := &domain.User{ID: 9, Username: "v", Role: domain.RoleViewer}
	if v, err := e.reg.PendingFor(e.ctx, viewer, store.SubmissionFilter{InstitutionID: e.instA.ID}); err != nil || len(v.Subs) != 0 {
		t.Errorf("a viewer sees %v %+v", err, v)
	}
}

// TestApprovedNewRecordNamesItsPage: once a held new device is approved,
// its submission names the record written and the device's page, for the
// queue and the feed to link to.
func TestApprovedNewRecordNamesItsPage(t *testing.T) {
	e := newReviewEnv(t)
	e.review(t, true)
	if err := reviewCases()[5].create(e, e.iu); err == nil {
		t.Fatal("not held")
	}
	subs := e.pending(t, e.sup)
	if len(subs) != 1 || subs[0].EquipmentID != 0 {
		t.Fatalf("pending: %+v", subs)
	}
	if err := e.reg.Approve(e.ctx, domain.Actor{Username: "sup"}, e.sup, []int64{subs[0].ID}, ""); err != nil {
		t.Fatal(err)
	}
	got, err := e.reg.Submissions(e.ctx, e.sup, store.SubmissionFilter{IDs: []int64{subs[0].ID}})
	if err != nil || len(got) != 1 || got[0].RecordID == 0 || got[0].EquipmentID != got[0].RecordID {
		t.Fatalf("approved: %v %+v", err, got)
	}
	if n := storetest.Count(t, e.s, "equipment WHERE id = ? AND serial_no = 'SN-NEW-1'", got[0].RecordID); n != 1 {
		t.Errorf("the submission names %d, not the device filed", got[0].RecordID)
	}
}
