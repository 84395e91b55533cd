package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"radsup/internal/accounts"
	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestBrowserLicenceChange: an institution whose licence's 校验 has lapsed
// asks, in headless Chromium, for the new validity with the check's PDF;
// the supervisor opens the review list, sees the change against the
// current value and approves; the INS-LICENCE-EXPIRED finding resolves and
// the institution sees the outcome. It runs when RADSUP_TEST_CHROMIUM
// names a Chromium binary.
func TestBrowserLicenceChange(t *testing.T) {
	bin := os.Getenv("RADSUP_TEST_CHROMIUM")
	if bin == "" {
		t.Skip("RADSUP_TEST_CHROMIUM not set")
	}
	m, _ := startMain(t, false)
	ctx := context.Background()
	acc := &accounts.Service{Store: m.Store}
	pol := auth.DefaultPolicy()
	pol.TwoFactorRoles = nil
	if err := acc.SetPolicy(ctx, domain.Actor{Username: "test"}, accounts.Console(domain.RoleSecurity), pol); err != nil {
		t.Fatal(err)
	}
	today := domain.DateOf(time.Now())
	var inst *domain.Institution
	var lic *domain.Licence
	var iu, sup *domain.User
	if err := m.Store.WithTx(ctx, domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		inst = storetest.Institution(t, tx, func(x *domain.Institution) { x.Name = "中原区变更测试医院" })
		lic = storetest.Licence(t, tx, inst.ID, func(l *domain.Licence) {
			l.IssuedOn, l.ValidUntil = today.AddDate(-4, 0, 0), today.AddDate(0, 0, -20)
		})
		storetest.Equipment(t, tx, inst.ID) // in use: an expired licence is a violation
		iu = storetest.User(t, tx, domain.RoleInstitution, inst.ID)
		sup = storetest.User(t, tx, domain.RoleSupervisor, 0)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Findings.RunFull(ctx, today); err != nil {
		t.Fatal(err)
	}
	open := func() int {
		t.Helper()
		var page *store.FindingPage
		if err := m.Store.View(ctx, func(tx *store.Tx) (err error) {
			page, err = tx.FindFindings(domain.Scope{}, store.FindingFilter{Rule: screening.InsLicenceExpired, Status: domain.FindingOpen,
				SubjectType: "institution", SubjectID: inst.ID})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return page.Total
	}
	if open() != 1 {
		t.Fatalf("no open INS-LICENCE-EXPIRED finding to fix")
	}
	token := func(u *domain.User) string {
		l, err := acc.Login(ctx, u.Username, storetest.Password, domain.Actor{})
		if err != nil || l.Stage != "" {
			t.Fatalf("login %s: %v %+v", u.Username, err, l)
		}
		return l.Token
	}
	pdf := filepath.Join(t.TempDir(), "校验结论.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	until := today.AddDate(1, 0, 0).String()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("lang", "zh-CN"))
	actx, cancel := chromedp.NewExecAllocator(ctx, opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	bctx, cancel = context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatal(err)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	as := func(u *domain.User) chromedp.Action[chromedp.Void] {
		tok := token(u)
		return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "radsup_session", Value: tok, URL: m.URL()})
			return err
		})
	}
	where := func() string {
		loc, _ := chromedp.Run(bctx, chromedp.Location())
		body, _ := chromedp.Run(bctx, chromedp.Text(css(`body`)))
		return "at " + loc + ":\n" + trimTo(body, 2000)
	}
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(bctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v\n%s", step, err, where())
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v\n%s", sel, err, where())
		}
		return s
	}

	// 1. The institution asks: its licence tab offers a request, not an edit.
	do("institution: open the licence",
		as(iu),
		chromedp.Navigate(m.URL()+"/institutions/"+strconv.FormatInt(inst.ID, 10)+"?tab=licence"),
		chromedp.WaitVisible(css(`#licence-`+strconv.FormatInt(lic.ID, 10)+` a.request-change`)),
		chromedp.Click(css(`#licence-`+strconv.FormatInt(lic.ID, 10)+` a.request-change`)),
		chromedp.WaitVisible(css(`#change-form`)),
		chromedp.SetValue(css(`#f-valid_until`), until),
		chromedp.SendKeys(css(`#f-reason`), "已于本月通过校验，附校验结论"),
		chromedp.SetUploadFiles(css(`#f-files`), []string{pdf}),
		chromedp.Click(css(`#submit-change`)),
		chromedp.WaitVisible(css(`#change-fields`)),
	)
	if got := text(`#change-status`); got != "待审核" {
		t.Fatalf("status after submitting: %q\n%s", got, where())
	}
	if got := text(`#change-files`); !strings.Contains(got, "校验结论.pdf") {
		t.Errorf("files %q", got)
	}
	if open() != 1 {
		t.Fatal("the request alone resolved the finding")
	}

	// 2. The supervisor reviews it in the queue and approves.
	do("supervisor: open the queue",
		as(sup),
		chromedp.Navigate(m.URL()+"/changes"),
		chromedp.WaitVisible(css(`#changes tbody tr[id^="change-"] a`)),
		chromedp.Click(css(`#changes tbody tr[id^="change-"] a`)),
		chromedp.WaitVisible(css(`#field-valid_until`)),
	)
	if row := text(`#field-valid_until`); !strings.Contains(row, lic.ValidUntil.String()) || !strings.Contains(row, until) {
		t.Errorf("the change row %q lacks the current or the asked value", row)
	}
	do("supervisor: approve",
		chromedp.SendKeys(css(`#decide textarea[name="decision"]`), "校验结论核对无误"),
		chromedp.Click(css(`#approve`)),
		chromedp.WaitVisible(css(`#change-decision`)),
	)
	if got := text(`#change-status`); got != "已批准" {
		t.Fatalf("status after approval: %q\n%s", got, where())
	}
	if n := open(); n != 0 {
		t.Errorf("%d INS-LICENCE-EXPIRED findings still open after approval", n)
	}

	// 3. The institution sees the outcome and the new validity.
	do("institution: see the outcome",
		as(iu),
		chromedp.Navigate(m.URL()+"/changes"),
		chromedp.WaitVisible(css(`#changes`)),
	)
	if got := text(`#changes tbody`); !strings.Contains(got, "已批准") {
		t.Errorf("institution's list: %q", got)
	}
	do("institution: the licence tab",
		chromedp.Navigate(m.URL()+"/institutions/"+strconv.FormatInt(inst.ID, 10)+"?tab=licence"),
		chromedp.WaitVisible(css(`#licences`)),
	)
	if got := text(`#licences`); !strings.Contains(got, until) {
		t.Errorf("licence tab after approval: %q", got)
	}
}
