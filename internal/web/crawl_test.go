package web_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"radsup/internal/i18n"
)

var (
	hrefs    = regexp.MustCompile(`href="(/[^"#]*)"`)
	markup   = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>`)
	keyLike  = regexp.MustCompile(`\b[a-z][a-z0-9_]*(\.[A-Za-z0-9_-]+)+\b`)
	maxPages = 400 // per role: the fixture's pages with a few variants of each list
)

// TestEveryLinkOpens follows, for each role, every link its pages show,
// from the home page: a page must not offer a link the user may not open
// (or that fails), and no page may show a message key where its text is
// missing.
func TestEveryLinkOpens(t *testing.T) {
	e := newEnv(t)
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
			for _, k := range keyLike.FindAllString(html.UnescapeString(markup.ReplaceAllString(body, " ")), -1) {
				if prefixes[strings.SplitN(k, ".", 2)[0]] {
					t.Errorf("%s: %s shows the key %q", role, target, k)
				}
			}
			for _, m := range hrefs.FindAllStringSubmatch(body, -1) {
				link := html.UnescapeString(m[1])
				u, err := url.Parse(link)
				if _, done := seen[link]; done || err != nil || strings.HasPrefix(u.Path, "/static/") || len(seen) >= maxPages {
					continue
				}
				if variants[u.Path]++; variants[u.Path] > 3 && u.RawQuery != "" {
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
