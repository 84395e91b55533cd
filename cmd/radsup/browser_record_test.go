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
	"radsup/internal/enforcement"
)

// TestBrowserPrintsInspectionRecord opens the demo's signed inspection's
// 现场检查笔录 in headless Chromium as a viewer, checks that nothing runs
// past the A4 sheet when printed, and prints it to PDF on A4. It runs when
// RADSUP_TEST_CHROMIUM names a Chromium binary.
func TestBrowserPrintsInspectionRecord(t *testing.T) {
	bin := chromiumOrSkip(t)
	m, _ := startMain(t, true)
	viewer, token := signIn(t, m, domain.RoleViewer, 0)
	ctx := context.Background()
	xs, err := (&enforcement.Service{Store: m.Store}).Inspections(ctx, viewer, enforcement.InspectionList{Signed: true})
	if err != nil || len(xs) == 0 {
		t.Fatalf("no signed demo inspection: %v", err)
	}
	target := m.URL() + "/inspections/" + strconv.FormatInt(xs[0].ID, 10) + "/record"

	bctx := headless(t, bin, 2*time.Minute)
	var pdf []byte
	var overflow []string
	var title string
	err = chromedp.Do(bctx,
		sessionCookies(m.URL(), token, ""),
		chromedp.Navigate(target),
		chromedp.WaitVisible(chromedp.CSS(`#seal`)),
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
					if (r.right > w + 0.5 || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible') out.push(e.tagName + ' ' + (e.id || e.className) + ' ' + Math.round(r.right));
				}
				if (document.documentElement.scrollWidth > w) out.push('page ' + document.documentElement.scrollWidth);
				return out;
			})()`))
			return err
		}),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) (err error) {
			title, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`)))
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
	if title != "现场检查笔录" {
		t.Errorf("title %q", title)
	}
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
