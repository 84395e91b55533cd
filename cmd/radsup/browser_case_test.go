package main

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"radsup/internal/accounts"
	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestBrowserCaseAndDecision opens the demo's served case in headless
// Chromium as a supervisor who did not handle it: the page shows its state
// and only the next step's button (送达 → 执行), follows the link to the
// 行政处罚决定书, and prints it to PDF on A4 with nothing past the sheet.
// It runs when RADSUP_TEST_CHROMIUM names a Chromium binary.
func TestBrowserCaseAndDecision(t *testing.T) {
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
	var sup *domain.User
	if err := m.Store.WithTx(ctx, domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		sup = storetest.User(t, tx, domain.RoleSupervisor, 0)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	login, err := acc.Login(ctx, sup.Username, storetest.Password, domain.Actor{})
	if err != nil || login.Stage != "" {
		t.Fatalf("login: %v %+v", err, login)
	}
	cs, err := (&enforcement.Service{Store: m.Store}).Cases(ctx, sup, enforcement.CaseList{State: "served"})
	if err != nil || len(cs) != 1 {
		t.Fatalf("the demo's served case: %v %v", cs, err)
	}
	c := cs[0]

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancel := chromedp.NewExecAllocator(ctx, opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	bctx, cancel = context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()
	var state, stepTo, href, number string
	var buttons int
	var overflow []string
	var pdf []byte
	err = chromedp.Do(bctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "radsup_session", Value: login.Token, URL: m.URL()})
			return err
		}),
		chromedp.Navigate(m.URL()+"/cases/"+strconv.FormatInt(c.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS(`#case-state`)),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) (err error) {
			if state, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#case-state').dataset.state`)); err != nil {
				return err
			}
			if stepTo, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#step-button').dataset.to`)); err != nil {
				return err
			}
			if buttons, err = chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#step-form button').length`)); err != nil {
				return err
			}
			href, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#print-decision').href`))
			return err
		}),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Run(ctx, chromedp.Navigate(href))
			return err
		}),
		chromedp.WaitVisible(chromedp.CSS(`#seal`)),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) (err error) {
			number, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#decision-number`)))
			return err
		}),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		}),
		// A4 less the page margins (210 − 2 × 16 mm) at 96 px per inch.
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 673, Height: 1000, DeviceScaleFactor: 1})
			return err
		}),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) (err error) {
			overflow, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
				const w = document.documentElement.clientWidth, out = [];
				for (const e of document.querySelectorAll('.record *')) {
					if (e.getBoundingClientRect().right > w + 0.5) out.push(e.tagName + ' ' + (e.id || e.className));
				}
				return out;
			})()`))
			return err
		}),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			yes := true
			res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes})
			pdf = res.Data
			return err
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	if state != "served" || stepTo != "executed" || buttons != 1 {
		t.Errorf("case page: state %q, step to %q, %d buttons", state, stepTo, buttons)
	}
	if number != c.DecisionNo || number == "" {
		t.Errorf("decision number %q, want %q", number, c.DecisionNo)
	}
	if len(overflow) > 0 {
		t.Errorf("the decision runs past the A4 sheet: %v", overflow)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf, []byte("/MediaBox [0 0 595")) && !bytes.Contains(pdf, []byte("/MediaBox [0 0 594")) {
		t.Errorf("not an A4 PDF: %.20q", pdf)
	}
}
