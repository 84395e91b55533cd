package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/store"
)

// demoCaseStates are the states of the demo cases: one case in each, the
// institution with the most open violations first (the demo institution
// user's, which so sees a served decision with its first report overdue).
var demoCaseStates = []string{"served", "closed", "executed", "decided", "reviewed", "notified", "investigated", "opened"}

// demoCaseDays is how many days before today each step was taken, so that
// the report deadlines fall where a demo shows them: the served case's
// first report overdue, the closed case's second report overdue.
var demoCaseDays = map[string]int{"opened": 40, "investigated": 30, "notified": 25, "reviewed": 20, "decided": 18,
	"served": 15, "executed": 8, "closed": 7}

// demoArticle is the article a case about a finding's rule cites, its cause
// and the penalty the demo decides.
func demoArticle(rule string) (article, cause string, p domain.Penalty) {
	switch {
	case strings.HasPrefix(rule, "INS-LICENCE"):
		return "RDM-38", "未按照规定进行放射诊疗许可校验", domain.Penalty{Article: "RDM-38", Warning: true, Fine: 2000}
	case rule == "PER-PERMIT-MISSING":
		return "RWH-39", "未给从事放射工作的人员办理《放射工作人员证》", domain.Penalty{Article: "RWH-39", Warning: true, Fine: 5000}
	case strings.HasPrefix(rule, "PER-"):
		return "RDM-41", "未按照规定对放射工作人员进行个人剂量监测、健康检查或建立档案", domain.Penalty{Article: "RDM-41", Warning: true, Fine: 3000}
	}
	return "RDM-41", "未按照规定对放射诊疗设备、工作场所及防护设施进行检测和检查", domain.Penalty{Article: "RDM-41", Warning: true, Fine: 3000}
}

// demoCases opens one case in each state of the procedure against the
// institutions with open violations, handled by the first two demo
// supervisors and reviewed by the third.
func demoCases(ctx context.Context, s *store.Store, svc *enforcement.Service, today domain.Date) error {
	var fs []*domain.Finding
	err := s.View(ctx, func(tx *store.Tx) error {
		page, err := tx.FindFindings(domain.Scope{}, store.FindingFilter{Status: domain.FindingOpen, Severity: domain.Violation})
		if page != nil {
			fs = page.Findings
		}
		return err
	})
	if err != nil {
		return err
	}
	byInst := map[int64][]*domain.Finding{}
	for _, f := range fs {
		if f.InstitutionID != 0 {
			byInst[f.InstitutionID] = append(byInst[f.InstitutionID], f)
		}
	}
	insts := make([]int64, 0, len(byInst))
	for id := range byInst {
		insts = append(insts, id)
	}
	slices.SortFunc(insts, func(a, b int64) int { return cmp.Or(cmp.Compare(len(byInst[b]), len(byInst[a])), cmp.Compare(a, b)) })
	var team [3]*domain.User
	for i, name := range []string{"jiandu", "jiandu2", "fazhi"} {
		in, err := inspectorNamed(ctx, svc, name)
		if err != nil {
			return err
		}
		team[i] = &domain.User{ID: in.UserID, Username: in.Username, DisplayName: in.DisplayName, Role: domain.RoleSupervisor}
	}
	for i, state := range demoCaseStates {
		if i >= len(insts) {
			break
		}
		if err := demoCase(ctx, svc, team, byInst[insts[i]], state, today); err != nil {
			return fmt.Errorf("demo case %s: %w", state, err)
		}
	}
	return nil
}

func demoCase(ctx context.Context, svc *enforcement.Service, team [3]*domain.User, fs []*domain.Finding, state string, today domain.Date) error {
	article, cause, penalty := demoArticle(fs[0].Rule)
	var ids, rules []string
	var findingIDs []int64
	for _, f := range fs {
		if a, _, _ := demoArticle(f.Rule); a != article || len(findingIDs) == 5 {
			continue
		}
		findingIDs = append(findingIDs, f.ID)
		ids = append(ids, fmt.Sprint(f.ID))
		if !slices.Contains(rules, f.Rule) {
			rules = append(rules, f.Rule)
		}
	}
	day := func(state string) domain.Date { return today.AddDate(0, 0, -demoCaseDays[state]) }
	as := func(u *domain.User) domain.Actor { return domain.Actor{UserID: u.ID, Username: u.Username} }
	c, err := svc.OpenCase(ctx, as(team[0]), team[0], enforcement.NewCase{Source: "findings", InstitutionID: fs[0].InstitutionID,
		FindingIDs: findingIDs, Cause: cause, Articles: []string{article}, Handlers: [2]string{team[0].Username, team[1].Username},
		Facts: fmt.Sprintf("经查，该单位%s：登记系统初筛问题 %s（规则 %s），经现场核实属实（演示）。", cause, strings.Join(ids, "、"),
			strings.Join(rules, "、")),
		OpenedOn: day("opened")})
	if err != nil {
		return err
	}
	notes := map[string]string{"investigated": "违法事实清楚，证据确凿，建议给予行政处罚（演示）。",
		"notified": "已送达行政处罚事先告知书，当事人未提出陈述、申辩（演示）。", "reviewed": "事实清楚，证据确凿，适用依据正确，程序合法，处罚适当（演示）。",
		"served": "直接送达（演示）", "executed": "当事人已按期缴纳罚款（演示）。", "closed": "案件办结（演示）。"}
	for c.State != state {
		next, u := domain.CaseNext(c.State), team[0]
		if next == "reviewed" {
			u = team[2]
		}
		st := enforcement.Step{To: next, On: day(next), Note: notes[next], Penalties: []domain.Penalty{penalty},
			Summary: "该单位" + cause}
		if c, err = svc.TakeStep(ctx, as(u), u, c.ID, st, c.Version); err != nil {
			return err
		}
		if next == "executed" { // the first report made in time
			if c, err = svc.ReportCard(ctx, as(team[0]), team[0], c.ID, 1, day("served").AddDate(0, 0, 3), c.Version); err != nil {
				return err
			}
		}
	}
	return nil
}
