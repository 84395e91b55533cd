package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"radsup/internal/screening"
)

func TestRulesCommand(t *testing.T) {
	rulesOut := func(format string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(context.Background(), []string{"rules", "-format", format}, func(string) string { return "" }, nil, &out, &out); err != nil {
			t.Fatalf("rules -format %s: %v", format, err)
		}
		return out.String()
	}
	catalog := screening.Catalog()

	var list []screening.Rule
	if err := json.Unmarshal([]byte(rulesOut("json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != len(catalog) {
		t.Fatalf("json: %d rules, want %d", len(list), len(catalog))
	}
	for i, r := range catalog {
		if got := list[i]; got != r || got.Basis != r.Basis || got.Basis == "" {
			t.Errorf("json rule %d: %+v, want %s", i, got, r.ID)
		}
	}

	table := strings.Split(strings.TrimSpace(rulesOut("table")), "\n")
	if len(table) != len(catalog)+1 || !strings.HasPrefix(table[0], "规则编号") {
		t.Fatalf("table: %d lines, header %q", len(table), table[0])
	}
	for i, r := range catalog {
		if !strings.HasPrefix(table[i+1], r.ID+" ") || !strings.Contains(table[i+1], r.TitleZH) {
			t.Errorf("table line %d: %q", i+1, table[i+1])
		}
	}

	raw := rulesOut("csv")
	if !strings.HasPrefix(raw, "\ufeff") {
		t.Error("csv has no BOM")
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != len(catalog)+1 || records[0][0] != "id" || records[1][0] != catalog[0].ID {
		t.Errorf("csv: %d records, first %q", len(records), records[:min(2, len(records))])
	}
}
