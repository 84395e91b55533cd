package enforcement_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// caseFixture has the enforcement fixture with its three supervisors as
// inspectors, the ids of the first institution's open findings, and an
// employee of that institution (whose name must never be published).
type caseFixture struct {
	*fixture
	findings []int64
	person   *domain.Person
}

func caseSetup(t *testing.T) *caseFixture {
	t.Helper()
	f := &caseFixture{fixture: setup(t)}
	f.inspectors(t, nil)
	err := f.s.WithTx(context.Background(), domain.System, func(tx *store.Tx) error {
		page, err := tx.FindFindings(domain.Scope{}, store.FindingFilter{InstitutionID: f.insts[0].ID})
		if err != nil {
			return err
		}
		for _, x := range page.Findings {
			f.findings = append(f.findings, x.ID)
		}
		f.person = storetest.Person(t, tx, func(p *domain.Person) { p.Name = "欧阳明辉" })
		storetest.Employment(t, tx, f.person.ID, f.insts[0].ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// open opens a case against the first institution from its findings,
// handled by the first two supervisors, citing 第四十一条 and 第三十八条.
func (f *caseFixture) open(t *testing.T) *domain.Case {
	t.Helper()
	c, err := f.svc.OpenCase(context.Background(), domain.Actor{}, f.users[0], enforcement.NewCase{Source: "findings",
		InstitutionID: f.insts[0].ID, FindingIDs: f.findings, Cause: "未按规定对放射诊疗设备进行状态检测",
		Facts: "该院CT机逾期未进行年度状态检测仍在使用。", Articles: []string{"RDM-41", "RDM-38"},
		Handlers: [2]string{f.users[0].Username, f.users[1].Username}, OpenedOn: domain.MustDate("2026-12-01")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var goodPenalties = []domain.Penalty{{Article: "RDM-41", Warning: true, Fine: 3000}}

// stepInput is a valid step to each state.
func stepInput(to string) enforcement.Step {
	st := enforcement.Step{To: to, On: domain.MustDate("2026-12-05"), Note: "说明：" + to}
	switch to {
	case "notified", "decided":
		st.Penalties = goodPenalties
		st.Summary = "该单位CT机逾期未进行年度状态检测仍在使用"
	}
	return st
}

// actorFor is who takes the step to a state: the reviewer is the third
// supervisor, every other step a handler.
func (f *caseFixture) actorFor(to string) *domain.User {
	if to == "reviewed" {
		return f.users[2]
	}
	return f.users[0]
}

// advance takes c through the procedure up to and including state.
func (f *caseFixture) advance(t *testing.T, c *domain.Case, state string) *domain.Case {
	t.Helper()
	for c.State != state {
		next := domain.CaseNext(c.State)
		var err error
		c, err = f.svc.TakeStep(context.Background(), domain.Actor{}, f.actorFor(next), c.ID, stepInput(next), c.Version)
		if err != nil {
			t.Fatalf("step to %s: %v", next, err)
		}
	}
	return c
}

// TestEveryIllegalStepIsRefused: from each state, a step to any state but
// the next is refused and changes nothing; the next one is taken.
func TestEveryIllegalStepIsRefused(t *testing.T) {
	f := caseSetup(t)
	ctx := context.Background()
	states := domain.CaseStates.Options
	for _, from := range states {
		c := f.advance(t, f.open(t), from.Key)
		for _, to := range states {
			if to.Key == domain.CaseNext(from.Key) {
				continue
			}
			if to.Key == "notified" && (from.Key == "notified" || from.Key == "reviewed") {
				continue // a new notice before the decision (TestHeavierPenaltyNeedsNewNotice)
			}
			_, err := f.svc.TakeStep(ctx, domain.Actor{}, f.actorFor(to.Key), c.ID, stepInput(to.Key), c.Version)
			if err == nil {
				t.Fatalf("%s → %s was taken", from.Key, to.Key)
			}
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.ECONFLICT && de.Code != domain.EINVALID {
				t.Errorf("%s → %s: %v, want a refusal", from.Key, to.Key, err)
			}
			if to.Key == "decided" && domain.CaseStateIndex(from.Key) < domain.CaseStateIndex("reviewed") && de.Message != "case.error.no_review" {
				t.Errorf("%s → decided refused with %q, want no_review", from.Key, de.Message)
			}
		}
		v, err := f.svc.Case(ctx, f.sup, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Case.State != from.Key || v.Case.Version != c.Version || len(v.Steps) != domain.CaseStateIndex(from.Key)+1 {
			t.Errorf("after refusals the case is %s v%d with %d steps", v.Case.State, v.Case.Version, len(v.Steps))
		}
		if next := domain.CaseNext(from.Key); next != "" {
			if _, err := f.svc.TakeStep(ctx, domain.Actor{}, f.actorFor(next), c.ID, stepInput(next), c.Version); err != nil {
				t.Errorf("%s → %s: %v", from.Key, next, err)
			}
		}
	}
}

// TestEveryStepIsKeptAndAudited: a case taken to closed has one step per
// state, each with who and when, and one audit event per step.
func TestEveryStepIsKeptAndAudited(t *testing.T) {
	f := caseSetup(t)
	ctx := context.Background()
	c := f.advance(t, f.open(t), "closed")
	v, err := f.svc.Case(ctx, f.sup, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Steps) != len(domain.CaseStates.Options) {
		t.Fatalf("%d steps", len(v.Steps))
	}
	for i, st := range v.Steps {
		if st.To != domain.CaseStates.Options[i].Key || st.By == "" || st.At.IsZero() || st.On.IsZero() {
			t.Errorf("step %d = %+v", i, st)
		}
		if i > 0 && st.From != v.Steps[i-1].To {
			t.Errorf("step %d from %s after %s", i, st.From, v.Steps[i-1].To)
		}
	}
	if v.Steps[3].By != f.users[2].Username || v.Case.Reviewer != f.users[2].Username {
		t.Errorf("reviewed by %s / %s", v.Steps[3].By, v.Case.Reviewer)
	}
	var n int
	err = f.s.View(ctx, func(tx *store.Tx) (err error) {
		_, n, err = tx.FindAuditEvents(store.AuditFilter{Action: domain.AuditCaseStep, Entity: "case", EntityID: c.ID})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(domain.CaseStates.Options)-1 {
		t.Errorf("%d audited steps", n)
	}
	if v.Case.DecisionNo != "中原卫放罚〔2026〕1号" || v.Case.DecidedOn.IsZero() || v.Case.ServedOn.IsZero() || v.Case.ClosedOn.IsZero() {
		t.Errorf("closed case %+v", v.Case)
	}
}

// TestFineRange: a fine at the article's bound is accepted, one yuan above
// (or below a lower bound) is refused with a message naming the range.
func TestFineRange(t *testing.T) {
	f := caseSetup(t)
	ctx := context.Background()
	for _, tc := range []struct {
		article string
		fine    int64
		ok      bool
	}{
		{"RDM-41", 10000, true},
		{"RDM-41", 10001, false},
		{"RDM-38", 3000, true},
		{"RDM-38", 3001, false},
		{"RDM-41", -1, false},
		{"ODL-69", 100000, true},
		{"ODL-69", 99999, false},
		{"ODL-69", 500000, true},
		{"ODL-69", 500001, false},
	} {
		t.Run(fmt.Sprint(tc.article, "-", tc.fine), func(t *testing.T) {
			c, err := f.svc.OpenCase(ctx, domain.Actor{}, f.sup, enforcement.NewCase{Source: "findings", InstitutionID: f.insts[0].ID,
				FindingIDs: f.findings[:1], Cause: "案由", Facts: "事实", Articles: []string{tc.article},
				Handlers: [2]string{f.users[0].Username, f.users[1].Username}})
			if err != nil {
				t.Fatal(err)
			}
			c = f.advance(t, c, "investigated")
			st := stepInput("notified")
			st.Penalties = []domain.Penalty{{Article: tc.article, Warning: true, Fine: tc.fine}}
			_, err = f.svc.TakeStep(ctx, domain.Actor{}, f.users[0], c.ID, st, c.Version)
			if tc.ok != (err == nil) {
				t.Fatalf("fine %d under %s: %v", tc.fine, tc.article, err)
			}
			if err != nil {
				var de *domain.Error
				if !errors.As(err, &de) || !strings.HasPrefix(de.Message, "case.error.fine_") || de.Fields["fine"] != "fine_range" {
					t.Fatalf("refused with %v", err)
				}
				return
			}
			// The decision is checked again.
			c = f.advance(t, mustCase(t, f, c.ID), "reviewed")
			st = stepInput("decided")
			a, _ := enforcement.ArticleOf(tc.article)
			st.Penalties = []domain.Penalty{{Article: tc.article, Fine: a.MaxFine + 1}}
			if _, err := f.svc.TakeStep(ctx, domain.Actor{}, f.users[0], c.ID, st, c.Version); domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("a decision above the range: %v", err)
			}
		})
	}
}

func mustCase(t *testing.T, f *caseFixture, id int64) *domain.Case {
	t.Helper()
	v, err := f.svc.Case(context.Background(), f.sup, id)
	if err != nil {
		t.Fatal(err)
	}
	return v.Case
}

// TestPenaltyMustFitTheArticle: a penalty the article does not provide, or
// under an article the case does not cite, is refused.
func TestPenaltyMustFitTheArticle(t *testing.T) {
	f := caseSetup(t)
	c := f.advance(t, f.open(t), "investigated")
	for name, ps := range map[string][]domain.Penalty{
		"not cited":       {{Article: "RDM-39", Fine: 100}},
		"unknown":         {{Article: "XX-1", Fine: 100}},
		"no revocation":   {{Article: "RDM-41", Revoke: true}},
		"article twice":   {{Article: "RDM-41", Fine: 100}, {Article: "RDM-41", Warning: true}},
		"no penalty line": nil,
	} {
		st := stepInput("notified")
		st.Penalties = ps
		if _, err := f.svc.TakeStep(context.Background(), domain.Actor{}, f.users[0], c.ID, st, c.Version); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestReviewerIndependence: neither handler, nor whoever took the
// investigated or notified step, may review; another supervisor may.
func TestReviewerIndependence(t *testing.T) {
	f := caseSetup(t)
	ctx := context.Background()
	c := f.advance(t, f.open(t), "notified")
	for _, u := range f.users[:2] {
		_, err := f.svc.TakeStep(ctx, domain.Actor{}, u, c.ID, stepInput("reviewed"), c.Version)
		var de *domain.Error
		if !errors.As(err, &de) || de.Message != "case.error.reviewer_handled" {
			t.Errorf("handler %s reviewed: %v", u.Username, err)
		}
		v, err := f.svc.Case(ctx, u, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.MayStep {
			t.Errorf("the case page offers the review to handler %s", u.Username)
		}
	}
	// A third supervisor who took the notified step handled it too.
	c2 := f.advance(t, f.open(t), "investigated")
	c2, err := f.svc.TakeStep(ctx, domain.Actor{}, f.users[2], c2.ID, stepInput("notified"), c2.Version)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.TakeStep(ctx, domain.Actor{}, f.users[2], c2.ID, stepInput("reviewed"), c2.Version); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("the notifier reviewed: %v", err)
	}
	v, err := f.svc.Case(ctx, f.users[2], c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !v.MayStep {
		t.Error("the case page does not offer the review to the independent supervisor")
	}
	if _, err := f.svc.TakeStep(ctx, domain.Actor{}, f.users[2], c.ID, stepInput("reviewed"), c.Version); err != nil {
		t.Errorf("the independent supervisor's review: %v", err)
	}
}

// TestDecidedCaseIsLocked: after the decision the content cannot change,
// neither through the service nor directly in the database.
func TestDecidedCaseIsLocked(t *testing.T) {
	f := caseSetup(t)
	ctx := context.Background()
	c := f.open(t)
	if _, err := f.svc.EditCase(ctx, domain.Actor{}, f.sup, c.ID, enforcement.CaseEdit{Cause: "新案由", Facts: "新事实",
		Articles: []string{"RDM-41"}}, c.Version); err != nil {
		t.Fatalf("editing an opened case: %v", err)
	}
	c = f.advance(t, mustCase(t, f, c.ID), "notified")
	if _, err := f.svc.EditCase(ctx, domain.Actor{}, f.sup, c.ID, enforcement.CaseEdit{Cause: "x", Facts: "y",
		Articles: []string{"RDM-41"}}, c.Version); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("editing a notified case: %v", err)
	}
	c = f.advance(t, c, "decided")
	_, err := f.svc.EditCase(ctx, domain.Actor{}, f.sup, c.ID, enforcement.CaseEdit{Cause: "x", Facts: "y", Articles: []string{"RDM-41"}}, c.Version)
	var de *domain.Error
	if !errors.As(err, &de) || de.Message != "case.error.locked" {
		t.Errorf("editing a decided case: %v", err)
	}
	err = f.s.WithTx(ctx, domain.System, func(tx *store.Tx) error {
		c.Penalties = []domain.Penalty{{Article: "RDM-41", Fine: 1}}
		return tx.UpdateCase(c, c.Version, domain.AuditUpdate)
	})
	if !errors.As(err, &de) || de.Message != "case.error.locked" {
		t.Errorf("the database let a decided case's penalty change: %v", err)
	}
	// The later steps still go on.
	f.advance(t, mustCase(t, f, c.ID), "closed")
}

// TestOpenCaseChecksItsInput: wrong source, unknown article, a finding of
// another institution, a handler twice, a handler who is not an inspector.
func TestOpenCaseChecksItsInput(t *testing.T) {
	f := caseSetup(t)
	ctx := context.Background()
	good := enforcement.NewCase{Source: "findings", InstitutionID: f.insts[0].ID, FindingIDs: f.findings[:1], Cause: "案由",
		Facts: "事实", Articles: []string{"RDM-41"}, Handlers: [2]string{f.users[0].Username, f.users[1].Username}}
	for name, mod := range map[string]func(*enforcement.NewCase){
		"source":           func(n *enforcement.NewCase) { n.Source = "rumour" },
		"article":          func(n *enforcement.NewCase) { n.Articles = []string{"第九十九条"} },
		"no article":       func(n *enforcement.NewCase) { n.Articles = nil },
		"other finding":    func(n *enforcement.NewCase) { n.InstitutionID = f.insts[1].ID },
		"same handler":     func(n *enforcement.NewCase) { n.Handlers[1] = n.Handlers[0] },
		"not an inspector": func(n *enforcement.NewCase) { n.Handlers[1] = "nobody" },
		"control":          func(n *enforcement.NewCase) { n.Cause = "案\x00由" },
		"long facts":       func(n *enforcement.NewCase) { n.Facts = strings.Repeat("事", 4001) },
		"unsigned inspection": func(n *enforcement.NewCase) {
			n.Source, n.InspectionID = "inspection", adhoc(t, f.fixture).ID
		},
	} {
		in := good
		in.Handlers = good.Handlers
		mod(&in)
		if _, err := f.svc.OpenCase(ctx, domain.Actor{}, f.sup, in); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestPublicSummaryHasNoPerson: the decision's public sentence may carry
// neither an ID number nor the name of one of the institution's people.
func TestPublicSummaryHasNoPerson(t *testing.T) {
	f := caseSetup(t)
	c := f.advance(t, f.open(t), "reviewed")
	for _, s := range []string{"放射工作人员欧阳明辉未佩戴个人剂量计", "工作人员身份证号41010219900101123X未办证", "多行\n摘要"} {
		st := stepInput("decided")
		st.Summary = s
		if _, err := f.svc.TakeStep(context.Background(), domain.Actor{}, f.users[0], c.ID, st, c.Version); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("summary %q: %v", s, err)
		}
	}
	c = f.advance(t, c, "decided")
	ps, err := f.svc.PublicPenalties(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Penalty != "警告，罚款人民币3000元" || ps[0].Articles[0] != "《放射诊疗管理规定》第四十一条" {
		t.Errorf("public penalties %+v", ps)
	}
}

// TestCaseScopeAndPermissions: an institution user sees only its own
// institution's decided cases; only supervisors change cases.
func TestCaseScopeAndPermissions(t *testing.T) {
	f := caseSetup(t)
	ctx := context.Background()
	open, decided := f.open(t), f.advance(t, f.open(t), "decided")
	var own, other, viewer *domain.User
	err := f.s.WithTx(ctx, domain.System, func(tx *store.Tx) error {
		own = storetest.User(t, tx, domain.RoleInstitution, f.insts[0].ID)
		other = storetest.User(t, tx, domain.RoleInstitution, f.insts[1].ID)
		viewer = storetest.User(t, tx, domain.RoleViewer, 0)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Case(ctx, own, decided.ID); err != nil {
		t.Errorf("own decided case: %v", err)
	}
	if _, err := f.svc.Case(ctx, own, open.ID); !store.IsNotFound(err) {
		t.Errorf("own undecided case: %v", err)
	}
	if _, err := f.svc.Case(ctx, other, decided.ID); !store.IsNotFound(err) {
		t.Errorf("another institution's case: %v", err)
	}
	list, err := f.svc.Cases(ctx, own, enforcement.CaseList{})
	if err != nil || len(list) != 1 || list[0].ID != decided.ID {
		t.Errorf("own list %v %v", list, err)
	}
	for _, u := range []*domain.User{own, viewer} {
		if _, err := f.svc.TakeStep(ctx, domain.Actor{}, u, open.ID, stepInput("investigated"), open.Version); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("%s took a step: %v", u.Role, err)
		}
		if _, err := f.svc.OpenCase(ctx, domain.Actor{}, u, enforcement.NewCase{}); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("%s opened a case: %v", u.Role, err)
		}
	}
}

// TestReportCardDeadlines: the first report is due 5 days after served,
// the second 5 days after closed; both are on the to-do list until
// recorded, overdue once past; a case without a penalty reports once.
func TestReportCardDeadlines(t *testing.T) {
	f := caseSetup(t)
	ctx := context.Background()
	c := f.advance(t, f.open(t), "served")
	if got := c.Report1Due(); got != domain.MustDate("2026-12-10") {
		t.Fatalf("first report due %s", got)
	}
	tasks, err := f.svc.CaseTasks(ctx, f.sup)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) < 1 || tasks[0].Report != 1 || tasks[0].Overdue {
		t.Fatalf("tasks %+v", tasks)
	}
	f.svc.Today = func() domain.Date { return domain.MustDate("2026-12-11") }
	tasks, _ = f.svc.CaseTasks(ctx, f.sup)
	if !tasks[0].Overdue {
		t.Error("a report past its deadline is not overdue")
	}
	if _, err := f.svc.ReportCard(ctx, domain.Actor{}, f.sup, c.ID, 2, domain.Date{}, c.Version); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("second report before closing: %v", err)
	}
	c, err = f.svc.ReportCard(ctx, domain.Actor{}, f.sup, c.ID, 1, domain.Date{}, c.Version)
	if err != nil {
		t.Fatal(err)
	}
	c = f.advance(t, c, "closed")
	if c.Report2Due() != domain.MustDate("2026-12-10") {
		t.Errorf("second report due %s", c.Report2Due())
	}
	tasks, _ = f.svc.CaseTasks(ctx, f.sup)
	if len(tasks) != 1 || tasks[0].Report != 2 {
		t.Errorf("tasks after closing %+v", tasks)
	}
	// Without a penalty: no first report.
	none := &domain.Case{ServedOn: domain.MustDate("2026-12-01"), Penalties: []domain.Penalty{{Article: "RDM-41"}}}
	if !none.Report1Due().IsZero() {
		t.Error("a case without penalty has a first report")
	}
}
