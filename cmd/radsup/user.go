package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"radsup/internal/domain"
	"radsup/internal/registry"

	"radsup/internal/accounts"
	"radsup/internal/auth"
	"radsup/internal/config"
	"radsup/internal/store"
)

var cliActor = domain.Actor{Username: "cli"}

// runUser manages accounts: add, passwd, list, token.
func runUser(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("user: want add, passwd, list, token, unlock or reset-2fa")
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	svc := &accounts.Service{Store: s}
	switch args[0] {
	case "add":
		return userAdd(ctx, svc, args[1:], out)
	case "passwd":
		if len(args) != 2 {
			return fmt.Errorf("usage: radsup user passwd NAME")
		}
		password := auth.RandomPassword(16)
		if err := svc.SetPassword(ctx, cliActor, accounts.Console(domain.RoleAdmin), args[1], password); err != nil {
			return err
		}
		fmt.Fprintf(out, "new password for %s (shown once): %s\n", args[1], password)
		return nil
	case "list":
		return userList(ctx, svc, out)
	case "token":
		return userToken(ctx, svc, args[1:], out)
	case "unlock", "reset-2fa":
		// For the operator on the server when the only administrator is
		// locked out or has lost the phone.
		if len(args) != 2 {
			return fmt.Errorf("usage: radsup user %s NAME", args[0])
		}
		op := accounts.Console(domain.RoleAdmin)
		u, err := svc.UserByName(ctx, op, args[1])
		if err != nil {
			return err
		}
		if args[0] == "unlock" {
			err = svc.Unlock(ctx, cliActor, op, u.ID)
		} else {
			err = svc.ResetTOTP(ctx, cliActor, op, u.ID)
		}
		if err == nil {
			fmt.Fprintf(out, "%s: %s done\n", args[1], args[0])
		}
		return err
	}
	return fmt.Errorf("user: unknown action %q (want add, passwd, list, token, unlock or reset-2fa)", args[0])
}

func userAdd(ctx context.Context, svc *accounts.Service, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(out)
	role := fs.String("role", domain.RoleSupervisor, "supervisor, institution, viewer, admin, security or auditor")
	inst := fs.String("institution", "", "credit code of the institution (institution users)")
	display := fs.String("name", "", "display name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: radsup user add -role ROLE [-institution CREDIT_CODE] NAME")
	}
	u := &domain.User{Username: fs.Arg(0), DisplayName: *display, Role: *role}
	if *inst != "" {
		x, err := registry.New(svc.Store).InstitutionByCode(ctx, accounts.Console(domain.RoleAdmin), *inst)
		if store.IsNotFound(err) {
			return fmt.Errorf("no institution with credit code %s", *inst)
		}
		if err != nil {
			return err
		}
		u.InstitutionID = x.ID
	}
	password := auth.RandomPassword(16)
	if err := svc.AddUser(ctx, cliActor, accounts.Console(domain.RoleAdmin), u, password); err != nil {
		return err
	}
	fmt.Fprintf(out, "created %s (%s); password (shown once): %s\n", u.Username, u.Role, password)
	return nil
}

func userList(ctx context.Context, svc *accounts.Service, out io.Writer) error {
	users, err := svc.Users(ctx, accounts.Console(domain.RoleAdmin))
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tROLE\tINSTITUTION\tDISABLED")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%v\n", u.Username, u.Role, u.InstitutionID, u.Disabled)
	}
	return tw.Flush()
}

func userToken(ctx context.Context, svc *accounts.Service, args []string, out io.Writer) error {
	if len(args) < 1 || len(args) > 2 {
		return fmt.Errorf("usage: radsup user token NAME [LABEL]")
	}
	label := "cli"
	if len(args) == 2 {
		label = args[1]
	}
	u, err := svc.UserByName(ctx, accounts.Console(domain.RoleAdmin), args[0])
	if err != nil {
		return err
	}
	token, _, err := svc.CreateToken(ctx, cliActor, u, label)
	if auth.IsForbidden(err) {
		return fmt.Errorf("user token: %s is a %s; only supervisors, institution users and viewers hold API tokens", u.Username, u.Role)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "API token for %s (shown once): %s\n", args[0], token)
	return nil
}
