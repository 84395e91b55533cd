package xlsx

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"radsup/internal/domain"
)

// Writer writes an export workbook, one sheet per kind, streaming its rows
// so that memory stays flat however many rows are written. Its sheets have
// the Chinese labels of their columns as header, so that an export reads
// back as an import.
type Writer struct {
	w      io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	cols   []Column
	row    int
	sheets int
	style  struct{ header, text int }
	err    error
}

// NewWriter returns a Writer that writes the workbook to w on Close.
func NewWriter(w io.Writer) *Writer {
	x := &Writer{w: w, f: excelize.NewFile()}
	x.style.header, x.err = x.f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
		Border:    thinBorder,
	})
	if x.err == nil {
		x.style.text, x.err = x.f.NewStyle(&excelize.Style{NumFmt: 49}) // 49 is "@", text
	}
	return x
}

// Sheet starts a new sheet for kind k with the given columns (keys of k's
// columns, in order), writing its header row.
func (x *Writer) Sheet(k *Kind, columns []string) error {
	if x.err != nil {
		return x.err
	}
	cols := make([]Column, len(columns))
	for i, key := range columns {
		c, ok := k.Column(key)
		if !ok {
			return fmt.Errorf("xlsx: kind %s has no column %q", k.Name, key)
		}
		cols[i] = c
	}
	x.err = x.start(k.Sheet, cols)
	return x.err
}

func (x *Writer) start(name string, cols []Column) error {
	if err := x.flush(); err != nil {
		return err
	}
	if x.sheets == 0 {
		if err := x.f.SetSheetName(x.f.GetSheetName(0), name); err != nil {
			return err
		}
	} else {
		if idx, _ := x.f.GetSheetIndex(name); idx >= 0 {
			name = fmt.Sprintf("%s%d", name, x.sheets+1)
		}
		if _, err := x.f.NewSheet(name); err != nil {
			return err
		}
	}
	x.sheets++
	sw, err := x.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	x.sw, x.cols, x.row = sw, cols, 1
	header := make([]any, len(cols))
	for i, c := range cols {
		n := i + 1
		if err := sw.SetColWidth(n, n, columnWidth(c)); err != nil {
			return err
		}
		if c.Text {
			if err := sw.SetColStyle(n, n, x.style.text); err != nil {
				return err
			}
		}
		header[i] = excelize.Cell{StyleID: x.style.header, Value: c.ZH}
	}
	if err := sw.SetPanes(frozenHeader()); err != nil {
		return err
	}
	return sw.SetRow("A1", header, excelize.RowOpts{Height: 20})
}

// Row writes one row of values in the columns of the current sheet: text
// cells, except numbers in number columns; codes and ID numbers stay text.
func (x *Writer) Row(values []string) error {
	if x.err != nil {
		return x.err
	}
	if x.sw == nil {
		return errors.New("xlsx: Writer.Row before Writer.Sheet")
	}
	if len(values) > len(x.cols) {
		return fmt.Errorf("xlsx: row of %d values for %d columns", len(values), len(x.cols))
	}
	x.row++
	cells := make([]any, len(values))
	for i, v := range values {
		if v == "" {
			continue
		}
		c := x.cols[i]
		switch {
		case c.Text:
			cells[i] = excelize.Cell{StyleID: x.style.text, Value: v}
		case isNumber(c):
			if n, err := strconv.ParseFloat(v, 64); err == nil {
				cells[i] = n
				continue
			}
			cells[i] = v
		default:
			cells[i] = v
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, x.row)
	x.err = x.sw.SetRow(cell, cells)
	return x.err
}

// Close finishes the workbook and writes it to the writer given to NewWriter.
func (x *Writer) Close() error {
	defer x.f.Close()
	if x.err != nil {
		return x.err
	}
	if err := x.flush(); err != nil {
		return err
	}
	x.err = errors.New("xlsx: Writer is closed")
	if _, err := x.f.WriteTo(x.w); err != nil {
		return fmt.Errorf("xlsx: write workbook: %w", err)
	}
	return nil
}

func (x *Writer) flush() error {
	if x.sw == nil {
		return nil
	}
	sw := x.sw
	x.sw = nil
	return sw.Flush()
}

func isNumber(c Column) bool {
	return c.Field != nil && (c.Field.Type == domain.IntField || c.Field.Type == domain.DoseField)
}

// columnWidth is a column's width in characters: enough for its header
// and for the values it usually holds, such as its longest option.
func columnWidth(c Column) float64 {
	w := textWidth(c.ZH) + 3 // bold, and a required marker
	if c.Enum != nil {
		for _, o := range c.Enum.Options {
			w = max(w, textWidth(o.ZH)+3) // and the drop-down arrow
		}
	}
	switch {
	case c.Key == "id_number" || c.Key == "credit_code":
		w = max(w, 21)
	case c.Text:
		w = max(w, 16)
	case c.Date:
		w = max(w, 12)
	}
	return min(max(w, 8), 40)
}

// textWidth is how many character widths s takes: two for a Chinese
// character, one for ASCII.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r < 0x2E80 {
			w++
		} else {
			w += 2
		}
	}
	return w
}

var thinBorder = []excelize.Border{
	{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
	{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1},
}
