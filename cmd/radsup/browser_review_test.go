package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestBrowserReviewedEdit: with review of institution submissions turned
// on by the office, an institution user edits a person's name in headless
// Chromium; the person's page shows it pending (待审核) and the name stays;
// the supervisor follows the badge on the same page to the queue, sees the
// name field by field against the stored one and approves it; the
// institution's page then shows the new name without a badge. It runs when
// RADSUP_TEST_CHROMIUM names a Chromium binary.
func TestBrowserReviewedEdit(t *testing.T) {
	bin := chromiumOrSkip(t)
	m, _ := startMain(t, false)
	ctx := context.Background()
	const before, after = "审核测试甲", "审核测试乙"
	var inst *domain.Institution
	var person *domain.Person
	if err := m.Store.WithTx(ctx, domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		inst = storetest.Institution(t, tx, func(x *domain.Institution) { x.Name = "中原区审核测试医院" })
		person = storetest.Person(t, tx, func(p *domain.Person) { p.Name = before })
		storetest.Employment(t, tx, person.ID, inst.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, instToken := signIn(t, m, domain.RoleInstitution, inst.ID)
	_, supToken := signIn(t, m, domain.RoleSupervisor, 0)
	personURL := m.URL() + "/people/" + strconv.FormatInt(person.ID, 10)

	bctx := headless(t, bin, 2*time.Minute, chromedp.Flag("lang", "zh-CN"))
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
	badges := func() int {
		t.Helper()
		n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('a.tag.pending').length`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	stored := func() string {
		t.Helper()
		var name string
		if err := storetest.Row(t, m.Store, "SELECT name FROM people WHERE id = ?", person.ID).Scan(&name); err != nil {
			t.Fatal(err)
		}
		return name
	}

	// 1. The office turns review on.
	do("supervisor: turn review on",
		sessionCookies(m.URL(), supToken, ""),
		chromedp.Navigate(m.URL()+"/reviews"),
		chromedp.WaitVisible(css(`#review-setting button`)),
		chromedp.Click(css(`#review-setting button`)),
		// #reviews is on the page before the click too: wait for the page
		// after it, whose form would turn review off.
		chromedp.WaitReady(css(`#review-setting input[name="on"][value="0"]`)),
		chromedp.WaitVisible(css(`#reviews`)),
	)
	if got := text(`#review-setting strong`); got != "已开启" {
		t.Fatalf("review setting %q after turning it on", got)
	}

	// 2. The institution edits the person's name: it waits.
	do("institution: edit the person",
		sessionCookies(m.URL(), instToken, ""),
		chromedp.Navigate(personURL),
		chromedp.WaitVisible(css(`.head-actions a[href$="/edit"]`)),
		chromedp.Click(css(`.head-actions a[href$="/edit"]`)),
		chromedp.WaitVisible(css(`#f-name`)),
		chromedp.SetValue(css(`#f-name`), after),
		chromedp.Click(css(`form.record-form button.primary`)),
		chromedp.WaitVisible(css(`#reviews`)),
		chromedp.Navigate(personURL),
		chromedp.WaitVisible(css(`h1 a.tag.pending`)),
	)
	if h := text(`h1`); !strings.Contains(h, before) || !strings.Contains(h, "待审核") {
		t.Errorf("the institution's heading %q: want the stored name, pending", h)
	}
	if got := stored(); got != before {
		t.Fatalf("the held edit took effect: %q", got)
	}

	// 3. The supervisor follows the badge to the queue and approves.
	do("supervisor: follow the badge to the queue",
		sessionCookies(m.URL(), supToken, ""),
		chromedp.Navigate(personURL),
		chromedp.WaitVisible(css(`h1 a.tag.pending`)),
		chromedp.Click(css(`h1 a.tag.pending`)),
		chromedp.WaitVisible(css(`#reviews tr[data-field="name"]`)),
	)
	if row := text(`#reviews tr[data-field="name"]`); !strings.Contains(row, before) || !strings.Contains(row, after) {
		t.Errorf("the queue's name row %q lacks the stored or the proposed name", row)
	}
	if n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('#reviews tbody input[name="id"]').length`)); err != nil || n != 1 {
		t.Fatalf("the badge's queue item shows %d submissions (%v), want its own", n, err)
	}
	do("supervisor: approve",
		chromedp.Click(css(`#reviews tbody input[name="id"]`)),
		chromedp.Click(css(`#approve-selected`)),
		// The page after the approval has no pending item to tick: the
		// one before it still shows the queue, so waiting for #reviews
		// alone could read the database before the approval.
		chromedp.WaitNotPresent(css(`#reviews tbody input[name="id"]`)),
		chromedp.WaitVisible(css(`#reviews`)),
	)
	if got := stored(); got != after {
		t.Fatalf("the approved edit was not applied: %q\n%s", got, where())
	}

	// 4. The institution sees the new name, no longer pending.
	do("institution: the approved name",
		sessionCookies(m.URL(), instToken, ""),
		chromedp.Navigate(personURL),
		chromedp.WaitVisible(css(`h1`)),
	)
	if h := text(`h1`); !strings.Contains(h, after) || strings.Contains(h, "待审核") {
		t.Errorf("the institution's heading after approval: %q", h)
	}
	if n := badges(); n != 0 {
		t.Errorf("%d pending badges after approval", n)
	}
	do("institution: its people tab",
		chromedp.Navigate(m.URL()+"/institutions/"+strconv.FormatInt(inst.ID, 10)+"?tab=people"),
		chromedp.WaitVisible(css(`#people`)),
	)
	if got := text(`#people`); !strings.Contains(got, after) {
		t.Errorf("the people tab after approval: %q", got)
	}
	if n := badges(); n != 0 {
		t.Errorf("%d pending badges on the people tab after approval", n)
	}
}
