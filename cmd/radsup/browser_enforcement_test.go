package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestBrowserEnforcementFlow drives a whole 双随机 inspection through the
// pages in headless Chromium, as the office would: the administrator opens
// two supervisors' accounts; supervisor A records both as inspectors,
// publishes a plan with the seed's commitment, draws with the seed, opens the
// inspection of the drawn unit, marks every item, sets the outcome and signs;
// supervisor B logs in and signs, which locks the record; the 现场检查笔录
// names the institution and both inspectors' 执法证号, fits the A4 sheet in
// print and prints to PDF. It runs when RADSUP_TEST_CHROMIUM names a Chromium
// binary.
func TestBrowserEnforcementFlow(t *testing.T) {
	bin := os.Getenv("RADSUP_TEST_CHROMIUM")
	if bin == "" {
		t.Skip("RADSUP_TEST_CHROMIUM not set")
	}
	m, password := startMain(t, false)
	base := m.URL()

	// Two open institutions with licences: the pool of the draw. Filing is
	// not what this test is about.
	var insts []*domain.Institution
	err := m.Store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		for i, name := range []string{"中原区流程测试口腔诊所", "中原区流程测试骨科医院"} {
			inst := storetest.Institution(t, tx, func(in *domain.Institution) {
				in.Name = name
				in.LegalRep = []string{"王法人", "赵院长"}[i]
				in.Phone = []string{"0371-66001001", "0371-66001002"}[i]
			})
			storetest.Licence(t, tx, inst.ID)
			insts = append(insts, inst)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("lang", "zh-CN"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	// Accept the confirmations the pages ask for (the draw asks one), and
	// keep what they said.
	var dialogMu sync.Mutex
	var dialogs []string
	dialogCtx, stopDialogs := context.WithCancel(ctx)
	defer stopDialogs()
	opening := chromedp.Events(dialogCtx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range opening {
			if err != nil {
				return
			}
			dialogMu.Lock()
			dialogs = append(dialogs, ev.Message)
			dialogMu.Unlock()
			go chromedp.Do(dialogCtx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
				return err
			}))
		}
	}()

	where := func() string {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		body, _ := chromedp.Run(ctx, chromedp.Text(css(`body`)))
		return "at " + loc + ":\n" + trimTo(body, 2000)
	}
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v\n%s", step, err, where())
		}
	}
	// submit runs actions that send a form and waits for the page that
	// answers it, which must be a success.
	submit := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		res, err := chromedp.RunResponse(sctx, actions...)
		if err != nil {
			t.Fatalf("%s: %v\n%s", step, err, where())
		}
		if res.Status != 200 {
			t.Fatalf("%s: status %d\n%s", step, res.Status, where())
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v\n%s", sel, err, where())
		}
		return s
	}
	login := func(who, password string) {
		t.Helper()
		do(who+": log in",
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(css(`#username`)),
			chromedp.SendKeys(css(`#username`), who),
			chromedp.SendKeys(css(`#password`), password),
		)
		submit(who+": log in", chromedp.Click(css(`form[action="/login"] button`)))
	}
	// firstLogin does what the policy asks of a new account: a new
	// password, then the authenticator app.
	firstLogin := func(who, password, newPassword string) {
		t.Helper()
		login(who, password)
		do(who+": change the password",
			chromedp.WaitVisible(css(`#f-old_password`)),
			chromedp.SendKeys(css(`#f-old_password`), password),
			chromedp.SendKeys(css(`#f-password`), newPassword),
			chromedp.SendKeys(css(`#f-confirm`), newPassword),
			chromedp.Submit(css(`#f-old_password`)),
			chromedp.WaitVisible(css(`#done`)),
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
	logout := func(who string) {
		t.Helper()
		do(who+": log out",
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(css(`form[action="/logout"] button`)),
			chromedp.Click(css(`form[action="/logout"] button`)),
			chromedp.WaitVisible(css(`#username`)),
		)
	}

	// 1. The administrator opens the two supervisors' accounts.
	type supervisor struct{ username, name, password, newPassword, certNo string }
	sa := supervisor{"jiandu-a", "张监督", "Zhang-2026-pw!", "Zhang-New-2026!", "豫卫执字(2026)第0101号"}
	sb := supervisor{"jiandu-b", "李监督", "Li-2026-pw!", "Li-New-2026!", "豫卫执字(2026)第0102号"}
	firstLogin("admin", password, "Office-New-2026")
	for i, s := range []supervisor{sa, sb} {
		do("open the account of "+s.username,
			chromedp.Navigate(base+"/admin/users"),
			chromedp.WaitVisible(css(`#f-username`)),
			chromedp.SendKeys(css(`#f-username`), s.username),
			chromedp.SendKeys(css(`#f-display_name`), s.name),
			chromedp.SetValue(css(`#f-role`), "supervisor"),
			chromedp.SendKeys(css(`#f-password`), s.password),
			chromedp.Submit(css(`#f-username`)),
			chromedp.WaitVisible(css(`#users tbody tr:nth-child(`+strconv.Itoa(i+2)+`)`)),
		)
	}
	if users := text(`#users`); !strings.Contains(users, sa.username) || !strings.Contains(users, sb.username) {
		t.Fatalf("the accounts list lacks the supervisors:\n%s", users)
	}
	logout("admin")

	// 2. Supervisor A records both supervisors as inspectors.
	firstLogin(sa.username, sa.password, sa.newPassword)
	for _, s := range []supervisor{sa, sb} {
		do("open the inspectors", chromedp.Navigate(base+"/inspectors"), chromedp.WaitVisible(css(`#inspectors`)))
		row, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			for (const tr of document.querySelectorAll("#inspectors tbody tr")) if (tr.textContent.includes(`+jsString(s.username)+`)) return tr.id;
			return "";
		})()`))
		if err != nil || row == "" {
			t.Fatalf("no row for %s on the inspectors page (%v)\n%s", s.username, err, where())
		}
		do("edit the inspector "+s.username,
			chromedp.Click(css(`#`+row+` summary`)),
			chromedp.WaitVisible(css(`#`+row+` input[name="cert_no"]`)),
			chromedp.SendKeys(css(`#`+row+` input[name="cert_no"]`), s.certNo),
		)
		if on, err := chromedp.Run(ctx, chromedp.JavascriptAttribute[bool](css(`#`+row+` input[name="active"]`), "checked")); err != nil || !on {
			do("mark "+s.username+" on duty", chromedp.Click(css(`#`+row+` input[name="active"]`)))
		}
		submit("save the inspector "+s.username, chromedp.Click(css(`#`+row+` form button`)))
		got := text(`#` + row)
		if !strings.Contains(got, s.certNo) || !strings.Contains(got, "在岗") {
			t.Fatalf("inspector %s after saving: %q, want %s and 在岗", s.username, got, s.certNo)
		}
	}

	// 3. A publishes a plan with the seed's commitment, then draws with
	// the seed.
	const seed = "2027年1月8日双色球开奖号码 03 09 14 21 27 33 + 06"
	sum := sha256.Sum256([]byte(seed))
	commitment := hex.EncodeToString(sum[:])
	do("open the plans", chromedp.Navigate(base+"/plans"), chromedp.WaitVisible(css(`a[href="/plans/new"]`)))
	do("new plan",
		chromedp.Click(css(`a[href="/plans/new"]`)),
		chromedp.WaitVisible(css(`#f-name`)),
		chromedp.SendKeys(css(`#f-name`), "2027年度放射诊疗双随机抽查"),
		chromedp.SetValue(css(`#f-type`), "random"),
		chromedp.SendKeys(css(`#f-count`), "1"),
		chromedp.SendKeys(css(`#f-seed_source`), "2027年1月8日中国福利彩票双色球开奖号码"),
		chromedp.SendKeys(css(`#f-seed`), seed),
	)
	submit("publish the plan", chromedp.Click(css(`#plan-form button.primary`)))
	if got := text(`#commitment`); got != commitment {
		t.Fatalf("published commitment %q, want SHA-256 of the seed %s\n%s", got, commitment, where())
	}
	if facts := text(`#plan-facts`); !strings.Contains(facts, "1") || strings.Contains(facts, seed) {
		t.Errorf("plan facts before the draw: %q (the seed must not show)", facts)
	}
	do("type the seed", chromedp.WaitVisible(css(`#draw input[name="seed"]`)), chromedp.SendKeys(css(`#draw input[name="seed"]`), seed))
	submit("draw", chromedp.Click(css(`#draw button.primary`)))
	dialogMu.Lock()
	asked := strings.Join(dialogs, "|")
	dialogMu.Unlock()
	if !strings.Contains(asked, "不能重新抽取") {
		t.Errorf("the draw did not ask for confirmation: %q", asked)
	}
	if got := text(`#verified`); !strings.Contains(got, "已按公布的种子、名单和权重复核一致") {
		t.Fatalf("after the draw: %q\n%s", got, where())
	}
	if got := text(`#seed`); got != seed {
		t.Errorf("the plan shows seed %q, want %q", got, seed)
	}
	units := text(`#units tbody`)
	var drawn *domain.Institution
	for _, in := range insts {
		if strings.Contains(units, in.Name) {
			if drawn != nil {
				t.Fatalf("count 1 drew both institutions:\n%s", units)
			}
			drawn = in
		}
	}
	if drawn == nil {
		t.Fatalf("the drawn unit is none of the pool:\n%s", units)
	}
	if row := text(`#unit-1`); !strings.Contains(row, drawn.CreditCode) || !strings.Contains(row, sa.name) || !strings.Contains(row, sb.name) {
		t.Errorf("drawn unit row %q: want %s and the team %s、%s", row, drawn.CreditCode, sa.name, sb.name)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#units tbody tr").length`)); err != nil || n != 1 {
		t.Errorf("drawn units: %d rows (%v), want 1", n, err)
	}

	// 4. The inspection of the drawn unit: every item, the outcome, A's
	// signature.
	submit("create the inspection", chromedp.Click(css(`#inspect-1`)))
	inspURL, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.Contains(inspURL, "/inspections/") {
		t.Fatalf("after 生成检查, at %s", inspURL)
	}
	if h := text(`h1`); !strings.Contains(h, drawn.Name) {
		t.Errorf("inspection heading %q, want %s", h, drawn.Name)
	}
	if facts := text(`#inspection-facts`); !strings.Contains(facts, sa.certNo) || !strings.Contains(facts, sb.certNo) {
		t.Errorf("inspection facts %q: want both 执法证号", facts)
	}
	items, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](`[...document.querySelectorAll("#items article")].map(a =>
		[a.id, (a.querySelector('input[name="result"]:checked') || {value: ""}).value])`))
	if err != nil || len(items) != 18 {
		t.Fatalf("checklist: %v (%v), want 18 items", items, err)
	}
	na := 0
	for _, it := range items {
		code, result := it[0], it[1]
		if result == "na" {
			// Set aside for the institution's licence: confirm it with a note.
			na++
			do("note "+code,
				chromedp.Click(css(`#`+code+` input[name="result"][value="na"]`)),
				chromedp.SendKeys(css(`#`+code+` textarea[name="note"]`), "本机构未开展该项诊疗"),
			)
			submit("save "+code, chromedp.Click(css(`form[action$="/items/`+code+`"] button`)))
			if got, err := chromedp.Run(ctx, chromedp.Value(css(`#`+code+` textarea[name="note"]`))); err != nil || got != "本机构未开展该项诊疗" {
				t.Errorf("%s: note %q (%v) after saving", code, got, err)
			}
			continue
		}
		if result != "unchecked" {
			t.Errorf("%s starts as %q", code, result)
		}
		do("mark "+code, chromedp.Click(css(`#`+code+` input[name="result"][value="compliant"]`)))
		submit("save "+code, chromedp.Click(css(`form[action$="/items/`+code+`"] button`)))
		do("saved "+code, chromedp.WaitVisible(css(`#`+code+`.result-compliant`)))
	}
	if na != 2 {
		t.Errorf("an X-ray imaging licence sets aside %d items, want 2 (JC-16, JC-17)", na)
	}
	do("choose the outcome", chromedp.Click(css(`#outcome input[name="outcome"][value="compliant"]`)))
	submit("save the outcome", chromedp.Click(css(`#outcome button.primary`)))
	if got := text(`#outcome-value`); got != "符合" {
		t.Fatalf("outcome %q after saving\n%s", got, where())
	}
	submit(sa.username+": sign", chromedp.Click(css(`#sign`)))
	if sigs := text(`#signatures`); strings.Count(sigs, "已签名于") != 1 || strings.Count(sigs, "未签名") != 1 {
		t.Errorf("signatures after A's: %q, want one signed and one not", sigs)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#sign, #locked").length`)); err != nil || n != 0 {
		t.Errorf("after A's signature A may sign again or the record is locked: %d (%v)", n, err)
	}
	logout(sa.username)

	// B signs; the record locks.
	firstLogin(sb.username, sb.password, sb.newPassword)
	do(sb.username+": open the inspection", chromedp.Navigate(inspURL), chromedp.WaitVisible(css(`#sign`)))
	submit(sb.username+": sign", chromedp.Click(css(`#sign`)))
	if got := text(`#locked`); got != "已签名锁定" {
		t.Errorf("after both signatures: %q", got)
	}
	if sigs := text(`#signatures`); strings.Count(sigs, "已签名于") != 2 {
		t.Errorf("signatures after B's: %q, want two", sigs)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#items form, #outcome, #sign").length`)); err != nil || n != 0 {
		t.Errorf("the locked record still offers %d forms (%v)", n, err)
	}

	// 5. The 现场检查笔录, on screen and printed on A4.
	do("open the record", chromedp.Click(css(`#record-link`)), chromedp.WaitVisible(css(`#seal`)))
	if got := text(`h1`); got != "现场检查笔录" {
		t.Errorf("record title %q", got)
	}
	parties := text(`#parties`)
	for _, want := range []string{drawn.Name, drawn.CreditCode, drawn.Address, drawn.LegalRep, drawn.Phone, sa.name, sa.certNo, sb.name, sb.certNo} {
		if !strings.Contains(parties, want) {
			t.Errorf("the record's parties lack %q:\n%s", want, parties)
		}
	}
	if got := text(`#record-outcome`); !strings.Contains(got, "符合") {
		t.Errorf("record outcome %q", got)
	}
	if got := text(`#record-signatures`); strings.Count(got, "已在系统中确认") != 2 || !strings.Contains(got, sa.name) || !strings.Contains(got, sb.name) {
		t.Errorf("record signatures %q: want both inspectors' signatures", got)
	}
	recordItems := text(`#record-items`)
	if strings.Count(recordItems, "符合") < 16 || strings.Count(recordItems, "不适用") != 2 ||
		strings.Count(recordItems, "本机构未开展该项诊疗") != 2 {
		t.Errorf("record items: want 16 符合 and 2 不适用 with their notes:\n%s", recordItems)
	}

	var overflow []string
	var pdf []byte
	do("print the record",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		}),
		// A4 less the page margins (210 − 2 × 16 mm) at 96 px per inch.
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 673, Height: 1000, DeviceScaleFactor: 1})
			return err
		}),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) (err error) {
			overflow, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
				const w = document.documentElement.clientWidth;
				const out = [];
				for (const e of document.querySelectorAll('.record *')) {
					const r = e.getBoundingClientRect();
					if (r.right > w + 0.5 || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible') out.push(e.tagName + ' ' + (e.id || e.className) + ' ' + Math.round(r.right));
				}
				if (document.documentElement.scrollWidth > w) out.push('page ' + document.documentElement.scrollWidth);
				return out;
			})()`))
			return err
		}),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			yes := true
			res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &yes})
			pdf = res.Data
			return err
		}),
	)
	if len(overflow) > 0 {
		t.Errorf("the record runs past the A4 sheet: %v", overflow)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	// A4 is 595 × 842 points.
	if !bytes.Contains(pdf, []byte("/MediaBox [0 0 595")) && !bytes.Contains(pdf, []byte("/MediaBox [0 0 594")) {
		t.Errorf("the PDF's pages are not A4")
	}
}

// trimTo is s cut to at most n bytes, on a rune boundary.
func trimTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}
