package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"radsup/internal/accounts"
	"radsup/internal/auth"
	"radsup/internal/config"
	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/i18n"
	"radsup/internal/store"
)

// runDemo loads demo data of the configured scale into an empty database.
func runDemo(ctx context.Context, cfg config.Config, out io.Writer) error {
	scale, ok := demo.ScaleByName(cfg.Scale)
	if !ok {
		return fmt.Errorf("unknown scale %q (want district or province)", cfg.Scale)
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := demo.Institutions(ctx, s)
	if err != nil {
		return err
	}
	if n > 0 {
		return errors.New(i18n.T(cfg.Lang, "cli.demo.not_empty", n))
	}
	start, asOf := time.Now(), domain.DateOf(time.Now())
	counts, err := demo.Load(ctx, s, scale, cfg.Seed, asOf)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, i18n.T(cfg.Lang, "cli.demo.loaded", i18n.T(cfg.Lang, "cli.demo.scale."+scale.Name), cfg.Seed,
		countsText(cfg.Lang, counts), time.Since(start).Round(time.Millisecond)))
	if err := screenLoadedDemo(ctx, s, asOf); err != nil {
		return err
	}
	return demoAccounts(ctx, s, cfg.Lang, asOf, out)
}

// screenLoadedDemo runs the day's full screening over freshly loaded demo data, so
// that the findings and to-do lists are there at the first login rather
// than after the next daily run (which then finds the day done).
func screenLoadedDemo(ctx context.Context, s *store.Store, asOf domain.Date) error {
	if _, err := (&findings.Service{Store: s}).RunFull(ctx, asOf); err != nil {
		return fmt.Errorf("demo screening: %w", err)
	}
	return nil
}

// countsText tells what a demo load generated, in lang.
func countsText(lang string, c demo.Counts) string {
	return i18n.T(lang, "cli.demo.counts", c.Institutions, c.Licences, c.People, c.Employments, c.Trainings, c.Exams,
		c.Doses, c.Equipment, c.Tests)
}

// demoAccount is an account the demo makes for one role.
type demoAccount struct {
	username, name, role string
}

var demoAccountList = []demoAccount{
	{"jiandu", "张监督（演示）", domain.RoleSupervisor},
	{"jiandu2", "李执法（演示）", domain.RoleSupervisor}, // a second inspector: on-site acts need two
	{"fazhi", "王法制（演示）", domain.RoleSupervisor},   // the legal reviewer of cases: not one of their handlers
	{"jigou", "演示机构用户", domain.RoleInstitution},
	{"chakan", "市级查看（演示）", domain.RoleViewer},
	{"anquan", "安全管理员（演示）", domain.RoleSecurity},
	{"shenji", "审计管理员（演示）", domain.RoleAuditor},
}

// demoAccounts gives the demo one account per working role, each with a
// one-time password printed here, and a policy that does not insist on a
// second factor (a visitor may have no authenticator app at hand; a real
// installation keeps the default, which does). The institution user belongs
// to the demo institution with the most to rectify as of asOf.
func demoAccounts(ctx context.Context, s *store.Store, lang string, asOf domain.Date, out io.Writer) error {
	svc := &accounts.Service{Store: s}
	instID, err := demo.AccountInstitution(ctx, s, asOf)
	if err != nil {
		return err
	}
	actor := domain.Actor{Username: "demo"}
	pol := auth.DefaultPolicy()
	pol.TwoFactorRoles = nil
	if err := svc.SetPolicy(ctx, actor, accounts.Console(domain.RoleSecurity), pol); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%s\n", i18n.T(lang, "cli.demo.accounts"))
	rows := [][]string{{i18n.T(lang, "cli.demo.col.username"), i18n.T(lang, "cli.demo.col.role"), i18n.T(lang, "cli.demo.col.password")}}
	for _, a := range demoAccountList {
		u := &domain.User{Username: a.username, DisplayName: a.name, Role: a.role}
		if a.role == domain.RoleInstitution {
			if instID == 0 {
				continue
			}
			u.InstitutionID = instID
		}
		password := auth.RandomPassword(16)
		if err := svc.AddUser(ctx, actor, accounts.Console(domain.RoleAdmin), u, password); err != nil {
			return fmt.Errorf("demo account %s: %w", a.username, err)
		}
		rows = append(rows, []string{a.username, roleLabel(lang, a.role), password})
	}
	if instID != 0 { // a demo district to inspect
		if err := demoEnforcement(ctx, s, asOf); err != nil {
			return err
		}
	}
	return writeColumns(out, rows)
}

// roleLabel names a role in lang for the console.
func roleLabel(lang, role string) string { return i18n.T(lang, "role."+role) }
