package xlsx

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"radsup/internal/domain"
)

var doseExportColumns = []string{"id_number", "credit_code", "period_start", "period_end", "hp10", "below_mdl", "provider", "report_no"}

// doseRow is the i-th row of a generated dose export.
func doseRow(i int) []string {
	first17 := fmt.Sprintf("410102198%01d%02d%02d%03d", i%10, 1+i%12, 1+i%28, i%1000)
	return []string{first17 + string(domain.IDCheckChar(first17)), creditA, "2025-01-01", "2025-03-31",
		fmt.Sprintf("%d.%03d", i%3, i%1000), "否", "河南省职业病防治研究院", fmt.Sprintf("%07d", i)}
}

// writeDoses writes n dose rows to path with a Writer.
func writeDoses(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	x := NewWriter(bw)
	if err := x.Sheet(KindByName("doses"), doseExportColumns); err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		if err := x.Row(doseRow(i)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

func TestWriterRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	x := NewWriter(f)
	people := [][]string{
		{idA, "张伟", "男", "1980-01-01"},
		{"41010219900704002X", "李娜", "", ""},
		{"000123", "", "", ""}, // leading zeros stay
	}
	if err := x.Sheet(KindByName("people"), []string{"id_number", "name", "gender", "birth_date"}); err != nil {
		t.Fatal(err)
	}
	for _, r := range people {
		if err := x.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Sheet(KindByName("doses"), doseExportColumns); err != nil {
		t.Fatal(err)
	}
	doses := [][]string{doseRow(1), doseRow(2), {idA, creditA, "2025-04-01", "2025-06-30", "0.250", "", "", "0012"}}
	for _, r := range doses {
		if err := x.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Row(make([]string, len(doseExportColumns)+1)); err == nil {
		t.Error("a row longer than the header was written")
	}
	if err := x.Sheet(KindByName("doses"), []string{"id_number", "nonsense"}); err == nil {
		t.Error("an unknown column was accepted")
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	wb := openBook(t, path, "")
	if len(wb.Sheets()) != 2 {
		t.Fatalf("%d sheets", len(wb.Sheets()))
	}
	ps, ds := wb.Sheets()[0], wb.Sheets()[1]
	if ps.Name != "人员" || ps.Kind.Name != "people" || ds.Name != "剂量" || ds.Kind.Name != "doses" {
		t.Fatalf("sheets %s:%s %s:%s", ps.Name, ps.Kind.Name, ds.Name, ds.Kind.Name)
	}
	if len(ps.Unknown)+len(ps.Missing)+len(ds.Unknown)+len(ds.Missing) != 0 {
		t.Errorf("unknown/missing: %v %v %v %v", ps.Unknown, ps.Missing, ds.Unknown, ds.Missing)
	}
	check := func(s *Sheet, keys []string, want [][]string) {
		t.Helper()
		rows := readRows(t, s)
		var got [][]string
		for _, r := range rows {
			vals := make([]string, len(keys))
			for i, k := range keys {
				vals[i] = r.Cells[k].Value
			}
			got = append(got, vals)
		}
		// Numbers come back in their shortest form.
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.Name, diff)
		}
		if len(rows) > 0 && rows[0].Num != 2 {
			t.Errorf("%s: first row %d", s.Name, rows[0].Num)
		}
	}
	check(ps, []string{"id_number", "name", "gender", "birth_date"}, people)
	wantDoses := slices.Clone(doses)
	wantDoses[0] = slices.Clone(doses[0])
	wantDoses[0][4] = "1.001"
	wantDoses[1] = slices.Clone(doses[1])
	wantDoses[1][4] = "2.002"
	wantDoses[2] = slices.Clone(doses[2])
	wantDoses[2][4] = "0.25"
	check(ds, doseExportColumns, wantDoses)

	// Codes are text cells with a text format; doses are numbers.
	xf := openExcelize(t, path)
	if typ, _ := xf.GetCellType("人员", "A4"); typ != excelize.CellTypeInlineString {
		t.Errorf("ID number cell type %v, want an inline string", typ)
	}
	style, _ := xf.GetCellStyle("人员", "A2")
	if id, _ := numFmtOf(t, xf, style); id != 49 {
		t.Errorf("ID number cell format %d, want text", id)
	}
	if typ, _ := xf.GetCellType("剂量", "E2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("dose cell type %v, want a number", typ)
	}
	if header, _ := xf.GetRows("剂量"); header[0][0] != "身份证号" || header[0][1] != "机构统一社会信用代码" {
		t.Errorf("dose header %v", header[0])
	}
	if panes, _ := xf.GetPanes("剂量"); !panes.Freeze {
		t.Error("header not frozen")
	}
}

// TestWriterManyRows writes 20,000 rows (BenchmarkWriter100k writes
// 100,000) and reads them all back.
func TestWriterManyRows(t *testing.T) {
	const n = 20_000
	path := filepath.Join(t.TempDir(), "doses.xlsx")
	writeDoses(t, path, n)
	s := onlySheet(t, openBook(t, path, ""))
	count := 0
	err := s.Each(func(r Row) error {
		want := doseRow(count)
		if r.Num != count+2 || r.Cells["id_number"].Value != want[0] || r.Cells["report_no"].Value != want[7] {
			return fmt.Errorf("row %d: %+v, want %v", r.Num, r.Cells, want)
		}
		count++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if count != n {
		t.Errorf("read %d rows, want %d", count, n)
	}
}

// BenchmarkWriter100k writes an export of 100,000 dose rows. The live heap
// stays flat (about 23 MB, the stream writer's in-memory chunk, at 100,000
// rows as at 300,000) because rows spill to a temporary file.
func BenchmarkWriter100k(b *testing.B) {
	const n = 100_000
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		x := NewWriter(io.Discard)
		if err := x.Sheet(KindByName("doses"), doseExportColumns); err != nil {
			b.Fatal(err)
		}
		for i := range n {
			if err := x.Row(doseRow(i)); err != nil {
				b.Fatal(err)
			}
			if i%25_000 == 0 {
				runtime.GC() // live heap only
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
		if err := x.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// BenchmarkRead100k reads back an export of 100,000 dose rows.
func BenchmarkRead100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "doses.xlsx")
	writeDoses(b, path, 100_000)
	b.ReportAllocs()
	for b.Loop() {
		wb, err := Open(path, "")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		if err := wb.Sheets()[0].Each(func(Row) error { n++; return nil }); err != nil || n != 100_000 {
			b.Fatal(n, err)
		}
		wb.Close()
	}
}

func TestRowCount(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	w := NewWriter(&b)
	w.Sheet(KindByName("doses"), []string{"id_number", "hp10"})
	for range 5000 {
		w.Row([]string{"41010219850315123X", "0.1"})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	x := filepath.Join(dir, "a.xlsx")
	os.WriteFile(x, b.Bytes(), 0o600)
	c := filepath.Join(dir, "a.csv")
	os.WriteFile(c, []byte("a,b\n1,2\n3,4\n"), 0o600)
	// 5,001 rows in a sheet longer than what is read of it: an estimate.
	if got := RowCount(x); got < 4500 || got > 5500 {
		t.Errorf("RowCount(a.xlsx) = %d, want about 5001", got)
	}
	for path, want := range map[string]int{c: 3, filepath.Join(dir, "none.csv"): 0, filepath.Join(dir, "a.txt"): 0} {
		if got := RowCount(path); got != want {
			t.Errorf("RowCount(%s) = %d, want %d", filepath.Base(path), got, want)
		}
	}
}
