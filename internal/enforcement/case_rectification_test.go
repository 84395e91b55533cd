package enforcement_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/enforcement"
)

func errMessage(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return ""
}

// TestCaseFromOverdueRectification: a rectification leads to a case only
// once its deadline has passed while not closed, and only once; the case
// takes its institution and its findings; a case opened from it shows on
// it.
func TestCaseFromOverdueRectification(t *testing.T) {
	f := caseSetup(t)
	ctx := context.Background()
	r, err := f.svc.CreateRectification(ctx, domain.Actor{}, f.sup, enforcement.NewRectification{FindingIDs: f.findings[:2], Days: 10})
	if err != nil {
		t.Fatal(err)
	}
	in := enforcement.NewCase{Source: "rectification", RectificationID: r.ID, Cause: "逾期未改正",
		Facts: "该院未在责令改正期限内完成改正。", Articles: []string{"RDM-41"},
		Handlers: [2]string{f.users[0].Username, f.users[1].Username}}
	if _, err := f.svc.OpenCase(ctx, domain.Actor{}, f.users[0], in); errMessage(err) != "case.error.rectification_not_due" {
		t.Fatalf("before the deadline: %v", err)
	}
	// The deadline is 2026-12-15: on that day the order still runs.
	onDeadline := &enforcement.Service{Store: f.s, Today: func() domain.Date { return domain.MustDate("2026-12-15") }}
	if _, err := onDeadline.OpenCase(ctx, domain.Actor{}, f.users[0], in); errMessage(err) != "case.error.rectification_not_due" {
		t.Fatalf("on the deadline: %v", err)
	}
	late := &enforcement.Service{Store: f.s, Today: func() domain.Date { return domain.MustDate("2026-12-16") }}
	own, _ := instUsers(t, f.fixture)
	if _, err := late.OpenCase(ctx, domain.Actor{}, own, in); err != auth.ErrForbidden {
		t.Fatalf("an institution user opens a case: %v", err)
	}
	bad := in
	bad.RectificationID = r.ID + 1000
	if _, err := late.OpenCase(ctx, domain.Actor{}, f.users[0], bad); code(err) != domain.EINVALID {
		t.Fatalf("no such rectification: %v", err)
	}
	bad = in
	bad.InstitutionID = f.insts[1].ID
	if _, err := late.OpenCase(ctx, domain.Actor{}, f.users[0], bad); code(err) != domain.EINVALID {
		t.Fatalf("another institution than the rectification's: %v", err)
	}
	c, err := late.OpenCase(ctx, domain.Actor{}, f.users[0], in)
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != "rectification" || c.RectificationID != r.ID || c.InstitutionID != f.insts[0].ID ||
		!slices.Equal(c.FindingIDs, f.findings[:2]) || c.State != "opened" {
		t.Fatalf("case from the rectification: %+v", c)
	}
	if _, err := late.OpenCase(ctx, domain.Actor{}, f.users[0], in); errMessage(err) != "case.error.rectification_has_case" {
		t.Fatalf("a second case from the same rectification: %v", err)
	}
	if id, state, err := late.RectificationCase(ctx, f.sup, r.ID); err != nil || id != c.ID || state != "opened" {
		t.Fatalf("the rectification's case: %d %s %v", id, state, err)
	}
	// The institution sees the case only once decided.
	if id, _, err := late.RectificationCase(ctx, own, r.ID); err != nil || id != 0 {
		t.Fatalf("the institution sees the undecided case: %d %v", id, err)
	}
}

// TestCaseFromClosedRectificationRefused: a rectification closed (the
// correction made) leads to no case.
func TestCaseFromClosedRectificationRefused(t *testing.T) {
	f := caseSetup(t)
	ctx := context.Background()
	r, err := f.svc.CreateRectification(ctx, domain.Actor{}, f.sup, enforcement.NewRectification{FindingIDs: f.findings[:1], Days: 10})
	if err != nil {
		t.Fatal(err)
	}
	resolve(t, f.fixture, f.findings[0])
	own, _ := instUsers(t, f.fixture)
	if r, err = f.svc.Respond(ctx, domain.Actor{}, own, r.ID, "已完成改正", r.Version); err != nil {
		t.Fatal(err)
	}
	if _, err = f.svc.CloseRectification(ctx, domain.Actor{}, f.sup, r.ID, "复核已改正", r.Version); err != nil {
		t.Fatal(err)
	}
	late := &enforcement.Service{Store: f.s, Today: func() domain.Date { return domain.MustDate("2027-01-30") }}
	_, err = late.OpenCase(ctx, domain.Actor{}, f.users[0], enforcement.NewCase{Source: "rectification", RectificationID: r.ID,
		Cause: "逾期未改正", Facts: "未改正。", Articles: []string{"RDM-41"},
		Handlers: [2]string{f.users[0].Username, f.users[1].Username}, OpenedOn: domain.MustDate("2027-01-30")})
	if errMessage(err) != "case.error.rectification_closed" {
		t.Fatalf("a closed rectification: %v", err)
	}
}

// TestHeavierPenaltyNeedsNewNotice: the decision may not be heavier than
// what the party was notified of (《行政处罚法》第四十四条、第四十五条): the
// notified fine is accepted, one yuan more is refused, as is a penalty
// under an article nothing was notified under; after a new notice and a
// new review the heavier penalty is decided.
func TestHeavierPenaltyNeedsNewNotice(t *testing.T) {
	f := caseSetup(t)
	ctx := context.Background()
	decide := func(c *domain.Case, ps ...domain.Penalty) (*domain.Case, error) {
		st := stepInput("decided")
		st.Penalties = ps
		return f.svc.TakeStep(ctx, domain.Actor{}, f.users[0], c.ID, st, c.Version)
	}
	// Notified: 警告 and 3000 元 under 第四十一条.
	atBound := f.advance(t, f.open(t), "reviewed")
	if _, err := decide(atBound, domain.Penalty{Article: "RDM-41", Warning: true, Fine: 3000}); err != nil {
		t.Fatalf("the notified penalty: %v", err)
	}
	lighter := f.advance(t, f.open(t), "reviewed")
	if _, err := decide(lighter, domain.Penalty{Article: "RDM-41", Warning: true, Fine: 2000}); err != nil {
		t.Fatalf("a lighter penalty: %v", err)
	}
	c := f.advance(t, f.open(t), "reviewed")
	for _, ps := range [][]domain.Penalty{
		{{Article: "RDM-41", Warning: true, Fine: 3001}},
		{{Article: "RDM-41", Warning: true, Fine: 3000}, {Article: "RDM-38", Warning: true}},
		{{Article: "RDM-41", Warning: true, Fine: 3000}, {Article: "RDM-38", Revoke: true}},
	} {
		if _, err := decide(c, ps...); errMessage(err) != "case.error.heavier_than_notified" || code(err) != domain.ECONFLICT {
			t.Fatalf("decided %+v: %v", ps, err)
		}
	}
	// A new notice of 5000 元: the review starts again.
	st := stepInput("notified")
	st.Penalties = []domain.Penalty{{Article: "RDM-41", Warning: true, Fine: 5000}}
	c, err := f.svc.TakeStep(ctx, domain.Actor{}, f.users[0], c.ID, st, c.Version)
	if err != nil {
		t.Fatalf("notified again: %v", err)
	}
	if c.State != "notified" || c.Reviewer != "" || c.Penalties[0].Fine != 5000 {
		t.Fatalf("after the new notice: %+v", c)
	}
	if _, err := decide(c, domain.Penalty{Article: "RDM-41", Warning: true, Fine: 5000}); errMessage(err) != "case.error.no_review" {
		t.Fatalf("decided without the new review: %v", err)
	}
	c = f.advance(t, c, "reviewed")
	if _, err := decide(c, domain.Penalty{Article: "RDM-41", Warning: true, Fine: 5001}); errMessage(err) != "case.error.heavier_than_notified" {
		t.Fatalf("above the new notice: %v", err)
	}
	c, err = decide(c, domain.Penalty{Article: "RDM-41", Warning: true, Fine: 5000})
	if err != nil || c.TotalFine() != 5000 {
		t.Fatalf("decided at the new notice: %v", err)
	}
	steps, err := f.svc.Case(ctx, f.sup, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var renotified bool
	for _, s := range steps.Steps {
		renotified = renotified || s.From == "reviewed" && s.To == "notified"
	}
	if !renotified {
		t.Fatalf("the new notice is not among the steps: %+v", steps.Steps)
	}
}
