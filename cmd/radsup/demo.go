package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"radsup/internal/accounts"
	"radsup/internal/auth"
	"radsup/internal/config"
	"radsup/internal/demo"
	"radsup/internal/domain"
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
		return fmt.Errorf("the database already holds %d institutions; demo data goes only into an empty database", n)
	}
	start := time.Now()
	counts, err := demo.Load(ctx, s, scale, cfg.Seed, domain.DateOf(time.Now()))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "loaded %s demo data (seed %d): %s in %s\n", scale.Name, cfg.Seed, counts, time.Since(start).Round(time.Millisecond))
	return demoAccounts(ctx, s, out)
}

// demoAccount is an account the demo makes for one role.
type demoAccount struct {
	username, name, role string
}

var demoAccountList = []demoAccount{
	{"jiandu", "张监督（演示）", domain.RoleSupervisor},
	{"jigou", "演示机构用户", domain.RoleInstitution},
	{"chakan", "市级查看（演示）", domain.RoleViewer},
	{"anquan", "安全管理员（演示）", domain.RoleSecurity},
	{"shenji", "审计管理员（演示）", domain.RoleAuditor},
}

// demoAccounts gives the demo one account per working role, each with a
// one-time password printed here, and a policy that does not insist on a
// second factor (a visitor may have no authenticator app at hand; a real
// installation keeps the default, which does). The institution user belongs
// to the first demo institution.
func demoAccounts(ctx context.Context, s *store.Store, out io.Writer) error {
	svc := &accounts.Service{Store: s}
	instID, err := demo.AccountInstitution(ctx, s)
	if err != nil {
		return err
	}
	actor := domain.Actor{Username: "demo"}
	pol := auth.DefaultPolicy()
	pol.TwoFactorRoles = nil
	if err := svc.SetPolicy(ctx, actor, accounts.Console(domain.RoleSecurity), pol); err != nil {
		return err
	}
	fmt.Fprintln(out, "\n演示账号（初始密码仅显示一次，首次登录须修改；演示模式不强制两步验证）/ demo accounts (passwords shown once; change at first login; two-step verification not required in the demo):")
	rows := [][]string{{"用户名", "角色", "初始密码"}}
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
		rows = append(rows, []string{a.username, roleLabel(a.role), password})
	}
	return writeColumns(out, rows)
}

// roleLabel names a role in Chinese for the console.
func roleLabel(role string) string {
	return map[string]string{domain.RoleAdmin: "系统管理员", domain.RoleSecurity: "安全管理员", domain.RoleAuditor: "审计管理员",
		domain.RoleSupervisor: "监督员", domain.RoleInstitution: "机构用户", domain.RoleViewer: "只读用户"}[role]
}
