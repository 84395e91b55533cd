package screening

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
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
// shared/ directory sits beside the clone (as in the workspace and CI).
func TestCatalogMatchesSpecFile(t *testing.T) {
	const path = "../../../shared/spec/rules.md"
	if _, err := os.Stat(path); err != nil {
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

func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(c rune) bool { return unicode.Is(unicode.Han, c) })
}

func TestCatalogEntries(t *testing.T) {
	seen := map[string]bool{}
	prefix := map[string]string{"INS-": SubjectInstitution, "EQP-": SubjectEquipment, "PER-": SubjectPerson}
	for _, r := range Catalog() {
		if seen[r.ID] {
			t.Errorf("duplicate ID %s", r.ID)
		}
		seen[r.ID] = true
		if want := prefix[r.ID[:4]]; r.Subject != want {
			t.Errorf("%s: subject %q, want %q", r.ID, r.Subject, want)
		}
		if !hasHan(r.TitleZH) || r.TitleEN == "" || hasHan(r.TitleEN) {
			t.Errorf("%s: titles %q / %q", r.ID, r.TitleZH, r.TitleEN)
		}
		if !hasHan(r.Action) {
			t.Errorf("%s: action %q", r.ID, r.Action)
		}
		switch {
		case r.Basis == "" || r.Basis == "—":
			t.Errorf("%s: no legal basis", r.ID)
		case r.Severity == Notice && !strings.HasPrefix(r.Basis, "提醒（无罚则）："):
			t.Errorf("%s: a notice's basis should say it is a reminder: %q", r.ID, r.Basis)
		case r.Severity != Notice && (!strings.ContainsAny(r.Basis, "《》") || !hasHan(r.Basis)):
			t.Errorf("%s: basis should cite a regulation or standard: %q", r.ID, r.Basis)
		}
		if got, ok := RuleByID(r.ID); !ok || got != r {
			t.Errorf("RuleByID(%s) = %+v, %v", r.ID, got, ok)
		}
	}
	if _, ok := RuleByID("NO-SUCH-RULE"); ok {
		t.Error("RuleByID found an unknown rule")
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
	for id, parts := range want {
		r, _ := RuleByID(id)
		for _, p := range parts {
			if !strings.Contains(r.Basis, p) {
				t.Errorf("%s: basis %q lacks %q", id, r.Basis, p)
			}
		}
	}
	if r, _ := RuleByID(PerUnderage); strings.Contains(r.Basis, "第六条") {
		t.Errorf("PER-UNDERAGE must not cite 第六条 (the permit article): %q", r.Basis)
	}
}

func TestCatalogIsACopy(t *testing.T) {
	c := Catalog()
	c[0].ID = "CHANGED"
	if Catalog()[0].ID != InsLicenceMissing {
		t.Error("Catalog returned the package's own slice")
	}
}

// TestTemplates checks that every rule has a message template, every
// template belongs to a rule, and every severity has a label.
func TestTemplates(t *testing.T) {
	for _, r := range Catalog() {
		n := 0
		for key := range factTemplates {
			if id, _, _ := strings.Cut(key, "/"); id == r.ID {
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s: no message template", r.ID)
		}
	}
	for key, tmpl := range factTemplates {
		id, _, _ := strings.Cut(key, "/")
		if _, ok := RuleByID(id); !ok {
			t.Errorf("template %q for an unknown rule", key)
		}
		if !strings.HasPrefix(tmpl, "{subject}") {
			t.Errorf("template %q does not start with the subject", key)
		}
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
