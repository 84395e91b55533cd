package xlsx

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// ErrFormat reports a file that is neither an .xlsx workbook nor a CSV file
// (an old .xls workbook, say).
var ErrFormat = errors.New("xlsx: not an .xlsx/.xlsm workbook or a .csv file")

// ErrDamaged reports a file named as a workbook that cannot be read as one:
// another kind of file renamed .xlsx, a truncated download, a damaged
// archive or worksheet. It is the file's fault, not the system's.
var ErrDamaged = errors.New("xlsx: not a valid Excel workbook (damaged, truncated or another kind of file)")

// headerScanRows is how far down a sheet the header row is looked for.
const headerScanRows = 20

// unzipXMLLimit is the size above which a worksheet or the shared strings
// are extracted to a temporary file and streamed from it.
const unzipXMLLimit = 16 << 20

// Cell is one cell as read: its value as text, untrimmed (a date cell of a
// workbook comes as its Excel serial number), and its address, like "C7".
type Cell struct{ Value, Ref string }

// Row is one data row: Num is the row number as Excel shows it; Cells holds
// every column of the sheet by column key (a key is absent when the sheet
// has no such column; an empty Value is an empty cell).
type Row struct {
	Num   int
	Cells map[string]Cell
}

// Sheet is one sheet (or CSV file) recognised as a kind.
type Sheet struct {
	Name      string            // sheet name; for a CSV file its file name
	Kind      *Kind             // the recognised kind; people for a combined people+employments sheet
	Also      *Kind             // employments for a combined sheet, else nil
	HeaderRow int               // Excel row number of the header row
	Columns   map[string]string // column key → header label as written
	Unknown   []string          // header labels not recognised
	Missing   []string          // keys of required columns that are absent

	src      source
	cols     []sheetCol
	date1904 bool
}

// sheetCol is where a column of the kind is in the sheet.
type sheetCol struct {
	key    string
	index  int    // 0-based position in the row
	letter string // column letters, "C"
	date   bool
}

// source streams the rows of a sheet, each with its Excel row number, until
// fn returns an error; errStop ends it without error.
type source func(fn func(num int, cells []string) error) error

var errStop = errors.New("stop")

// Each calls fn with every data row below the header, in order, skipping
// rows whose recognised cells are all blank and the untouched example row of
// a template. Rows are streamed: a large sheet is never held in memory. It
// stops at and returns the first error of fn. Each may be called again to
// read the sheet again.
func (s *Sheet) Each(fn func(Row) error) error {
	return s.src(func(num int, cells []string) error {
		if num <= s.HeaderRow {
			return nil
		}
		row := Row{Num: num, Cells: make(map[string]Cell, len(s.cols))}
		blank := true
		rowNum := strconv.Itoa(num)
		for _, c := range s.cols {
			v := ""
			if c.index < len(cells) {
				v = cells[c.index]
			}
			if blank && strings.TrimSpace(v) != "" {
				blank = false
			}
			if c.date {
				v = s.fixDate(v)
			}
			row.Cells[c.key] = Cell{Value: v, Ref: c.letter + rowNum}
		}
		if blank || s.isExample(row) {
			return nil
		}
		return fn(row)
	})
}

// EachChunk calls fn with the rows of the sheet as Each reads them, n at a
// time (the last chunk may be shorter), until fn returns an error. The
// sheet is read and its cells parsed in a goroutine of its own, one chunk
// ahead of fn: a caller writing to a database overlaps the two on a
// second processor, and holds at most three chunks. fn may keep nothing of
// a chunk's slice after it returns (the rows themselves it may keep).
func (s *Sheet) EachChunk(n int, fn func([]Row) error) error {
	chunks := make(chan []Row, 1)
	stop := make(chan struct{})
	readErr := make(chan error, 1)
	go func() {
		defer close(chunks)
		defer func() {
			if p := recover(); p != nil { // a crafted file the reader chokes on
				readErr <- fmt.Errorf("%w: sheet %s: %v", ErrDamaged, s.Name, p)
			}
		}()
		chunk := make([]Row, 0, n)
		send := func() bool {
			select {
			case chunks <- chunk:
				chunk = make([]Row, 0, n)
				return true
			case <-stop:
				return false
			}
		}
		err := s.Each(func(row Row) error {
			if chunk = append(chunk, row); len(chunk) == n && !send() {
				return errStop
			}
			return nil
		})
		if err == nil && len(chunk) > 0 {
			send()
		}
		readErr <- err
	}()
	err := func() error {
		// The reader is stopped and waited for however fn ends, a panic
		// included.
		defer func() {
			close(stop)
			for range chunks {
			}
		}()
		for chunk := range chunks {
			if err := fn(chunk); err != nil {
				return err
			}
		}
		return nil
	}()
	if rerr := <-readErr; err == nil {
		err = rerr
	}
	return err
}

// fixDate brings a date cell to what the value parser reads: a serial of a
// 1904-system workbook to the 1900 system (1462 days on), and the midnight
// timestamp of an ISO date cell (t="d") to its date.
func (s *Sheet) fixDate(v string) string {
	if v == "" {
		return v
	}
	if d, rest, ok := strings.Cut(v, "T"); ok && len(d) == 10 && d[4] == '-' && d[7] == '-' &&
		strings.Trim(rest, "0:.Z") == "" {
		return d
	}
	if s.date1904 {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return strconv.FormatFloat(f+1462, 'f', -1, 64)
		}
	}
	return v
}

// isExample reports whether row is the example row of a template, untouched.
func (s *Sheet) isExample(row Row) bool {
	if s.Also != nil || row.Num != 2 || s.HeaderRow != 1 {
		return false
	}
	ex := examples[s.Kind.Name]
	if ex == nil {
		return false
	}
	for _, key := range s.Kind.Key {
		if _, in := row.Cells[key]; !in {
			return false
		}
	}
	for key, c := range row.Cells {
		// The example's credit code is the own institution's in a
		// template made for an institution user.
		if c.Value != ex[key] && key != "credit_code" {
			return false
		}
	}
	return true
}

// Workbook is an opened file: an .xlsx workbook, or a CSV file as one sheet.
type Workbook struct {
	path    string
	f       *excelize.File // nil for a CSV file
	csv     source         // the rows of a CSV file
	sheets  []*Sheet
	skipped []string
}

// Open opens an .xlsx (or .xlsm) workbook or a .csv file, chosen by the
// file's extension, and recognises the kind of each sheet from its header
// row. kindHint, "" or a kind name, is preferred when the headers fit
// several kinds: for a CSV file (over the kind its file name names) and
// for a sheet whose name names no kind. The caller must Close the workbook.
func Open(path string, kindHint string) (*Workbook, error) {
	var hint *Kind
	if kindHint != "" {
		if hint = KindByName(kindHint); hint == nil {
			return nil, fmt.Errorf("xlsx: unknown kind %q", kindHint)
		}
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		return openXLSX(path, hint)
	case ".csv":
		return openCSV(path, hint)
	}
	return nil, fmt.Errorf("%w: %s", ErrFormat, filepath.Base(path))
}

// Sheets returns the recognised sheets in import order (the order of Kinds;
// sheets of one kind in workbook order).
func (w *Workbook) Sheets() []*Sheet { return w.sheets }

// Skipped returns the names of the visible sheets with no recognisable
// header row, such as an instructions sheet.
func (w *Workbook) Skipped() []string { return w.skipped }

// Close releases the workbook and its temporary files.
func (w *Workbook) Close() error {
	if w.f != nil {
		return w.f.Close()
	}
	return nil
}

func openXLSX(path string, hint *Kind) (*Workbook, error) {
	if err := checkZip(path); err != nil {
		return nil, err
	}
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true, UnzipXMLSizeLimit: unzipXMLLimit, UnzipSizeLimit: maxTotal})
	if err != nil {
		return nil, damaged(path, err)
	}
	w := &Workbook{path: path, f: f}
	props, err := f.GetWorkbookProps()
	if err != nil {
		f.Close()
		return nil, damaged(path, err)
	}
	date1904 := props.Date1904 != nil && *props.Date1904
	for _, name := range f.GetSheetList() {
		prefer := nameHint(name)
		if prefer == nil {
			prefer = hint
		}
		sh, err := scan(name, prefer, xlsxRows(f, name))
		if err != nil {
			f.Close()
			return nil, err
		}
		if sh == nil {
			// The instructions of our own template and the problems list of
			// an annotated workbook are not data: no warning.
			if visible, _ := f.GetSheetVisible(name); visible && name != instructionsSheet && !isProblemsSheet(name) {
				w.skipped = append(w.skipped, name)
			}
			continue
		}
		sh.date1904 = date1904
		w.sheets = append(w.sheets, sh)
	}
	w.sortSheets()
	return w, nil
}

// damaged is the error of a workbook that cannot be read: the file's
// fault, whatever the reader's error was (zip, flate, checksum, XML).
func damaged(path string, err error) error {
	return fmt.Errorf("%w: %s: %v", ErrDamaged, filepath.Base(path), err)
}

func (w *Workbook) sortSheets() {
	slices.SortStableFunc(w.sheets, func(a, b *Sheet) int {
		return slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind)
	})
}

// xlsxRows streams a worksheet with excelize's row iterator.
func xlsxRows(f *excelize.File, sheet string) source {
	return func(fn func(num int, cells []string) error) error {
		rows, err := f.Rows(sheet)
		if err != nil {
			return fmt.Errorf("%w: sheet %s: %v", ErrDamaged, sheet, err)
		}
		// Next moves one Excel row at a time, gaps included, so its count
		// is the row number.
		num := 0
		for rows.Next() {
			num++
			cells, err := rows.Columns()
			if err != nil {
				rows.Close()
				return fmt.Errorf("%w: sheet %s row %d: %v", ErrDamaged, sheet, num, err)
			}
			if err := fn(num, cells); err != nil {
				rows.Close()
				if errors.Is(err, errStop) {
					return nil
				}
				return err
			}
		}
		if err := rows.Error(); err != nil {
			rows.Close()
			return fmt.Errorf("%w: sheet %s: %v", ErrDamaged, sheet, err)
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("%w: sheet %s: %v", ErrDamaged, sheet, err)
		}
		return nil
	}
}

// nameHint is the kind a sheet or file name names: the whole name, or one
// of its parts separated by - _ space or dot ("00-剂量", "2025Q1_doses").
func nameHint(name string) *Kind {
	if k := KindByName(name); k != nil {
		return k
	}
	parts := strings.FieldsFunc(name, func(r rune) bool { return strings.ContainsRune("-_ .　", r) })
	for i := len(parts) - 1; i >= 0; i-- {
		if k := KindByName(parts[i]); k != nil {
			return k
		}
	}
	return nil
}

// scan looks for the header row among the first rows of a sheet and
// recognises the sheet's kind from it. It returns nil if no row is a header.
func scan(name string, prefer *Kind, src source) (*Sheet, error) {
	var sh *Sheet
	err := src(func(num int, cells []string) error {
		if num > headerScanRows {
			return errStop
		}
		if k, also := recognise(cells, prefer); k != nil {
			sh = newSheet(name, num, cells, k, also)
			return errStop
		}
		return nil
	})
	if sh != nil {
		sh.src = src
	}
	return sh, err
}

// candidate is one reading of a header row.
type candidate struct {
	kind, also *Kind
	score      float64
	missing    int
}

// recognise returns the kind a header row names, or nil if the row matches
// fewer than two columns of every kind. The kind matching most columns
// wins (then the one missing fewer required columns, then the first);
// prefer (named by the sheet) counts as matching 1.5 more. A row with
// a person's ID number and name and employment columns is a combined
// people+employments sheet when that reading matches more than any other.
func recognise(cells []string, prefer *Kind) (kind, also *Kind) {
	matched := make(map[*Kind]map[string]bool, len(Kinds))
	most := 0
	for _, k := range Kinds {
		matched[k] = matchRow(k, cells)
		most = max(most, len(matched[k]))
	}
	if most < 2 {
		return nil, nil
	}
	var best candidate
	for _, k := range Kinds {
		keys := matched[k]
		if len(keys) == 0 {
			continue
		}
		c := candidate{kind: k, score: float64(len(keys)), missing: countMissing(keys, k)}
		if k == prefer {
			c.score += 1.5
		}
		if better(c, best) {
			best = c
		}
	}
	people, emp := KindByName("people"), KindByName("employments")
	p, e := matched[people], matched[emp]
	empOnly := 0
	for key := range e {
		if key != "id_number" {
			empOnly++
		}
	}
	if p["id_number"] && p["name"] && empOnly > 0 {
		c := candidate{kind: people, also: emp, score: float64(len(p) + empOnly),
			missing: countMissing(p, people) + countMissing(e, emp)}
		if prefer == people || prefer == emp {
			c.score += 1.5
		}
		if c.score > best.score {
			best = c
		}
	}
	return best.kind, best.also
}

func better(c, best candidate) bool {
	if best.kind == nil || c.score != best.score {
		return c.score > best.score
	}
	return c.missing < best.missing
}

// matchRow returns the keys of k's columns a header row names. The
// read-only columns of an export do not count: they say nothing of the
// kind (机构名称 heads an institutions sheet as well as an equipment export).
func matchRow(k *Kind, cells []string) map[string]bool {
	keys := map[string]bool{}
	for _, h := range cells {
		if key, ok := k.match(h); ok && !mustColumn(k, key).ReadOnly {
			keys[key] = true
		}
	}
	return keys
}

// countMissing counts the required columns of k not among keys.
func countMissing(keys map[string]bool, k *Kind) int {
	n := 0
	for _, c := range k.Columns {
		if c.Required && !keys[c.Key] && !periodGiven(c.Key, keys) {
			n++
		}
	}
	return n
}

// periodGiven reports whether a dose period date is given by the composite
// period column instead.
func periodGiven(key string, keys map[string]bool) bool {
	return (key == "period_start" || key == "period_end") && keys["period"]
}

// newSheet maps the header row onto the columns of kind (and also).
func newSheet(name string, headerRow int, cells []string, kind, also *Kind) *Sheet {
	s := &Sheet{Name: name, Kind: kind, Also: also, HeaderRow: headerRow, Columns: map[string]string{}}
	kinds := []*Kind{kind}
	if also != nil {
		kinds = append(kinds, also)
	}
	keys := map[string]bool{}
	for i, h := range cells {
		label := strings.TrimSpace(h)
		if label == "" {
			continue
		}
		var col Column
		found := false
		for _, k := range kinds {
			if key, ok := k.match(h); ok {
				col, found = mustColumn(k, key), true
				break
			}
		}
		if !found || keys[col.Key] {
			// A second column of the same key is ignored too.
			s.Unknown = append(s.Unknown, label)
			continue
		}
		keys[col.Key] = true
		s.Columns[col.Key] = label
		letter, _ := excelize.ColumnNumberToName(i + 1)
		s.cols = append(s.cols, sheetCol{key: col.Key, index: i, letter: letter, date: col.Date})
	}
	for _, k := range kinds {
		for _, c := range k.Columns {
			if c.Required && !keys[c.Key] && !periodGiven(c.Key, keys) && !slices.Contains(s.Missing, c.Key) {
				s.Missing = append(s.Missing, c.Key)
			}
		}
	}
	return s
}

func mustColumn(k *Kind, key string) Column {
	c, _ := k.Column(key)
	return c
}

// ColumnAt is where a recognised column of a sheet is: its key, its header
// as written and its letters.
type ColumnAt struct{ Key, Label, Letter string }

// Layout returns the sheet's recognised columns in the order of the sheet.
func (s *Sheet) Layout() []ColumnAt {
	out := make([]ColumnAt, len(s.cols))
	for i, c := range s.cols {
		out[i] = ColumnAt{Key: c.key, Label: s.Columns[c.key], Letter: c.letter}
	}
	return out
}

// SheetOf returns a sheet read before, given again: its name, kinds,
// header row and columns (as Layout gave them), and rows, which calls fn
// with each data row's Excel row number and the values of the columns in
// that order, as Each gave them. A held import is read again from it.
func SheetOf(name string, kind, also *Kind, headerRow int, cols []ColumnAt, rows func(fn func(num int, values []string) error) error) *Sheet {
	s := &Sheet{Name: name, Kind: kind, Also: also, HeaderRow: headerRow, Columns: map[string]string{}, src: rows}
	for i, c := range cols {
		date := false
		for _, k := range []*Kind{kind, also} {
			if col, ok := k.columnOf(c.Key); ok {
				date = col.Date
				break
			}
		}
		s.Columns[c.Key] = c.Label
		s.cols = append(s.cols, sheetCol{key: c.Key, index: i, letter: c.Letter, date: date})
	}
	return s
}

// columnOf is Column on a kind that may be nil.
func (k *Kind) columnOf(key string) (Column, bool) {
	if k == nil {
		return Column{}, false
	}
	return k.Column(key)
}
