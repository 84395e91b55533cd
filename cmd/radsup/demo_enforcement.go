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
	if _, err := svc.Draw(ctx, actor, sup, drawn.ID, drawn.Version, demoSeed); err != nil {
		return fmt.Errorf("demo draw: %w", err)
	}
	special := &domain.Plan{Year: today.Year(), Name: fmt.Sprintf("%d年度核医学专项检查", today.Year()), Type: "special",
		Category: "nuclear_medicine", Ratio: 1, SeedSHA256: draw.Commitment("演示：尚未公布的种子"),
		SeedSource: "专项检查前一日福利彩票3D开奖号码（演示）"}
	return svc.CreatePlan(ctx, actor, sup, special)
}
