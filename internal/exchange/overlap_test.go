package exchange_test

import (
	"strconv"
	"strings"
	"testing"

	"radsup/internal/exchange"
	"radsup/internal/store/storetest"
)

// TestOverlappingDosePeriodsRefused: a dose period that shares days with
// another of the same person at the same institution, stored or on an
// earlier row, is refused with the other period named; so is a period
// ending after today.
func TestOverlappingDosePeriodsRefused(t *testing.T) {
	e := newEnv(t)
	y := today.Year() - 1
	year := func(s string) string { return strings.ReplaceAll(s, "Y", strconv.Itoa(y)) }
	e.imp(nil, exchange.Options{}, e.file("机构.csv", institutionsCSV()), e.file("人员.csv", staffCSV()))
	head := "身份证号,统一社会信用代码,监测起始日期,监测结束日期,Hp(10) (mSv)\n"
	first := head + year(idA+","+instCode+",Y-11-01,Y-11-30,0.100\n")
	if rep := e.imp(nil, exchange.Options{}, e.file("剂量.csv", first)); !rep.OK() {
		t.Fatalf("first period: %v", rep.Problems)
	}
	for name, rows := range map[string]string{
		"overlapping a stored period": year(idA + "," + instCode + ",Y-11-15,Y-12-31,0.100\n"),
		"overlapping an earlier row":  year(idB+","+instCode+",Y-10-01,Y-10-31,0.100\n") + year(idB+","+instCode+",Y-10-20,Y-11-19,0.100\n"),
		"ending after today":          idB + "," + instCode + "," + today.AddDate(0, 0, -10).String() + "," + today.AddDate(0, 1, 0).String() + ",0.100\n",
		"overlapping by the last day": year(idA + "," + instCode + ",Y-11-30,Y-12-15,0.100\n"),
	} {
		rep := e.imp(nil, exchange.Options{}, e.file("剂量.csv", head+rows))
		if rep.OK() || e.count("doses") != 1 {
			t.Errorf("%s: imported (%d doses stored)", name, e.count("doses"))
		}
		if name != "ending after today" && (len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Text("zh-CN"), "重叠")) {
			t.Errorf("%s: problems %v", name, rep.Problems)
		}
	}
	next := head + year(idA+","+instCode+",Y-12-01,Y-12-31,0.100\n")
	if rep := e.imp(nil, exchange.Options{}, e.file("剂量.csv", next)); !rep.OK() {
		t.Errorf("the next period, touching but not sharing a day: %v", rep.Problems)
	}
	if n := storetest.Count(t, e.s, "doses"); n != 2 {
		t.Errorf("%d doses stored, want 2", n)
	}
}

// TestDryRunChecksPeriodsAsTheImport: a row that shortens a stored period
// frees its days for the rows after it, in a dry run as in the import: the
// check says what the import will do. A later row naming the same period
// again is a duplicate of the first, in both.
func TestDryRunChecksPeriodsAsTheImport(t *testing.T) {
	e := newEnv(t)
	y := today.Year() - 1
	year := func(s string) string { return strings.ReplaceAll(s, "Y", strconv.Itoa(y)) }
	e.imp(nil, exchange.Options{}, e.file("机构.csv", institutionsCSV()), e.file("人员.csv", staffCSV()))
	head := "身份证号,统一社会信用代码,监测起始日期,监测结束日期,Hp(10) (mSv)\n"
	if rep := e.imp(nil, exchange.Options{}, e.file("剂量.csv", head+year(idA+","+instCode+",Y-10-01,Y-12-31,0.100\n"))); !rep.OK() {
		t.Fatalf("the quarter: %v", rep.Problems)
	}
	split := head + year(idA+","+instCode+",Y-10-01,Y-11-30,0.100\n"+idA+","+instCode+",Y-12-01,Y-12-31,0.050\n")
	again := split + year(idA+","+instCode+",Y-10-01,Y-10-31,0.100\n")
	for _, dry := range []bool{true, false} {
		rep := e.imp(nil, exchange.Options{DryRun: dry}, e.file("剂量.csv", again))
		if rep.OK() || len(rep.Problems) != 1 || rep.Problems[0].Row != 4 || !strings.Contains(rep.Problems[0].Text("zh-CN"), "第2行") {
			t.Errorf("dry run %v, the period again on row 4: %v", dry, rep.Problems)
		}
	}
	for _, dry := range []bool{true, false} {
		rep := e.imp(nil, exchange.Options{DryRun: dry}, e.file("剂量.csv", split))
		if !rep.OK() || rep.Counts[0].Created != 1 || rep.Counts[0].Updated != 1 {
			t.Errorf("dry run %v, the quarter split in two: %+v %v", dry, rep.Counts, rep.Problems)
		}
	}
	if n := storetest.Count(t, e.s, "doses"); n != 2 {
		t.Errorf("%d doses stored, want 2", n)
	}
}
