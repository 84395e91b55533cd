package web_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/i18n"
	"radsup/internal/store/storetest"
)

var (
	hrefs    = regexp.MustCompile(`href="(/[^"]*)"`)
	markup   = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>`)
	shown    = regexp.MustCompile(`\s(?:title|aria-label|placeholder|alt)="([^"]*)"`)
	ids      = regexp.MustCompile(`\sid="([^"]*)"`)
	keyLike  = regexp.MustCompile(`\b[a-z][a-z0-9_]*(\.[A-Za-z0-9_-]+)+\b`)
	maxPages = 600 // per role: the fixture's pages with a few variants of each list
)

// TestEveryLinkOpens follows, for each role, every link its pages show,
// from the home page: a page must not offer a link the user may not open
// (or that fails), must not give two elements one id, and must not show a
// message key where its text is missing. The fixture gets what links
// across permissions: an inspection of a plan (institutions may not read
// plans), a case from a rectification (viewers may not read
// rectifications), a case citing a health finding (nor those), and a
// rectification both answered and overdue (two lists of the home page).
func TestEveryLinkOpens(t *testing.T) {
	e := newEnv(t)
	e.crossLinks()
	prefixes := map[string]bool{}
	for _, k := range i18n.Keys("zh-CN") {
		prefixes[strings.SplitN(k, ".", 2)[0]] = true
	}
	for _, role := range []string{"supervisor", "inst", "viewer", "admin", "security", "auditor"} {
		seen := map[string]string{"/": ""} // link → the page that shows it
		queue := []string{"/"}
		variants := map[string]int{}
		for len(queue) > 0 {
			target := queue[0]
			queue = queue[1:]
			w := e.do(role, "GET", target, nil)
			if w.Code != 200 {
				t.Errorf("%s: %s answers %d (linked from %s)", role, target, w.Code, seen[target])
				continue
			}
			if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
				continue
			}
			body := w.Body.String()
			text := markup.ReplaceAllString(body, " ")
			for _, m := range shown.FindAllStringSubmatch(body, -1) {
				text += " " + m[1]
			}
			for _, k := range keyLike.FindAllString(html.UnescapeString(text), -1) {
				if prefixes[strings.SplitN(k, ".", 2)[0]] {
					t.Errorf("%s: %s shows the key %q", role, target, k)
				}
			}
			once := map[string]bool{}
			for _, m := range ids.FindAllStringSubmatch(body, -1) {
				if once[m[1]] {
					t.Errorf("%s: %s has the id %q twice", role, target, m[1])
				}
				once[m[1]] = true
			}
			for _, m := range hrefs.FindAllStringSubmatch(body, -1) {
				u, err := url.Parse(html.UnescapeString(m[1]))
				if err != nil || strings.HasPrefix(u.Path, "/static/") {
					continue
				}
				u.Fragment = ""
				link := u.String()
				if _, done := seen[link]; done {
					continue
				}
				if len(seen) >= maxPages {
					t.Fatalf("%s: more than %d pages: raise maxPages", role, maxPages)
				}
				if variants[variant(u)]++; variants[variant(u)] > 3 {
					continue // a list's filters and pages: a few are enough
				}
				seen[link] = target
				queue = append(queue, link)
			}
		}
		if len(seen) < 3 {
			t.Errorf("%s: %d pages reached", role, len(seen))
		}
	}
}

// variant names what a link shows, for the crawl's count: its path, the
// names of its query's parameters and the tab it opens (a record page's
// tabs are pages of their own; a list's filter values are not).
func variant(u *url.URL) string {
	q := u.Query()
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range q {
			if !yield(k) {
				return
			}
		}
	})
	return u.Path + "?" + strings.Join(names, "&") + "#" + q.Get("tab")
}

// crossLinks adds to the fixture the records whose pages link across
// permissions (TestEveryLinkOpens).
func (e *env) crossLinks() {
	t, ctx, sup, inst := e.t, context.Background(), e.users["supervisor"], e.users["inst"]
	storetest.Exec(t, e.store, "UPDATE inspections SET plan_id = ?, plan_ord = 1 WHERE id = ?", e.plan.ID, e.a.signed)
	enf := &enforcement.Service{Store: e.store}
	v, err := enf.Rectification(ctx, sup, e.a.rect)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := enf.Respond(ctx, domain.Actor{Username: inst.Username}, inst, e.a.rect, "已整改", v.Rectification.Version); err != nil {
		t.Fatal(err)
	}
	storetest.Exec(t, e.store, "UPDATE rectifications SET deadline = ? WHERE id = ?", time.Now().AddDate(0, 0, -1).Format(time.DateOnly), e.a.rect)
	form := url.Values{"source": {"rectification"}, "rectification": {id(e.a.rect)}, "cause": {"逾期未改正"},
		"facts": {"该院未在期限内补做验收检测。"}, "article": {"RDM-41"}, "handler1": {sup.Username}, "handler2": {e.partner.Username}}
	if w := e.do("supervisor", "POST", "/cases/new", form); w.Code != 303 {
		t.Fatalf("a case from the rectification: %d", w.Code)
	}
	var health int64
	if err := storetest.Row(t, e.store, "SELECT id FROM findings WHERE rule LIKE 'PER-EXAM%' AND institution_id = ? ORDER BY id LIMIT 1", e.a.inst.ID).Scan(&health); err != nil {
		t.Fatal(err)
	}
	_, err = enf.OpenCase(ctx, domain.Actor{Username: sup.Username}, sup, enforcement.NewCase{Source: "findings", InstitutionID: e.a.inst.ID,
		FindingIDs: []int64{health}, Cause: "未按规定组织职业健康检查", Facts: "该院一名放射工作人员逾期未进行职业健康检查。",
		Articles: []string{"RDM-41"}, Handlers: [2]string{sup.Username, e.partner.Username}})
	if err != nil {
		t.Fatal(err)
	}
}
