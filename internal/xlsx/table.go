package xlsx

import (
	"errors"

	"github.com/xuri/excelize/v2"
)

// Table starts a new sheet of a report table: its name and the header row.
// Its rows are written with Values.
func (x *Writer) Table(name string, header []string) error {
	if x.err != nil {
		return x.err
	}
	cols := make([]Column, len(header))
	for i, h := range header {
		cols[i] = Column{Key: h, ZH: h}
	}
	x.err = x.start(name, cols)
	return x.err
}

// Values writes one row of a report table: ints and floats as numbers,
// anything else as a text cell. No cell is ever a formula, so a value that
// starts with = + - @ is shown as written, never run.
func (x *Writer) Values(values []any) error {
	if x.err != nil {
		return x.err
	}
	if x.sw == nil {
		return errors.New("xlsx: Writer.Values before Writer.Table")
	}
	x.row++
	cells := make([]any, len(values))
	for i, v := range values {
		switch v := v.(type) {
		case int, int64, float64:
			cells[i] = v
		case nil:
		case string:
			if v != "" {
				cells[i] = excelize.Cell{StyleID: x.style.text, Value: v}
			}
		default:
			return errors.New("xlsx: a report cell is a number or text")
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, x.row)
	x.err = x.sw.SetRow(cell, cells)
	return x.err
}
