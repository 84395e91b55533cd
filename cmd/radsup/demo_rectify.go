package main

import (
	"context"
	"fmt"

	"radsup/internal/accounts"
	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/store"
)

// demoPDF is the demo's evidence file: a PDF by its content.
var demoPDF = []byte("%PDF-1.4\n% 演示整改证据\n")

// demoRectifications gives the demo one rectification in each condition:
// closed (from the signed inspection's 不符合 item, answered with a photo
// and confirmed), answered and overdue ones of the demo institution user's
// institution (from its open findings), and an open one of another
// institution.
func demoRectifications(ctx context.Context, s *store.Store, svc *enforcement.Service, today domain.Date) error {
	sup := accounts.Console(domain.RoleSupervisor)
	actor := domain.Actor{Username: "demo"}
	own, err := demo.AccountInstitution(ctx, s, today)
	if err != nil || own == 0 {
		return err
	}
	answer := func(r *domain.Rectification, text string) (*domain.Rectification, error) {
		u := &domain.User{Username: "jigou", Role: domain.RoleInstitution, InstitutionID: r.InstitutionID}
		act := domain.Actor{Username: u.Username, Role: u.Role}
		if _, err := svc.AddRectificationFile(ctx, act, u, r.ID, "整改情况报告.pdf", demoPDF); err != nil {
			return nil, err
		}
		return svc.Respond(ctx, act, u, r.ID, text, r.Version)
	}
	signed, err := svc.Inspections(ctx, sup, enforcement.InspectionList{Signed: true, Limit: 1})
	if err != nil {
		return err
	}
	if len(signed) == 1 {
		r, err := svc.CreateRectification(ctx, actor, sup, enforcement.NewRectification{InspectionID: signed[0].ID,
			Opinion: "为CT室配备受检者铅围脖等防护用品并规范使用", Basis: "《放射诊疗管理规定》第四十一条"})
		if err != nil {
			return fmt.Errorf("demo rectification from the inspection: %w", err)
		}
		if r, err = answer(r, "已购置铅围脖、铅帽各2件，张贴使用提示（演示）"); err != nil {
			return err
		}
		if _, err := svc.CloseRectification(ctx, actor, sup, r.ID, "复查现场，防护用品已配备（演示）", r.Version); err != nil {
			return fmt.Errorf("demo rectification closed: %w", err)
		}
	}
	mine, err := openFindings(ctx, s, own, 0)
	if err != nil {
		return err
	}
	if len(mine) >= 2 {
		half := (len(mine) + 1) / 2
		earlier := *svc
		earlier.Today = func() domain.Date { return today.AddDate(0, 0, -45) }
		if _, err := earlier.CreateRectification(ctx, actor, sup, enforcement.NewRectification{FindingIDs: mine[:half],
			Opinion: "限期改正登记信息所示问题（演示：已逾期）"}); err != nil {
			return fmt.Errorf("demo overdue rectification: %w", err)
		}
		r, err := svc.CreateRectification(ctx, actor, sup, enforcement.NewRectification{FindingIDs: mine[half:],
			Opinion: "限期改正登记信息所示问题（演示）"})
		if err != nil {
			return fmt.Errorf("demo answered rectification: %w", err)
		}
		if _, err := answer(r, "已安排检测，报告出具后补录（演示）"); err != nil {
			return err
		}
	}
	others, err := openFindings(ctx, s, 0, own)
	if err != nil || len(others) == 0 {
		return err
	}
	_, err = svc.CreateRectification(ctx, actor, sup, enforcement.NewRectification{FindingIDs: others, Opinion: "限期改正（演示）"})
	return err
}

// openFindings returns up to four open findings about institutions and
// equipment: of the institution inst, or (inst 0) of the first institution
// other than not that has any.
func openFindings(ctx context.Context, s *store.Store, inst, not int64) ([]int64, error) {
	var out []int64
	err := s.View(ctx, func(tx *store.Tx) error {
		for _, subject := range []string{domain.SubjectEquipment, domain.SubjectInstitution} {
			page, err := tx.FindFindings(domain.Scope{}, store.FindingFilter{Status: domain.FindingOpen, InstitutionID: inst,
				SubjectType: subject, Limit: 200})
			if err != nil {
				return err
			}
			for _, f := range page.Findings {
				if f.InstitutionID == 0 || f.InstitutionID == not || len(out) == 4 {
					continue
				}
				if inst == 0 {
					inst = f.InstitutionID
				}
				if f.InstitutionID == inst {
					out = append(out, f.ID)
				}
			}
		}
		return nil
	})
	return out, err
}
