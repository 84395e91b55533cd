package xlsx

import (
	"encoding/csv"
	"io"
	"strings"
)

// formulaStarts are the first characters with which a spreadsheet reads a
// cell as a formula (OWASP, CSV injection): = + - @, a tab, a carriage
// return.
const formulaStarts = "=+-@\t\r"

// Neutralise makes a CSV cell safe to open in a spreadsheet: a value that
// would start a formula gets a leading apostrophe, so that it is read as
// text. Reading a CSV file takes it off again (Unneutralise), so that an
// export imported again changes nothing.
func Neutralise(s string) string {
	if s != "" && strings.ContainsRune(formulaStarts, rune(s[0])) {
		return "'" + s
	}
	return s
}

// Unneutralise undoes Neutralise for a cell read from a CSV file.
func Unneutralise(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(formulaStarts, rune(s[1])) {
		return s[1:]
	}
	return s
}

// CSVWriter writes CSV for spreadsheets: UTF-8 with a byte order mark, so
// that Excel reads the Chinese, and every cell neutralised.
type CSVWriter struct {
	w   *csv.Writer
	bom bool
	out io.Writer
	row []string
}

// NewCSVWriter returns a writer of CSV for spreadsheets to w.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: csv.NewWriter(w), out: w} }

// Write writes one record.
func (c *CSVWriter) Write(record []string) error {
	if !c.bom {
		c.bom = true
		if _, err := io.WriteString(c.out, "\ufeff"); err != nil {
			return err
		}
	}
	c.row = c.row[:0]
	for _, v := range record {
		c.row = append(c.row, Neutralise(v))
	}
	return c.w.Write(c.row)
}

// Flush writes what is buffered and returns the first error of any write.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}
