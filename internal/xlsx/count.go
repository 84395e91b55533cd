package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// RowCount estimates the rows of a file cheaply, for a progress bar: the
// lines of a CSV file, or the sum of the dimensions that worksheets declare
// at their start (without reading their rows). 0 means unknown.
func RowCount(path string) int {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return csvLines(path)
	case ".xlsx", ".xlsm":
		return declaredRows(path)
	}
	return 0
}

func csvLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	buf := make([]byte, 64<<10)
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err != nil {
			return n
		}
	}
}

// dimensionRef finds a range <dimension ref="A1:G100001"/>; a lone cell
// ("A1", as streaming writers leave it) says nothing.
var dimensionRef = regexp.MustCompile(`<dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"`)

// headSize is how much of a worksheet is read to estimate its rows.
const headSize = 256 << 10

func declaredRows(path string) int {
	z, err := zip.OpenReader(path)
	if err != nil {
		return 0
	}
	defer z.Close()
	total := 0
	for _, f := range z.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/") || !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		n := sheetRows(f)
		if n == 0 {
			return 0 // a sheet that cannot tell: unknown
		}
		total += n
	}
	return total
}

// sheetRows reads the start of a worksheet: the rows its dimension
// declares, or else its size divided by the size of the rows seen so far.
func sheetRows(f *zip.File) int {
	r, err := f.Open()
	if err != nil {
		return 0
	}
	defer r.Close()
	head := make([]byte, headSize)
	k, _ := io.ReadFull(bufio.NewReader(r), head)
	head = head[:k]
	if m := dimensionRef.FindSubmatch(head); m != nil {
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	data := bytes.Index(head, []byte("<sheetData"))
	if data < 0 {
		return 0
	}
	rows := bytes.Count(head[data:], []byte("<row "))
	if k < headSize { // the whole sheet was read
		return rows
	}
	if rows < 10 {
		return 0
	}
	return int(float64(rows) * float64(f.UncompressedSize64-uint64(data)) / float64(k-data))
}
