package xlsx

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Problem is one problem found in a file: where it is, the value and a
// Chinese sentence saying what is wrong and what would be right.
type Problem struct {
	Sheet   string `json:"sheet"`
	Row     int    `json:"row,omitempty"`   // Excel row number; 0 for a problem with the whole sheet
	Col     string `json:"col,omitempty"`   // header label
	Ref     string `json:"ref,omitempty"`   // cell address; "" for a row-level problem
	Value   string `json:"value,omitempty"` // the cell's value as read
	Message string `json:"message"`
	Warning bool   `json:"warning,omitempty"` // reported, but does not stop the import
}

// ProblemsSheet is the name of the sheet Annotate puts first.
const ProblemsSheet = "错误清单"

// commentAuthor signs the comments Annotate adds.
const commentAuthor = "radsup"

// Fill colours of annotated cells.
const (
	errorFill   = "FFC7CE"
	warningFill = "FFEB9C"
)

// Annotate writes to w a copy of the workbook at path (for a CSV file, a new
// workbook holding the file's rows as one sheet, row for row) in which the
// cell of each problem is filled (red for errors, yellow for warnings) and
// carries a comment with the messages; a problem of a whole row marks the
// row's first cell. A first sheet 错误清单 lists every problem, with a link
// to its cell. Problems of sheets the file does not have are only listed.
func Annotate(path string, problems []Problem, w io.Writer) error {
	f, sheetOf, err := openForAnnotation(path)
	if err != nil {
		return err
	}
	defer f.Close()
	a := &annotator{f: f, styles: map[[2]int]int{}}
	if err := a.mark(problems, sheetOf); err != nil {
		return fmt.Errorf("xlsx: annotate %s: %w", filepath.Base(path), err)
	}
	if err := a.list(problems, sheetOf); err != nil {
		return fmt.Errorf("xlsx: annotate %s: %w", filepath.Base(path), err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: annotate %s: %w", filepath.Base(path), err)
	}
	return nil
}

// openForAnnotation opens the workbook to annotate. sheetOf maps a
// problem's sheet name to the workbook's sheet.
func openForAnnotation(path string) (*excelize.File, func(string) (string, bool), error) {
	if strings.ToLower(filepath.Ext(path)) != ".csv" {
		f, err := excelize.OpenFile(path, excelize.Options{UnzipXMLSizeLimit: unzipXMLLimit})
		if err != nil {
			return nil, nil, fmt.Errorf("xlsx: annotate %s: %w", filepath.Base(path), err)
		}
		// The copy is an .xlsx workbook, even of an .xlsm one: its content
		// type follows the extension of Path.
		f.Path = strings.TrimSuffix(path, filepath.Ext(path)) + ".xlsx"
		sheetOf := func(name string) (string, bool) {
			idx, err := f.GetSheetIndex(name)
			return name, err == nil && idx >= 0 && name != ProblemsSheet
		}
		return f, sheetOf, nil
	}
	wb, err := Open(path, "")
	if err != nil {
		return nil, nil, err
	}
	defer wb.Close()
	name := filepath.Base(path)
	sheet := sheetName(strings.TrimSuffix(name, filepath.Ext(name)))
	f := excelize.NewFile()
	if err := copyCSV(f, sheet, wb.csv); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("xlsx: annotate %s: %w", name, err)
	}
	sheetOf := func(s string) (string, bool) { return sheet, s == name || s == sheet }
	return f, sheetOf, nil
}

// copyCSV writes the rows of a CSV file into the only sheet of f, as text.
func copyCSV(f *excelize.File, sheet string, rows source) error {
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	width := 0
	err = rows(func(num int, cells []string) error {
		width = max(width, len(cells))
		for i, v := range cells {
			if v == "" {
				continue
			}
			ref, err := excelize.CoordinatesToCellName(i+1, num)
			if err != nil {
				return err
			}
			if err := f.SetCellStr(sheet, ref, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || width == 0 {
		return err
	}
	last, _ := excelize.ColumnNumberToName(width)
	if err := f.SetColStyle(sheet, "A:"+last, text); err != nil {
		return err
	}
	return f.SetColWidth(sheet, "A", last, 16)
}

// sheetName makes a valid sheet name of s: no []:*?/\ and at most 31 characters.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, s)
	s = strings.Trim(s, "'")
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	if s == "" || s == ProblemsSheet {
		s = "Sheet1"
	}
	return s
}

type annotator struct {
	f      *excelize.File
	styles map[[2]int]int // (original style, 1 for an error) → style with the fill
}

// cellOf is the cell a problem marks, or "" if it marks none.
func cellOf(p Problem) string {
	if p.Ref != "" {
		if _, _, err := excelize.CellNameToCoordinates(p.Ref); err == nil {
			return p.Ref
		}
	}
	if p.Row > 0 {
		return "A" + strconv.Itoa(p.Row)
	}
	return ""
}

// note is what one cell gets: its messages, and whether any is an error.
type note struct {
	sheet, cell string
	messages    []string
	err         bool
}

// mark fills and comments the cells of the problems.
func (a *annotator) mark(problems []Problem, sheetOf func(string) (string, bool)) error {
	var notes []*note
	byCell := map[[2]string]*note{}
	for _, p := range problems {
		sheet, ok := sheetOf(p.Sheet)
		cell := cellOf(p)
		if !ok || cell == "" {
			continue
		}
		n := byCell[[2]string{sheet, cell}]
		if n == nil {
			n = &note{sheet: sheet, cell: cell}
			byCell[[2]string{sheet, cell}] = n
			notes = append(notes, n)
		}
		msg := p.Message
		if p.Warning {
			msg = "（提示）" + msg
		}
		n.messages = append(n.messages, msg)
		n.err = n.err || !p.Warning
	}
	comments := map[string]map[string]excelize.Comment{}
	for _, n := range notes {
		if comments[n.sheet] == nil {
			comments[n.sheet] = map[string]excelize.Comment{}
			list, err := a.f.GetComments(n.sheet)
			if err != nil {
				return err
			}
			for _, c := range list {
				comments[n.sheet][c.Cell] = c
			}
		}
		if err := a.fill(n); err != nil {
			return err
		}
		if err := a.comment(n, comments[n.sheet]); err != nil {
			return err
		}
	}
	return nil
}

// fill gives a cell the problem fill, keeping the rest of its style.
func (a *annotator) fill(n *note) error {
	orig, err := a.f.GetCellStyle(n.sheet, n.cell)
	if err != nil {
		return err
	}
	key := [2]int{orig, 0}
	if n.err {
		key[1] = 1
	}
	id, ok := a.styles[key]
	if !ok {
		style, err := a.f.GetStyle(orig)
		if err != nil || style == nil {
			style = &excelize.Style{}
		}
		color := warningFill
		if n.err {
			color = errorFill
		}
		style.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
		if id, err = a.f.NewStyle(style); err != nil {
			return err
		}
		a.styles[key] = id
	}
	return a.f.SetCellStyle(n.sheet, n.cell, n.cell, id)
}

// comment puts the messages in the cell's comment. A comment of an earlier
// annotation is replaced; someone else's is kept above the messages.
func (a *annotator) comment(n *note, existing map[string]excelize.Comment) error {
	text := strings.Join(n.messages, "\n")
	if old, ok := existing[n.cell]; ok {
		if err := a.f.DeleteComment(n.sheet, n.cell); err != nil {
			return err
		}
		if old.Author != commentAuthor {
			prev := old.Text
			for _, r := range old.Paragraph {
				prev += r.Text
			}
			text = strings.TrimSpace(prev) + "\n\n" + text
		}
	}
	lines := strings.Count(text, "\n") + 1 + utf8.RuneCountInString(text)/24
	return a.f.AddComment(n.sheet, excelize.Comment{
		Cell:   n.cell,
		Author: commentAuthor,
		Paragraph: []excelize.RichTextRun{
			{Text: "导入检查：\n", Font: &excelize.Font{Bold: true}},
			{Text: text},
		},
		Width:  300,
		Height: uint(min(40+18*lines, 400)),
	})
}

// list writes the 错误清单 sheet in front of the others.
func (a *annotator) list(problems []Problem, sheetOf func(string) (string, bool)) error {
	f := a.f
	if idx, _ := f.GetSheetIndex(ProblemsSheet); idx >= 0 {
		if err := f.DeleteSheet(ProblemsSheet); err != nil {
			return err
		}
	}
	first := f.GetSheetName(0)
	if _, err := f.NewSheet(ProblemsSheet); err != nil {
		return err
	}
	if err := f.MoveSheet(ProblemsSheet, first); err != nil {
		return err
	}
	header, err := f.NewStyle(&excelize.Style{
		Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
	})
	if err != nil {
		return err
	}
	link, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "0563C1", Underline: "single"}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	titles := []any{"类别", "工作表", "行号", "列", "单元格", "值", "问题"}
	if err := f.SetSheetRow(ProblemsSheet, "A1", &titles); err != nil {
		return err
	}
	if err := f.SetCellStyle(ProblemsSheet, "A1", "G1", header); err != nil {
		return err
	}
	for i, p := range problems {
		r := strconv.Itoa(i + 2)
		kind := "错误"
		if p.Warning {
			kind = "提示"
		}
		var row any = ""
		if p.Row > 0 {
			row = p.Row
		}
		values := []any{kind, p.Sheet, row, p.Col, p.Ref, p.Value, p.Message}
		if err := f.SetSheetRow(ProblemsSheet, "A"+r, &values); err != nil {
			return err
		}
		if sheet, ok := sheetOf(p.Sheet); ok {
			if cell := cellOf(p); cell != "" {
				if err := a.link("E"+r, sheet, cell, link); err != nil {
					return err
				}
			}
		}
	}
	if err := f.SetCellStyle(ProblemsSheet, "G2", "G"+strconv.Itoa(len(problems)+1), wrap); err != nil {
		return err
	}
	for col, width := range map[string]float64{"A": 6, "B": 14, "C": 6, "D": 18, "E": 8, "F": 22, "G": 70} {
		if err := f.SetColWidth(ProblemsSheet, col, col, width); err != nil {
			return err
		}
	}
	if err := f.SetPanes(ProblemsSheet, frozenHeader()); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return nil
}

// link makes the list's cell a link to the problem's cell.
func (a *annotator) link(at, sheet, cell string, style int) error {
	if err := a.f.SetCellStr(ProblemsSheet, at, cell); err != nil {
		return err
	}
	target := "'" + strings.ReplaceAll(sheet, "'", "''") + "'!" + cell
	if err := a.f.SetCellHyperLink(ProblemsSheet, at, target, "Location"); err != nil {
		return err
	}
	return a.f.SetCellStyle(ProblemsSheet, at, at, style)
}
