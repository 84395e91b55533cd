package i18n

import (
	"regexp"
	"strings"
	"testing"
)

// TestCatalogsAgree checks that every key exists in every language with the
// same formatting verbs, so that no page falls back to the other language or
// prints %!d(MISSING).
func TestCatalogsAgree(t *testing.T) {
	verbs := regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)
	base := catalogs[Default]
	if len(base) < 100 {
		t.Fatalf("the %s catalogue has only %d keys", Default, len(base))
	}
	for _, lang := range Languages() {
		for key, msg := range base {
			other, ok := catalogs[lang][key]
			if !ok {
				t.Errorf("%s: no %q", lang, key)
				continue
			}
			if a, b := verbs.FindAllString(msg, -1), verbs.FindAllString(other, -1); len(a) != len(b) {
				t.Errorf("%s %q: verbs %v, %s has %v", lang, key, b, Default, a)
			}
		}
		for key := range catalogs[lang] {
			if _, ok := base[key]; !ok {
				t.Errorf("%s: %q is not in %s", lang, key, Default)
			}
		}
	}
}

func TestT(t *testing.T) {
	if got := T("en", "findings.total", 3); got != "3 in all" {
		t.Errorf("T en: %q", got)
	}
	if got := T("en", "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
	if got := T("xx", "findings.title"); got != "初筛结果" {
		t.Errorf("unknown language: %q", got)
	}
}

// labelSections are the catalogue sections whose entries label things a
// reader sees side by side (a finding's facts, an audit entry's fields): two
// entries of one section with the same words would be two different facts
// the reader cannot tell apart.
var labelSections = []string{"evidence.", "audit.action.", "audit.entity."}

// TestLabelsDistinct: within one language and one label section, no two
// keys have the same label.
func TestLabelsDistinct(t *testing.T) {
	for _, lang := range Languages() {
		for _, section := range labelSections {
			seen := map[string]string{}
			for key, msg := range catalogs[lang] {
				rest, ok := strings.CutPrefix(key, section)
				if !ok || strings.Contains(rest, ".") {
					continue
				}
				if other, dup := seen[msg]; dup {
					t.Errorf("%s: %q and %q are both labelled %q", lang, other, key, msg)
				}
				seen[msg] = key
			}
		}
	}
}
