package registry_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/registry"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
	"radsup/internal/xlsx"
)

func setup(t *testing.T) (*registry.Registry, *domain.User, *domain.Institution) {
	t.Helper()
	s := storetest.Open(t)
	reg := registry.New(s)
	sup := &domain.User{ID: 1, Username: "sup", Role: domain.RoleSupervisor}
	inst := &domain.Institution{Name: "中原区林山寨社区卫生服务中心", CreditCode: "12430621446197071C", Kind: "community_centre",
		DivisionCode: "410102", Address: "建设西路1号", Status: "open"}
	if err := registry.Create(context.Background(), reg, domain.Actor{Username: "sup"}, sup, store.Institutions, inst); err != nil {
		t.Fatal(err)
	}
	return reg, sup, inst
}

func TestCreateValidates(t *testing.T) {
	reg, sup, _ := setup(t)
	bad := &domain.Institution{Name: "x", CreditCode: "12430621446197071D", Kind: "clinic", DivisionCode: "410102", Address: "a", Status: "open"}
	err := registry.Create(context.Background(), reg, domain.Actor{}, sup, store.Institutions, bad)
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Fields["credit_code"] != "credit_code.checksum" || de.Fields["name"] != domain.CodeTooShort {
		t.Fatalf("got %v", err)
	}
	dup := &domain.Institution{Name: "另一家", CreditCode: "12430621446197071C", Kind: "clinic", DivisionCode: "410102", Address: "a", Status: "open"}
	err = registry.Create(context.Background(), reg, domain.Actor{}, sup, store.Institutions, dup)
	if !errors.As(err, &de) || de.Code != domain.ECONFLICT || de.Fields["credit_code"] != "duplicate" {
		t.Fatalf("duplicate: %v", err)
	}
}

func TestInstitutionUserCannotFileInstitutions(t *testing.T) {
	reg, _, inst := setup(t)
	iu := &domain.User{ID: 2, Username: "iu", Role: domain.RoleInstitution, InstitutionID: inst.ID}
	other := &domain.Institution{Name: "郑州某诊所", CreditCode: "91350100M000100Y43", Kind: "clinic", DivisionCode: "410102", Address: "a", Status: "open"}
	if err := registry.Create(context.Background(), reg, domain.Actor{}, iu, store.Institutions, other); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("create institution as institution user: %v", err)
	}
	if err := registry.Retire(context.Background(), reg, domain.Actor{}, iu, store.Institutions, inst.ID, inst.Version, false); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("retire own institution as institution user: %v", err)
	}
	inst.Phone = "13912345678"
	if err := registry.Update(context.Background(), reg, domain.Actor{}, iu, store.Institutions, inst); err != nil {
		t.Errorf("institution user cannot update its own institution: %v", err)
	}
}

func TestPersonIsSharedAcrossEmployers(t *testing.T) {
	ctx := context.Background()
	reg, sup, a := setup(t)
	b := &domain.Institution{Name: "郑州某口腔门诊部", CreditCode: "91350100M000100Y43", Kind: "dental_clinic", DivisionCode: "410102", Address: "a", Status: "open"}
	if err := registry.Create(ctx, reg, domain.Actor{}, sup, store.Institutions, b); err != nil {
		t.Fatal(err)
	}
	for _, inst := range []*domain.Institution{a, b} {
		iu := &domain.User{ID: inst.ID + 10, Role: domain.RoleInstitution, InstitutionID: inst.ID}
		p := &domain.Person{IDNumber: "11010519491231002x", Name: "王芳"}
		e := &domain.Employment{InstitutionID: inst.ID, Occupation: "2A", StartedOn: domain.MustDate("2020-03-01")}
		if err := reg.CreatePersonWithEmployment(ctx, domain.Actor{}, iu, p, e); err != nil {
			t.Fatalf("%s: %v", inst.Name, err)
		}
	}
	people, n, err := registry.List(ctx, reg, sup, store.People, store.Filter{})
	if err != nil || n != 1 || people[0].IDNumber != "11010519491231002X" {
		t.Fatalf("people %v %d %v", people, n, err)
	}
	emps, n, _ := registry.List(ctx, reg, sup, store.Employments, store.Filter{Values: map[string]string{"person_id": "1"}})
	if n != 2 || emps[0].PersonID != people[0].ID {
		t.Errorf("employments %d", n)
	}
	// An institution user cannot file an employment at another institution.
	iu := &domain.User{ID: 20, Role: domain.RoleInstitution, InstitutionID: a.ID}
	p := &domain.Person{IDNumber: "440524188001010014", Name: "陈明"}
	e := &domain.Employment{InstitutionID: b.ID, Occupation: "2A", StartedOn: domain.MustDate("2020-03-01")}
	if err := reg.CreatePersonWithEmployment(ctx, domain.Actor{}, iu, p, e); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("cross-institution employment: %v", err)
	}
	if _, n, _ := registry.List(ctx, reg, sup, store.People, store.Filter{}); n != 1 {
		t.Errorf("a refused filing left a person behind: %d people", n)
	}
}

// TestMissingParentIsNotADuplicate: a record naming an institution that
// does not exist is refused as such (not found, on the field naming it),
// not as a duplicate of its key.
func TestMissingParentIsNotADuplicate(t *testing.T) {
	reg, sup, _ := setup(t)
	lic := &domain.Licence{InstitutionID: 999999, LicenceNo: "豫卫放证字〔2024〕第000999号", Issuer: "郑州市中原区卫生健康委员会",
		IssuedOn: domain.NewDate(2024, 1, 2), ValidUntil: domain.NewDate(2029, 1, 1), Items: []string{"ct"}}
	err := registry.Create(context.Background(), reg, domain.Actor{}, sup, store.Licences, lic)
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.ENOTFOUND || de.Fields["institution_id"] != "not_found" || de.Fields["licence_no"] != "" {
		t.Fatalf("got %v", err)
	}
}

// TestEconomicTypeAndUnitCategory: the two fields added to the description
// of an institution are stored, read back, checked against their options
// and offered as spreadsheet columns, with no code of their own.
func TestEconomicTypeAndUnitCategory(t *testing.T) {
	reg, sup, inst := setup(t)
	ctx := context.Background()
	inst.EconomicType, inst.UnitCategory = " 国有全资 ", "hospital"
	if err := registry.Update(ctx, reg, domain.Actor{}, sup, store.Institutions, inst); err == nil {
		t.Fatal("a label instead of a key was stored") // forms and imports turn labels into keys before
	}
	inst.EconomicType = "state_owned"
	if err := registry.Update(ctx, reg, domain.Actor{}, sup, store.Institutions, inst); err != nil {
		t.Fatal(err)
	}
	got, err := registry.Find(ctx, reg, sup, store.Institutions, inst.ID)
	if err != nil || got.EconomicType != "state_owned" || got.UnitCategory != "hospital" {
		t.Fatalf("read back %+v, %v", got, err)
	}
	got.UnitCategory = "castle"
	var de *domain.Error
	err = registry.Update(ctx, reg, domain.Actor{}, sup, store.Institutions, got)
	if !errors.As(err, &de) || de.Fields["unit_category"] != domain.CodeEnum {
		t.Fatalf("unknown unit category: %v", err)
	}
	for _, key := range []string{"economic_type", "unit_category"} {
		f, ok := domain.FieldByKey("institution", key)
		if !ok || f.Enum == nil || f.Type != domain.EnumField {
			t.Errorf("%s is not an enumerated field of institutions: %+v", key, f)
		}
		if c, ok := xlsx.KindByName("institutions").Column(key); !ok || c.Enum == nil {
			t.Errorf("the institutions sheet has no drop-down column %s", key)
		}
	}
}

// TestNoTakeoverOfAnotherEmployersWorker: an institution that attaches a
// person who works elsewhere too cannot rename that person on its own (the
// change waits for review) nor retire them, nor
// change or remove a training or exam another institution filed; it sees
// the exams the job needs (pre-job, in service) whoever filed them, and of
// the rest only those it filed.
func TestNoTakeoverOfAnotherEmployersWorker(t *testing.T) {
	reg, sup, a := setup(t)
	ctx := context.Background()
	var b *domain.Institution
	var p *domain.Person
	var periodicB, leavingB *domain.Exam
	var trainingB *domain.Training
	err := reg.Store.WithTx(ctx, domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		b = storetest.Institution(t, tx)
		p = storetest.Person(t, tx)
		storetest.Employment(t, tx, p.ID, b.ID)
		byB := func(x *domain.Exam) { x.FiledBy = b.ID }
		periodicB = storetest.Exam(t, tx, p.ID, byB, func(x *domain.Exam) { x.Kind = "periodic" })
		leavingB = storetest.Exam(t, tx, p.ID, byB, func(x *domain.Exam) { x.Kind = "leaving"; x.ExaminedOn = x.ExaminedOn.AddDate(0, 0, -1) })
		trainingB = storetest.Training(t, tx, p.ID, func(x *domain.Training) { x.FiledBy = b.ID })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ua := &domain.User{ID: 2, Username: "a", Role: domain.RoleInstitution, InstitutionID: a.ID}
	// A attaches B's worker by ID number, as the API and the import allow.
	emp := &domain.Employment{InstitutionID: a.ID, Occupation: "2A", StartedOn: domain.NewDate(2024, 1, 2)}
	if err := reg.CreatePersonWithEmployment(ctx, domain.Actor{}, ua, &domain.Person{IDNumber: p.IDNumber, Name: "冒名"}, emp); err != nil {
		t.Fatal(err)
	}
	code := func(err error) string {
		var de *domain.Error
		if errors.As(err, &de) {
			return de.Code + " " + de.Message
		}
		return fmt.Sprint(err)
	}
	seen, err := registry.Find(ctx, reg, ua, store.People, p.ID)
	if err != nil || seen.Name != p.Name {
		t.Fatalf("A reads the person as %+v, %v", seen, err)
	}
	seen.Name = "改名"
	var held *registry.Submitted
	if err := registry.Update(ctx, reg, domain.Actor{}, ua, store.People, seen); !errors.As(err, &held) || !held.SharedPerson {
		t.Errorf("A renames B's worker: %s, want held for review", code(err))
	}
	if got, _ := registry.Find(ctx, reg, sup, store.People, p.ID); got.Name != p.Name {
		t.Errorf("A renamed B's worker to %q", got.Name)
	}
	if err := registry.Retire(ctx, reg, domain.Actor{}, ua, store.People, p.ID, seen.Version, false); code(err) != "EFORBIDDEN error.forbidden" {
		t.Errorf("A retires B's worker: %s", code(err))
	}
	exams, _, err := registry.List(ctx, reg, ua, store.Exams, store.Filter{Values: map[string]string{"person_id": fmt.Sprint(p.ID)}})
	if err != nil || len(exams) != 1 || exams[0].ID != periodicB.ID {
		t.Errorf("A reads exams %v (%v); want only B's in-service exam %d, not its exam on leaving %d", exams, err, periodicB.ID, leavingB.ID)
	}
	periodic := *periodicB
	periodic.Conclusion = "unfit"
	if err := registry.Update(ctx, reg, domain.Actor{}, ua, store.Exams, &periodic); code(err) != "EFORBIDDEN error.filed_by_other" {
		t.Errorf("A changes the conclusion of B's exam: %s", code(err))
	}
	if err := registry.Retire(ctx, reg, domain.Actor{}, ua, store.Trainings, trainingB.ID, trainingB.Version, false); code(err) != "EFORBIDDEN error.filed_by_other" {
		t.Errorf("A removes B's training: %s", code(err))
	}
	// What A files is A's to change; the supervisor may change all.
	own := &domain.Exam{PersonID: p.ID, ExaminedOn: domain.NewDate(2025, 3, 4), Kind: "emergency", Conclusion: "fit"}
	if err := registry.Create(ctx, reg, domain.Actor{}, ua, store.Exams, own); err != nil || own.FiledBy != a.ID {
		t.Fatalf("A files an exam: %v (filed by %d)", err, own.FiledBy)
	}
	own.Provider = "郑州市职业病防治院"
	if err := registry.Update(ctx, reg, domain.Actor{}, ua, store.Exams, own); err != nil {
		t.Errorf("A corrects its own exam: %v", err)
	}
	if err := registry.Update(ctx, reg, domain.Actor{}, sup, store.Exams, &periodic); err != nil {
		t.Errorf("the supervisor corrects B's exam: %v", err)
	}
	if got, _ := registry.Find(ctx, reg, sup, store.Exams, periodic.ID); got.FiledBy != b.ID {
		t.Errorf("after the supervisor's change the exam is filed by %d, want B %d", got.FiledBy, b.ID)
	}
}
