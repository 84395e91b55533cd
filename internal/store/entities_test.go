package store_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// parents are the records the records of a lifecycle test belong to.
type parents struct{ inst, person, equip int64 }

// entityCase describes one table for the lifecycle test: how to make a
// record with every field set and one with only the required fields, and an
// edit that changes some fields (setting fresh pointers and slices, so that a
// copy taken before keeps the old values).
type entityCase[T any] struct {
	table         *store.Table[T]
	full, minimal func(testing.TB, *store.Tx, parents) *T
	edit          func(*T)
}

// TestLifecycle runs create, find, update, retire and restore on every table,
// checking the stored record, the list and the audit event after each step.
func TestLifecycle(t *testing.T) {
	t.Parallel()
	cases := map[string]func(*testing.T){
		"institution": lifecycle(entityCase[domain.Institution]{
			table: store.Institutions,
			full: func(tb testing.TB, tx *store.Tx, _ parents) *domain.Institution {
				beds := 320
				return storetest.Institution(tb, tx, func(x *domain.Institution) {
					x.Kind, x.Grade, x.Ownership, x.Beds = "tcm_hospital", "2A", "public", &beds
					x.MedicalLicenceNo, x.Street, x.LegalRep, x.RadiationOfficer = "41010244410210211A1001", "410102005", "张伟", "李娜"
					x.Phone = "0371-67891234"
				})
			},
			minimal: func(tb testing.TB, tx *store.Tx, _ parents) *domain.Institution {
				return storetest.Institution(tb, tx, func(x *domain.Institution) { x.Street = "" })
			},
			edit: func(x *domain.Institution) {
				x.Name, x.Beds, x.Phone, x.Status, x.Grade = "中原区第二人民医院", nil, "13912345678", "suspended", "3B"
			},
		}),
		"licence": lifecycle(entityCase[domain.Licence]{
			table: store.Licences,
			full: func(tb testing.TB, tx *store.Tx, p parents) *domain.Licence {
				return storetest.Licence(tb, tx, p.inst, func(x *domain.Licence) {
					x.Items = []string{"ct", "dental_xray", "interventional"}
				})
			},
			minimal: func(tb testing.TB, tx *store.Tx, p parents) *domain.Licence { return storetest.Licence(tb, tx, p.inst) },
			edit: func(x *domain.Licence) {
				x.Items, x.ValidUntil, x.Issuer = []string{"radiotherapy", "pet"}, x.ValidUntil.AddDate(1, 0, 0), "河南省卫生健康委员会"
			},
		}),
		"person": lifecycle(entityCase[domain.Person]{
			table: store.People,
			full: func(tb testing.TB, tx *store.Tx, _ parents) *domain.Person {
				return storetest.Person(tb, tx, func(x *domain.Person) { x.IDNumber, x.Name = "11010519491231002x", "王芳" })
			},
			minimal: func(tb testing.TB, tx *store.Tx, _ parents) *domain.Person {
				// Without the builder, which derives gender and birth date.
				x := &domain.Person{IDNumber: storetest.IDNumber(), Name: "赵六"}
				if err := store.Create(tx, store.People, domain.Scope{}, x); err != nil {
					tb.Fatal(err)
				}
				return x
			},
			edit: func(x *domain.Person) { x.Name = "王芳芳" },
		}),
		"employment": lifecycle(entityCase[domain.Employment]{
			table: store.Employments,
			full: func(tb testing.TB, tx *store.Tx, p parents) *domain.Employment {
				return storetest.Employment(tb, tx, p.person, p.inst, func(x *domain.Employment) {
					x.StartedOn, x.EndedOn, x.Occupation = domain.MustDate("2015-03-01"), domain.MustDate("2019-12-31"), "2C"
				})
			},
			minimal: func(tb testing.TB, tx *store.Tx, p parents) *domain.Employment {
				return storetest.Employment(tb, tx, p.person, p.inst, func(x *domain.Employment) {
					x.Job, x.PermitNo, x.PermitIssuedOn = "", "", domain.Date{}
				})
			},
			edit: func(x *domain.Employment) { x.EndedOn, x.Occupation, x.Job = domain.Date{}, "2E", "医师" },
		}),
		"training": lifecycle(entityCase[domain.Training]{
			table: store.Trainings,
			full: func(tb testing.TB, tx *store.Tx, p parents) *domain.Training {
				return storetest.Training(tb, tx, p.person)
			},
			minimal: func(tb testing.TB, tx *store.Tx, p parents) *domain.Training {
				return storetest.Training(tb, tx, p.person, func(x *domain.Training) {
					x.Kind, x.Days, x.CertificateNo, x.Provider = "prejob", nil, "", ""
				})
			},
			edit: func(x *domain.Training) { x.Days, x.Passed, x.Provider = nil, "fail", "郑州大学第一附属医院" },
		}),
		"exam": lifecycle(entityCase[domain.Exam]{
			table: store.Exams,
			full:  func(tb testing.TB, tx *store.Tx, p parents) *domain.Exam { return storetest.Exam(tb, tx, p.person) },
			minimal: func(tb testing.TB, tx *store.Tx, p parents) *domain.Exam {
				return storetest.Exam(tb, tx, p.person, func(x *domain.Exam) { x.Kind, x.Conclusion, x.Provider = "prejob", "fit", "" })
			},
			edit: func(x *domain.Exam) {
				x.Kind, x.Conclusion, x.ExaminedOn = "recheck", "observe", x.ExaminedOn.AddDate(0, 0, -1)
			},
		}),
		"dose": lifecycle(entityCase[domain.DoseRecord]{
			table: store.Doses,
			full: func(tb testing.TB, tx *store.Tx, p parents) *domain.DoseRecord {
				return storetest.Dose(tb, tx, p.person, p.inst, func(x *domain.DoseRecord) {
					x.Hp10, x.Hp007, x.Hp3 = domain.MicroSv(1234), domain.MicroSv(0), domain.MicroSv(56)
				})
			},
			minimal: func(tb testing.TB, tx *store.Tx, p parents) *domain.DoseRecord {
				return storetest.Dose(tb, tx, p.person, p.inst, func(x *domain.DoseRecord) {
					x.PeriodStart, x.PeriodEnd = domain.MustDate("2020-01-01"), domain.MustDate("2020-03-31")
					x.Hp10, x.Lost, x.Provider, x.ReportNo = domain.Dose{}, true, "", ""
				})
			},
			edit: func(x *domain.DoseRecord) {
				x.Hp10, x.Lost, x.Hp3, x.BelowMDL = domain.Dose{}, true, domain.MicroSv(7), true
			},
		}),
		"equipment": lifecycle(entityCase[domain.Equipment]{
			table: store.Equipment,
			full: func(tb testing.TB, tx *store.Tx, p parents) *domain.Equipment {
				return storetest.Equipment(tb, tx, p.inst, func(x *domain.Equipment) {
					x.Type, x.Interventional, x.Name, x.Model = "c_arm", true, "移动式C形臂X射线机", "Cios Alpha"
				})
			},
			minimal: func(tb testing.TB, tx *store.Tx, p parents) *domain.Equipment {
				return storetest.Equipment(tb, tx, p.inst, func(x *domain.Equipment) {
					x.Name, x.Manufacturer, x.Room, x.ManufacturedOn, x.InstalledOn = "", "", "", domain.Date{}, domain.Date{}
				})
			},
			edit: func(x *domain.Equipment) { x.Status, x.Interventional, x.Room = "scrapped", false, "" },
		}),
		"test": lifecycle(entityCase[domain.EquipmentTest]{
			table: store.Tests,
			full: func(tb testing.TB, tx *store.Tx, p parents) *domain.EquipmentTest {
				return storetest.Test(tb, tx, p.equip)
			},
			minimal: func(tb testing.TB, tx *store.Tx, p parents) *domain.EquipmentTest {
				return storetest.Test(tb, tx, p.equip, func(x *domain.EquipmentTest) { x.Kind, x.Agency, x.ReportNo = "acceptance", "", "" })
			},
			edit: func(x *domain.EquipmentTest) {
				x.Result, x.ReportNo, x.TestedOn = "fail", "JC-2025-001", x.TestedOn.AddDate(0, -1, 0)
			},
		}),
	}
	for name, run := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			run(t)
		})
	}
}

func lifecycle[T any, P interface {
	*T
	domain.Record
}](c entityCase[T]) func(*testing.T) {
	return func(t *testing.T) {
		s := open(t)
		var pa parents
		write(t, s, func(tx *store.Tx) {
			pa.inst = storetest.Institution(t, tx).ID
			pa.person = storetest.Person(t, tx).ID
			pa.equip = storetest.Equipment(t, tx, pa.inst).ID
		})
		entity := c.table.Entity()
		created := t0.Add(time.Minute)
		setClock(s, created)
		var rec *T
		for _, mk := range []func(testing.TB, *store.Tx, parents) *T{c.minimal, c.full} {
			n := count(t, s, "audit_events", "")
			write(t, s, func(tx *store.Tx) { rec = mk(t, tx, pa) })
			m := P(rec).Base()
			if m.ID == 0 || m.Version != 1 || m.Retired || m.CreatedAt.IsZero() || !m.CreatedAt.Equal(created) || !m.UpdatedAt.Equal(created) {
				t.Errorf("created meta %+v, want an id, version 1 and both times %v", *m, created)
			}
			if errs := P(rec).Validate(domain.DateOf(created)); len(errs) > 0 {
				t.Errorf("test record is invalid: %v", errs)
			}
			if d := cmp.Diff(rec, mustFind(t, s, c.table, domain.Scope{}, m.ID)); d != "" {
				t.Errorf("stored %s differs (-created +found):\n%s", entity, d)
			}
			checkAudit(t, s, n, created, "create", entity, m.ID, nil, rec)
		}
		id := P(rec).Base().ID

		// Update the full record.
		updated := created.Add(time.Hour)
		setClock(s, updated)
		before := *rec
		c.edit(rec)
		if cmp.Equal(&before, rec) {
			t.Fatal("the edit changes nothing")
		}
		n := count(t, s, "audit_events", "")
		if err := try(s, func(tx *store.Tx) error { return store.Update(tx, c.table, domain.Scope{}, rec) }); err != nil {
			t.Fatalf("update: %v", err)
		}
		if m := P(rec).Base(); m.Version != 2 || !m.UpdatedAt.Equal(updated) || !m.CreatedAt.Equal(created) {
			t.Errorf("updated meta %+v, want version 2 updated at %v", *m, updated)
		}
		if d := cmp.Diff(rec, mustFind(t, s, c.table, domain.Scope{}, id)); d != "" {
			t.Errorf("updated %s differs (-want +found):\n%s", entity, d)
		}
		checkAudit(t, s, n, updated, "update", entity, id, &before, rec)

		// Retire hides it from the default list only; restore brings it back.
		for i, retire := range []bool{true, false} {
			at := updated.Add(time.Duration(i+1) * time.Hour)
			setClock(s, at)
			op, action := store.Retire[T], "retire"
			if !retire {
				op, action = store.Restore[T], "restore"
			}
			prev := *rec
			n := count(t, s, "audit_events", "")
			var after *T
			if err := try(s, func(tx *store.Tx) error {
				var err error
				after, err = op(tx, c.table, domain.Scope{}, id, P(rec).Base().Version)
				return err
			}); err != nil {
				t.Fatalf("%s: %v", action, err)
			}
			m := P(rec).Base()
			m.Version, m.Retired, m.UpdatedAt = m.Version+1, retire, at
			if d := cmp.Diff(rec, after); d != "" {
				t.Errorf("%s returned (-want +got):\n%s", action, d)
			}
			if d := cmp.Diff(rec, mustFind(t, s, c.table, domain.Scope{}, id)); d != "" {
				t.Errorf("after %s (-want +found):\n%s", action, d)
			}
			checkAudit(t, s, n, at, action, entity, id, &prev, rec)
			listed, _ := listIDs[T, P](t, s, c.table, domain.Scope{}, store.Filter{})
			all, _ := listIDs[T, P](t, s, c.table, domain.Scope{}, store.Filter{Retired: true})
			if slices.Contains(listed, id) == retire || !slices.Contains(all, id) {
				t.Errorf("after %s: default list %v, list with retired %v (id %d)", action, listed, all, id)
			}
		}
		if _, err := find(t, s, c.table, domain.Scope{}, id+1000); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("find a missing %s: %v, want ErrNotFound", entity, err)
		}
	}
}

// checkList checks the ids (in any order) and total of each filtered list.
func checkList[T any, P interface {
	*T
	domain.Record
}](t *testing.T, s *store.Store, table *store.Table[T], sc domain.Scope, cases []listCase) {
	t.Helper()
	for _, c := range cases {
		got, total := listIDs[T, P](t, s, table, sc, c.f)
		slices.Sort(got)
		want := slices.Sorted(slices.Values(c.want))
		if !slices.Equal(got, want) || total != len(want) {
			t.Errorf("%s %s: ids %v total %d, want %v", table.Entity(), c.name, got, total, want)
		}
	}
}

type listCase struct {
	name string
	f    store.Filter
	want []int64
}

func ids[T any, P interface {
	*T
	domain.Record
}](recs ...P) []int64 {
	out := make([]int64, len(recs))
	for i, r := range recs {
		out[i] = r.Base().ID
	}
	return out
}

func TestListInstitutions(t *testing.T) {
	t.Parallel()
	s := open(t)
	var i1, i2, i3, i4 *domain.Institution
	write(t, s, func(tx *store.Tx) {
		i1 = storetest.Institution(t, tx, func(x *domain.Institution) {
			x.Name, x.Kind, x.Street, x.Grade = "中原区人民医院", "general_hospital", "410102001", "2A"
			x.CreditCode = "12410102MB0000001" + string(domain.CreditCheckChar("12410102MB0000001"))
		})
		i2 = storetest.Institution(t, tx, func(x *domain.Institution) {
			x.Name, x.Kind, x.Street = "中原区中医院", "tcm_hospital", "410102002"
		})
		i3 = storetest.Institution(t, tx, func(x *domain.Institution) {
			x.Name, x.Kind, x.Street, x.Status = "郑州某口腔诊所", "dental_clinic", "410102001", "suspended"
			x.DivisionCode = "410105"
		})
		i4 = storetest.Institution(t, tx, func(x *domain.Institution) { x.Name, x.Kind = "中原区妇幼保健院", "maternal_child" })
		if _, err := store.Retire(tx, store.Institutions, domain.Scope{}, i4.ID, 1); err != nil {
			t.Fatal(err)
		}
	})
	id := ids[domain.Institution]
	checkList[domain.Institution](t, s, store.Institutions, domain.Scope{}, []listCase{
		{"all", store.Filter{}, id(i1, i2, i3)},
		{"with retired", store.Filter{Retired: true}, id(i1, i2, i3, i4)},
		{"q name", values("q", "中原区"), id(i1, i2)},
		{"q name with retired", store.Filter{Values: map[string]string{"q": "中原区"}, Retired: true}, id(i1, i2, i4)},
		{"q inner text", values("q", "口腔"), id(i3)},
		{"q credit code, any case", values("q", "mb0000001"), id(i1)},
		{"q percent is literal", values("q", "%"), nil},
		{"q underscore is literal", values("q", "_"), nil},
		{"kind", values("kind", "tcm_hospital"), id(i2)},
		{"street", values("street", "410102001"), id(i1, i3)},
		{"status", values("status", "suspended"), id(i3)},
		{"status open", values("status", "open"), id(i1, i2)},
		{"grade", values("grade", "2A"), id(i1)},
		{"division", values("division_code", "410105"), id(i3)},
		{"credit code", values("credit_code", i2.CreditCode), id(i2)},
		{"street and status", values("street", "410102001", "status", "open"), id(i1)},
		{"q and kind", values("q", "中原区", "kind", "general_hospital"), id(i1)},
		{"empty value ignored", values("kind", ""), id(i1, i2, i3)},
		{"unknown filter ignored", values("colour", "red"), id(i1, i2, i3)},
		{"no match", values("kind", "clinic"), nil},
	})
}

func TestListLicencesEmploymentsTrainingsExamsTests(t *testing.T) {
	t.Parallel()
	s := open(t)
	var a, b *domain.Institution
	var p, q *domain.Person
	var la1, la2, lb *domain.Licence
	var epa, epb, eqa *domain.Employment
	var tp1, tp2, tq *domain.Training
	var xp1, xp2, xq *domain.Exam
	var ea, eb *domain.Equipment
	var ta1, ta2, tb1 *domain.EquipmentTest
	write(t, s, func(tx *store.Tx) {
		a, b = storetest.Institution(t, tx), storetest.Institution(t, tx)
		p, q = storetest.Person(t, tx), storetest.Person(t, tx)
		la1 = storetest.Licence(t, tx, a.ID)
		la2 = storetest.Licence(t, tx, a.ID, func(x *domain.Licence) { x.IssuedOn = x.IssuedOn.AddDate(-5, 0, 0) })
		lb = storetest.Licence(t, tx, b.ID)
		epa = storetest.Employment(t, tx, p.ID, a.ID)
		epb = storetest.Employment(t, tx, p.ID, b.ID, func(x *domain.Employment) { x.Occupation = "2C" })
		eqa = storetest.Employment(t, tx, q.ID, a.ID, func(x *domain.Employment) { x.Occupation = "2E" })
		tp1 = storetest.Training(t, tx, p.ID, func(x *domain.Training) { x.Kind = "prejob" })
		tp2 = storetest.Training(t, tx, p.ID)
		tq = storetest.Training(t, tx, q.ID)
		xp1 = storetest.Exam(t, tx, p.ID, func(x *domain.Exam) { x.Kind, x.Conclusion = "prejob", "fit" })
		xp2 = storetest.Exam(t, tx, p.ID)
		xq = storetest.Exam(t, tx, q.ID)
		ea, eb = storetest.Equipment(t, tx, a.ID), storetest.Equipment(t, tx, b.ID)
		ta1 = storetest.Test(t, tx, ea.ID, func(x *domain.EquipmentTest) { x.Kind = "acceptance" })
		ta2 = storetest.Test(t, tx, ea.ID)
		tb1 = storetest.Test(t, tx, eb.ID)
	})
	str := func(id int64) string { return fmt.Sprint(id) }
	all := store.Filter{}
	checkList[domain.Licence](t, s, store.Licences, domain.Scope{}, []listCase{
		{"all", all, ids[domain.Licence](la1, la2, lb)},
		{"institution", values("institution_id", str(a.ID)), ids[domain.Licence](la1, la2)},
		{"institution not a number", values("institution_id", "x"), nil},
	})
	checkList[domain.Employment](t, s, store.Employments, domain.Scope{}, []listCase{
		{"all", all, ids[domain.Employment](epa, epb, eqa)},
		{"person", values("person_id", str(p.ID)), ids[domain.Employment](epa, epb)},
		{"institution", values("institution_id", str(a.ID)), ids[domain.Employment](epa, eqa)},
		{"occupation", values("occupation", "2C"), ids[domain.Employment](epb)},
		{"person and institution", values("person_id", str(p.ID), "institution_id", str(b.ID)), ids[domain.Employment](epb)},
	})
	checkList[domain.Training](t, s, store.Trainings, domain.Scope{}, []listCase{
		{"all", all, ids[domain.Training](tp1, tp2, tq)},
		{"person", values("person_id", str(p.ID)), ids[domain.Training](tp1, tp2)},
		{"kind", values("kind", "periodic"), ids[domain.Training](tp2, tq)},
		{"person and kind", values("person_id", str(p.ID), "kind", "prejob"), ids[domain.Training](tp1)},
	})
	checkList[domain.Exam](t, s, store.Exams, domain.Scope{}, []listCase{
		{"all", all, ids[domain.Exam](xp1, xp2, xq)},
		{"person", values("person_id", str(q.ID)), ids[domain.Exam](xq)},
		{"kind", values("kind", "prejob"), ids[domain.Exam](xp1)},
	})
	checkList[domain.EquipmentTest](t, s, store.Tests, domain.Scope{}, []listCase{
		{"all", all, ids[domain.EquipmentTest](ta1, ta2, tb1)},
		{"equipment", values("equipment_id", str(ea.ID)), ids[domain.EquipmentTest](ta1, ta2)},
		{"kind", values("kind", "status"), ids[domain.EquipmentTest](ta2, tb1)},
	})
	// Licences come newest first.
	if got, _ := listIDs[domain.Licence](t, s, store.Licences, domain.Scope{}, values("institution_id", str(a.ID))); !slices.Equal(got, []int64{la1.ID, la2.ID}) {
		t.Errorf("licences in order %v, want newest first %v", got, []int64{la1.ID, la2.ID})
	}
}

func TestListPeople(t *testing.T) {
	t.Parallel()
	s := open(t)
	var p1, p2, p3, p4, p5 *domain.Person
	var a, b *domain.Institution
	write(t, s, func(tx *store.Tx) {
		a, b = storetest.Institution(t, tx), storetest.Institution(t, tx)
		p1 = storetest.Person(t, tx, func(x *domain.Person) { x.Name, x.IDNumber = "王芳", "11010519491231002X" })
		p2 = storetest.Person(t, tx, func(x *domain.Person) { x.Name = "王强" })
		p3 = storetest.Person(t, tx, func(x *domain.Person) { x.Name = "李王" })
		p4 = storetest.Person(t, tx, func(x *domain.Person) { x.Name, x.IDNumber = "赵六", "440524188001010014" })
		p5 = storetest.Person(t, tx, func(x *domain.Person) { x.Name = "王退" })
		storetest.Employment(t, tx, p1.ID, a.ID)
		storetest.Employment(t, tx, p2.ID, b.ID, func(x *domain.Employment) { x.Occupation = "2C" })
		storetest.Employment(t, tx, p3.ID, a.ID, func(x *domain.Employment) { x.Occupation = "2E" })
		old := storetest.Employment(t, tx, p3.ID, b.ID, func(x *domain.Employment) { x.Occupation = "2C" })
		if _, err := store.Retire(tx, store.Employments, domain.Scope{}, old.ID, 1); err != nil {
			t.Fatal(err)
		}
		storetest.Employment(t, tx, p5.ID, a.ID)
		if _, err := store.Retire(tx, store.People, domain.Scope{}, p5.ID, 1); err != nil {
			t.Fatal(err)
		}
	})
	id := ids[domain.Person]
	str := func(id int64) string { return fmt.Sprint(id) }
	checkList[domain.Person](t, s, store.People, domain.Scope{}, []listCase{
		{"all", store.Filter{}, id(p1, p2, p3, p4)},
		{"with retired", store.Filter{Retired: true}, id(p1, p2, p3, p4, p5)},
		{"q name prefix", values("q", "王"), id(p1, p2)},
		{"q whole name", values("q", "王强"), id(p2)},
		{"q ID number prefix", values("q", "110105"), id(p1)},
		{"q whole ID number, lower-case x", values("q", "11010519491231002x"), id(p1)},
		{"q ID number of generated people", values("q", p2.IDNumber[:17]), id(p2)},
		{"q no match", values("q", "张"), nil},
		{"id number", values("id_number", p4.IDNumber), id(p4)},
		{"institution", values("institution_id", str(a.ID)), id(p1, p3)},
		{"institution, retired employment ignored", values("institution_id", str(b.ID)), id(p2)},
		{"occupation", values("occupation", "2C"), id(p2)},
		{"occupation 2E", values("occupation", "2E"), id(p3)},
		{"q and institution", values("q", "王", "institution_id", str(a.ID)), id(p1)},
		{"institution not a number", values("institution_id", "abc"), nil},
	})
}

func TestListEquipment(t *testing.T) {
	t.Parallel()
	s := open(t)
	var a, b *domain.Institution
	var e1, e2, e3, e4 *domain.Equipment
	write(t, s, func(tx *store.Tx) {
		a, b = storetest.Institution(t, tx), storetest.Institution(t, tx)
		e1 = storetest.Equipment(t, tx, a.ID, func(x *domain.Equipment) {
			x.Type, x.Name, x.Manufacturer, x.Model, x.SerialNo = "ct", "螺旋CT", "西门子", "SOMATOM go.Top", "CT-001"
		})
		e2 = storetest.Equipment(t, tx, a.ID, func(x *domain.Equipment) { x.SerialNo, x.Status = "DR-777", "idle" })
		e3 = storetest.Equipment(t, tx, b.ID, func(x *domain.Equipment) {
			x.Type, x.Name, x.Manufacturer, x.Model, x.SerialNo = "ct", "CT", "GE", "Revolution", "CT-001"
		})
		e4 = storetest.Equipment(t, tx, b.ID, func(x *domain.Equipment) { x.Type, x.Model = "dental_cbct", "SOMATOM" })
		if _, err := store.Retire(tx, store.Equipment, domain.Scope{}, e4.ID, 1); err != nil {
			t.Fatal(err)
		}
	})
	id := ids[domain.Equipment]
	checkList[domain.Equipment](t, s, store.Equipment, domain.Scope{}, []listCase{
		{"all", store.Filter{}, id(e1, e2, e3)},
		{"q model, any case", values("q", "somatom"), id(e1)},
		{"q model with retired", store.Filter{Values: map[string]string{"q": "somatom"}, Retired: true}, id(e1, e4)},
		{"q serial", values("q", "CT-001"), id(e1, e3)},
		{"q serial part", values("q", "777"), id(e2)},
		{"q manufacturer", values("q", "西门子"), id(e1)},
		{"q name", values("q", "螺旋"), id(e1)},
		{"q underscore is literal", values("q", "_"), nil},
		{"type", values("type", "ct"), id(e1, e3)},
		{"status", values("status", "idle"), id(e2)},
		{"institution", values("institution_id", fmt.Sprint(b.ID)), id(e3)},
		{"type and institution", values("type", "ct", "institution_id", fmt.Sprint(a.ID)), id(e1)},
	})
	// Equipment comes by institution, type, id.
	if got, _ := listIDs[domain.Equipment](t, s, store.Equipment, domain.Scope{}, store.Filter{Retired: true}); !slices.Equal(got, id(e1, e2, e3, e4)) {
		t.Errorf("equipment in order %v, want %v", got, id(e1, e2, e3, e4))
	}
}

func TestListDoses(t *testing.T) {
	t.Parallel()
	s := open(t)
	var a, b *domain.Institution
	var p, q *domain.Person
	var d1, d2, d3, d4 *domain.DoseRecord
	period := func(start, end string) func(*domain.DoseRecord) {
		return func(x *domain.DoseRecord) { x.PeriodStart, x.PeriodEnd = domain.MustDate(start), domain.MustDate(end) }
	}
	write(t, s, func(tx *store.Tx) {
		a, b = storetest.Institution(t, tx), storetest.Institution(t, tx)
		p, q = storetest.Person(t, tx), storetest.Person(t, tx)
		d1 = storetest.Dose(t, tx, p.ID, a.ID, period("2024-01-01", "2024-03-31"))
		d2 = storetest.Dose(t, tx, p.ID, a.ID, period("2024-04-01", "2024-06-30"))
		d3 = storetest.Dose(t, tx, p.ID, b.ID, period("2024-04-01", "2024-06-30"))
		d4 = storetest.Dose(t, tx, q.ID, a.ID, period("2024-07-01", "2024-09-30"))
	})
	id := ids[domain.DoseRecord]
	str := func(id int64) string { return fmt.Sprint(id) }
	checkList[domain.DoseRecord](t, s, store.Doses, domain.Scope{}, []listCase{
		{"person", values("person_id", str(p.ID)), id(d1, d2, d3)},
		{"institution", values("institution_id", str(a.ID)), id(d1, d2, d4)},
		{"person and institution", values("person_id", str(p.ID), "institution_id", str(b.ID)), id(d3)},
		{"from, inclusive", values("from", "2024-06-30"), id(d2, d3, d4)},
		{"to, inclusive", values("to", "2024-06-30"), id(d1, d2, d3)},
		{"from and to", values("from", "2024-05-01", "to", "2024-06-30"), id(d2, d3)},
		{"from after all", values("from", "2024-10-01"), nil},
		{"person and period", values("person_id", str(p.ID), "from", "2024-04-01", "to", "2024-12-31"), id(d2, d3)},
		// Typed into a URL: what is not a date or a number matches nothing, on either engine.
		{"from not a date", values("from", "abc"), nil},
		{"to not a real date", values("to", "2024-13-45"), nil},
		{"person not a number", values("person_id", str(p.ID)+"x"), nil},
	})
	// Doses come newest period first.
	if got, _ := listIDs[domain.DoseRecord](t, s, store.Doses, domain.Scope{}, store.Filter{}); !slices.Equal(got, id(d4, d3, d2, d1)) {
		t.Errorf("doses in order %v, want %v", got, id(d4, d3, d2, d1))
	}
}

// TestPagination pages through a list: every page holds its part of the
// whole list in order, with the total of the whole list.
func TestPagination(t *testing.T) {
	t.Parallel()
	s := open(t)
	var all []int64
	write(t, s, func(tx *store.Tx) {
		for i := range 7 {
			// Names in list order; created out of order so that the order comes from the query.
			x := storetest.Institution(t, tx, func(x *domain.Institution) { x.Name = fmt.Sprintf("机构%02d", (i*3)%7) })
			all = append(all, x.ID)
		}
		// One retired and one of another kind, which the filtered pages must leave out.
		x := storetest.Institution(t, tx, func(x *domain.Institution) { x.Name = "机构99" })
		if _, err := store.Retire(tx, store.Institutions, domain.Scope{}, x.ID, 1); err != nil {
			t.Fatal(err)
		}
		storetest.Institution(t, tx, func(x *domain.Institution) { x.Name, x.Kind = "机构98", "clinic" })
	})
	// all[i] is named 机构(i*3%7): sort by name.
	want := make([]int64, 7)
	for i, id := range all {
		want[(i*3)%7] = id
	}
	f := values("kind", "general_hospital")
	for _, c := range []struct{ limit, offset, from, to int }{
		{3, 0, 0, 3}, {3, 3, 3, 6}, {3, 6, 6, 7}, {3, 7, 7, 7}, {3, 100, 7, 7},
		{7, 0, 0, 7}, {10, 0, 0, 7}, {10, 5, 5, 7}, {1, 6, 6, 7}, {0, 0, 0, 7}, {0, 2, 0, 7},
	} {
		f.Limit, f.Offset = c.limit, c.offset
		got, total := listIDs[domain.Institution](t, s, store.Institutions, domain.Scope{}, f)
		if !slices.Equal(got, want[c.from:c.to]) || total != 7 {
			t.Errorf("limit %d offset %d: ids %v total %d, want %v total 7", c.limit, c.offset, got, total, want[c.from:c.to])
		}
	}
	// With retired rows and no kind filter the total counts all nine.
	for _, offset := range []int{0, 4, 9, 20} {
		got, total := listIDs[domain.Institution](t, s, store.Institutions, domain.Scope{}, store.Filter{Retired: true, Limit: 4, Offset: offset})
		if total != 9 || len(got) != max(0, min(4, 9-offset)) {
			t.Errorf("with retired, offset %d: %d ids, total %d; want total 9", offset, len(got), total)
		}
	}
}
