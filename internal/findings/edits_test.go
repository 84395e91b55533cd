package findings_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/registry"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// editor makes random, mostly valid changes through the registry, whose
// AfterChange re-screens what each change touched, as the server wires it.
type editor struct {
	t     *testing.T
	s     *store.Store
	reg   *registry.Registry
	rng   *rand.Rand
	user  *domain.User
	actor domain.Actor
	n     int
}

func newEditor(t *testing.T, s *store.Store, svc *findings.Service, seed uint64) *editor {
	reg := registry.New(s)
	reg.Today = func() domain.Date { return day0 }
	reg.AfterChange = svc.AfterChange(func() domain.Date { return day0 })
	return &editor{t: t, s: s, reg: reg, rng: rand.New(rand.NewPCG(seed, 1)),
		user: &domain.User{ID: 1, Username: "sup", Role: domain.RoleSupervisor}, actor: domain.Actor{Username: "sup"}}
}

var errSkip = errors.New("no record to edit")

// edits are the kinds of change the property test makes.
var edits = []struct {
	name string
	do   func(e *editor) error
}{
	{"add test", func(e *editor) error {
		return create(e, store.Tests, &domain.EquipmentTest{EquipmentID: e.pick("equipment"),
			Kind: e.oneOf("acceptance", "status", "protection", "constancy"), TestedOn: e.daysAgo(500),
			Result: e.oneOf("pass", "pass", "pass", "fail"), Agency: "河南省疾病预防控制中心", ReportNo: e.no("JC")})
	}},
	{"retire test", func(e *editor) error { return retire(e, store.Tests, "equipment_tests") }},
	{"equipment status", func(e *editor) error {
		return update(e, store.Equipment, "equipment", func(x *domain.Equipment) { x.Status = e.oneOf("in_use", "idle", "scrapped") })
	}},
	{"move equipment", func(e *editor) error {
		return update(e, store.Equipment, "equipment", func(x *domain.Equipment) { x.InstitutionID = e.pick("institutions") })
	}},
	{"retire equipment", func(e *editor) error { return retire(e, store.Equipment, "equipment") }},
	{"add dose", func(e *editor) error {
		emp, err := find(e, store.Employments, "employments")
		if err != nil {
			return err
		}
		start := e.daysAgo(420)
		r := &domain.DoseRecord{PersonID: emp.PersonID, InstitutionID: emp.InstitutionID, PeriodStart: start,
			PeriodEnd: start.AddDate(0, 0, 28+e.rng.IntN(90)), Hp10: domain.MicroSv(int64(e.rng.IntN(2000))),
			Provider: "河南省职业病防治研究院", ReportNo: e.no("JL")}
		switch e.rng.IntN(10) {
		case 0:
			r.Hp10, r.Lost = domain.Dose{}, true
		case 1:
			r.Hp10 = domain.MicroSv(int64(5000 + e.rng.IntN(30000)))
		}
		return create(e, store.Doses, r)
	}},
	{"retire dose", func(e *editor) error { return retire(e, store.Doses, "doses") }},
	{"end employment", func(e *editor) error {
		return update(e, store.Employments, "employments", func(x *domain.Employment) { x.EndedOn = e.daysAgo(120) })
	}},
	{"new employment", func(e *editor) error {
		return create(e, store.Employments, &domain.Employment{PersonID: e.pick("people"), InstitutionID: e.pick("institutions"),
			Occupation: "2A", StartedOn: e.daysAgo(2000), PermitNo: e.oneOf("", e.no("P"))})
	}},
	{"institution status", func(e *editor) error {
		return update(e, store.Institutions, "institutions", func(x *domain.Institution) { x.Status = e.oneOf("open", "open", "suspended", "closed") })
	}},
	{"rename institution", func(e *editor) error {
		return update(e, store.Institutions, "institutions", func(x *domain.Institution) { x.Name += "（新）" })
	}},
	{"retire licence", func(e *editor) error { return retire(e, store.Licences, "licences") }},
	{"add training", func(e *editor) error {
		return create(e, store.Trainings, &domain.Training{PersonID: e.pick("people"), TakenOn: e.daysAgo(1000),
			Kind: e.oneOf("prejob", "periodic"), Passed: e.oneOf("pass", "pass", "fail")})
	}},
	{"retire training", func(e *editor) error { return retire(e, store.Trainings, "trainings") }},
	{"add exam", func(e *editor) error {
		return create(e, store.Exams, &domain.Exam{PersonID: e.pick("people"), ExaminedOn: e.daysAgo(1000),
			Kind: e.oneOf("prejob", "periodic"), Conclusion: e.oneOf("fit", "continue", "continue", "suspend", "unfit")})
	}},
	{"retire person", func(e *editor) error { return retire(e, store.People, "people") }},
}

// edit makes one random change; it reports the kind of change and whether
// it was made (a change the registry rejects as invalid or conflicting is
// skipped).
func (e *editor) edit() (string, bool) {
	x := edits[e.rng.IntN(len(edits))]
	err := x.do(e)
	switch c := domain.ErrorCode(err); {
	case err == nil:
		return x.name, true
	case errors.Is(err, errSkip) || c == domain.EINVALID || c == domain.ECONFLICT:
		return x.name, false
	default:
		e.t.Fatalf("%s: %v", x.name, err)
		return "", false
	}
}

func (e *editor) oneOf(xs ...string) string { return xs[e.rng.IntN(len(xs))] }

func (e *editor) daysAgo(n int) domain.Date { return day0.AddDate(0, 0, -e.rng.IntN(n)) }

func (e *editor) no(prefix string) string {
	e.n++
	return fmt.Sprintf("%sE%06d", prefix, e.n)
}

// pick returns the id of a random non-retired row of table (0 if none).
func (e *editor) pick(table string) int64 {
	var ids []int64
	rows := storetest.Rows(e.t, e.s, "SELECT id FROM "+table+" WHERE NOT retired ORDER BY id")
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	if len(ids) == 0 {
		return 0
	}
	return ids[e.rng.IntN(len(ids))]
}

func find[T any](e *editor, t *store.Table[T], table string) (*T, error) {
	id := e.pick(table)
	if id == 0 {
		return nil, errSkip
	}
	return registry.Find(context.Background(), e.reg, e.user, t, id)
}

func create[T any, P interface {
	*T
	domain.Record
}](e *editor, t *store.Table[T], rec P) error {
	return registry.Create(context.Background(), e.reg, e.actor, e.user, t, rec)
}

func update[T any, P interface {
	*T
	domain.Record
}](e *editor, t *store.Table[T], table string, change func(P)) error {
	rec, err := find(e, t, table)
	if err != nil {
		return err
	}
	change(P(rec))
	return registry.Update(context.Background(), e.reg, e.actor, e.user, t, P(rec))
}

func retire[T any, P interface {
	*T
	domain.Record
}](e *editor, t *store.Table[T], table string) error {
	rec, err := find(e, t, table)
	if err != nil {
		return err
	}
	return registry.Retire(context.Background(), e.reg, e.actor, e.user, t, P(rec).Base().ID, P(rec).Base().Version, false)
}
