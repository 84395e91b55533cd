package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestBrowserLicenceCheckProposesNextDue: on the licence's history page in
// headless Chromium, the supervisor's 校验 form comes with the next due
// date three years on for a hospital of 150 beds (《医疗机构管理条例实施细则》
// 第三十五条); it follows the check date as the supervisor changes it, until
// the supervisor types a due date of their own, which is what the recorded
// check sets as the licence's validity. It runs when RADSUP_TEST_CHROMIUM
// names a Chromium binary.
func TestBrowserLicenceCheckProposesNextDue(t *testing.T) {
	bin := chromiumOrSkip(t)
	m, _ := startMain(t, false)
	today := domain.DateOf(time.Now())
	var inst *domain.Institution
	var lic *domain.Licence
	if err := m.Store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		beds := 150
		inst = storetest.Institution(t, tx, func(x *domain.Institution) { x.Beds = &beds })
		lic = storetest.Licence(t, tx, inst.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if years := domain.CheckYears(inst); years != 3 {
		t.Fatalf("a hospital of 150 beds is checked every %d years", years)
	}
	_, token := signIn(t, m, domain.RoleSupervisor, 0)
	bctx := headless(t, bin, 2*time.Minute)
	value := func(id string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.getElementById('`+id+`').value`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	setDate := func(id, v string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const el = document.getElementById('`+id+`'); el.value = '`+v+`';
				el.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`))
			return err
		})
	}
	history := m.URL() + "/licences/" + strconv.FormatInt(lic.ID, 10) + "/history"
	if err := chromedp.Do(bctx, sessionCookies(m.URL(), token, "zh-CN"), chromedp.Navigate(history), chromedp.WaitVisible(chromedp.CSS(`#f-next_due`))); err != nil {
		t.Fatal(err)
	}
	if got, want := value("f-next_due"), domain.ProposedNextDue(inst, today).String(); got != want || value("f-on") != today.String() {
		t.Errorf("the form comes with check %s, next due %s; want %s, %s", value("f-on"), got, today, want)
	}
	on := today.AddDate(0, -1, 0)
	if err := chromedp.Do(bctx, setDate("f-on", on.String())); err != nil {
		t.Fatal(err)
	}
	if got, want := value("f-next_due"), domain.ProposedNextDue(inst, on).String(); got != want {
		t.Errorf("after the check date moved to %s the next due date is %s, want %s", on, got, want)
	}
	own := today.AddDate(2, 6, 0).String()
	if err := chromedp.Do(bctx, setDate("f-next_due", own), setDate("f-on", today.AddDate(0, 0, -3).String())); err != nil {
		t.Fatal(err)
	}
	if got := value("f-next_due"); got != own {
		t.Errorf("the supervisor's own due date %s was replaced by %s", own, got)
	}
	if err := chromedp.Do(bctx,
		chromedp.SetValue(chromedp.CSS(`#f-kind`), "check"),
		chromedp.SetValue(chromedp.CSS(`#f-result`), "pass"),
		chromedp.SendKeys(chromedp.CSS(`#f-document_no`), "中卫放校〔2026〕5号"),
		chromedp.Submit(chromedp.CSS(`#f-document_no`)),
		chromedp.WaitVisible(chromedp.CSS(`tr.act-check`)),
	); err != nil {
		t.Fatal(err)
	}
	if got, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`#valid-until`))); err != nil || got != own {
		t.Errorf("valid_until after the check: %q %v, want %s", got, err, own)
	}
}
