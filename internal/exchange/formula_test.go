package exchange_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/store"
)

// TestCSVExportNeutralisesFormulas: a cell that a spreadsheet would run as
// a formula (= + - @ tab CR) leaves a CSV export with a leading apostrophe,
// in every text column; importing the export again changes nothing.
func TestCSVExportNeutralisesFormulas(t *testing.T) {
	e := newEnv(t)
	hostile := map[string]string{ // column key → value
		"name": `=HYPERLINK("http://evil.example","点击")`,
		"job":  "@SUM(A1:A9)",
	}
	staff := "姓名,身份证号,统一社会信用代码,职业类别,岗位,开始放射工作日期\n" +
		`"` + strings.ReplaceAll(hostile["name"], `"`, `""`) + `",` + idA + "," + instCode + ",2A," + hostile["job"] + ",2015-03-01\n" +
		"+1+cmd|' /C calc'!A0," + idB + "," + instCode + ",2A,-技师,2018-07-16\n"
	if rep := e.imp(nil, exchange.Options{}, e.file("机构.csv", institutionsCSV()), e.file("人员.csv", staff)); !rep.OK() {
		t.Fatalf("setting up: %v", rep.Problems)
	}
	super := &domain.User{Username: "s", Role: domain.RoleSupervisor}
	for _, kind := range []string{"people", "employments"} {
		var out bytes.Buffer
		if _, err := exchange.Export(ctx, e.s, clerk, super, kind, store.Filter{}, &out, exchange.CSV, exchange.Whole{Purpose: "核对"}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out.String(), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows[1:] {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s export: cell %q would run as a formula", kind, cell)
				}
			}
		}
		if !strings.Contains(out.String(), `'=HYPERLINK`) && kind == "people" || !strings.Contains(out.String(), "'@SUM") && kind == "employments" {
			t.Errorf("%s export does not keep the neutralised value:\n%s", kind, out.String())
		}
		rep := e.imp(nil, exchange.Options{}, e.file(kind+".csv", out.String()))
		if !rep.OK() || rep.Changed() != 0 {
			t.Errorf("importing the %s export again: %d changed, %v", kind, rep.Changed(), rep.Problems)
		}
	}
}
