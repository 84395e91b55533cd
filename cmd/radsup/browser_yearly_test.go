package main

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"radsup/internal/domain"
)

// TestBrowserPrintsYearlyReport opens the demo's yearly report in headless
// Chromium as a supervisor (who sees the widest table, the doses), checks
// that no table runs past the A4 sheet when printed, that the print header
// names the office and the year choice does not print, and prints it to PDF
// on A4. It runs when RADSUP_TEST_CHROMIUM names a Chromium binary.
func TestBrowserPrintsYearlyReport(t *testing.T) {
	bin := chromiumOrSkip(t)
	m, _ := startMain(t, true)
	_, token := signIn(t, m, domain.RoleSupervisor, 0)
	target := m.URL() + "/reports/yearly?year=" + strconv.Itoa(time.Now().Year())

	bctx := headless(t, bin, 2*time.Minute)
	var pdf []byte
	var overflow []string
	var title, header string
	var filters bool
	err := chromedp.Do(bctx,
		sessionCookies(m.URL(), token, ""),
		chromedp.Navigate(target),
		chromedp.WaitVisible(chromedp.CSS(`#yearly-doses`)),
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
				for (const e of document.querySelectorAll('.yearly *')) {
					const r = e.getBoundingClientRect();
					if (r.right > w + 0.5 || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible') out.push(e.tagName + ' ' + (e.id || e.className) + ' ' + Math.round(r.right));
				}
				if (document.documentElement.scrollWidth > w) out.push('page ' + document.documentElement.scrollWidth);
				return out;
			})()`))
			return err
		}),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) (err error) {
			if title, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.yearly-head h1`))); err != nil {
				return err
			}
			if header, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#print-header .office`))); err != nil {
				return err
			}
			filters, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('.yearly .filters')).display !== 'none'`))
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
	if want := strconv.Itoa(time.Now().Year()) + " 年度放射卫生监管统计报表"; title != want {
		t.Errorf("title %q, want %q", title, want)
	}
	if header == "" || filters {
		t.Errorf("print: office header %q, year choice shown %v", header, filters)
	}
	if len(overflow) > 0 {
		t.Errorf("the report runs past the A4 sheet: %v", overflow)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	// A4 is 595 × 842 points.
	if !bytes.Contains(pdf, []byte("/MediaBox [0 0 595")) && !bytes.Contains(pdf, []byte("/MediaBox [0 0 594")) {
		t.Errorf("the PDF's pages are not A4")
	}
}
