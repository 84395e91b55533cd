package main

import (
	"context"
	"fmt"

	"radsup/internal/accounts"
	"radsup/internal/domain"
	"radsup/internal/draw"
	"radsup/internal/enforcement"
	"radsup/internal/store"
)

// The demo's draw seed: published with the drawn plan, as a real one is.
const demoSeed = "演示种子：2026年1月8日抽取会议现场宣读"

// demoEnforcement makes the demo supervisors inspectors and gives the demo
// district this year's random-inspection plan, drawn and frozen, and a
// special-inspection plan published but not yet drawn. The register has
// been screened (screenLoadedDemo), so the draw's risk weights count open
// violations.
func demoEnforcement(ctx context.Context, s *store.Store, today domain.Date) error {
	svc := &enforcement.Service{Store: s, Today: func() domain.Date { return today }}
	sup := accounts.Console(domain.RoleSupervisor)
	actor := domain.Actor{Username: "demo"}
	ins, err := svc.Inspectors(ctx, sup)
	if err != nil {
		return err
	}
	for i, in := range ins {
		in.CertNo, in.Active = fmt.Sprintf("豫卫执字（中原）第%04d号", 101+i), true
		if err := svc.SetInspector(ctx, actor, sup, in, nil, 0); err != nil {
			return fmt.Errorf("demo inspector %s: %w", in.Username, err)
		}
	}
	drawn := &domain.Plan{Year: today.Year(), Name: fmt.Sprintf("%d年度放射卫生双随机抽查", today.Year()), Type: "random",
		Ratio: 0.1, Weighted: true, SeedSHA256: draw.Commitment(demoSeed), SeedSource: "抽取会议现场宣读的短语（演示）"}
	if err := svc.CreatePlan(ctx, actor, sup, drawn); err != nil {
		return err
	}
	v, err := svc.Draw(ctx, actor, sup, drawn.ID, drawn.Version, demoSeed)
	if err != nil {
		return fmt.Errorf("demo draw: %w", err)
	}
	if err := demoInspections(ctx, svc, v, today); err != nil {
		return fmt.Errorf("demo inspections: %w", err)
	}
	if err := demoRectifications(ctx, s, svc, today); err != nil {
		return fmt.Errorf("demo rectifications: %w", err)
	}
	special := &domain.Plan{Year: today.Year(), Name: fmt.Sprintf("%d年度核医学专项检查", today.Year()), Type: "special",
		Category: "nuclear_medicine", Ratio: 1, SeedSHA256: draw.Commitment("演示：尚未公布的种子"),
		SeedSource: "专项检查前一日福利彩票3D开奖号码（演示）"}
	if err := svc.CreatePlan(ctx, actor, sup, special); err != nil {
		return err
	}
	return demoCases(ctx, s, svc, today)
}

// demoInspections inspects the first two drawn units: the first signed by
// both inspectors (one item 不符合, outcome 责令改正), the second begun and
// not signed.
func demoInspections(ctx context.Context, svc *enforcement.Service, v *enforcement.PlanView, today domain.Date) error {
	for i, un := range v.Units {
		if i == 2 {
			break
		}
		if len(un.Inspectors) != 2 {
			continue
		}
		team := [2]*domain.User{}
		for j, name := range un.Inspectors {
			in, err := inspectorNamed(ctx, svc, name)
			if err != nil {
				return err
			}
			team[j] = &domain.User{ID: in.UserID, Username: in.Username, DisplayName: in.DisplayName, Role: domain.RoleSupervisor}
		}
		act := domain.Actor{UserID: team[0].ID, Username: team[0].Username}
		x, err := svc.CreateInspection(ctx, act, team[0], enforcement.NewInspection{PlanID: un.PlanID, PlanOrder: un.Order, Date: today})
		if err != nil {
			return err
		}
		iv, err := svc.Inspection(ctx, team[0], x.ID)
		if err != nil {
			return err
		}
		for k, it := range iv.Items {
			if it.Row.Result != "unchecked" || i == 1 && k > 5 {
				continue
			}
			result, note := "compliant", ""
			if it.Code == "JC-15" {
				result, note = "noncompliant", "CT室未配备受检者铅围脖（演示）"
			}
			if _, err := svc.SaveItem(ctx, act, team[0], x.ID, it.Code, result, note, it.Row.Version); err != nil {
				return err
			}
		}
		if i == 1 {
			continue
		}
		cur, err := svc.SetOutcome(ctx, act, team[0], x.ID, enforcement.Outcome{Date: x.Date, Place: x.Place, Outcome: "rectify"}, currentVersion(ctx, svc, team[0], x.ID))
		if err != nil {
			return err
		}
		for _, u := range team {
			if cur, err = svc.Sign(ctx, domain.Actor{UserID: u.ID, Username: u.Username}, u, x.ID, cur.Version); err != nil {
				return err
			}
		}
	}
	return nil
}

func inspectorNamed(ctx context.Context, svc *enforcement.Service, name string) (*domain.Inspector, error) {
	ins, err := svc.Inspectors(ctx, accounts.Console(domain.RoleSupervisor))
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		if in.Username == name {
			return in, nil
		}
	}
	return nil, fmt.Errorf("no inspector %s", name)
}

func currentVersion(ctx context.Context, svc *enforcement.Service, u *domain.User, id int64) int {
	v, err := svc.Inspection(ctx, u, id)
	if err != nil {
		return 0
	}
	return v.Inspection.Version
}
