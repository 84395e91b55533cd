package exchange

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/registry"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// Imports under review (机构提交需审核): while review is on, an institution
// user's import is checked in full as ever (a file with problems is
// refused with its report and nothing is held) and, if clean, held as one
// submission (domain.SubmissionImport) carrying the rows as they were
// read, instead of being written. A supervisor approves it (HeldApplier
// imports the rows again, checked anew, in the approval's transaction: all
// or nothing) or rejects it (no data; the submission and its rejection
// stay in the audit). A supervisor's import never waits.

// Default bounds of a held import: its rows, and the bytes of their values
// (the submission, its audit events and the review page carry them).
const (
	DefaultHeldRows  = 10000
	DefaultHeldBytes = 4 << 20
)

// SampleRows is how many rows of each sheet a held import's summary shows.
const SampleRows = 5

// holds reports whether u's import waits for review: u is an institution
// user and review is on.
func (im *Importer) holds(ctx context.Context, u *domain.User) (bool, error) {
	if u == nil || u.Role != domain.RoleInstitution {
		return false, nil
	}
	var on bool
	err := im.Store.View(ctx, func(tx *store.Tx) (err error) {
		on, err = registry.ReviewOnIn(tx)
		return err
	})
	return on, err
}

// hold checks the import without writing, keeping its rows, and if it is
// clean and would change something stores it as a pending submission (in
// the transaction that also lets BeforeCommit record the report). The
// report says which submission holds it (Report.Held).
func (im *Importer) hold(ctx context.Context, actor domain.Actor, r *run, work func(*store.Tx) error, files []string) (*Report, error) {
	r.write = false
	r.held = &capture{maxRows: cmpOr(im.HeldRows, DefaultHeldRows), maxBytes: cmpOr(im.HeldBytes, DefaultHeldBytes)}
	r.held.data.Files = files
	err := im.Store.View(ctx, work)
	if errors.Is(err, errInvalid) {
		r.rep.nothingAdded()
		return r.rep, nil
	}
	if err != nil {
		return nil, err
	}
	r.rep.sortProblems()
	if r.rep.Changed() == 0 {
		return r.rep, nil // nothing to review
	}
	for _, c := range r.rep.Counts {
		r.held.data.Counts = append(r.held.data.Counts, domain.HeldCount{Kind: c.Kind, Sheet: c.Sheet, Rows: c.Rows,
			Created: c.Created, Updated: c.Updated, Unchanged: c.Unchanged})
	}
	b, err := json.Marshal(&r.held.data)
	if err != nil {
		return nil, err
	}
	s := &domain.Submission{InstitutionID: r.u.Scope().InstitutionID, Entity: domain.SubmissionImport, Action: domain.SubmitSave, Data: string(b)}
	err = im.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if err := tx.AddSubmission(s); err != nil {
			return err
		}
		r.rep.Held = s.ID
		if im.BeforeCommit != nil {
			return im.BeforeCommit(tx, r.rep)
		}
		return nil
	})
	if err != nil {
		r.rep.Held = 0
		return nil, err
	}
	return r.rep, nil
}

func cmpOr(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}

// capture keeps the rows of an import held for review, within bounds.
type capture struct {
	data              domain.HeldImport
	rows, bytes       int
	maxRows, maxBytes int
	full              bool
	sheet             *xlsx.Sheet       // the sheet of the last row kept
	keys              []string          // its columns' keys, in its order
	cur               *domain.HeldSheet // its rows (the last of data.Sheets)
}

// keep keeps a row of sheet sh; past the bounds it refuses the import with
// a problem instead (once) and keeps no more.
func (r *run) keep(sh *xlsx.Sheet, row xlsx.Row) {
	c := r.held
	if c.full {
		return
	}
	if c.sheet != sh {
		c.sheet, c.keys = sh, nil
		hs := domain.HeldSheet{Name: sh.Name, Kind: sh.Kind.Name, HeaderRow: sh.HeaderRow}
		if sh.Also != nil {
			hs.Also = sh.Also.Name
		}
		for _, col := range sh.Layout() {
			hs.Columns = append(hs.Columns, domain.HeldColumn{Key: col.Key, Label: col.Label, Letter: col.Letter})
			c.keys = append(c.keys, col.Key)
		}
		c.data.Sheets = append(c.data.Sheets, hs)
		c.cur = &c.data.Sheets[len(c.data.Sheets)-1]
	}
	vals := make([]string, len(c.keys))
	for i, key := range c.keys {
		vals[i] = row.Cells[key].Value
		c.bytes += len(vals[i])
	}
	c.rows++
	if c.rows > c.maxRows || c.bytes > c.maxBytes {
		c.full, c.data.Sheets = true, nil
		mb := strconv.FormatFloat(float64(c.maxBytes)/(1<<20), 'f', -1, 64)
		r.fail(xlsx.Problem{Sheet: sh.Name, Row: row.Num, Message: keyHeldTooLarge.Msg(xlsx.Int(c.maxRows), xlsx.Text(mb))})
		return
	}
	c.cur.Rows = append(c.cur.Rows, domain.HeldRow{Num: row.Num, Values: vals})
}

// HeldRefused is the answer to the approval of a held import that no longer
// applies cleanly (the register changed since it was checked): its report,
// row by row. Nothing of the approval is written. It unwraps to an
// EINVALID *domain.Error naming the submission and the number of problems.
type HeldRefused struct {
	Submission int64
	Report     *Report
}

func (e *HeldRefused) Error() string {
	return fmt.Sprintf("exchange: held import %d no longer applies: %d problems", e.Submission, e.Report.Errors())
}

// Unwrap returns the refusal as a user-facing error.
func (e *HeldRefused) Unwrap() error {
	return &domain.Error{Code: domain.EINVALID, Message: "import.held.refused",
		Args: []string{strconv.FormatInt(e.Submission, 10), strconv.Itoa(e.Report.Errors())}}
}

// HeldApplier returns what registry.Registry.ApplyImport needs: it writes
// an approved held import in the approval's transaction as the
// institution's own import would (its scope, its rights), checked again
// as of today(): all rows or, if any no longer applies, none (HeldRefused
// with the report). It returns the records it changed, by entity, for the
// registry to re-screen in the same transaction; the import is audited,
// naming the submission.
func HeldApplier(today func() domain.Date) func(tx *store.Tx, s *domain.Submission) (map[string][]int64, error) {
	return func(tx *store.Tx, s *domain.Submission) (map[string][]int64, error) {
		var h domain.HeldImport
		if err := json.Unmarshal([]byte(s.Data), &h); err != nil {
			return nil, fmt.Errorf("exchange: held import %d: %w", s.ID, err)
		}
		sheets, err := heldSheets(h)
		if err != nil {
			return nil, fmt.Errorf("exchange: held import %d: %w", s.ID, err)
		}
		u := &domain.User{Username: s.SubmittedBy, Role: domain.RoleInstitution, InstitutionID: s.InstitutionID}
		r := newRun(context.Background(), &Importer{Today: today}, u, true)
		r.submission = s.ID
		err = r.work(tx, func() error { return r.passSheets(sheets) }, h.Files)
		if errors.Is(err, errInvalid) {
			r.rep.nothingAdded()
			return nil, &HeldRefused{Submission: s.ID, Report: r.rep}
		}
		if err != nil {
			return nil, err
		}
		out := map[string][]int64{}
		for entity, ids := range r.touched {
			slices.Sort(ids)
			out[entity] = slices.Compact(ids)
		}
		return out, nil
	}
}

// heldSheets turns a held import's sheets back into sheets to read.
func heldSheets(h domain.HeldImport) ([]*xlsx.Sheet, error) {
	var out []*xlsx.Sheet
	for _, hs := range h.Sheets {
		k := xlsx.KindByName(hs.Kind)
		if k == nil {
			return nil, fmt.Errorf("sheet %s: unknown kind %q", hs.Name, hs.Kind)
		}
		var also *xlsx.Kind
		if hs.Also != "" {
			if also = xlsx.KindByName(hs.Also); also == nil {
				return nil, fmt.Errorf("sheet %s: unknown kind %q", hs.Name, hs.Also)
			}
		}
		cols := make([]xlsx.ColumnAt, len(hs.Columns))
		for i, c := range hs.Columns {
			cols[i] = xlsx.ColumnAt{Key: c.Key, Label: c.Label, Letter: c.Letter}
		}
		rows := hs.Rows
		out = append(out, xlsx.SheetOf(hs.Name, k, also, hs.HeaderRow, cols, func(fn func(int, []string) error) error {
			for _, row := range rows {
				if err := fn(row.Num, row.Values); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	return out, nil
}

// HeldSummary is a held import as the review queue shows it: its files,
// what it would do with each kind when checked, and the first rows of
// each sheet.
type HeldSummary struct {
	Files  []string
	Counts []domain.HeldCount
	Sheets []HeldSample
}

// HeldSample is the beginning of a held sheet: its name, how many rows it
// holds, its headers as written and its first SampleRows rows.
type HeldSample struct {
	Name    string
	Rows    int
	Columns []string
	Sample  []domain.HeldRow
}

// Summarize returns the summary of a held import that u may see (the
// caller read s through the registry, which checked that): ID numbers
// masked and birth dates and phone numbers left out for who may not see
// them, as in lists.
func Summarize(u *domain.User, s *domain.Submission) (*HeldSummary, error) {
	if s.Entity != domain.SubmissionImport {
		return nil, nil
	}
	var h domain.HeldImport
	if err := json.Unmarshal([]byte(s.Data), &h); err != nil {
		return nil, fmt.Errorf("exchange: held import %d: %w", s.ID, err)
	}
	whole := auth.SeesIDNumbers(u)
	out := &HeldSummary{Files: h.Files, Counts: h.Counts}
	for _, hs := range h.Sheets {
		smp := HeldSample{Name: hs.Name, Rows: len(hs.Rows)}
		keys := make([]string, len(hs.Columns))
		for i, c := range hs.Columns {
			smp.Columns, keys[i] = append(smp.Columns, c.Label), c.Key
		}
		for _, row := range hs.Rows[:min(len(hs.Rows), SampleRows)] {
			vals := slices.Clone(row.Values)
			if !whole {
				maskRow(keys, vals, true, true)
			}
			smp.Sample = append(smp.Sample, domain.HeldRow{Num: row.Num, Values: vals})
		}
		out.Sheets = append(out.Sheets, smp)
	}
	return out, nil
}
