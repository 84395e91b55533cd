package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"radsup/internal/domain"
	"radsup/internal/reports"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestBrowserInstitutionHome opens an institution user's home in headless
// Chromium, in Chinese and in English: within 30 days it lists the
// licence's 校验 due in 10 days, with its date and days left; the 60-day
// window adds the status test due in 45 days; the licence row leads to the
// institution's licence. A notice from the office shows as an unread badge
// in the nav until it is marked read on the notices page.
func TestBrowserInstitutionHome(t *testing.T) {
	bin := chromiumOrSkip(t)
	m, _ := startMain(t, false)
	var inst *domain.Institution
	var today domain.Date
	err := m.Store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		today = domain.DateOf(tx.Now())
		inst = storetest.Institution(t, tx, func(i *domain.Institution) { i.Name = "中原区浏览器测试门诊部" })
		storetest.Licence(t, tx, inst.ID, func(l *domain.Licence) { l.ValidUntil = today.AddDate(0, 0, 10) })
		eq := storetest.Equipment(t, tx, inst.ID, func(e *domain.Equipment) { e.SerialNo = "HOME-0001" })
		storetest.Test(t, tx, eq.ID, func(x *domain.EquipmentTest) { x.TestedOn = today.AddDate(-1, 0, 45) })
		return tx.CreateNotice(&domain.NoticeMessage{InstitutionID: inst.ID, Kind: domain.NoticeManual, Day: today,
			Subject: "关于开展放射防护自查的通知", Body: "请于本月内完成自查。"}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	_, token := signIn(t, m, domain.RoleInstitution, inst.ID)
	bctx := headless(t, bin, 2*time.Minute)
	rows := func(ctx context.Context) ([]string, error) {
		return chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#due-list tbody tr')].map(r => r.innerText.replace(/\s+/g, ' ').trim())`))
	}
	want := map[string]struct{ licence, status, badge string }{
		"zh-CN": {"放射诊疗许可证校验", "设备状态检测", "1"},
		"en":    {"Licence check (校验)", "Equipment status test", "1"},
	}
	for i, lang := range []string{"zh-CN", "en"} {
		var in30, in60 []string
		var href, landed, badge string
		err := chromedp.Do(bctx,
			sessionCookies(m.URL(), token, lang),
			chromedp.Navigate(m.URL()+"/"),
			chromedp.WaitVisible(chromedp.CSS(`#due-list`)),
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) (err error) {
				if in30, err = rows(ctx); err != nil {
					return err
				}
				if i == 0 {
					badge, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#nav-notices .badge`)))
				}
				return err
			}),
			chromedp.Click(chromedp.CSS(`.due-windows a[href^="/?days=60"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.due-windows a.active[href^="/?days=60"]`)),
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) (err error) {
				if in60, err = rows(ctx); err != nil {
					return err
				}
				href, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#due-list tr.due-licence a').getAttribute('href')`))
				return err
			}),
			// The link is followed as a reader's click would (a script click:
			// the row may sit under the sticky header on a short window).
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector('#due-list tr.due-licence a').click(), true)`))
				return err
			}),
			chromedp.WaitVisible(chromedp.CSS(`#panel-licence.current #licences`)),
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) (err error) {
				landed, err = chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
				return err
			}),
		)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		w := want[lang]
		licenceDue := today.AddDate(0, 0, 10).String()
		if len(in30) != 1 || !strings.Contains(in30[0], w.licence) || !strings.Contains(in30[0], licenceDue) || !strings.Contains(in30[0], "10") {
			t.Errorf("%s: within 30 days %q, want the licence's 校验 on %s, in 10 days", lang, in30, licenceDue)
		}
		if len(in60) != 2 || !strings.Contains(in60[1], w.status) || !strings.Contains(in60[1], today.AddDate(0, 0, 45).String()) ||
			!strings.Contains(in60[1], "HOME-0001") {
			t.Errorf("%s: within 60 days %q, want the licence and then the status test of HOME-0001", lang, in60)
		}
		if wantHref := "/institutions/" + strconv.FormatInt(inst.ID, 10) + "?tab=licence"; href != wantHref || landed != wantHref {
			t.Errorf("%s: the licence row links %q and led to %q, want %q", lang, href, landed, wantHref)
		}
		if i == 0 && badge != w.badge {
			t.Errorf("unread badge %q, want %q", badge, w.badge)
		}
	}
	// The notice is read on the notices page; the badge goes.
	var badges int
	var read string
	err = chromedp.Do(bctx,
		chromedp.Navigate(m.URL()+"/notices"),
		chromedp.WaitVisible(chromedp.CSS(`#notices`)),
		chromedp.Click(chromedp.CSS(`#notices tr.unread form button`)),
		chromedp.WaitVisible(chromedp.CSS(`#notices tr.read`)),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) (err error) {
			if badges, err = chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#nav-notices .badge').length`)); err != nil {
				return err
			}
			read, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#notices tr.read td:nth-child(4)`)))
			return err
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	if badges != 0 || !strings.Contains(read, "read") {
		t.Errorf("after reading: %d badges, read column %q", badges, read)
	}
}

// TestBrowserDoseStats opens the demo's dose statistics in headless
// Chromium as a supervisor, in Chinese and in English: the table has a row
// per category and the district's row, whose numbers are those of the
// reports service (the same figures as the API and the CLI).
func TestBrowserDoseStats(t *testing.T) {
	bin := chromiumOrSkip(t)
	m, _ := startMain(t, true)
	sup, token := signIn(t, m, domain.RoleSupervisor, 0)
	year := time.Now().Year() - 1
	r, err := (&reports.Service{Store: m.Store}).Dose(context.Background(), sup, year, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.All.Monitored == 0 {
		t.Fatalf("the demo has no doses in %d", year)
	}
	bctx := headless(t, bin, 2*time.Minute)
	heads := map[string]string{"zh-CN": "职业外照射个人剂量统计", "en": ""}
	for _, lang := range []string{"zh-CN", "en"} {
		var title string
		var all []string
		var categories int
		err := chromedp.Do(bctx,
			sessionCookies(m.URL(), token, lang),
			chromedp.Navigate(m.URL()+"/stats/dose?year="+strconv.Itoa(year)),
			chromedp.WaitVisible(chromedp.CSS(`#dose-stats #dose-all`)),
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) (err error) {
				if title, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`))); err != nil {
					return err
				}
				if categories, err = chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#dose-stats tbody tr').length`)); err != nil {
					return err
				}
				all, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#dose-all td')].map(c => c.innerText.trim())`))
				return err
			}),
		)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if h := heads[lang]; h != "" && title != h || lang == "en" && strings.ContainsAny(title, "职业剂量") {
			t.Errorf("%s: title %q", lang, title)
		}
		if categories != len(r.Categories)+1 {
			t.Errorf("%s: %d rows, want %d categories and the district's", lang, categories, len(r.Categories))
		}
		wantAll := []string{strconv.Itoa(r.All.Monitored), strconv.FormatFloat(r.All.CollectiveDose, 'f', 4, 64),
			strconv.FormatFloat(r.All.MeanDose, 'f', 3, 64)}
		if len(all) < 3 || all[0] != wantAll[0] || all[1] != wantAll[1] || all[2] != wantAll[2] {
			t.Errorf("%s: the district's row %q, want it to start %q", lang, all, wantAll)
		}
	}
}
