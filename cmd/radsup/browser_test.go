package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"radsup/internal/auth"
	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/store"
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

// TestBrowserPhoneAndPrint opens the pages of the demo district in a
// headless Chromium at phone width (360×740): no page is wider than the
// screen, the menu folds behind its toggle and opens with one item a line,
// each on one line. Then it emulates print media on an institution's page:
// the print header shows, every tab's panel prints, the controls do not.
func TestBrowserPhoneAndPrint(t *testing.T) {
	bin := os.Getenv("RADSUP_TEST_CHROMIUM")
	if bin == "" {
		t.Skip("RADSUP_TEST_CHROMIUM not set")
	}
	m, _ := startMain(t, true)
	base := m.URL()
	bg := context.Background()
	var user *domain.User
	var inst int64
	var person, device string
	err := m.Store.WithTx(bg, domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		user = storetest.User(t, tx, domain.RoleSupervisor, 0)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if inst, err = demo.AccountInstitution(bg, m.Store, domain.DateOf(time.Now())); err != nil || inst == 0 {
		t.Fatalf("an institution: %d %v", inst, err)
	}
	err = m.Store.View(bg, func(tx *store.Tx) error {
		f := store.Filter{Values: map[string]string{"institution_id": strconv.FormatInt(inst, 10)}, Limit: 1}
		people, _, err := store.List(tx, store.People, domain.Scope{}, f)
		if err != nil || len(people) == 0 {
			return fmt.Errorf("people: %d %v", len(people), err)
		}
		equip, _, err := store.List(tx, store.Equipment, domain.Scope{}, f)
		if err != nil || len(equip) == 0 {
			return fmt.Errorf("equipment: %d %v", len(equip), err)
		}
		person, device = strconv.FormatInt(people[0].ID, 10), strconv.FormatInt(equip[0].ID, 10)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("lang", "zh-CN"))
	actx, cancel := chromedp.NewExecAllocator(bg, opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("%s: %v (at %s)", step, err, loc)
		}
	}
	eval := func(js string) map[string]any {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}

	// The page's width and the first element sticking out of it.
	const widthJS = `(() => {
		const vw = document.documentElement.clientWidth;
		let out = "";
		for (const el of document.querySelectorAll("body *")) {
			const r = el.getBoundingClientRect();
			if (r.width > 0 && r.right > vw + 1) { out = el.tagName + "." + el.className + " right " + Math.round(r.right); break; }
		}
		return {scroll: document.documentElement.scrollWidth, viewport: vw, out: out};
	})()`
	fits := func(path string, width int64) {
		t.Helper()
		w := eval(widthJS)
		if w["scroll"].(float64) > w["viewport"].(float64) {
			t.Errorf("%s at %d px: page %v px wide, screen %v px; sticking out: %v", path, width, w["scroll"], w["viewport"], w["out"])
		}
	}
	do("phone width: the login page",
		chromedp.EmulateViewport(360, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile),
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css(`#username`)),
	)
	fits("/login", 360)
	do("log in",
		chromedp.SendKeys(css(`#username`), user.Username),
		chromedp.SendKeys(css(`#password`), storetest.Password),
		chromedp.Click(css(`form[action="/login"] button`)),
		chromedp.WaitVisible(css(`.nav-button`)),
	)
	pages := []string{"/", "/institutions", "/institutions/" + strconv.FormatInt(inst, 10), "/institutions/" + strconv.FormatInt(inst, 10) + "?tab=people",
		"/people", "/people/" + person, "/equipment", "/equipment/" + device, "/findings", "/account", "/institutions/new",
		"/people/" + person + "/doses/new", "/import", "/account/tokens"}
	// Phones, and tablets upright and sideways.
	for _, width := range []int64{360, 768, 1024} {
		do("width", chromedp.EmulateViewport(width, 740*width/360, chromedp.EmulatePortrait, chromedp.EmulateMobile))
		for _, path := range pages {
			do("open "+path, chromedp.Navigate(base+path), chromedp.WaitVisible(css(`main`)))
			fits(path, width)
		}
	}
	do("back to phone width", chromedp.EmulateViewport(360, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile))

	// The menu: folded, then one item a line, each on one line of text.
	const menuJS = `(() => {
		const links = [...document.querySelectorAll("#nav-links a")];
		const shown = links.filter(a => a.offsetParent !== null);
		const lines = shown.map(a => { const r = document.createRange(); r.selectNodeContents(a); return r.getClientRects().length; });
		const tops = shown.map(a => Math.round(a.getBoundingClientRect().top));
		return {links: links.length, shown: shown.length, maxLines: Math.max(0, ...lines), distinctTops: new Set(tops).size,
			right: Math.max(0, ...shown.map(a => a.getBoundingClientRect().right)), viewport: document.documentElement.clientWidth};
	})()`
	do("home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(css(`.nav-button`)))
	if menu := eval(menuJS); menu["links"].(float64) < 5 || menu["shown"].(float64) != 0 {
		t.Errorf("folded menu at 360 px: %v", menu)
	}
	do("open the menu", chromedp.Click(css(`.nav-button`)), chromedp.WaitVisible(css(`#nav-links a[href="/findings"]`)))
	menu := eval(menuJS)
	if menu["shown"] != menu["links"] || menu["maxLines"].(float64) != 1 || menu["distinctTops"] != menu["shown"] ||
		menu["right"].(float64) > menu["viewport"].(float64) {
		t.Errorf("open menu at 360 px: want every item shown, one a line, each on one line within the screen: %v", menu)
	}
	do("follow a menu item", chromedp.Click(css(`#nav-links a[href="/findings"]`)), chromedp.WaitVisible(css(`#by-severity`)))
	// The findings read as cards: a problem's text has the screen's width.
	if cell := eval(`(() => { const td = document.querySelector("#findings tbody tr td:nth-child(3)");
		return {width: td ? td.getBoundingClientRect().width : 0, viewport: document.documentElement.clientWidth}; })()`); cell["width"].(float64) < 250 {
		t.Errorf("a finding's text at 360 px is squeezed: %v", cell)
	}
	// A rule's ID stays on one line beneath its title.
	if ids := eval(`(() => { const els = [...document.querySelectorAll("small.rule-id")].filter(e => e.offsetParent !== null);
		return {n: els.length, wrapped: els.filter(e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length > 1; }).length}; })()`); ids["wrapped"].(float64) != 0 {
		t.Errorf("rule IDs wrap: %v", ids)
	}

	// Print: the institution page at desktop width under print media.
	instPath := "/institutions/" + strconv.FormatInt(inst, 10)
	do("print an institution",
		chromedp.EmulateViewport(1200, 900),
		chromedp.Navigate(base+instPath),
		chromedp.WaitVisible(css(`#panel-licence`)),
	)
	const panelsJS = `(() => {
		const shown = sel => [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null || getComputedStyle(e).display !== "none" && e.getClientRects().length > 0).length;
		return {panels: shown(".tab-panel"), header: shown("#print-header"), actions: shown(".col-actions"), nav: shown(".mainnav"), buttons: shown("main button, main .button")};
	})()`
	screen := eval(panelsJS)
	if screen["panels"].(float64) != 1 || screen["header"].(float64) != 0 || screen["nav"].(float64) != 1 {
		t.Errorf("institution page on screen: want one tab panel, the menu, no print header: %v", screen)
	}
	do("emulate print media", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	paper := eval(panelsJS)
	if paper["panels"].(float64) != 3 || paper["header"].(float64) != 1 || paper["actions"].(float64) != 0 ||
		paper["nav"].(float64) != 0 || paper["buttons"].(float64) != 0 {
		t.Errorf("institution page in print: want three tab panels, the header, no menu, buttons or 操作 column: %v", paper)
	}
	header, err := chromedp.Run(ctx, chromedp.Text(css(`#print-header`)))
	if err != nil || !strings.Contains(header, user.DisplayName) || !strings.Contains(header, time.Now().Format("2006-01-02")) {
		t.Errorf("print header %q (%v): want the user and today", header, err)
	}
}
