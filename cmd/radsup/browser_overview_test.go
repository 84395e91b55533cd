package main

import (
	"context"
	"net/url"
	"os"
	"regexp"
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

// TestBrowserOverview opens the demo district's overview in headless
// Chromium, in Chinese and in English: it renders its charts, and the
// first bar of "open findings by rule" leads to the findings list filtered
// by that rule, holding as many findings as the bar says. It runs when
// RADSUP_TEST_CHROMIUM names a Chromium binary.
func TestBrowserOverview(t *testing.T) {
	bin := os.Getenv("RADSUP_TEST_CHROMIUM")
	if bin == "" {
		t.Skip("RADSUP_TEST_CHROMIUM not set")
	}
	m, _ := startMain(t, true)
	ctx := context.Background()
	acc := &accounts.Service{Store: m.Store}
	pol := auth.DefaultPolicy()
	pol.TwoFactorRoles = nil
	if err := acc.SetPolicy(ctx, domain.Actor{Username: "test"}, accounts.Console(domain.RoleSecurity), pol); err != nil {
		t.Fatal(err)
	}
	var super *domain.User
	if err := m.Store.WithTx(ctx, domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		super = storetest.User(t, tx, domain.RoleSupervisor, 0)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	login, err := acc.Login(ctx, super.Username, storetest.Password, domain.Actor{})
	if err != nil || login.Stage != "" {
		t.Fatalf("login: %v %+v", err, login)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancel := chromedp.NewExecAllocator(ctx, opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	bctx, cancel = context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"zh-CN", "en"} {
		var charts int
		var title, href, barTitle, total, location, chosen string
		err := chromedp.Do(bctx,
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				for name, value := range map[string]string{"radsup_session": login.Token, "radsup_lang": lang} {
					if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: m.URL()}); err != nil {
						return err
					}
				}
				return nil
			}),
			chromedp.Navigate(m.URL()+"/overview"),
			chromedp.WaitVisible(chromedp.CSS(`#chart-findings_rule svg`)),
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) (err error) {
				if charts, err = chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.chart-section svg rect').length`)); err != nil {
					return err
				}
				if title, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`))); err != nil {
					return err
				}
				if href, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#chart-findings_rule svg a').getAttribute('href')`)); err != nil {
					return err
				}
				barTitle, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#chart-findings_rule svg a g title').textContent`))
				return err
			}),
			chromedp.Click(chromedp.CSS(`#chart-findings_rule svg a rect`)),
			chromedp.WaitVisible(chromedp.CSS(`.total`)),
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) (err error) {
				if location, err = chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`)); err != nil {
					return err
				}
				if total, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.total`))); err != nil {
					return err
				}
				chosen, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('select[name=rule]').value`))
				return err
			}),
		)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if want := map[string]string{"zh-CN": "全区概览", "en": "District overview"}[lang]; title != want {
			t.Errorf("%s: title %q, want %q", lang, title, want)
		}
		if charts < 10 {
			t.Errorf("%s: %d bars drawn", lang, charts)
		}
		u, err := url.Parse(href)
		rule := ""
		if err == nil {
			rule = u.Query().Get("rule")
		}
		if rule == "" || location != href || chosen != rule {
			t.Errorf("%s: the first rule bar %q led to %q with rule %q chosen", lang, href, location, chosen)
		}
		// The bar's title ends with its count; the list says the same total.
		n := regexp.MustCompile(`(\d+)$`).FindString(barTitle)
		if n == "" || regexp.MustCompile(`\d+`).FindString(total) != n {
			t.Errorf("%s: bar %q, list total %q", lang, barTitle, total)
		}
	}
}
