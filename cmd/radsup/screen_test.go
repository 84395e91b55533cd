package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/i18n"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// screenDay is the date the demo district is generated and screened as of.
var screenDay = domain.MustDate("2026-03-16")

// screenDemo loads the demo district into a fresh database and returns a
// function that runs radsup commands on it, the store and a findings service.
func screenDemo(t *testing.T) (radsup func(args ...string) (stdout, stderr string, err error), s *store.Store, svc *findings.Service) {
	t.Helper()
	url := storetest.URL(t)
	s, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(context.Background(), s, demo.District, 2026, screenDay); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == "RADSUP_DB" {
			return url
		}
		return ""
	}
	radsup = func(args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errOut)
		return out.String(), errOut.String(), err
	}
	return radsup, s, &findings.Service{Store: s}
}

// mustRun runs a command that must succeed.
func mustRun(t *testing.T, radsup func(args ...string) (string, string, error), args ...string) (stdout, stderr string) {
	t.Helper()
	out, errOut, err := radsup(args...)
	if err != nil {
		t.Fatalf("radsup %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out, errOut
}

// findingRows counts the stored findings, of any status.
func findingRows(t *testing.T, s *store.Store) int {
	t.Helper()
	return storetest.Count(t, s, "findings")
}

// wantJSON is what `screen -format json -lang lang` should print for fs.
func wantJSON(lang string, fs []screening.Finding) []findingJSON {
	out := []findingJSON{}
	for _, f := range fs {
		ev := f.Evidence
		if ev == nil {
			ev = domain.Evidence{}
		}
		out = append(out, findingJSON{Rule: f.Rule, Severity: string(f.Severity), SubjectType: f.SubjectType,
			SubjectKey: f.SubjectKey, Institution: f.Institution, Message: screening.Message(lang, f.Template, f.Evidence, f.DueOn),
			DueOn: f.DueOn.String(), Evidence: ev, Template: f.Template})
	}
	return out
}

// sameFinding compares two printed findings.
func sameFinding(a, b findingJSON) bool {
	return a.Rule == b.Rule && a.Severity == b.Severity && a.SubjectType == b.SubjectType && a.SubjectKey == b.SubjectKey &&
		a.Institution == b.Institution && a.Message == b.Message && a.DueOn == b.DueOn && a.Evidence.Equal(b.Evidence) &&
		a.Template == b.Template
}

func decodeFindings(t *testing.T, out string) []findingJSON {
	t.Helper()
	var got []findingJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("screen -format json: not a JSON array of findings: %v\n%s", err, out)
	}
	return got
}

func preview(t *testing.T, svc *findings.Service, code string) []screening.Finding {
	t.Helper()
	rep, err := svc.Preview(context.Background(), screenDay, code)
	if err != nil {
		t.Fatal(err)
	}
	return rep.Findings
}

// savedStats parses the statistics line that -save prints to stderr.
func savedStats(t *testing.T, stderr string) (subjects, opened, resolved, stillOpen int) {
	t.Helper()
	m := regexp.MustCompile(`subjects (\d+), opened (\d+), resolved (\d+), still open (\d+), in `).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no run statistics on stderr:\n%s", stderr)
	}
	n := func(s string) int { v, _ := strconv.Atoi(s); return v }
	return n(m[1]), n(m[2]), n(m[3]), n(m[4])
}

var timingLine = regexp.MustCompile(`(?m)^screened (\d+) subjects as of (\d{4}-\d{2}-\d{2}) in \d+\.\d{3}s: (\d+) findings, peak heap [\d.]+ MB, [\d.]+ MB allocated$`)

func TestScreenPreviewWritesNothing(t *testing.T) {
	radsup, s, svc := screenDemo(t)
	day := screenDay.String()
	want := preview(t, svc, "")
	if len(want) < 10 {
		t.Fatalf("the demo district has %d findings; want some of each kind to test with", len(want))
	}

	// JSON: exactly the spec's fields, the findings Preview returns, in its order.
	before := findingRows(t, s)
	out, errOut := mustRun(t, radsup, "screen", "-as-of", day, "-format", "json")
	if after := findingRows(t, s); after != before {
		t.Errorf("screen without -save changed the stored findings: %d rows, then %d", before, after)
	}
	got := decodeFindings(t, out)
	if !slices.EqualFunc(got, wantJSON("zh-CN", want), sameFinding) {
		t.Errorf("screen -format json: %d findings, Preview %d; first difference in:\n%s", len(got), len(want), out[:min(len(out), 2000)])
	}
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"due_on", "evidence", "institution", "message", "rule", "severity", "subject_key", "subject_type", "template"}
	if keys := slices.Sorted(maps.Keys(raw[0])); !slices.Equal(keys, wantKeys) {
		t.Errorf("JSON finding keys %v, want %v", keys, wantKeys)
	}
	severities := map[string]bool{}
	for _, f := range got {
		severities[f.Severity] = true
		if f.DueOn == "" || f.Message == "" || len(f.Evidence) == 0 {
			t.Errorf("finding without due date, message or evidence: %+v", f)
		}
	}
	if !severities["violation"] || !severities["notice"] {
		t.Errorf("severities printed: %v", severities)
	}
	m := timingLine.FindStringSubmatch(errOut)
	if m == nil || m[2] != day || m[3] != strconv.Itoa(len(want)) {
		t.Errorf("timing line on stderr: %q", errOut)
	} else if n, _ := strconv.Atoi(m[1]); n < 500 {
		t.Errorf("screened %d subjects; the demo district has more", n)
	}

	// CSV: a BOM for Excel, a header row and one row per finding.
	out, _ = mustRun(t, radsup, "screen", "-as-of", day, "-format", "csv")
	if !strings.HasPrefix(out, "\uFEFF") {
		t.Errorf("CSV without a UTF-8 BOM: %q", out[:min(len(out), 20)])
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatalf("screen -format csv: %v", err)
	}
	if len(records) != len(want)+1 || !slices.Equal(records[0], findingCSVHeader) {
		t.Fatalf("CSV: %d rows with header %v; want %d findings and header %v", len(records), records[0], len(want), findingCSVHeader)
	}
	for i, f := range want {
		r := records[i+1]
		var ev domain.Evidence
		if err := json.Unmarshal([]byte(r[7]), &ev); err != nil || !ev.Equal(f.Evidence) {
			t.Errorf("CSV row %d evidence %q: %v", i+1, r[7], err)
		}
		if wantRow := []string{f.Rule, string(f.Severity), f.SubjectType, f.SubjectKey, f.Institution,
			screening.Message("zh-CN", f.Template, f.Evidence, f.DueOn), f.DueOn.String()}; !slices.Equal(r[:7], wantRow) || r[8] != f.Template {
			t.Errorf("CSV row %d: %q, want %q", i+1, r[:7], wantRow)
		}
	}

	// Table: Chinese headers, one line per finding, a summary with counts.
	out, _ = mustRun(t, radsup, "screen", "-as-of", day, "-format", "table")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, h := range []string{"机构", "规则", "级别", "对象", "问题", "整改期限"} {
		if !strings.Contains(lines[0], h) {
			t.Errorf("table header %q lacks %s", lines[0], h)
		}
	}
	count := map[domain.Severity]int{}
	for _, f := range want {
		count[f.Severity]++
	}
	summary := fmt.Sprintf("合计 %d 条：违法 %d 条，警示 %d 条，提示 %d 条", len(want), count[domain.Violation], count[domain.Warning], count[domain.Notice])
	if !strings.Contains(out, summary) {
		t.Errorf("table lacks the summary %q:\n%s", summary, out)
	}
	if len(lines) != 1+len(want)+2 { // header, findings, blank, summary
		t.Errorf("table has %d lines for %d findings", len(lines), len(want))
	}
	if !strings.Contains(lines[1], want[0].Rule) || !strings.Contains(lines[1], screening.Message("zh-CN", want[0].Template, want[0].Evidence, want[0].DueOn)) ||
		!strings.Contains(lines[1], i18n.T(i18n.Default, "severity."+string(want[0].Severity))) {
		t.Errorf("first table row %q, want the first finding %+v", lines[1], want[0])
	}
	if after := findingRows(t, s); after != before {
		t.Errorf("screen without -save changed the stored findings: %d rows, then %d", before, after)
	}
}

func TestScreenInstitution(t *testing.T) {
	radsup, s, svc := screenDemo(t)
	day := screenDay.String()
	all := preview(t, svc, "")
	perInst := map[string]int{}
	for _, f := range all {
		perInst[f.Institution]++
	}
	// The institution with the most findings, and one with none.
	code := ""
	for c, n := range perInst {
		if code == "" || n > perInst[code] || (n == perInst[code] && c < code) {
			code = c
		}
	}
	var clean string
	s.View(context.Background(), func(tx *store.Tx) error {
		insts, _, err := store.List(tx, store.Institutions, domain.Scope{}, store.Filter{})
		for _, inst := range insts {
			if perInst[inst.CreditCode] == 0 {
				clean = inst.CreditCode
				break
			}
		}
		return err
	})
	if perInst[code] < 2 || clean == "" || len(perInst) < 3 {
		t.Fatalf("demo district: findings by institution %v, no institution without findings %q", perInst, clean)
	}

	out, _ := mustRun(t, radsup, "screen", "-as-of", day, "-format", "json", "-institution", code)
	got := decodeFindings(t, out)
	if len(got) != perInst[code] {
		t.Errorf("-institution %s: %d findings, want %d", code, len(got), perInst[code])
	}
	for _, f := range got {
		if f.Institution != code {
			t.Errorf("-institution %s printed a finding of %s: %+v", code, f.Institution, f)
		}
	}
	if out, _ := mustRun(t, radsup, "screen", "-as-of", day, "-format", "json", "-institution", clean); strings.TrimSpace(out) != "[]" {
		t.Errorf("-institution %s (no findings): %q, want []", clean, out)
	}

	unknown := storetest.CreditCode()
	for _, args := range [][]string{{"screen", "-institution", unknown}, {"screen", "-save", "-institution", unknown}} {
		_, _, err := radsup(args...)
		if err == nil || !strings.Contains(err.Error(), "找不到统一社会信用代码为 "+unknown+" 的机构") ||
			!strings.Contains(err.Error(), "no institution with credit code "+unknown) {
			t.Errorf("radsup %v: %v, want an error naming the unknown code", args, err)
		}
	}
	if n := findingRows(t, s); n != 0 {
		t.Errorf("%d stored findings after screens without -save", n)
	}

	// -save -institution stores this institution's findings as a full run would.
	out, errOut := mustRun(t, radsup, "screen", "-as-of", day, "-format", "json", "-institution", code, "-save")
	if got := decodeFindings(t, out); len(got) != perInst[code] {
		t.Errorf("-save -institution: printed %d findings, want %d", len(got), perInst[code])
	}
	subjects, opened, resolved, stillOpen := savedStats(t, errOut)
	if subjects == 0 || opened < perInst[code] || resolved != 0 || stillOpen != 0 {
		t.Errorf("-save -institution on an empty findings table: subjects %d, opened %d (want ≥ %d), resolved %d, still open %d",
			subjects, opened, perInst[code], resolved, stillOpen)
	}
	stored := map[string]int{}
	s.View(context.Background(), func(tx *store.Tx) error {
		p, err := tx.FindFindings(domain.Scope{}, store.FindingFilter{Status: domain.FindingOpen})
		for _, f := range p.Findings {
			stored[f.InstitutionCode]++
		}
		return err
	})
	if stored[code] != perInst[code] || findingRows(t, s) != opened {
		t.Errorf("after -save -institution %s: stored open findings by institution %v, rows %d, opened %d", code, stored, findingRows(t, s), opened)
	}
	// Again on the same date: nothing changes.
	_, errOut = mustRun(t, radsup, "screen", "-as-of", day, "-format", "json", "-institution", code, "-save")
	if _, opened2, resolved2, still2 := savedStats(t, errOut); opened2 != 0 || resolved2 != 0 || still2 != opened {
		t.Errorf("second -save -institution: opened %d, resolved %d, still open %d (want 0, 0, %d)", opened2, resolved2, still2, opened)
	}
	// The full run takes over what is stored.
	_, errOut = mustRun(t, radsup, "screen", "-as-of", day, "-format", "json", "-save")
	if _, opened3, resolved3, still3 := savedStats(t, errOut); opened3+still3 != len(all) || resolved3 != 0 || still3 != opened {
		t.Errorf("-save after -save -institution: opened %d, resolved %d, still open %d; want %d in all, %d still open",
			opened3, resolved3, still3, len(all), opened)
	}
}

func TestScreenSave(t *testing.T) {
	radsup, s, svc := screenDemo(t)
	day := screenDay.String()
	want := preview(t, svc, "")
	if n := findingRows(t, s); n != 0 {
		t.Fatalf("%d findings stored before any screening", n)
	}

	out, errOut := mustRun(t, radsup, "screen", "-as-of", day, "-format", "json", "-save")
	subjects, opened, resolved, stillOpen := savedStats(t, errOut)
	if opened != len(want) || resolved != 0 || stillOpen != 0 || subjects < 500 {
		t.Errorf("first -save: subjects %d, opened %d (want %d), resolved %d, still open %d", subjects, opened, len(want), resolved, stillOpen)
	}
	if n := findingRows(t, s); n != len(want) {
		t.Errorf("after -save: %d findings stored, want %d", n, len(want))
	}
	if m := timingLine.FindStringSubmatch(errOut); m == nil || m[1] != strconv.Itoa(subjects) {
		t.Errorf("timing line on stderr after -save: %q", errOut)
	}
	// stdout is the same report as without -save, and only that.
	got := decodeFindings(t, out)
	after := preview(t, svc, "")
	if len(got) != len(after) || len(after) != len(want) {
		t.Errorf("-save printed %d findings; Preview gives %d after the run, %d before", len(got), len(after), len(want))
	}
	for i := range min(len(got), len(after)) {
		if got[i].Rule != after[i].Rule || got[i].SubjectKey != after[i].SubjectKey || got[i].DueOn != after[i].DueOn.String() {
			t.Errorf("-save finding %d: %+v, Preview %+v", i, got[i], after[i])
		}
	}
	var stored int
	s.View(context.Background(), func(tx *store.Tx) error {
		r, err := tx.LastScreeningRun("full")
		if err == nil && r.AsOf == screenDay {
			stored = r.Opened
		}
		return err
	})
	if stored != opened {
		t.Errorf("screening_runs records %d opened, the command %d", stored, opened)
	}

	// A second -save on the same date changes nothing.
	_, errOut = mustRun(t, radsup, "screen", "-as-of", day, "-format", "table", "-save")
	if _, opened2, resolved2, still2 := savedStats(t, errOut); opened2 != 0 || resolved2 != 0 || still2 != len(want) {
		t.Errorf("second -save: opened %d, resolved %d, still open %d (want 0, 0, %d)", opened2, resolved2, still2, len(want))
	}
	if n := findingRows(t, s); n != len(want) {
		t.Errorf("after the second -save: %d findings stored, want %d", n, len(want))
	}
}

func TestScreenUsage(t *testing.T) {
	if !strings.Contains(usage, "radsup [-db URL] screen [-as-of YYYY-MM-DD] [-format table|json|csv] [-institution CREDIT_CODE] [-save]") {
		t.Error("usage lacks the screen command")
	}
	var out bytes.Buffer
	getenv := func(string) string { return "" }
	for _, args := range [][]string{{"screen", "-as-of", "2026-13-01"}, {"screen", "-format", "xml"}} {
		if err := run(context.Background(), args, getenv, nil, &out, &out); err == nil {
			t.Errorf("radsup %v accepted", args)
		}
	}
}

// TestScreenInEnglish prints the findings with -lang en, before or after
// the command: the messages and the table are in English, the evidence and
// the other fields as in Chinese.
func TestScreenInEnglish(t *testing.T) {
	radsup, _, svc := screenDemo(t)
	day := screenDay.String()
	want := preview(t, svc, "")
	for _, args := range [][]string{{"screen", "-as-of", day, "-format", "json", "-lang", "en"}, {"-lang", "en", "screen", "-as-of", day, "-format", "json"}} {
		out, _ := mustRun(t, radsup, args...)
		got := decodeFindings(t, out)
		if !slices.EqualFunc(got, wantJSON("en", want), sameFinding) {
			t.Errorf("radsup %v: %d findings, want %d in English; output:\n%s", args, len(got), len(want), out[:min(len(out), 1500)])
		}
		for _, f := range got {
			if !strings.HasSuffix(f.Message, ".") || strings.Contains(f.Message, "违反") || strings.Contains(f.Message, "请于") {
				t.Errorf("radsup %v: not an English message: %q", args, f.Message)
				break
			}
		}
	}
	out, _ := mustRun(t, radsup, "screen", "-as-of", day, "-format", "table", "-lang", "en")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "Institution ") || hasHan(lines[0]) || !strings.HasPrefix(lines[len(lines)-1], fmt.Sprintf("Total %d: ", len(want))) {
		t.Errorf("English table: header %q, summary %q", lines[0], lines[len(lines)-1])
	}
	if !strings.Contains(lines[1], screening.Message("en", want[0].Template, want[0].Evidence, want[0].DueOn)) ||
		!strings.Contains(lines[1], screening.SeverityLabel("en", want[0].Severity)) {
		t.Errorf("first English table row %q", lines[1])
	}
	if _, _, err := radsup("screen", "-as-of", day, "-lang", "de"); err == nil || !strings.Contains(err.Error(), "-lang") {
		t.Errorf("screen -lang de: %v", err)
	}
}
