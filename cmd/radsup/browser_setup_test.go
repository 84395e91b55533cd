package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"radsup/internal/accounts"
	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// The browser tests' common setup: the Chromium binary, a headless
// browser, and a signed-in session put in its cookies.

// chromiumOrSkip returns the Chromium binary that RADSUP_TEST_CHROMIUM
// names, and skips the test when it names none.
func chromiumOrSkip(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("RADSUP_TEST_CHROMIUM")
	if bin == "" {
		t.Skip("RADSUP_TEST_CHROMIUM not set")
	}
	return bin
}

// headless starts headless Chromium for the test and returns the context
// its steps run on, ended after timeout or with the test. The browser is
// started on this context itself: a tab lives as long as the context that
// first used it.
func headless(t *testing.T, bin string, timeout time.Duration, flags ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(opts, flags...)...)
	bctx, cancelTab := chromedp.NewContext(actx)
	bctx, cancelTime := context.WithTimeout(bctx, timeout)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	if err := chromedp.Do(bctx); err != nil {
		t.Fatal(err)
	}
	return bctx
}

// signIn makes a new user of role (of institution inst for an institution
// user) on m's database, with the second factor not asked of any role, and
// signs it in: the user and its session token.
func signIn(t *testing.T, m *Main, role string, inst int64) (*domain.User, string) {
	t.Helper()
	ctx := context.Background()
	acc := &accounts.Service{Store: m.Store}
	pol := auth.DefaultPolicy()
	pol.TwoFactorRoles = nil
	if err := acc.SetPolicy(ctx, domain.Actor{Username: "test"}, accounts.Console(domain.RoleSecurity), pol); err != nil {
		t.Fatal(err)
	}
	var u *domain.User
	if err := m.Store.WithTx(ctx, domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		u = storetest.User(t, tx, role, inst)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	login, err := acc.Login(ctx, u.Username, storetest.Password, domain.Actor{})
	if err != nil || login.Stage != "" {
		t.Fatalf("login: %v %+v", err, login)
	}
	return u, login.Token
}

// sessionCookies sets the session's cookie for the server at base, and the
// language's unless lang is "".
func sessionCookies(base, token, lang string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		cookies := map[string]string{"radsup_session": token}
		if lang != "" {
			cookies["radsup_lang"] = lang
		}
		for name, value := range cookies {
			if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: base}); err != nil {
				return err
			}
		}
		return nil
	})
}
