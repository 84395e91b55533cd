package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"radsup/internal/accounts"
	"radsup/internal/auth"
	"radsup/internal/config"
	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/registry"
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
	lang := cfg.Lang
	switch args[0] {
	case "add":
		return userAdd(ctx, svc, cfg, args[1:], out)
	case "passwd":
		if len(args) != 2 {
			return fmt.Errorf("usage: radsup user passwd NAME")
		}
		password := auth.RandomPassword(16)
		if err := svc.SetPassword(ctx, cliActor, accounts.Console(domain.RoleAdmin), args[1], password); err != nil {
			return err
		}
		fmt.Fprintln(out, i18n.T(lang, "cli.user.new_password", args[1], password))
		return nil
	case "list":
		return userList(ctx, svc, lang, out)
	case "token":
		return userToken(ctx, svc, lang, args[1:], out)
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
		done := "cli.user.unlocked"
		if args[0] == "unlock" {
			err = svc.Unlock(ctx, cliActor, op, u.ID)
		} else {
			done = "cli.user.second_factor_removed"
			err = svc.ResetTOTP(ctx, cliActor, op, u.ID)
		}
		if err == nil {
			fmt.Fprintln(out, i18n.T(lang, done, args[1]))
		}
		return err
	}
	return fmt.Errorf("user: unknown action %q (want add, passwd, list, token, unlock or reset-2fa)", args[0])
}

func userAdd(ctx context.Context, svc *accounts.Service, cfg config.Config, args []string, out io.Writer) error {
	lang, inst := cfg.Lang, &cfg.Institution
	if len(args) != 1 {
		return fmt.Errorf("usage: radsup user add -role ROLE [-institution CREDIT_CODE] [-name DISPLAY_NAME] NAME")
	}
	u := &domain.User{Username: args[0], DisplayName: cfg.DisplayName, Role: cfg.Role}
	if *inst != "" {
		x, err := registry.New(svc.Store).InstitutionByCode(ctx, accounts.Console(domain.RoleAdmin), *inst)
		if store.IsNotFound(err) {
			return errors.New(i18n.T(lang, "cli.user.no_institution", *inst))
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
	fmt.Fprintln(out, i18n.T(lang, "cli.user.created", u.Username, roleLabel(lang, u.Role), password))
	return nil
}

func userList(ctx context.Context, svc *accounts.Service, lang string, out io.Writer) error {
	users, err := svc.Users(ctx, accounts.Console(domain.RoleAdmin))
	if err != nil {
		return err
	}
	rows := [][]string{{i18n.T(lang, "cli.user.col.username"), i18n.T(lang, "cli.user.col.role"),
		i18n.T(lang, "cli.user.col.institution"), i18n.T(lang, "cli.user.col.disabled")}}
	for _, u := range users {
		inst, disabled := "", i18n.T(lang, "common.no")
		if u.InstitutionID != 0 {
			inst = strconv.FormatInt(u.InstitutionID, 10)
		}
		if u.Disabled {
			disabled = i18n.T(lang, "common.yes")
		}
		rows = append(rows, []string{u.Username, roleLabel(lang, u.Role), inst, disabled})
	}
	return writeColumns(out, rows)
}

func userToken(ctx context.Context, svc *accounts.Service, lang string, args []string, out io.Writer) error {
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
		return errors.New(i18n.T(lang, "cli.user.token_refused", u.Username, roleLabel(lang, u.Role)))
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(out, i18n.T(lang, "cli.user.token", args[0], token))
	return nil
}
