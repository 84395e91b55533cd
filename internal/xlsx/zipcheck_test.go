package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// part is one entry of a crafted zip: its name and content, or with claim
// set a header declaring claim bytes over a few packed ones.
type part struct {
	name    string
	content []byte
	claim   uint64
}

func writeZip(t *testing.T, parts ...part) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		if p.claim == 0 {
			w, err := zw.Create(p.name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(p.content)
			continue
		}
		var packed bytes.Buffer
		fw, _ := flate.NewWriter(&packed, flate.BestCompression)
		fw.Write(make([]byte, 4096))
		fw.Close()
		w, err := zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate, UncompressedSize64: p.claim,
			CompressedSize64: uint64(packed.Len()), CRC32: crc32.ChecksumIEEE(make([]byte, 4096))})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(packed.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bomb.xlsx")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// peakHeap samples the heap while fn runs and returns its peak growth.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base, peak := m.HeapAlloc, m.HeapAlloc
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
				var s runtime.MemStats
				runtime.ReadMemStats(&s)
				mu.Lock()
				peak = max(peak, s.HeapAlloc)
				mu.Unlock()
			}
		}
	}()
	fn()
	close(done)
	mu.Lock()
	defer mu.Unlock()
	return peak - base
}

// TestZipBombRefused: a workbook that would unpack to gigabytes (by a part
// packed a thousandfold, or by a header that claims it), or that holds a
// part no workbook has, is refused before it is read, with ErrUnsafe, and
// opening it takes little memory.
func TestZipBombRefused(t *testing.T) {
	types := part{name: "[Content_Types].xml", content: []byte(`<?xml version="1.0"?><Types/>`)}
	cases := map[string]string{
		"a part packed a thousandfold": writeZip(t, types, part{name: "xl/sharedStrings.xml", content: make([]byte, 200<<20)}),
		"a header claiming 8 GiB":      writeZip(t, types, part{name: "xl/styles.xml", claim: 8 << 30}),
		"sheets claiming 3 GiB":        writeZip(t, types, part{name: "xl/worksheets/sheet1.xml", claim: 900 << 20}, part{name: "xl/worksheets/sheet2.xml", claim: 900 << 20}, part{name: "xl/worksheets/sheet3.xml", claim: 900 << 20}),
		"a part outside a workbook":    writeZip(t, types, part{name: "payload/run.exe", content: []byte("MZ")}),
		"a path out of the folder":     writeZip(t, types, part{name: "xl/../../etc/passwd", content: []byte("x")}),
	}
	for name, path := range cases {
		t.Run(name, func(t *testing.T) {
			var err error
			grew := peakHeap(func() {
				var w *Workbook
				w, err = Open(path, "")
				if w != nil {
					w.Close()
				}
			})
			if !errors.Is(err, ErrUnsafe) {
				t.Errorf("Open: %v, want ErrUnsafe", err)
			}
			if grew > 32<<20 {
				t.Errorf("opening took %d MB of heap", grew>>20)
			}
		})
	}
	if _, err := Open(writeZip(t, types, part{name: "xl/workbook.xml", content: []byte("<workbook/>")}), ""); errors.Is(err, ErrUnsafe) {
		t.Errorf("a small workbook refused as unsafe: %v", err)
	}
	trunc := filepath.Join(t.TempDir(), "cut.xlsx")
	os.WriteFile(trunc, []byte("PK\x03\x04 not really a zip"), 0o644)
	if _, err := Open(trunc, ""); !errors.Is(err, ErrDamaged) {
		t.Errorf("a truncated zip: %v, want ErrDamaged", err)
	}
}

// TestDamagedWorkbook: a workbook cut short or with damaged bytes is the
// file's fault (ErrDamaged), whether found on opening or on reading rows.
func TestDamagedWorkbook(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	k := KindByName("institutions")
	var keys []string
	for _, c := range k.Columns {
		keys = append(keys, c.Key)
	}
	if err := w.Sheet(k, keys); err != nil {
		t.Fatal(err)
	}
	row := make([]string, len(keys))
	for i := range row {
		row[i] = "x"
	}
	for range 50 {
		if err := w.Row(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	flipped := bytes.Clone(full)
	for i := 200; i < 400; i++ {
		flipped[i] ^= 0xff
	}
	for name, b := range map[string][]byte{"half": full[:len(full)/2], "end cut": full[:len(full)-10], "flipped": flipped, "empty": {}} {
		path := filepath.Join(t.TempDir(), "book.xlsx")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		wb, err := Open(path, "")
		if err == nil {
			for _, sh := range wb.Sheets() {
				if err = sh.Each(func(Row) error { return nil }); err != nil {
					break
				}
			}
			wb.Close()
		}
		if !errors.Is(err, ErrDamaged) {
			t.Errorf("%s: %v, want ErrDamaged", name, err)
		}
	}
}
