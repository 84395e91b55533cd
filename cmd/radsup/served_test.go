package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSQLiteServedByOneProcess: beside a server on a SQLite database, a
// command-line import refuses to write (it would make the server's writes
// fail with SQLITE_BUSY) and says where to import instead; a dry run still
// checks the file; a second server does not start. On PostgreSQL servers
// share the database and nothing is refused.
func TestSQLiteServedByOneProcess(t *testing.T) {
	m, _ := startMain(t, false)
	if !strings.HasPrefix(m.Config.DB, "sqlite:") {
		t.Skip("PostgreSQL: several servers and commands share the database")
	}
	csv := filepath.Join(t.TempDir(), "机构.csv")
	os.WriteFile(csv, []byte("机构名称,统一社会信用代码,机构类别,行政区划代码,地址,状态\n郑州市中原区测试医院,12430621446197071C,综合医院,410102,中原区建设西路1号,开业\n"), 0o644)
	getenv := func(k string) string { return map[string]string{"RADSUP_DB": m.Config.DB}[k] }
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"import", csv}, getenv, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "导入导出") {
		t.Errorf("an import beside the server: %v", err)
	}
	if err := run(context.Background(), []string{"import", "-dry-run", csv}, getenv, strings.NewReader(""), &out, &errOut); err != nil {
		t.Errorf("a dry run beside the server: %v\n%s", err, errOut.String())
	}
	cfg := m.Config
	cfg.Addr = "127.0.0.1:0"
	second := &Main{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Stdout: io.Discard}
	if err := second.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "PostgreSQL") {
		second.Close()
		t.Errorf("a second server on the SQLite file: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m.server, m.Store = nil, nil
	out.Reset()
	if err := run(context.Background(), []string{"import", csv}, getenv, strings.NewReader(""), &out, &errOut); err != nil {
		t.Errorf("an import with the server stopped: %v\n%s", err, out.String())
	}
}
