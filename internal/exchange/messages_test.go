package exchange_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"radsup/internal/exchange"
	"radsup/internal/i18n"
	"radsup/internal/xlsx"
)

// placeholder matches a formatting verb: %[n]s or %[n]d as the import
// catalogue writes them, or any other.
var placeholder = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0-9.]*[a-zA-Z%]`)

// placeholders returns the argument numbers a text refers to; a verb
// without an argument index counts as "?" (the import catalogue numbers
// every argument, so that a language may put them in its own order).
func placeholders(text string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if m[0] == "%%" {
			continue
		}
		n := m[2]
		if n == "" {
			n = "?"
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestProblemKeysInCatalogue keeps the import catalogue complete: every key
// a problem may carry (declared with xlsx.NewKey0 … NewKey3, by xlsx and by
// exchange) has a text in every language whose placeholders are exactly
// %[1]s … %[n]s for its n arguments.
func TestProblemKeysInCatalogue(t *testing.T) {
	keys := xlsx.MessageKeys()
	if len(keys) < 50 {
		t.Fatalf("only %d problem keys declared", len(keys))
	}
	for _, k := range keys {
		var want []string
		for n := 1; n <= k.Args; n++ {
			want = append(want, strconv.Itoa(n))
		}
		for _, lang := range i18n.Languages() {
			if !slices.Contains(i18n.Keys(lang), k.Key) {
				t.Errorf("%s: no text for %q", lang, k.Key)
				continue
			}
			if got := placeholders(i18n.T(lang, k.Key)); !slices.Equal(got, want) {
				t.Errorf("%s %q: placeholders %v, want %v for %d arguments", lang, k.Key, got, want, k.Args)
			}
		}
	}
}

// TestImportWordsAgree checks the rest of the import catalogue (pages,
// annotated workbook, CLI): every import key has the same placeholders in
// every language.
func TestImportWordsAgree(t *testing.T) {
	n := 0
	for _, key := range i18n.Keys(i18n.Default) {
		if !strings.HasPrefix(key, "import.") {
			continue
		}
		n++
		want := placeholders(i18n.T(i18n.Default, key))
		for _, lang := range i18n.Languages() {
			if got := placeholders(i18n.T(lang, key)); !slices.Equal(got, want) {
				t.Errorf("%s %q: placeholders %v, %s has %v", lang, key, got, i18n.Default, want)
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d import keys", n)
	}
}

// TestProblemsInEnglish: the problems of an import render in the reader's
// language, from the same report.
func TestProblemsInEnglish(t *testing.T) {
	e := newEnv(t)
	y := today.Year() - 1
	bad := "身份证号,统一社会信用代码,监测周期,Hp(10) (mSv),未知列\n" +
		"4.10102E+17," + instCode + "," + strconv.Itoa(y) + "Q5,abc,x\n"
	rep := e.imp(nil, exchange.Options{DryRun: true}, e.file("剂量.csv", bad))
	var zh, en []string
	for _, p := range rep.Problems {
		zh, en = append(zh, p.Text("zh-CN")), append(en, p.Text("en"))
	}
	all := strings.Join(en, "\n")
	for _, want := range []string{"Unknown column “未知列”: ignored.", "No institution has the unified social credit code", "the quarter must be from 1 to 4", "is not a valid dose"} {
		if !strings.Contains(all, want) {
			t.Errorf("English problems lack %q:\n%s", want, all)
		}
	}
	if !strings.Contains(strings.Join(zh, "\n"), "未知的列“未知列”，已忽略。") {
		t.Errorf("Chinese problems: %q", zh)
	}
}
