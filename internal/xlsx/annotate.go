package xlsx

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"radsup/internal/i18n"

	"github.com/xuri/excelize/v2"
)

// Problem is one problem found in a file: where it is, the value, and what
// is wrong and what would be right (a Message, rendered in the reader's
// language where it is shown).
type Problem struct {
	Sheet   string  `json:"sheet"`
	Row     int     `json:"row,omitempty"`   // Excel row number; 0 for a problem with the whole sheet
	Col     Arg     `json:"col"`             // the header as written, or the column's label if the sheet lacks it
	Ref     string  `json:"ref,omitempty"`   // cell address; "" for a row-level problem
	Value   string  `json:"value,omitempty"` // the cell's value as read
	Message Message `json:"message"`
	Warning bool    `json:"warning,omitempty"` // reported, but does not stop the import
}

// Text returns the problem's message in lang.
func (p Problem) Text(lang string) string { return p.Message.Render(lang) }

// ProblemsSheet returns the name of the sheet Annotate puts first, in lang.
func ProblemsSheet(lang string) string { return i18n.T(lang, "import.annotated.sheet") }

// isProblemsSheet reports whether name is the problems sheet of an earlier
// annotation, in any language.
func isProblemsSheet(name string) bool {
	for _, lang := range i18n.Languages() {
		if name == ProblemsSheet(lang) {
			return true
		}
	}
	return false
}

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
// row's first cell. A first sheet (错误清单, "Problems") lists every problem,
// with a link to its cell. Problems of sheets the file does not have are
// only listed. Everything added is written in lang.
func Annotate(path string, problems []Problem, lang string, w io.Writer) error {
	f, sheetOf, err := openForAnnotation(path)
	if err != nil {
		return err
	}
	defer f.Close()
	a := &annotator{f: f, lang: lang, styles: map[[2]int]int{}}
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
		if err := checkZip(path); err != nil {
			return nil, nil, err
		}
		f, err := excelize.OpenFile(path, excelize.Options{UnzipXMLSizeLimit: unzipXMLLimit, UnzipSizeLimit: maxTotal})
		if err != nil {
			return nil, nil, fmt.Errorf("xlsx: annotate %s: %w", filepath.Base(path), err)
		}
		// The copy is an .xlsx workbook, even of an .xlsm one: its content
		// type follows the extension of Path.
		f.Path = strings.TrimSuffix(path, filepath.Ext(path)) + ".xlsx"
		sheetOf := func(name string) (string, bool) {
			idx, err := f.GetSheetIndex(name)
			return name, err == nil && idx >= 0 && !isProblemsSheet(name)
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
	if s == "" || isProblemsSheet(s) {
		s = "Sheet1"
	}
	return s
}

type annotator struct {
	f      *excelize.File
	lang   string
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
		msg := p.Text(a.lang)
		if p.Warning {
			msg = i18n.T(a.lang, "import.annotated.note", msg)
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
			{Text: i18n.T(a.lang, "import.annotated.heading") + "\n", Font: &excelize.Font{Bold: true}},
			{Text: text},
		},
		Width:  300,
		Height: uint(min(40+18*lines, 400)),
	})
}

// list writes the problems sheet in front of the others.
func (a *annotator) list(problems []Problem, sheetOf func(string) (string, bool)) error {
	sheet, err := a.newListSheet()
	if err != nil {
		return err
	}
	styles, err := a.listStyles()
	if err != nil {
		return err
	}
	var titles []any
	for _, col := range []string{"level", "sheet", "row", "column", "cell", "value", "message"} {
		titles = append(titles, i18n.T(a.lang, "import.annotated.col."+col))
	}
	if err := a.f.SetSheetRow(sheet, "A1", &titles); err != nil {
		return err
	}
	if err := a.f.SetCellStyle(sheet, "A1", "G1", styles.header); err != nil {
		return err
	}
	for i, p := range problems {
		if err := a.listRow(sheet, i+2, p, sheetOf, styles.link); err != nil {
			return err
		}
	}
	if err := a.f.SetCellStyle(sheet, "G2", "G"+strconv.Itoa(len(problems)+1), styles.wrap); err != nil {
		return err
	}
	for col, width := range map[string]float64{"A": 6, "B": 14, "C": 6, "D": 18, "E": 8, "F": 22, "G": 70} {
		if err := a.f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
	}
	if err := a.f.SetPanes(sheet, frozenHeader()); err != nil {
		return err
	}
	a.f.SetActiveSheet(0)
	return nil
}

// newListSheet replaces the problems sheet of an earlier annotation (in
// any language) with a new one in front of the others, and returns its name.
func (a *annotator) newListSheet() (string, error) {
	f := a.f
	for _, name := range f.GetSheetList() {
		if isProblemsSheet(name) {
			if err := f.DeleteSheet(name); err != nil {
				return "", err
			}
		}
	}
	sheet, first := ProblemsSheet(a.lang), f.GetSheetName(0)
	if _, err := f.NewSheet(sheet); err != nil {
		return "", err
	}
	return sheet, f.MoveSheet(sheet, first)
}

// listStyles are the styles of the problems sheet.
type listStyles struct{ header, link, wrap int }

func (a *annotator) listStyles() (listStyles, error) {
	var s listStyles
	var err error
	if s.header, err = a.f.NewStyle(&excelize.Style{
		Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
	}); err != nil {
		return s, err
	}
	if s.link, err = a.f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "0563C1", Underline: "single"}}); err != nil {
		return s, err
	}
	s.wrap, err = a.f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	return s, err
}

// listRow writes problem p on row r of the problems sheet, with a link to its cell.
func (a *annotator) listRow(sheet string, r int, p Problem, sheetOf func(string) (string, bool), link int) error {
	level := i18n.T(a.lang, "import.error")
	if p.Warning {
		level = i18n.T(a.lang, "import.warning")
	}
	var row any = ""
	if p.Row > 0 {
		row = p.Row
	}
	at := strconv.Itoa(r)
	values := []any{level, p.Sheet, row, p.Col.Render(a.lang), p.Ref, p.Value, p.Text(a.lang)}
	if err := a.f.SetSheetRow(sheet, "A"+at, &values); err != nil {
		return err
	}
	if target, ok := sheetOf(p.Sheet); ok {
		if cell := cellOf(p); cell != "" {
			return a.link(sheet, "E"+at, target, cell, link)
		}
	}
	return nil
}

// link makes the list's cell a link to the problem's cell.
func (a *annotator) link(list, at, sheet, cell string, style int) error {
	if err := a.f.SetCellStr(list, at, cell); err != nil {
		return err
	}
	target := "'" + strings.ReplaceAll(sheet, "'", "''") + "'!" + cell
	if err := a.f.SetCellHyperLink(list, at, target, "Location"); err != nil {
		return err
	}
	return a.f.SetCellStyle(list, at, at, style)
}
