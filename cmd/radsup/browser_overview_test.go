package main

import (
	"context"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"radsup/internal/domain"
)

// TestBrowserOverview opens the demo district's overview in headless
// Chromium, in Chinese and in English: it renders its charts, and the
// first bar of "open findings by rule" leads to the findings list filtered
// by that rule, holding as many findings as the bar says. It runs when
// RADSUP_TEST_CHROMIUM names a Chromium binary.
func TestBrowserOverview(t *testing.T) {
	bin := chromiumOrSkip(t)
	m, _ := startMain(t, true)
	_, token := signIn(t, m, domain.RoleSupervisor, 0)
	bctx := headless(t, bin, 2*time.Minute)
	for _, lang := range []string{"zh-CN", "en"} {
		var charts int
		var title, href, barTitle, total, location, chosen string
		err := chromedp.Do(bctx,
			sessionCookies(m.URL(), token, lang),
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
