package main

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"radsup/internal/auth"
	"radsup/internal/store/storetest"
)

// TestBrowserFileInstitution drives the real server from a headless Chromium
// as a supervisor would: log in, file an institution, add its licence and one
// device, see the device's finding, and find the institution in the list. It runs when
// RADSUP_TEST_CHROMIUM names a Chromium binary.
func TestBrowserFileInstitution(t *testing.T) {
	bin := os.Getenv("RADSUP_TEST_CHROMIUM")
	if bin == "" {
		t.Skip("RADSUP_TEST_CHROMIUM not set")
	}
	m, password := startMain(t, false)
	base := m.URL()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	// Start the browser on ctx itself: the tab lives as long as the context
	// that first used it, and each step below runs on a shorter one.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}

	const supervisorPassword = "Zhang-2026-pw!"
	name := "中原区浏览器测试口腔诊所"
	credit := storetest.CreditCode()
	serial := "BRW-0001"
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			// Say where the browser is, for a failure in CI.
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			body, _ := chromedp.Run(ctx, chromedp.Text(css(`body`)))
			t.Fatalf("%s: %v\nat %s:\n%.2000s", step, err, loc, body)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	// firstLogin does what the policy asks of a new account: a new password,
	// then the authenticator app (its code computed from the key on the page).
	firstLogin := func(who, password, newPassword string) {
		t.Helper()
		do(who+": change the password",
			chromedp.WaitVisible(css(`#f-old_password`)),
			chromedp.SendKeys(css(`#f-old_password`), password),
			chromedp.SendKeys(css(`#f-password`), newPassword),
			chromedp.SendKeys(css(`#f-confirm`), newPassword),
			chromedp.Submit(css(`#f-old_password`)),
			chromedp.WaitVisible(css(`#done`)), // the page after the change, with a new key
			chromedp.WaitVisible(css(`#totp-secret`)),
		)
		code, err := auth.TOTPCode(text(`#totp-secret`), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		do(who+": turn on two-step verification",
			chromedp.SendKeys(css(`#f-code`), code),
			chromedp.Submit(css(`#f-code`)),
			chromedp.WaitNotPresent(css(`#totp-secret`)),
		)
		if got := text(`#two-factor-status`); got != "已启用" {
			t.Fatalf("%s: two-step verification %q", who, got)
		}
	}

	// The system administrator's first login (the one-time password), then
	// an account for a supervisor; an anonymous visit leads to the login form.
	do("log in as the administrator",
		chromedp.Navigate(base+"/admin/users"),
		chromedp.WaitVisible(css(`#username`)),
		chromedp.SendKeys(css(`#username`), "admin"),
		chromedp.SendKeys(css(`#password`), password),
		chromedp.Click(css(`form[action="/login"] button`)),
	)
	firstLogin("admin", password, "Office-New-2026")
	do("open a supervisor's account",
		chromedp.Navigate(base+"/admin/users"),
		chromedp.WaitVisible(css(`#f-username`)),
		chromedp.SendKeys(css(`#f-username`), "jiandu"),
		chromedp.SendKeys(css(`#f-display_name`), "张监督"),
		chromedp.SetValue(css(`#f-role`), "supervisor"),
		chromedp.SendKeys(css(`#f-password`), supervisorPassword),
		chromedp.Submit(css(`#f-username`)),
		chromedp.WaitVisible(css(`#users tbody tr:nth-child(2)`)),
		chromedp.Click(css(`form[action="/logout"] button`)),
		chromedp.WaitVisible(css(`#username`)),
	)
	do("log in as the supervisor",
		chromedp.SendKeys(css(`#username`), "jiandu"),
		chromedp.SendKeys(css(`#password`), supervisorPassword),
		chromedp.Click(css(`form[action="/login"] button`)),
	)
	firstLogin("jiandu", supervisorPassword, "Supervisor-New-2026")
	do("open the institutions",
		chromedp.Navigate(base+"/institutions"),
		chromedp.WaitVisible(css(`a[href="/institutions/new"]`)),
	)
	do("file the institution",
		chromedp.Click(css(`a[href="/institutions/new"]`)),
		chromedp.WaitVisible(css(`#f-name`)),
		chromedp.SendKeys(css(`#f-name`), name),
		chromedp.SendKeys(css(`#f-credit_code`), credit),
		chromedp.SetValue(css(`#f-kind`), "dental_clinic"),
		chromedp.SetValue(css(`#f-street`), "410102001"),
		chromedp.SendKeys(css(`#f-address`), "中原区建设西路1号"),
		chromedp.SetValue(css(`#f-status`), "open"),
		chromedp.Submit(css(`#f-name`)),
		chromedp.WaitVisible(css(`a[href$="tab=licence"]`)),
	)
	heading := text(`h1`)
	instURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	do("add the licence",
		chromedp.Click(css(`a[href$="tab=licence"]`)),
		chromedp.WaitVisible(css(`a[href$="/licences/new"]`)),
		chromedp.Click(css(`a[href$="/licences/new"]`)),
		chromedp.WaitVisible(css(`#f-licence_no`)),
		chromedp.SendKeys(css(`#f-licence_no`), "豫卫放证字〔2024〕第000123号"),
		chromedp.SendKeys(css(`#f-issuer`), "郑州市中原区卫生健康委员会"),
		chromedp.SetValue(css(`#f-issued_on`), "2024-03-01"),
		chromedp.SetValue(css(`#f-valid_until`), "2029-02-28"),
		chromedp.Click(css(`input[name="items"][value="xray_imaging"]`)),
		chromedp.Submit(css(`#f-licence_no`)),
		chromedp.WaitVisible(css(`a[href$="/licences/new"]`)),
	)
	licenceTab := text(`main`)
	do("add a device",
		chromedp.Click(css(`a[href$="tab=equipment"]`)),
		chromedp.WaitVisible(css(`a[href$="/equipment/new"]`)),
		chromedp.Click(css(`a[href$="/equipment/new"]`)),
		chromedp.WaitVisible(css(`#f-serial_no`)),
		chromedp.SetValue(css(`#f-type`), "dental_intraoral"),
		chromedp.SendKeys(css(`#f-model`), "Planmeca ProX"),
		chromedp.SendKeys(css(`#f-serial_no`), serial),
		chromedp.SetValue(css(`#f-status`), "in_use"),
		chromedp.Submit(css(`#f-serial_no`)),
		chromedp.WaitVisible(css(`a[href$="/tests/new"]`)),
	)
	equipPage := text(`main`)
	do("open the findings",
		chromedp.Click(css(`nav a[href="/findings"]`)),
		chromedp.WaitVisible(css(`#by-severity`)),
	)
	findingsPage := text(`main`)
	do("search the list",
		chromedp.Navigate(base+"/institutions?q="+url.QueryEscape(name)),
		chromedp.WaitVisible(css(`table`)),
	)
	list := text(`main`)

	if !strings.Contains(heading, name) {
		t.Errorf("institution page heading %q, want %q", heading, name)
	}
	if !strings.Contains(instURL, "/institutions/") {
		t.Errorf("after filing, at %q", instURL)
	}
	if !strings.Contains(licenceTab, "豫卫放证字〔2024〕第000123号") || !strings.Contains(licenceTab, "2029-02-28") {
		t.Errorf("licence tab does not show the new licence:\n%s", licenceTab)
	}
	if !strings.Contains(equipPage, serial) {
		t.Errorf("equipment page does not show serial %s:\n%s", serial, equipPage)
	}
	// Saving the device re-screened it: with no acceptance test yet, the
	// page that loads after the save already shows the finding.
	if !strings.Contains(equipPage, "EQP-ACCEPTANCE-MISSING") {
		t.Errorf("equipment page does not show its acceptance finding:\n%s", equipPage)
	}
	if !strings.Contains(findingsPage, "EQP-ACCEPTANCE-MISSING") || !strings.Contains(findingsPage, name) {
		t.Errorf("初筛结果 does not list the new device's finding:\n%s", findingsPage)
	}
	if !strings.Contains(list, name) || !strings.Contains(list, credit) {
		t.Errorf("institution list does not show %s (%s):\n%s", name, credit, list)
	}
}
