package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"radsup/internal/accounts"
	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestBrowserRectificationFlow drives a rectification through the pages in
// headless Chromium: a device in use without its acceptance test is a
// finding; the supervisor orders it corrected from the institution's page;
// the institution user answers with a PDF; the supervisor's confirmation is
// refused, naming the finding; the institution files the acceptance test in
// the register, which resolves the finding; the supervisor closes it; the
// 卫生监督意见书 (two parts) and the 责令改正通知书 fit A4 and print to PDF
// with their numbers. It runs when RADSUP_TEST_CHROMIUM names a Chromium
// binary.
func TestBrowserRectificationFlow(t *testing.T) {
	bin := os.Getenv("RADSUP_TEST_CHROMIUM")
	if bin == "" {
		t.Skip("RADSUP_TEST_CHROMIUM not set")
	}
	m, _ := startMain(t, false)
	base, ctx := m.URL(), context.Background()
	acc := &accounts.Service{Store: m.Store}
	pol := auth.DefaultPolicy()
	pol.TwoFactorRoles = nil
	if err := acc.SetPolicy(ctx, domain.Actor{Username: "test"}, accounts.Console(domain.RoleSecurity), pol); err != nil {
		t.Fatal(err)
	}
	var inst *domain.Institution
	var device *domain.Equipment
	var sup, instUser *domain.User
	err := m.Store.WithTx(ctx, domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		inst = storetest.Institution(t, tx, func(in *domain.Institution) {
			in.Name, in.LegalRep, in.Phone = "中原区整改流程测试医院", "王法人", "0371-66002001"
		})
		storetest.Licence(t, tx, inst.ID)
		device = storetest.Equipment(t, tx, inst.ID)
		sup = storetest.User(t, tx, domain.RoleSupervisor, 0)
		instUser = storetest.User(t, tx, domain.RoleInstitution, inst.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Findings.RunFull(ctx, domain.DateOf(time.Now())); err != nil {
		t.Fatal(err)
	}
	token := map[string]string{}
	for _, u := range []*domain.User{sup, instUser} {
		login, err := acc.Login(ctx, u.Username, storetest.Password, domain.Actor{})
		if err != nil || login.Stage != "" {
			t.Fatalf("login %s: %v %+v", u.Username, err, login)
		}
		token[u.Role] = login.Token
	}
	evidence := filepath.Join(t.TempDir(), "验收检测报告.pdf")
	if err := os.WriteFile(evidence, []byte("%PDF-1.4\n% 验收检测报告\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("lang", "zh-CN"))
	actx, cancel := chromedp.NewExecAllocator(ctx, opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	bctx, cancel = context.WithTimeout(bctx, 3*time.Minute)
	defer cancel()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatal(err)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
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
	as := func(role string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "radsup_session", Value: token[role], URL: base})
			return err
		})
	}

	// 1. The supervisor orders the finding corrected from the institution's page.
	do("order a correction",
		as(domain.RoleSupervisor),
		chromedp.Navigate(base+"/institutions/"+strconv.FormatInt(inst.ID, 10)),
		chromedp.WaitVisible(css(`#rectify-findings-form`)),
		chromedp.Click(css(`#rectify-findings-form input[name="finding"]`)),
		chromedp.SetValue(css(`#rectify-findings-form input[name="days"]`), "20"),
		chromedp.SendKeys(css(`#rectify-findings-form textarea[name="opinion"]`), "补做设备验收检测并提交报告"),
		chromedp.Submit(css(`#rectify-findings-form textarea[name="opinion"]`)),
		chromedp.WaitVisible(css(`#rect-items`)),
	)
	loc, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil || !strings.Contains(loc, "/rectifications/") {
		t.Fatalf("after ordering, at %q %v", loc, err)
	}
	rect := loc[strings.Index(loc, "/rectifications/"):]
	if docs := text(`#documents`); !strings.Contains(docs, "中原卫放意〔") || !strings.Contains(docs, "中原卫放责改〔") {
		t.Errorf("the documents are not numbered:\n%s", docs)
	}
	if state := text(`#rect-state`); state != "已下达" {
		t.Errorf("state %q", state)
	}

	// 2. The institution answers with a file.
	do("answer",
		as(domain.RoleInstitution),
		chromedp.Navigate(base+rect),
		chromedp.WaitVisible(css(`#respond-form`)),
		chromedp.SendKeys(css(`#respond-form textarea[name="response"]`), "已委托检测机构补做验收检测"),
		chromedp.Submit(css(`#respond-form textarea[name="response"]`)),
		chromedp.WaitVisible(css(`#rect-response`)),
		chromedp.SetUploadFiles(css(`#upload-form input[type="file"]`), []string{evidence}),
		chromedp.Submit(css(`#upload-form input[type="file"]`)),
		chromedp.WaitVisible(css(`#rect-files`)),
	)
	if files := text(`#rect-files`); !strings.Contains(files, "验收检测报告.pdf") {
		t.Errorf("the file is not listed: %s", files)
	}

	// 3. The supervisor cannot close while the finding is open.
	do("close too early",
		as(domain.RoleSupervisor),
		chromedp.Navigate(base+rect),
		chromedp.WaitVisible(css(`#close-form`)),
		chromedp.Submit(css(`#close-form textarea`)),
		chromedp.WaitVisible(css(`#rect-error`)),
	)
	if msg := text(`#rect-error`); !strings.Contains(msg, "EQP-ACCEPTANCE-MISSING") || !strings.Contains(msg, "仍未整改") {
		t.Errorf("the refusal does not name the finding: %q", msg)
	}

	// 4. The institution files the acceptance test: the finding is resolved.
	do("fix the register",
		as(domain.RoleInstitution),
		chromedp.Navigate(base+"/equipment/"+strconv.FormatInt(device.ID, 10)+"/tests/new"),
		chromedp.WaitVisible(css(`#f-tested_on`)),
		chromedp.SetValue(css(`#f-kind`), "acceptance"),
		chromedp.SetValue(css(`#f-tested_on`), time.Now().Format(time.DateOnly)),
		chromedp.SetValue(css(`#f-result`), "pass"),
		chromedp.Submit(css(`#f-tested_on`)),
		chromedp.WaitVisible(css(`a[href$="/tests/new"]`)),
		chromedp.Navigate(base+rect),
		chromedp.WaitVisible(css(`#rect-items`)),
	)
	if items := text(`#rect-items`); !strings.Contains(items, "初筛确认已整改") {
		t.Fatalf("the finding is not resolved after the fix:\n%s", items)
	}

	// 5. The supervisor closes it.
	do("close",
		as(domain.RoleSupervisor),
		chromedp.Navigate(base+rect),
		chromedp.WaitVisible(css(`#close-form`)),
		chromedp.SendKeys(css(`#close-form textarea`), "复核验收检测报告，整改到位"),
		chromedp.Submit(css(`#close-form textarea`)),
		chromedp.WaitVisible(css(`#rect-closed`)),
	)
	if state := text(`#rect-state`); state != "已完成" {
		t.Errorf("state after closing %q", state)
	}

	// 6. Both documents print on A4 with their numbers.
	for _, doc := range []struct{ path, title, number string }{
		{"/opinion", "卫生监督意见书", "中原卫放意〔"}, {"/order", "责令改正通知书", "中原卫放责改〔"},
	} {
		var pdf []byte
		var overflow []string
		do("print "+doc.title,
			chromedp.Navigate(base+rect+doc.path),
			chromedp.WaitVisible(css(`.seal`)),
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
					const w = document.documentElement.clientWidth;
					const out = [];
					for (const e of document.querySelectorAll('.record *')) {
						const r = e.getBoundingClientRect();
						if (r.right > w + 0.5) out.push(e.tagName + ' ' + (e.id || e.className) + ' ' + Math.round(r.right));
					}
					if (document.documentElement.scrollWidth > w) out.push('page ' + document.documentElement.scrollWidth);
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
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
				return err
			}),
		)
		body := text(`body`)
		if !strings.Contains(body, doc.title) || !strings.Contains(body, doc.number) || !strings.Contains(body, inst.Name) ||
			!strings.Contains(body, "王法人") || !strings.Contains(body, "0371-66002001") {
			t.Errorf("%s lacks its title, number or party:\n%s", doc.title, trimTo(body, 1500))
		}
		if doc.path == "/opinion" && (!strings.Contains(body, "第一联") || !strings.Contains(body, "第二联")) {
			t.Errorf("the 意见书 is not in two parts")
		}
		if len(overflow) > 0 {
			t.Errorf("%s runs past the A4 sheet: %v", doc.title, overflow)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("%s: not a PDF", doc.title)
		}
		if !bytes.Contains(pdf, []byte("/MediaBox [0 0 595")) && !bytes.Contains(pdf, []byte("/MediaBox [0 0 594")) {
			t.Errorf("%s: the PDF's pages are not A4", doc.title)
		}
	}
}
