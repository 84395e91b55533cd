package exchange

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"time"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// Importer reads workbooks and CSV files into the register.
type Importer struct {
	Store *store.Store
	// Findings re-screens what an import touched: the import queues the
	// subjects in its transaction and works the queue off after the
	// commit (findings.Service.WorkOff); nil: no re-screening.
	Findings *findings.Service
	// Today is the date records are validated against; nil: the local date.
	Today func() domain.Date
	// Progress, if set, is told how many rows have been read, every
	// progressEvery rows and at the end of each pass ("check", then "write").
	Progress func(phase string, rows int)
	// BeforeCommit, if set, is called in the transaction of an import that
	// writes, after everything is written, with the report: what it
	// records commits with the import or not at all.
	BeforeCommit func(tx *store.Tx, rep *Report) error
	// AfterCommit, if set, is called after a written import commits and
	// before its re-screening (tests stop the process there).
	AfterCommit func()
	// HeldRows and HeldBytes bound an import held for review (rows, and
	// bytes of their values); 0: DefaultHeldRows, DefaultHeldBytes.
	HeldRows, HeldBytes int
}

const progressEvery = 1000

// maxProblems bounds the report; a file with more has a systematic error
// that the first ones show.
const maxProblems = 5000

// Options of one import.
type Options struct {
	DryRun bool   // check and report, write nothing
	Kind   string // the kind of a CSV file whose headers do not say
}

// Count is what an import did with one kind.
type Count struct {
	Kind      string `json:"kind"`
	Sheet     string `json:"sheet"`
	Rows      int    `json:"rows"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
}

// Report is the outcome of an import: every problem found, and what was
// (or, in a dry run or with problems, would have been) written.
type Report struct {
	Problems  []xlsx.Problem `json:"problems"`
	Truncated bool           `json:"truncated"` // more problems than listed
	Counts    []*Count       `json:"counts"`
	Written   bool           `json:"written"`
	DryRun    bool           `json:"dry_run"`
	// Held is the submission that holds the import for review (an
	// institution user's import while review is on); 0: not held.
	Held int64 `json:"held,omitempty"`
}

// Errors counts the problems that block the import (not the warnings).
func (r *Report) Errors() int {
	n := 0
	for _, p := range r.Problems {
		if !p.Warning {
			n++
		}
	}
	return n
}

// OK reports whether the import has no blocking problem.
func (r *Report) OK() bool { return r.Errors() == 0 && !r.Truncated }

// Changed counts the records created or updated.
func (r *Report) Changed() int {
	n := 0
	for _, c := range r.Counts {
		n += c.Created + c.Updated
	}
	return n
}

// ErrNoSheets is returned when no file holds a recognisable sheet.
var ErrNoSheets = errors.New("exchange: no sheet of a known kind in the files")

// Import checks every row of every file and, if all are valid and this is
// not a dry run, writes them in one transaction as actor on behalf of u.
// An institution user's import while review is on is held instead (see
// hold): written only once a supervisor approves it. A returned error is a
// failure of the system or an unreadable file; bad data is in the report.
func (im *Importer) Import(ctx context.Context, actor domain.Actor, u *domain.User, paths []string, opt Options) (*Report, error) {
	rep, today, err := im.check(ctx, actor, u, paths, opt)
	if err != nil || !rep.Written || im.Findings == nil {
		return rep, err
	}
	if im.AfterCommit != nil {
		im.AfterCommit()
	}
	// The import has committed: its re-screening is not cancelled with
	// it. What a failure leaves queued is re-screened at the next start.
	if _, err := im.Findings.WorkOff(context.WithoutCancel(ctx), today); err != nil {
		return rep, fmt.Errorf("exchange: the import is written, its re-screening is queued: %w", err)
	}
	return rep, nil
}

// check is Import up to its commit; today is the day its rows were checked
// against. The state the run keeps per row is garbage once it returns, not
// held through the re-screening.
func (im *Importer) check(ctx context.Context, actor domain.Actor, u *domain.User, paths []string, opt Options) (*Report, domain.Date, error) {
	r := newRun(ctx, im, u, !opt.DryRun)
	r.rep.DryRun = opt.DryRun
	work := func(tx *store.Tx) error {
		return r.work(tx, func() error { return r.pass(paths, opt) }, baseNames(paths))
	}
	var err error
	if opt.DryRun {
		err = im.Store.View(ctx, work)
	} else if held, herr := im.holds(ctx, u); herr != nil {
		return nil, r.today, herr
	} else if held {
		rep, err := im.hold(ctx, actor, r, work, baseNames(paths))
		return rep, r.today, err
	} else {
		err = im.Store.WithTx(ctx, actor, work)
	}
	if errors.Is(err, errInvalid) {
		r.rep.nothingAdded()
		return r.rep, r.today, nil
	}
	if err != nil {
		return nil, r.today, err
	}
	r.rep.sortProblems()
	return r.rep, r.today, nil
}

// newRun returns the state of a new import on behalf of u; write: not a
// dry run.
func newRun(ctx context.Context, im *Importer, u *domain.User, write bool) *run {
	return &run{ctx: ctx, im: im, u: u, rep: &Report{}, today: im.today(), write: write,
		counts: map[string]*Count{}, instIDs: map[string]int64{}, personIDs: map[string]int64{}, equipIDs: map[string]int64{},
		seen: map[seenKey]int32{}, seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, newInst: map[string]int64{}, newPerson: map[string]int64{}, newEquip: map[string]int64{},
		ownPeople: map[string]bool{}, touched: map[string][]int64{}, doses: map[doseKey][]doseEntry{},
		licences: newLicences()}
}

// Resume re-screens what imports queued and did not re-screen (the process
// stopped between an import's commit and its re-screening).
func (im *Importer) Resume(ctx context.Context) error {
	if im.Findings == nil {
		return nil
	}
	_, err := im.Findings.WorkOff(ctx, im.today())
	return err
}

// nothingAdded makes the counts of an import that failed say what it did:
// rows read, and nothing created, updated or left unchanged.
func (r *Report) nothingAdded() {
	r.sortProblems()
	for _, c := range r.Counts {
		c.Created, c.Updated, c.Unchanged = 0, 0, 0
	}
}

// sortProblems puts the problems in the order a reader goes through the
// files: by sheet (in the order they were read), then row, then column.
// Checks that run late (the people an institution may file) or twice (a
// staff list's row is a person and an employment) find them out of order.
func (r *Report) sortProblems() {
	sheets := map[string]int{}
	for _, p := range r.Problems {
		if _, seen := sheets[p.Sheet]; !seen {
			sheets[p.Sheet] = len(sheets)
		}
	}
	slices.SortStableFunc(r.Problems, func(a, b xlsx.Problem) int {
		if c := sheets[a.Sheet] - sheets[b.Sheet]; c != 0 {
			return c
		}
		if c := a.Row - b.Row; c != 0 {
			return c
		}
		return columnOrder(a.Ref) - columnOrder(b.Ref)
	})
}

// columnOrder is the column number of a cell address ("C7" → 3); 0 for none.
func columnOrder(ref string) int {
	n := 0
	for _, c := range ref {
		if c < 'A' || c > 'Z' {
			break
		}
		n = n*26 + int(c-'A'+1)
	}
	return n
}

// work is the import in its transaction; read reads the sheets (pass or
// passSheets) and files names them in the audit. One pass checks every
// row and, unless this is a dry run, writes each row while all before it
// were valid; the first problem stops the writing, the rest is still
// checked so that the report is complete, and then everything written is
// rolled back (errInvalid).
func (r *run) work(tx *store.Tx, read func() error, files []string) error {
	r.tx, r.b = tx, tx.Bulk()
	defer r.b.Close()
	if err := r.scope(tx); err != nil {
		return err
	}
	if err := read(); err != nil {
		return err
	}
	if err := r.b.Flush(); err != nil {
		return err
	}
	if err := r.checkPending(tx); err != nil {
		return err
	}
	if !r.rep.OK() {
		return errInvalid
	}
	if !r.write {
		return nil
	}
	return r.finish(tx, files)
}

// finish completes a written import in its transaction: it gives the
// licences it filed their 发证 act and those it checked their validity,
// queues what the import changed for re-screening, audits the import (a
// re-import of the same data records nothing; an approved held import
// names its submission) and lets BeforeCommit record the report.
func (r *run) finish(tx *store.Tx, files []string) error {
	if err := r.finishLicences(tx); err != nil {
		return err
	}
	if err := r.queueRescreen(tx); err != nil {
		return err
	}
	if r.rep.Changed() > 0 {
		detail := map[string]any{"files": files, "counts": r.rep.Counts}
		if r.submission != 0 {
			detail["submission"] = r.submission
		}
		if err := r.b.Audit(domain.AuditImport, "import", r.submission, detail); err != nil {
			return err
		}
	}
	r.rep.Written = true
	if r.im.BeforeCommit != nil {
		return r.im.BeforeCommit(tx, r.rep)
	}
	return nil
}

// errInvalid rolls back an import with problems.
var errInvalid = errors.New("exchange: the import has problems")

func (im *Importer) today() domain.Date {
	if im.Today != nil {
		return im.Today()
	}
	return domain.DateOf(time.Now())
}

func baseNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p[strings.LastIndexAny(p, `/\`)+1:]
	}
	return out
}

// run is the state of one import.
type run struct {
	ctx    context.Context
	im     *Importer
	u      *domain.User
	rep    *Report
	today  domain.Date
	tx     *store.Tx
	b      *store.Bulk
	write  bool // not a dry run
	failed bool // a row has a problem: write no more
	counts map[string]*Count

	// Parent ids by credit code, ID number and credit code + "/" + serial
	// number; 0 when the database has none.
	instIDs, personIDs, equipIDs map[string]int64
	// Parents the workbook files but did not write (a dry run, or after a
	// problem): stand-in ids, distinct per parent so that natural keys stay
	// distinct.
	newInst, newPerson, newEquip map[string]int64
	nextNew                      int64

	seen  map[seenKey]int32 // natural key → first row, for duplicates (not doses: doses holds theirs)
	seeds [2]maphash.Seed   // of the hashes in seen

	// The own institution of a user bound to one (its id and credit
	// code), the people it may file, and the rows naming other people,
	// checked at the end.
	ownID     int64
	ownCode   string
	ownPeople map[string]bool
	pending   []pendingPerson

	touched map[string][]int64      // re-screening: entity → ids
	doses   map[doseKey][]doseEntry // dose periods stored and filed, by person and institution (doses.go)

	licences // the licences the files name and the acts on them (acts.go)

	held       *capture // an import held for review: its rows as read (held.go)
	submission int64    // the held import being applied on approval; 0: none
}

type pendingPerson struct {
	idNumber string
	problem  xlsx.Problem
}

// scope reads the own institution of a user whose scope is one institution.
func (r *run) scope(tx *store.Tx) error {
	if r.u == nil || r.u.Scope().InstitutionID == 0 {
		return nil
	}
	r.ownID = r.u.Scope().InstitutionID
	inst, err := store.Find(tx, store.Institutions, domain.Scope{}, r.ownID)
	if err != nil {
		return err
	}
	r.ownCode = inst.CreditCode
	return nil
}

// may reports whether the importing user may do a to records of entity;
// an import without a user (the command line, which holds the database)
// may do anything.
func (r *run) may(a auth.Action, entity string) bool {
	return r.u == nil || auth.Can(r.u, a, entity)
}

// pass reads every recognised sheet of every file in the order of the kinds.
func (r *run) pass(paths []string, opt Options) error {
	wbs, sheets, err := r.open(paths, opt.Kind)
	defer func() {
		for _, wb := range wbs {
			wb.Close()
		}
	}()
	if err != nil {
		return err
	}
	return r.passSheets(sheets)
}

// passSheets reads every row of the sheets the user may import, in order.
func (r *run) passSheets(sheets []*xlsx.Sheet) error {
	rows := 0
	for _, sh := range r.allowed(sheets) {
		if !r.header(sh) {
			continue
		}
		// Rows are checked a chunk at a time, after one lookup of the
		// chunk's parents and stored dose periods (prefetch), while the
		// next chunk is read.
		err := sh.EachChunk(prefetchRows, func(chunk []xlsx.Row) error {
			for _, row := range chunk {
				rows++
				if r.held != nil {
					r.keep(sh, row)
				}
				if rows%progressEvery == 0 {
					if err := r.progress(rows); err != nil {
						return err
					}
				}
			}
			if err := r.prefetch(sh, chunk); err != nil {
				return err
			}
			for _, row := range chunk {
				if err := r.row(sh, sh.Kind, row); err != nil {
					return err
				}
				if sh.Also != nil {
					if err := r.row(sh, sh.Also, row); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return r.progress(rows)
}

// open opens the files and returns their recognised sheets in the order of
// the kinds; the caller closes the workbooks, also on error. A sheet of a
// kind the user may not import refuses the whole import.
func (r *run) open(paths []string, kind string) (wbs []*xlsx.Workbook, sheets []*xlsx.Sheet, err error) {
	for _, p := range paths {
		wb, err := xlsx.Open(p, kind)
		if err != nil {
			return wbs, nil, fmt.Errorf("%s: %w", baseNames([]string{p})[0], err)
		}
		wbs = append(wbs, wb)
		sheets = append(sheets, wb.Sheets()...)
		for _, name := range wb.Skipped() {
			r.warn(xlsx.Problem{Sheet: name, Message: keySheetSkipped.Msg()})
		}
	}
	if len(sheets) == 0 {
		return wbs, nil, ErrNoSheets
	}
	if r.u != nil && !mayImport(r.u) {
		return wbs, nil, auth.ErrForbidden
	}
	order := func(k *xlsx.Kind) int { return slices.Index(xlsx.Kinds, k) }
	slices.SortStableFunc(sheets, func(a, b *xlsx.Sheet) int { return order(a.Kind) - order(b.Kind) })
	return wbs, sheets, nil
}

// allowed keeps the sheets of kinds the user may import. A sheet of
// another kind refuses the whole import with a problem naming it (the
// licences and their acts are the office's: an institution user's
// workbook with them is refused); the other sheets are still checked, so
// that the report is complete.
func (r *run) allowed(sheets []*xlsx.Sheet) []*xlsx.Sheet {
	out := sheets[:0:0]
	for _, sh := range sheets {
		k := sh.Kind
		if sh.Also != nil && !r.may(auth.Import, sh.Also.Entity) {
			k = sh.Also
		}
		if r.may(auth.Import, k.Entity) {
			out = append(out, sh)
			continue
		}
		msg := keySheetNotAllowed.Msg(xlsx.Text(sh.Name))
		if k.Entity == "licence" {
			msg = keySheetOffice.Msg(xlsx.Text(sh.Name), xlsx.Label(k.Sheet, k.Name))
		}
		r.fail(xlsx.Problem{Sheet: sh.Name, Row: sh.HeaderRow, Message: msg})
	}
	return out
}

// progress tells the importer's Progress how many rows have been read, and
// stops the import if its context is done.
func (r *run) progress(rows int) error {
	if r.im.Progress != nil {
		r.im.Progress(r.phase(), rows)
	}
	return r.ctx.Err()
}

// writing reports whether rows are being written: not a dry run, and no
// problem so far.
func (r *run) writing() bool { return r.write && !r.failed }

func (r *run) phase() string {
	if r.writing() {
		return "write"
	}
	return "check"
}

// header reports the sheet's unknown and missing columns; false if the
// sheet cannot be read for want of a column.
func (r *run) header(sh *xlsx.Sheet) bool {
	for _, label := range sh.Unknown {
		r.warn(xlsx.Problem{Sheet: sh.Name, Row: sh.HeaderRow, Col: xlsx.Text(label), Message: keyColumnUnknown.Msg(xlsx.Text(label))})
	}
	for _, key := range sh.Missing {
		label := columnArg(sh.Kind, key)
		if _, ours := sh.Kind.Column(key); !ours && sh.Also != nil {
			label = columnArg(sh.Also, key) // an employment column of a staff list
		}
		r.fail(xlsx.Problem{Sheet: sh.Name, Row: sh.HeaderRow, Col: label, Message: keyColumnMissing.Msg(label)})
	}
	return len(sh.Missing) == 0
}

// columnLabel is the Chinese header of column key of k.
func columnLabel(k *xlsx.Kind, key string) string {
	if c, ok := k.Column(key); ok {
		return c.ZH
	}
	return key
}

// columnArg is the header of column key of k, for a problem.
func columnArg(k *xlsx.Kind, key string) xlsx.Arg {
	if c, ok := k.Column(key); ok {
		return xlsx.Label(c.ZH, c.EN)
	}
	return xlsx.Text(key)
}

// fail records a problem; an error (not a warning) stops the writing.
// A cell gets one problem, the first: a staff list's row is read twice (the
// person, then the employment), and a bad ID number would otherwise also be
// reported as an unknown person.
func (r *run) fail(p xlsx.Problem) {
	if !p.Warning {
		r.failed = true
	}
	if n := len(r.rep.Problems); n > 0 && p.Ref != "" {
		if last := r.rep.Problems[n-1]; last.Sheet == p.Sheet && last.Ref == p.Ref {
			return
		}
	}
	if len(r.rep.Problems) >= maxProblems {
		r.rep.Truncated = true
		return
	}
	r.rep.Problems = append(r.rep.Problems, p)
}

func (r *run) warn(p xlsx.Problem) {
	p.Warning = true
	r.fail(p)
}

func (r *run) count(k *xlsx.Kind, sheet string) *Count {
	c, ok := r.counts[k.Name]
	if !ok {
		c = &Count{Kind: k.Name, Sheet: sheet}
		r.counts[k.Name] = c
		r.rep.Counts = append(r.rep.Counts, c)
		slices.SortStableFunc(r.rep.Counts, func(a, b *Count) int {
			return slices.Index(xlsx.Kinds, xlsx.KindByName(a.Kind)) - slices.Index(xlsx.Kinds, xlsx.KindByName(b.Kind))
		})
	}
	return c
}
