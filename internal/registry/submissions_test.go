package registry_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/registry"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

type reviewEnv struct {
	ctx         context.Context
	reg         *registry.Registry
	s           *store.Store
	sup, iu, ou *domain.User
	instA       *domain.Institution
	person      *domain.Person // employed at A
	equip       *domain.Equipment
	rec         map[string]int64 // the existing record of each entity
	screened    map[string]int
}

func newReviewEnv(t *testing.T) *reviewEnv {
	t.Helper()
	e := &reviewEnv{ctx: context.Background(), s: storetest.Open(t), rec: map[string]int64{}, screened: map[string]int{}}
	e.reg = registry.New(e.s)
	e.reg.AfterChange = func(tx *store.Tx, entity string, ids []int64) error {
		e.screened[entity] += len(ids)
		return nil
	}
	err := e.s.WithTx(e.ctx, domain.Actor{Username: "setup"}, func(tx *store.Tx) error {
		a, b := storetest.Institution(t, tx), storetest.Institution(t, tx)
		e.instA = a
		e.person = storetest.Person(t, tx)
		e.rec["person"] = e.person.ID
		e.rec["employment"] = storetest.Employment(t, tx, e.person.ID, a.ID).ID
		e.rec["training"] = storetest.Training(t, tx, e.person.ID, func(x *domain.Training) { x.FiledBy = a.ID }).ID
		e.rec["exam"] = storetest.Exam(t, tx, e.person.ID, func(x *domain.Exam) { x.FiledBy = a.ID }).ID
		e.rec["dose"] = storetest.Dose(t, tx, e.person.ID, a.ID).ID
		e.equip = storetest.Equipment(t, tx, a.ID)
		e.rec["equipment"] = e.equip.ID
		e.rec["test"] = storetest.Test(t, tx, e.equip.ID).ID
		e.sup = &domain.User{ID: 1, Username: "sup", Role: domain.RoleSupervisor}
		e.iu = &domain.User{ID: 2, Username: "iu", Role: domain.RoleInstitution, InstitutionID: a.ID}
		e.ou = &domain.User{ID: 3, Username: "ou", Role: domain.RoleInstitution, InstitutionID: b.ID}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *reviewEnv) review(t *testing.T, on bool) {
	t.Helper()
	if err := e.reg.SetReview(e.ctx, domain.Actor{Username: "sup"}, e.sup, on); err != nil {
		t.Fatal(err)
	}
}

func (e *reviewEnv) pending(t *testing.T, u *domain.User) []*domain.Submission {
	t.Helper()
	subs, err := e.reg.Submissions(e.ctx, u, store.SubmissionFilter{State: domain.SubmissionPending})
	if err != nil {
		t.Fatal(err)
	}
	return subs
}

// reviewCase is one entity's change and new record by the institution.
type reviewCase struct {
	entity string
	// update changes the existing record's text field to v as u.
	update func(e *reviewEnv, t *testing.T, u *domain.User, v string) error
	// create files a new record as u.
	create func(e *reviewEnv, u *domain.User) error
	// value is the existing record's text field as stored; count the rows.
	value func(e *reviewEnv, t *testing.T) string
	count func(e *reviewEnv, t *testing.T) int
	// added is how many rows create adds (0: the entity is not filed alone).
	added int
}

func caseOf[T any, P interface {
	*T
	domain.Record
}](entity, table string, tbl *store.Table[T], field func(P) *string, fresh func(e *reviewEnv) P) reviewCase {
	find := func(e *reviewEnv, t *testing.T) P {
		var rec *T
		if err := e.s.View(e.ctx, func(tx *store.Tx) (err error) {
			rec, err = store.Find(tx, tbl, domain.Scope{}, e.rec[entity])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return P(rec)
	}
	added := 1
	if fresh == nil {
		added = 0
	}
	return reviewCase{
		entity: entity,
		added:  added,
		update: func(e *reviewEnv, t *testing.T, u *domain.User, v string) error {
			rec := find(e, t)
			*field(rec) = v
			return registry.Update(e.ctx, e.reg, domain.Actor{Username: u.Username}, u, tbl, rec)
		},
		create: func(e *reviewEnv, u *domain.User) error {
			if fresh == nil {
				return nil
			}
			return registry.Create(e.ctx, e.reg, domain.Actor{Username: u.Username}, u, tbl, fresh(e))
		},
		value: func(e *reviewEnv, t *testing.T) string { return *field(find(e, t)) },
		count: func(e *reviewEnv, t *testing.T) int { return storetest.Count(t, e.s, table) },
	}
}

func reviewCases() []reviewCase {
	return []reviewCase{
		caseOf("person", "people", store.People, func(p *domain.Person) *string { return &p.Name },
			nil), // an institution files a person with an employment, not alone
		caseOf("employment", "employments", store.Employments, func(p *domain.Employment) *string { return &p.Job },
			func(e *reviewEnv) *domain.Employment {
				return &domain.Employment{PersonID: e.person.ID, InstitutionID: e.instA.ID, Occupation: "2B", Job: "护士",
					StartedOn: domain.MustDate("2022-03-01"), PermitNo: "410102-NEW1", PermitIssuedOn: domain.MustDate("2022-03-01")}
			}),
		caseOf("training", "trainings", store.Trainings, func(p *domain.Training) *string { return &p.Provider },
			func(e *reviewEnv) *domain.Training {
				days := 2
				return &domain.Training{PersonID: e.person.ID, TakenOn: domain.MustDate("2023-05-10"), Kind: "periodic",
					Days: &days, Passed: "pass", CertificateNo: "PX-NEW-1", Provider: "河南省职业病防治研究院"}
			}),
		caseOf("exam", "exams", store.Exams, func(p *domain.Exam) *string { return &p.Provider },
			func(e *reviewEnv) *domain.Exam {
				return &domain.Exam{PersonID: e.person.ID, ExaminedOn: domain.MustDate("2022-06-01"), Kind: "periodic",
					Conclusion: "continue", Provider: "郑州市职业病防治院"}
			}),
		caseOf("dose", "doses", store.Doses, func(p *domain.DoseRecord) *string { return &p.Provider },
			func(e *reviewEnv) *domain.DoseRecord {
				return &domain.DoseRecord{PersonID: e.person.ID, InstitutionID: e.instA.ID, PeriodStart: domain.MustDate("2021-01-01"),
					PeriodEnd: domain.MustDate("2021-03-31"), Hp10: domain.MicroSv(80), Provider: "河南省职业病防治研究院", ReportNo: "JL-NEW-1"}
			}),
		caseOf("equipment", "equipment", store.Equipment, func(p *domain.Equipment) *string { return &p.Room },
			func(e *reviewEnv) *domain.Equipment {
				return &domain.Equipment{InstitutionID: e.instA.ID, Type: "dr", Name: "数字化X射线摄影系统", Manufacturer: "上海联影医疗科技股份有限公司",
					Model: "uDR 780i", SerialNo: "SN-NEW-1", ManufacturedOn: domain.MustDate("2019-01-01"),
					InstalledOn: domain.MustDate("2020-01-01"), Room: "放射科2号机房", Status: "in_use"}
			}),
		caseOf("test", "equipment_tests", store.Tests, func(p *domain.EquipmentTest) *string { return &p.Agency },
			func(e *reviewEnv) *domain.EquipmentTest {
				return &domain.EquipmentTest{EquipmentID: e.equip.ID, Kind: "status", TestedOn: domain.MustDate("2022-02-02"),
					Agency: "河南省疾病预防控制中心", ReportNo: "JC-NEW-1", Result: "pass"}
			}),
	}
}

func TestReviewOffWritesAtOnce(t *testing.T) {
	for _, c := range reviewCases() {
		t.Run(c.entity, func(t *testing.T) {
			e := newReviewEnv(t)
			n := c.count(e, t)
			if err := c.update(e, t, e.iu, "机构直接修改"); err != nil {
				t.Fatal(err)
			}
			if err := c.create(e, e.iu); err != nil {
				t.Fatal(err)
			}
			if got := c.value(e, t); got != "机构直接修改" {
				t.Errorf("stored %q, want the institution's change", got)
			}
			if got := c.count(e, t); got != n+c.added {
				t.Errorf("%d rows, want %d", got, n+c.added)
			}
			if subs := e.pending(t, e.sup); len(subs) != 0 {
				t.Errorf("%d pending submissions with review off", len(subs))
			}
		})
	}
}

func TestReviewOnHoldsInstitutionChanges(t *testing.T) {
	for _, c := range reviewCases() {
		t.Run(c.entity, func(t *testing.T) {
			e := newReviewEnv(t)
			e.review(t, true)
			before, n := c.value(e, t), c.count(e, t)
			var held *registry.Submitted
			if err := c.update(e, t, e.iu, "待审核的修改"); !errors.As(err, &held) {
				t.Fatalf("update: %v, want held for review", err)
			}
			if err := c.create(e, e.iu); c.added > 0 && !errors.As(err, &held) {
				t.Fatalf("create: %v, want held for review", err)
			}
			if got := c.value(e, t); got != before {
				t.Errorf("pending change took effect: %q", got)
			}
			if got := c.count(e, t); got != n {
				t.Errorf("pending record filed: %d rows, want %d", got, n)
			}
			if e.screened[c.entity] != 0 {
				t.Errorf("pending change screened")
			}
			subs := e.pending(t, e.iu)
			if len(subs) != 1+c.added || len(e.pending(t, e.ou)) != 0 || len(e.pending(t, e.sup)) != 1+c.added {
				t.Fatalf("pending: own %d, other institution's %d", len(subs), len(e.pending(t, e.ou)))
			}
			upd := subs[len(subs)-1]
			if upd.RecordID != e.rec[c.entity] || upd.BaseVersion == 0 || !strings.Contains(upd.Data, "待审核的修改") {
				t.Errorf("update submission: %+v", upd)
			}
			if c.added > 0 && subs[0].RecordID != 0 {
				t.Errorf("create submission: %+v", subs[0])
			}
			var ids []int64
			for _, s := range subs {
				ids = append(ids, s.ID)
			}
			if err := e.reg.Approve(e.ctx, domain.Actor{Username: "iu"}, e.iu, ids, ""); !errors.Is(err, auth.ErrForbidden) {
				t.Errorf("an institution approved its own submission")
			}
			if err := e.reg.Approve(e.ctx, domain.Actor{Username: "sup"}, e.sup, ids, ""); err != nil {
				t.Fatal(err)
			}
			if got := c.value(e, t); got != "待审核的修改" {
				t.Errorf("approved change not applied: %q", got)
			}
			if got := c.count(e, t); got != n+c.added {
				t.Errorf("approved record not filed: %d rows, want %d", got, n+c.added)
			}
			if e.screened[c.entity] != 1+c.added {
				t.Errorf("approved changes screened %d times, want %d", e.screened[c.entity], 1+c.added)
			}
			if got := storetest.Count(t, e.s, "audit_events WHERE action = ? AND entity = 'submission'", domain.AuditApprove); got != len(ids) {
				t.Errorf("%d approval events, want %d", got, len(ids))
			}
			// The office's own edits never wait.
			if err := c.update(e, t, e.sup, "监管修改"); err != nil {
				t.Fatal(err)
			}
			if got := c.value(e, t); got != "监管修改" {
				t.Errorf("supervisor's change held: %q", got)
			}
		})
	}
}

func TestApproveManyIsOneTransaction(t *testing.T) {
	e := newReviewEnv(t)
	e.review(t, true)
	cases := reviewCases()
	for _, c := range cases[:3] {
		if err := c.update(e, t, e.iu, "批量"); err == nil {
			t.Fatal("not held")
		}
	}
	// The training changes under the training submission: it is stale.
	if err := cases[2].update(e, t, e.sup, "监管先改"); err != nil {
		t.Fatal(err)
	}
	subs := e.pending(t, e.sup)
	ids := []int64{subs[2].ID, subs[1].ID, subs[0].ID}
	err := e.reg.Approve(e.ctx, domain.Actor{Username: "sup"}, e.sup, ids, "")
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.ESTALE || len(de.Args) != 1 || de.Args[0] != itoa(subs[0].ID) {
		t.Fatalf("approve: %v, want stale naming submission %d", err, subs[0].ID)
	}
	for _, c := range cases[:2] {
		if got := c.value(e, t); got == "批量" {
			t.Errorf("%s applied though the batch failed", c.entity)
		}
	}
	if got := len(e.pending(t, e.sup)); got != 3 {
		t.Errorf("%d pending after the failed batch, want 3", got)
	}
	if err := e.reg.Approve(e.ctx, domain.Actor{Username: "sup"}, e.sup, ids[:2], ""); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases[:2] {
		if got := c.value(e, t); got != "批量" {
			t.Errorf("%s not applied: %q", c.entity, got)
		}
	}
}

func TestRejectLeavesNoDataButAudit(t *testing.T) {
	e := newReviewEnv(t)
	e.review(t, true)
	c := reviewCases()[5] // equipment
	before, n := c.value(e, t), c.count(e, t)
	if err := c.update(e, t, e.iu, "被驳回"); err == nil {
		t.Fatal("not held")
	}
	if err := c.create(e, e.iu); err == nil {
		t.Fatal("not held")
	}
	subs := e.pending(t, e.sup)
	if err := e.reg.Reject(e.ctx, domain.Actor{Username: "ou"}, e.ou, subs[0].ID, "不同意"); err == nil {
		t.Error("an institution rejected a submission")
	}
	if err := e.reg.Reject(e.ctx, domain.Actor{Username: "sup"}, e.sup, subs[0].ID, ""); err == nil {
		t.Error("rejected without a reason")
	}
	for _, s := range subs {
		if err := e.reg.Reject(e.ctx, domain.Actor{Username: "sup"}, e.sup, s.ID, "资料不全"); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.reg.Approve(e.ctx, domain.Actor{Username: "sup"}, e.sup, []int64{subs[0].ID}, ""); err == nil {
		t.Error("a rejected submission approved")
	}
	if got := c.value(e, t); got != before {
		t.Errorf("rejected change applied: %q", got)
	}
	if got := c.count(e, t); got != n {
		t.Errorf("rejected record filed")
	}
	if got := storetest.Count(t, e.s, "audit_events WHERE action = ? AND entity = 'submission'", domain.AuditReject); got != 2 {
		t.Errorf("%d rejection events, want 2", got)
	}
	// The proposed record is audited once, when submitted; the decision
	// records the state, not the data again.
	if got := storetest.Count(t, e.s, "audit_events WHERE entity = 'submission' AND after_json LIKE ?", "%被驳回%"); got != 1 {
		t.Errorf("the proposed value is in %d submission events, want the submission's own only", got)
	}
	all, err := e.reg.Submissions(e.ctx, e.iu, store.SubmissionFilter{State: domain.SubmissionRejected})
	if err != nil || len(all) != 2 || all[0].Reason != "资料不全" || all[0].DecidedBy != "sup" {
		t.Errorf("rejected as the institution sees them: %v %+v", err, all)
	}
	if other, _ := e.reg.Submissions(e.ctx, e.ou, store.SubmissionFilter{}); len(other) != 0 {
		t.Errorf("another institution sees %d submissions", len(other))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
