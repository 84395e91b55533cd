package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"radsup/internal/screening"
)

func TestRulesCommand(t *testing.T) {
	rulesOut := func(format string, flags ...string) string {
		t.Helper()
		var out bytes.Buffer
		args := append([]string{"rules", "-format", format}, flags...)
		if err := run(context.Background(), args, func(string) string { return "" }, nil, &out, &out); err != nil {
			t.Fatalf("rules -format %s: %v", format, err)
		}
		return out.String()
	}
	catalog := screening.Catalog()

	for lang, flags := range map[string][]string{"zh-CN": nil, "en": {"-lang", "en"}} {
		var list []screening.RuleText
		if err := json.Unmarshal([]byte(rulesOut("json", flags...)), &list); err != nil {
			t.Fatal(err)
		}
		if len(list) != len(catalog) {
			t.Fatalf("json: %d rules, want %d", len(list), len(catalog))
		}
		for i, r := range catalog {
			if got, want := list[i], screening.Describe(lang, r, screening.DefaultThresholds()); !reflect.DeepEqual(got, want) || got.Basis == "" {
				t.Errorf("json rule %d in %s: %+v, want %+v", i, lang, got, want)
			}
		}
	}

	table := strings.Split(strings.TrimSpace(rulesOut("table")), "\n")
	if len(table) != len(catalog)+1 || !strings.HasPrefix(table[0], "规则编号") {
		t.Fatalf("table: %d lines, header %q", len(table), table[0])
	}
	for i, r := range catalog {
		if !strings.HasPrefix(table[i+1], r.ID+" ") || !strings.Contains(table[i+1], screening.Title("zh-CN", r.ID)) {
			t.Errorf("table line %d: %q", i+1, table[i+1])
		}
	}
	// -lang en before the command, as a global flag may stand.
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-lang", "en", "rules"}, func(string) string { return "" }, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	table = strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(table) != len(catalog)+1 || !strings.HasPrefix(table[0], "Rule ") || hasHan(table[0]) ||
		!strings.Contains(table[1], screening.Title("en", catalog[0].ID)) || !strings.Contains(table[1], "Violation") {
		t.Errorf("English table: header %q, first rule %q", table[0], table[1])
	}
	if err := run(context.Background(), []string{"rules", "-lang", "fr"}, func(string) string { return "" }, nil, &out, &out); err == nil {
		t.Error("rules -lang fr accepted")
	}

	raw := rulesOut("csv")
	if !strings.HasPrefix(raw, "\ufeff") {
		t.Error("csv has no BOM")
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != len(catalog)+1 || records[0][0] != "id" || records[1][0] != catalog[0].ID ||
		records[1][3] != screening.Title("zh-CN", catalog[0].ID) || records[1][7] != catalog[0].ID {
		t.Errorf("csv: %d records, first %q", len(records), records[:min(2, len(records))])
	}
}

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(c rune) bool { return unicode.Is(unicode.Han, c) })
}
