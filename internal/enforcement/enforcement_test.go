package enforcement_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/draw"
	"radsup/internal/enforcement"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

const seed = "2027年1月8日 中国福利彩票 双色球 第2027004期 开奖号码"

type fixture struct {
	s     *store.Store
	svc   *enforcement.Service
	sup   *domain.User
	insts []*domain.Institution // open ones, by creation
	users []*domain.User        // supervisors
}

// setup files five open institutions (one licensed for radiotherapy with
// two open violations, one for nuclear medicine), one closed and one
// retired institution, and three supervisor accounts.
func setup(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{s: storetest.Open(t)}
	f.svc = &enforcement.Service{Store: f.s, Today: func() domain.Date { return domain.MustDate("2026-12-05") }}
	err := f.s.WithTx(context.Background(), domain.System, func(tx *store.Tx) error {
		for i := range 5 {
			inst := storetest.Institution(t, tx)
			items := []string{"xray_imaging"}
			switch i {
			case 0:
				items = []string{"radiotherapy", "ct"}
			case 1:
				items = []string{"pet"}
			}
			storetest.Licence(t, tx, inst.ID, func(l *domain.Licence) { l.Items = items })
			f.insts = append(f.insts, inst)
		}
		storetest.Institution(t, tx, func(x *domain.Institution) { x.Status = "closed" })
		gone := storetest.Institution(t, tx)
		if _, err := store.Retire(tx, store.Institutions, domain.Scope{}, gone.ID, gone.Version); err != nil {
			return err
		}
		for range 3 {
			f.users = append(f.users, storetest.User(t, tx, domain.RoleSupervisor, 0))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = f.s.WithTx(context.Background(), domain.System, func(tx *store.Tx) error {
		day := domain.MustDate("2026-12-01")
		for i, sev := range []domain.Severity{domain.Violation, domain.Violation, domain.Warning} {
			err := tx.PutFinding(&domain.Finding{Rule: "EQP-STATUS-OVERDUE", Severity: sev, SubjectType: "equipment",
				SubjectKey: "k", SubjectID: int64(i + 1), InstitutionID: f.insts[0].ID, Template: "EQP-STATUS-OVERDUE",
				DueOn: day, Status: domain.FindingOpen, FirstSeen: day, LastSeen: day})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.sup = f.users[0]
	return f
}

func (f *fixture) inspectors(t *testing.T, recusals map[int][]string) {
	t.Helper()
	for i, u := range f.users {
		in := &domain.Inspector{UserID: u.ID, CertNo: "豫卫执字0001" + string(rune('0'+i)), Active: true}
		if err := f.svc.SetInspector(context.Background(), domain.Actor{}, f.sup, in, recusals[i], 0); err != nil {
			t.Fatal(err)
		}
	}
}

func (f *fixture) plan(t *testing.T, mod func(*domain.Plan)) *domain.Plan {
	t.Helper()
	p := &domain.Plan{Year: 2026, Name: "2026年度放射卫生双随机抽查", Type: "random", Count: 3, Weighted: true,
		SeedSHA256: draw.Commitment(seed), SeedSource: "2027年1月8日双色球开奖号码"}
	if mod != nil {
		mod(p)
	}
	if err := f.svc.CreatePlan(context.Background(), domain.Actor{}, f.sup, p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDrawIsTheSpecDrawFrozenAndVerifiable(t *testing.T) {
	f := setup(t)
	f.inspectors(t, nil)
	p := f.plan(t, nil)
	ctx := context.Background()

	if _, err := f.svc.Draw(ctx, domain.Actor{}, f.sup, p.ID, p.Version, seed+" "); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("a seed that does not match the commitment: %v", err)
	}
	v, err := f.svc.Draw(ctx, domain.Actor{}, f.sup, p.ID, p.Version, seed)
	if err != nil {
		t.Fatal(err)
	}
	// The pool is the five open institutions; weights by category plus
	// open violations (the warning does not count).
	pool := []draw.Unit{}
	for i, inst := range f.insts {
		w := []float64{4 + 2, 3, 1, 1, 1}[i]
		pool = append(pool, draw.Unit{CreditCode: inst.CreditCode, Name: inst.Name, Weight: w})
	}
	var ins []draw.Inspector
	for _, u := range f.users {
		ins = append(ins, draw.Inspector{Username: u.Username})
	}
	want, err := draw.Run(seed, pool, 3, ins)
	if err != nil {
		t.Fatal(err)
	}
	if v.Plan.Pool != 5 || v.Plan.Seed != seed || len(v.Units) != 3 {
		t.Fatalf("plan %+v units %d", v.Plan, len(v.Units))
	}
	for i, u := range v.Units {
		w := want.Drawn[i]
		if u.CreditCode != w.CreditCode || u.Weight != w.Weight || u.Key != w.Key || !slices.Equal(u.Inspectors, w.Inspectors) {
			t.Errorf("unit %d = %+v, want %+v", i, u, w)
		}
	}

	// Stored exactly as drawn.
	got, err := f.svc.Plan(ctx, f.sup, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got.Units, v.Units, func(a, b domain.PlanUnit) bool {
		return a.CreditCode == b.CreditCode && a.Key == b.Key && a.Weight == b.Weight && slices.Equal(a.Inspectors, b.Inspectors)
	}) {
		t.Errorf("stored units %+v differ from drawn %+v", got.Units, v.Units)
	}

	// Frozen: no second draw, no edit even by SQL.
	if _, err := f.svc.Draw(ctx, domain.Actor{}, f.sup, p.ID, got.Plan.Version, seed); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("second draw: %v", err)
	}
	for _, q := range []string{
		"UPDATE plan_units SET draw_key = 0 WHERE plan_id = ?",
		"DELETE FROM plan_units WHERE plan_id = ?",
		"UPDATE plans SET seed = 'x' WHERE id = ?",
		"UPDATE plans SET snapshot = '' WHERE id = ?",
		"DELETE FROM plans WHERE id = ?",
	} {
		if _, err := f.s.DB().ExecContext(ctx, f.s.Rebind(q), p.ID); err == nil || !strings.Contains(err.Error(), "frozen") {
			t.Errorf("%s: %v, want refused as frozen", q, err)
		}
	}

	ver, err := f.svc.Verify(ctx, f.sup, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ver.Differences) != 0 {
		t.Errorf("verify found differences in an untouched draw: %+v", ver.Differences)
	}

	// Later changes to the register do not change a frozen draw's check.
	storetest.Exec(t, f.s, "UPDATE institutions SET status = 'closed' WHERE id = ?", f.insts[0].ID)
	if ver, _ := f.svc.Verify(ctx, f.sup, p.ID); len(ver.Differences) != 0 {
		t.Errorf("verify after a register change: %+v", ver.Differences)
	}
	draws, err := f.svc.InstitutionDraws(ctx, f.sup, v.Units[0].InstitutionID)
	if err != nil || len(draws) != 1 || draws[0].PlanID != p.ID {
		t.Errorf("institution draws = %+v, %v", draws, err)
	}
}

func TestRecusalsAreHonouredAndTooFewNamesTheUnit(t *testing.T) {
	f := setup(t)
	target := f.insts[0]
	// The first two inspectors must not inspect the radiotherapy hospital:
	// only one is left for it.
	f.inspectors(t, map[int][]string{0: {target.CreditCode}, 1: {strings.ToLower(target.CreditCode)}})
	ins, err := f.svc.Inspectors(context.Background(), f.sup)
	if err != nil {
		t.Fatal(err)
	}
	if len(ins[0].Recusals) != 1 || ins[0].Recusals[0].InstitutionID != target.ID {
		t.Fatalf("recusals = %+v", ins[0].Recusals)
	}
	p := f.plan(t, func(p *domain.Plan) { p.Count, p.Ratio = 0, 1 })
	_, err = f.svc.Draw(context.Background(), domain.Actor{}, f.sup, p.ID, p.Version, seed)
	var de *domain.Error
	if !errors.As(err, &de) || de.Message != "enforcement.error.too_few_inspectors" || !slices.Contains(de.Args, target.CreditCode) {
		t.Fatalf("draw with one eligible inspector: %v", err)
	}
	// Nothing was frozen.
	v, _ := f.svc.Plan(context.Background(), f.sup, p.ID)
	if v.Plan.Drawn() || len(v.Units) != 0 {
		t.Errorf("a failed draw left %+v", v)
	}
	// With the recusal of the second lifted, the two eligible are drawn.
	in, _ := f.svc.Inspector(context.Background(), f.sup, f.users[1].ID)
	if err := f.svc.SetInspector(context.Background(), domain.Actor{}, f.sup, in, nil, in.Version); err != nil {
		t.Fatal(err)
	}
	v, err = f.svc.Draw(context.Background(), domain.Actor{}, f.sup, p.ID, p.Version, seed)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range v.Units {
		if u.InstitutionID == target.ID && slices.Contains(u.Inspectors, f.users[0].Username) {
			t.Errorf("recused inspector drawn for %s: %v", u.Name, u.Inspectors)
		}
		if len(u.Inspectors) != 2 {
			t.Errorf("unit %s has team %v", u.Name, u.Inspectors)
		}
	}
}

func TestPlanInputIsChecked(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	for name, c := range map[string]struct {
		mod   func(*domain.Plan)
		field string
	}{
		"no name":          {func(p *domain.Plan) { p.Name = "" }, "name"},
		"control":          {func(p *domain.Plan) { p.Name = "计划\x00" }, "name"},
		"count and ratio":  {func(p *domain.Plan) { p.Ratio = 0.2 }, "count"},
		"neither":          {func(p *domain.Plan) { p.Count = 0 }, "count"},
		"ratio above one":  {func(p *domain.Plan) { p.Count, p.Ratio = 0, 1.5 }, "ratio"},
		"bad commitment":   {func(p *domain.Plan) { p.SeedSHA256 = "abc" }, "seed_sha256"},
		"unknown type":     {func(p *domain.Plan) { p.Type = "x" }, "type"},
		"unknown category": {func(p *domain.Plan) { p.Category = "x" }, "category"},
		"year far off":     {func(p *domain.Plan) { p.Year = 1999 }, "year"},
	} {
		p := &domain.Plan{Year: 2026, Name: "计划", Type: "random", Count: 3, SeedSHA256: draw.Commitment(seed), SeedSource: "现场宣读"}
		c.mod(p)
		err := f.svc.CreatePlan(ctx, domain.Actor{}, f.sup, p)
		var de *domain.Error
		if !errors.As(err, &de) || de.Fields[c.field] == "" {
			t.Errorf("%s: %v, want an error on %s", name, err, c.field)
		}
	}
	f.plan(t, nil)
	p := &domain.Plan{Year: 2026, Name: "2026年度放射卫生双随机抽查", Type: "random", Count: 1, SeedSHA256: draw.Commitment(seed), SeedSource: "x"}
	if err := f.svc.CreatePlan(ctx, domain.Actor{}, f.sup, p); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("same name twice in a year: %v", err)
	}
	if n := storetest.Count(t, f.s, "plans"); n != 1 {
		t.Errorf("%d plans stored, want 1", n)
	}
}

func TestOnlySupervisorsPlanAndDraw(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	viewer := &domain.User{ID: 90, Role: domain.RoleViewer}
	inst := &domain.User{ID: 91, Role: domain.RoleInstitution, InstitutionID: f.insts[0].ID}
	p := &domain.Plan{Year: 2026, Name: "x", Type: "random", Count: 1, SeedSHA256: draw.Commitment(seed), SeedSource: "x"}
	for _, u := range []*domain.User{viewer, inst} {
		if err := f.svc.CreatePlan(ctx, domain.Actor{}, u, p); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s creates a plan: %v", u.Role, err)
		}
		if _, err := f.svc.Draw(ctx, domain.Actor{}, u, 1, 1, seed); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s draws: %v", u.Role, err)
		}
		if err := f.svc.SetInspector(ctx, domain.Actor{}, u, &domain.Inspector{UserID: f.sup.ID}, nil, 0); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s sets an inspector: %v", u.Role, err)
		}
	}
	if _, err := f.svc.Plans(ctx, inst, 0); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("institution user lists plans: %v", err)
	}
	if _, err := f.svc.Plans(ctx, viewer, 0); err != nil {
		t.Errorf("viewer lists plans: %v", err)
	}
}

func TestPreviewWritesNothingAndDrawIsAudited(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	before := storetest.Count(t, f.s, "audit_events")
	res, err := f.svc.Preview(ctx, f.sup, enforcement.Filter{Ratio: 0.5, Category: "xray_imaging"}, seed)
	if err != nil {
		t.Fatal(err)
	}
	// The radiotherapy hospital also holds a CT (xray_imaging) item.
	if res.Pool != 4 || len(res.Drawn) != 2 || len(res.Drawn[0].Inspectors) != 0 {
		t.Errorf("preview = pool %d drawn %+v", res.Pool, res.Drawn)
	}
	if n := storetest.Count(t, f.s, "audit_events"); n != before {
		t.Errorf("preview wrote %d audit events", n-before)
	}
	p := f.plan(t, nil)
	if _, err := f.svc.Draw(ctx, domain.Actor{Username: "sup"}, f.sup, p.ID, p.Version, seed); err != nil {
		t.Fatal(err)
	}
	if n := storetest.Count(t, f.s, "audit_events WHERE action = 'draw' AND entity = 'plan'"); n != 1 {
		t.Errorf("%d draw events", n)
	}
}
