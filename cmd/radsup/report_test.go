package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"radsup/internal/domain"
	"radsup/internal/reports"
	"radsup/internal/stats"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestReportCommand: `radsup report -year Y -o FILE.xlsx` writes a workbook
// that opens, has a sheet per table with Chinese headers, no formula
// anywhere, and the same dose figures as reports.Service.Dose.
func TestReportCommand(t *testing.T) {
	ctx := context.Background()
	db := storetest.URL(t)
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	year := time.Now().Year() - 1
	d := func(m, day int) domain.Date { return domain.NewDate(year, time.Month(m), day) }
	err = s.WithTx(ctx, domain.System, func(tx *store.Tx) error {
		inst := storetest.Institution(t, tx)
		for i, occ := range []string{"2A", "2A", "2C"} {
			p := storetest.Person(t, tx)
			storetest.Employment(t, tx, p.ID, inst.ID, func(e *domain.Employment) { e.Occupation, e.StartedOn = occ, domain.NewDate(2015, 1, 1) })
			for q := range 4 {
				storetest.Dose(t, tx, p.ID, inst.ID, func(r *domain.DoseRecord) {
					r.PeriodStart, r.PeriodEnd, r.Hp10 = d(3*q+1, 1), d(3*q+3, 28), domain.MicroSv(int64(137*(i+1)*(q+1)))
				})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "年报.xlsx")
	getenv := func(k string) string { return map[string]string{"RADSUP_DB": db}[k] }
	var out bytes.Buffer
	if err := run(ctx, []string{"report", "-year", strconv.Itoa(year), "-o", path}, getenv, nil, &out, &out); err != nil {
		t.Fatalf("report: %v\n%s", err, out.String())
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	want := []string{"机构", "设备", "人员", "个人剂量", "问题", "监督执法"}
	if got := f.GetSheetList(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("sheets %v, want %v", got, want)
	}
	for _, sh := range want {
		rows, err := f.GetRows(sh)
		if err != nil || len(rows) == 0 {
			t.Fatalf("sheet %s: %v", sh, err)
		}
		if sh == "问题" && rows[0][0] != "规则" || sh == "机构" && rows[0][0] != "分组" {
			t.Errorf("sheet %s header %v", sh, rows[0])
		}
		for r, row := range rows {
			for c := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if fm, _ := f.GetCellFormula(sh, cell); fm != "" {
					t.Errorf("%s!%s is a formula: %s", sh, cell, fm)
				}
			}
		}
	}
	dose, err := (&reports.Service{Store: s}).Dose(ctx, &domain.User{Role: domain.RoleSupervisor}, year, 0)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("个人剂量")
	if rows[0][1] != "监测人数" {
		t.Errorf("dose header %v", rows[0])
	}
	figures := append(append([]stats.DoseFigures(nil), dose.Categories...), dose.All)
	if len(rows) != 1+len(figures) || dose.All.Monitored != 3 {
		t.Fatalf("dose sheet %v, want the figures %+v", rows, figures)
	}
	for i, fig := range figures {
		row := rows[i+1]
		n, _ := strconv.Atoi(row[1])
		coll, _ := strconv.ParseFloat(row[2], 64)
		mean, _ := strconv.ParseFloat(row[3], 64)
		above, _ := strconv.Atoi(row[11])
		if n != fig.Monitored || coll != fig.CollectiveDose || mean != fig.MeanDose || above != fig.AboveInvestigation {
			t.Errorf("dose row %v, want %+v", row, fig)
		}
	}
}
