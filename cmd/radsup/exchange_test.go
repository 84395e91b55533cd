package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/store/storetest"
)

// importCSV is an institutions file with an unknown column and a bad
// number of beds.
const importCSV = "机构名称,统一社会信用代码,机构类别,行政区划代码,地址,状态,床位数,备注\n" +
	"郑州市中原区测试医院,12410102T000000014,综合医院,410102,中原区建设西路1号,开业,十二,x\n"

// TestImportReportLanguage: `radsup import` prints its report in Chinese by
// default and in English with -lang en, before or after the command.
func TestImportReportLanguage(t *testing.T) {
	db := storetest.URL(t)
	file := filepath.Join(t.TempDir(), "机构.csv")
	if err := os.WriteFile(file, []byte(importCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	getenv := func(string) string { return "" }
	cases := []struct {
		args  []string
		en    bool
		wants []string
	}{
		{[]string{"-db", db, "import", file}, false, []string{"发现 1 处错误，未导入任何数据：", "床位数“十二”不是数字：请填写整数，如 12。", "未知的列“备注”，已忽略。", "第2行"}},
		{[]string{"-db", db, "-lang", "en", "import", file}, true, []string{"1 problems found; nothing was imported:", "Beds “十二” is not a number: write a whole number, such as 12.", "Unknown column “备注”: ignored.", "row 2"}},
		{[]string{"-db", db, "import", "-lang", "en", file}, true, []string{"Beds “十二” is not a number", "Level"}},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		err := run(context.Background(), c.args, getenv, nil, &out, &errOut)
		var invalid invalidImport
		if !errors.As(err, &invalid) {
			t.Errorf("%q: %v, want an invalid import", c.args, err)
		}
		for _, want := range c.wants {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%q: the report lacks %q:\n%s", c.args, want, out.String())
			}
		}
		if c.en && strings.Contains(out.String(), "床位数“") {
			t.Errorf("%q: Chinese in the English report:\n%s", c.args, out.String())
		}
	}
	if err := run(context.Background(), []string{"-db", db, "import", "-lang", "fr", file}, getenv, nil, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "-lang") {
		t.Errorf("-lang fr: %v", err)
	}
}

// TestProgressBarEnglish: the progress line speaks the report's language.
func TestProgressBarEnglish(t *testing.T) {
	var b bytes.Buffer
	newProgress(&b, 1000, "en").update("write", 500)
	if s := b.String(); !strings.Contains(s, "writing [") || !strings.Contains(s, "500/1000 rows") || strings.Contains(s, "写入") {
		t.Errorf("English progress: %q", s)
	}
}

// TestServeStopsImportJobs: serve's graceful shutdown stops the import
// jobs (before the database closes): no job starts afterwards.
func TestServeStopsImportJobs(t *testing.T) {
	m, _ := startMain(t, false)
	if m.Imports == nil {
		t.Fatal("serve runs no import jobs")
	}
	if err := m.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	u := &domain.User{ID: 1, Username: "s", Role: domain.RoleSupervisor}
	files := []exchange.JobFile{{Name: "a.csv", Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("")), nil }}}
	if _, err := m.Imports.Submit(context.Background(), domain.Actor{}, u, files, exchange.Options{}); !errors.Is(err, exchange.ErrShuttingDown) {
		t.Errorf("a job after serve closed: %v", err)
	}
	m.server, m.Store = nil, nil // already closed
}

// TestExportByInstitution: radsup export -institution exports the rows of
// that institution; an unknown credit code is an error that says so.
func TestExportByInstitution(t *testing.T) {
	db := storetest.URL(t)
	dir := t.TempDir()
	code := "12410102T000000014"
	file := filepath.Join(dir, "机构.csv")
	os.WriteFile(file, []byte("机构名称,统一社会信用代码,机构类别,行政区划代码,地址,状态\n"+
		"郑州市中原区测试医院,"+code+",综合医院,410102,中原区建设西路1号,开业\n"), 0o644)
	getenv := func(string) string { return "" }
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-db", db, "import", file}, getenv, nil, &out, &out); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	csv := filepath.Join(dir, "out.csv")
	if err := run(context.Background(), []string{"-db", db, "export", "-kind", "institutions", "-institution", code, "-o", csv}, getenv, nil, &out, &out); err != nil {
		t.Fatalf("export: %v", err)
	}
	if b, _ := os.ReadFile(csv); !strings.Contains(string(b), code) || strings.Count(string(b), "\n") != 2 {
		t.Errorf("exported:\n%s", b)
	}
	err := run(context.Background(), []string{"-db", db, "export", "-kind", "people", "-institution", "12410102T000000022", "-o", csv}, getenv, nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "no institution with credit code") {
		t.Errorf("export of an unknown institution: %v", err)
	}
}
