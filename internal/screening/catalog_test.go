package screening

import (
	"bufio"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"radsup/internal/i18n"
)

// specIDs is the rule list of spec/rules.md, copied verbatim, in order.
var specIDs = []string{
	"INS-LICENCE-MISSING",
	"INS-LICENCE-EXPIRED",
	"INS-LICENCE-EXPIRING",
	"EQP-OUT-OF-SCOPE",
	"EQP-ACCEPTANCE-MISSING",
	"EQP-FAILED-IN-USE",
	"EQP-STATUS-OVERDUE",
	"EQP-STATUS-DUE-SOON",
	"EQP-PROTECTION-OVERDUE",
	"EQP-PROTECTION-FAILED",
	"PER-UNDERAGE",
	"PER-PERMIT-MISSING",
	"PER-TRAINING-PREJOB-MISSING",
	"PER-TRAINING-OVERDUE",
	"PER-EXAM-PREJOB-MISSING",
	"PER-EXAM-OVERDUE",
	"PER-EXAM-UNFIT",
	"PER-DOSE-GAP",
	"PER-DOSE-CYCLE-LONG",
	"PER-DOSE-INVESTIGATE",
	"PER-DOSIMETER-LOST",
	"PER-DOSE-ANNUAL-HIGH",
	"PER-DOSE-ANNUAL-LIMIT",
	"PER-DOSE-5YEAR-LIMIT",
	"PER-EYE-LIMIT",
	"PER-MULTI-SITE",
}

// specSeverity is the severity column of spec/rules.md.
var specSeverity = map[string]Severity{
	"INS-LICENCE-EXPIRING": Notice, "EQP-STATUS-DUE-SOON": Notice, "PER-MULTI-SITE": Notice,
	"PER-DOSE-CYCLE-LONG": Warning, "PER-DOSE-INVESTIGATE": Warning, "PER-DOSIMETER-LOST": Warning,
	"PER-DOSE-ANNUAL-HIGH": Warning,
}

func catalogIDs() []string {
	var ids []string
	for _, r := range Catalog() {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestCatalogMatchesSpecList(t *testing.T) {
	if got := catalogIDs(); !slices.Equal(got, specIDs) {
		t.Errorf("catalogue IDs differ from spec/rules.md:\n got %q\nwant %q", got, specIDs)
	}
	for _, r := range Catalog() {
		want, ok := specSeverity[r.ID]
		if !ok {
			want = Violation
		}
		if r.Severity != want {
			t.Errorf("%s: severity %q, spec says %q", r.ID, r.Severity, want)
		}
	}
}

// specRow is one row of an "| ID |" table of spec/rules.md.
type specRow struct {
	id       string
	severity Severity
}

// parseSpecTables reads the rule tables of spec/rules.md: the rows after a
// header line starting with "| ID |", up to the first non-table line.
func parseSpecTables(t *testing.T, path string) []specRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []specRow
	inTable := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "| ID |"):
			inTable = true
		case !strings.HasPrefix(line, "|"):
			inTable = false
		case inTable && !strings.HasPrefix(line, "|---"):
			cells := strings.Split(line, "|")
			if len(cells) < 4 {
				t.Fatalf("short table row %q", line)
			}
			rows = append(rows, specRow{strings.TrimSpace(cells[1]), Severity(strings.TrimSpace(cells[2]))})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCatalogMatchesSpecFile compares with spec/rules.md itself when the
// shared/ directory sits beside the clone (as in the workspace and CI). In
// CI (CI=true) a missing file fails: CI must never skip the comparison.
func TestCatalogMatchesSpecFile(t *testing.T) {
	const path = "../../../shared/spec/rules.md"
	if _, err := os.Stat(path); err != nil {
		if inCI() {
			t.Fatalf("%s not present in CI: %v", path, err)
		}
		t.Skipf("%s not present: compared with the copied list only", path)
	}
	rows := parseSpecTables(t, path)
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.id)
		if rule, ok := RuleByID(r.id); ok && rule.Severity != r.severity {
			t.Errorf("%s: severity %q, spec file says %q", r.id, rule.Severity, r.severity)
		}
	}
	if !slices.Equal(ids, catalogIDs()) {
		t.Errorf("catalogue IDs differ from %s:\n got %q\nwant %q", path, catalogIDs(), ids)
	}
	if !slices.Equal(ids, specIDs) {
		t.Errorf("the list copied into this test is stale; spec file has %q", ids)
	}
}

// inCI reports whether the tests run in CI, as .ci/run marks it.
func inCI() bool { return os.Getenv("CI") == "true" || os.Getenv("CI") == "1" }

// wording returns the text of key in lang, failing when the catalogue lacks it.
func wording(t *testing.T, lang, key string) string {
	t.Helper()
	if !slices.Contains(i18n.Keys(lang), key) {
		t.Errorf("%s: no %q in the catalogue", lang, key)
		return ""
	}
	return i18n.T(lang, key)
}

// TestCatalogEntries checks each row: a unique ID, the subject its prefix
// says, known thresholds, and its wording in both languages: a title, a
// legal basis citing a regulation or standard (a notice's says it is a
// reminder), an action and a fact template for each of its templates.
func TestCatalogEntries(t *testing.T) {
	seen := map[string]bool{}
	prefix := map[string]string{"INS-": SubjectInstitution, "EQP-": SubjectEquipment, "PER-": SubjectPerson}
	known := DefaultThresholds().Values()
	for _, r := range Catalog() {
		if seen[r.ID] {
			t.Errorf("duplicate ID %s", r.ID)
		}
		seen[r.ID] = true
		if want := prefix[r.ID[:4]]; r.Subject != want {
			t.Errorf("%s: subject %q, want %q", r.ID, r.Subject, want)
		}
		for _, th := range r.Thresholds {
			if _, ok := known[th]; !ok {
				t.Errorf("%s: unknown threshold %q", r.ID, th)
			}
		}
		if len(slices.Compact(slices.Sorted(slices.Values(r.Variants)))) != len(r.Variants) || len(r.Variants) == 1 {
			t.Errorf("%s: variants %q: none, or two or more distinct", r.ID, r.Variants)
		}
		if r.Deadline && r.Severity != Notice {
			t.Errorf("%s: only a notice announces a deadline", r.ID)
		}
		checkWording(t, r)
		if got, ok := RuleByID(r.ID); !ok || !reflect.DeepEqual(got, r) {
			t.Errorf("RuleByID(%s) = %+v, %v", r.ID, got, ok)
		}
	}
	if _, ok := RuleByID("NO-SUCH-RULE"); ok {
		t.Error("RuleByID found an unknown rule")
	}
}

func checkWording(t *testing.T, r Rule) {
	t.Helper()
	titleZH, titleEN := wording(t, "zh-CN", r.TitleKey()), wording(t, "en", r.TitleKey())
	if !hasHan(titleZH) || titleEN == "" || hasHan(titleEN) {
		t.Errorf("%s: titles %q / %q", r.ID, titleZH, titleEN)
	}
	if a, b := wording(t, "zh-CN", r.ActionKey()), wording(t, "en", r.ActionKey()); !hasHan(a) || b == "" || hasHan(b) {
		t.Errorf("%s: actions %q / %q", r.ID, a, b)
	}
	basis, basisEN := wording(t, "zh-CN", r.BasisKey()), wording(t, "en", r.BasisKey())
	switch {
	case basis == "" || basis == "—" || basisEN == "":
		t.Errorf("%s: no legal basis", r.ID)
	case r.Severity == Notice && (!strings.HasPrefix(basis, "提醒（无罚则）：") || !strings.HasPrefix(basisEN, "Reminder (no penalty): ")):
		t.Errorf("%s: a notice's basis should say it is a reminder: %q / %q", r.ID, basis, basisEN)
	case r.Severity != Notice && (!strings.ContainsAny(basis, "《》") || !hasHan(basis)):
		t.Errorf("%s: basis should cite a regulation or standard: %q", r.ID, basis)
	case !strings.Contains(basisEN, "《"):
		t.Errorf("%s: the English basis should keep the Chinese title of what it cites: %q", r.ID, basisEN)
	}
	for _, tmpl := range r.Templates() {
		if zh := wording(t, "zh-CN", FactKey(tmpl)); !strings.HasPrefix(zh, "{subject}") {
			t.Errorf("template %q does not start with the subject: %q", tmpl, zh)
		}
		wording(t, "en", FactKey(tmpl))
	}
}

// TestCatalogBasisFollowsRegulations pins the articles where spec/rules.md is
// vaguer than, or differs from, regulations.md §11 (see DISCREPANCIES.md).
func TestCatalogBasisFollowsRegulations(t *testing.T) {
	want := map[string][]string{
		InsLicenceMissing:    {"第十六条第二款", "第三十八条(一)"},
		InsLicenceExpired:    {"第十七条", "第三十八条(二)", "未按照规定进行校验"},
		EqpProtectionOverdue: {"第二十一条", "定期", "第四十一条(三)"},
		EqpStatusOverdue:     {"第二十条(二)", "第四十一条(三)"},
		PerUnderage:          {"《放射工作人员职业健康管理办法》第五条(一)"},
		PerPermitMissing:     {"第五条(五)", "第六条", "第三十九条"},
		PerEyeLimit:          {"150 mSv"},
	}
	wantEN := map[string][]string{
		InsLicenceMissing:    {"Article 16, paragraph 2", "Article 38(1)", "Regulations on the Administration of Radiodiagnosis and Radiotherapy"},
		InsLicenceExpired:    {"Article 17", "Article 38(2)"},
		EqpProtectionOverdue: {"Article 21", "Article 41(3)"},
		EqpStatusOverdue:     {"Article 20(2)", "Article 41(3)"},
		PerUnderage:          {"Article 5(1)", "Measures for the Administration of Occupational Health of Radiation Workers"},
		PerPermitMissing:     {"Article 5(5)", "Article 6", "Article 39"},
		PerEyeLimit:          {"150 mSv", "GB 18871-2002"},
	}
	for lang, w := range map[string]map[string][]string{"zh-CN": want, "en": wantEN} {
		for id, parts := range w {
			b := Basis(lang, id)
			for _, p := range parts {
				if !strings.Contains(b, p) {
					t.Errorf("%s %s: basis %q lacks %q", lang, id, b, p)
				}
			}
		}
	}
	if b := Basis("zh-CN", PerUnderage); strings.Contains(b, "第六条") {
		t.Errorf("PER-UNDERAGE must not cite 第六条 (the permit article): %q", b)
	}
}

func TestCatalogIsACopy(t *testing.T) {
	c := Catalog()
	c[0].ID = "CHANGED"
	for _, r := range c {
		if len(r.Variants) > 0 {
			r.Variants[0] = "changed"
		}
	}
	if Catalog()[0].ID != InsLicenceMissing {
		t.Error("Catalog returned the package's own slice")
	}
	if r, _ := RuleByID(EqpProtectionOverdue); r.Variants[0] != VariantNone {
		t.Error("Catalog shares the rows' variants")
	}
}

// placeholders returns the sorted {placeholders} of a template.
func placeholders(s string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`\{(\w+)\}`).FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestTemplatePlaceholders checks that every text of the rules area uses
// the same placeholders in both languages, and that every fact template
// belongs to a template of a rule.
func TestTemplatePlaceholders(t *testing.T) {
	templates := map[string]bool{}
	for _, r := range Catalog() {
		for _, tmpl := range r.Templates() {
			templates[FactKey(tmpl)] = true
		}
	}
	n := 0
	for _, key := range i18n.Keys("zh-CN") {
		if !strings.HasPrefix(key, "rule.") {
			continue
		}
		n++
		if a, b := placeholders(i18n.T("zh-CN", key)), placeholders(i18n.T("en", key)); !slices.Equal(a, b) {
			t.Errorf("%s: placeholders %q in Chinese, %q in English", key, a, b)
		}
		if strings.Contains(key, ".fact") && !templates[key] {
			t.Errorf("%s: a fact template of no rule template", key)
		}
	}
	if n < 4*len(catalog) {
		t.Errorf("only %d rule texts in the catalogue", n)
	}
}

func TestExpand(t *testing.T) {
	ev := map[string]string{"a": "甲", "b": "乙"}
	for in, want := range map[string]string{
		"{a}与{b}": "甲与乙", "无占位": "无占位", "{missing}": "{missing}", "{a": "{a", "x{a}y{b}z": "x甲y乙z",
	} {
		if got := expand(in, ev); got != want {
			t.Errorf("expand(%q) = %q, want %q", in, got, want)
		}
	}
}
