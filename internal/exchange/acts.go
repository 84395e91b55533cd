package exchange

import (
	"cmp"
	"context"
	"errors"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// The office's acts on licences (许可证记录: 发证, 校验, 变更, 注销, 暂停) travel
// in a sheet of their own, after the licences. A row names its licence by
// the institution's credit code and the licence number, and is keyed by
// them with the act's kind and date. Acts are recorded, never overwritten:
// a row identical to a recorded act changes nothing (a re-import writes
// nothing), any other row adds an act, with a warning when the licence
// already has an act of that kind on that day. As on the licence page, a
// passed 校验 that is the licence's latest sets its valid_until to the
// next due date, and a licence the import files gets its 发证 act unless
// the files give one. Only who may import licences (the office) may import
// the sheet.

// licKey names a licence: its institution's id (a stand-in for one the
// files file) and its number.
type licKey struct {
	inst int64
	no   string
}

func (k licKey) String() string { return strconv.FormatInt(k.inst, 10) + "/" + k.no }

// licences are the licences an import's files name and the acts on them.
type licences struct {
	licIDs   map[string]int64               // stored licence ids by licKey; 0: none stored
	newLic   map[string]int64               // licences the files file but did not write: stand-in ids by licKey
	acts     map[int64][]*domain.LicenceAct // a licence's acts: stored (read once), then those the files add
	added    map[*domain.LicenceAct]bool    // the acts the files add
	actsSeen map[string]int                 // an act's key and content → its first row
	checked  map[int64]bool                 // licences given a passed 校验 by the files (written)
	issued   map[int64]bool                 // licences given a 发证 act by the files
	filed    []licKey                       // licences the import wrote as new
}

func newLicences() licences {
	return licences{licIDs: map[string]int64{}, newLic: map[string]int64{}, acts: map[int64][]*domain.LicenceAct{},
		added: map[*domain.LicenceAct]bool{}, actsSeen: map[string]int{}, checked: map[int64]bool{}, issued: map[int64]bool{}}
}

// actRow checks the act a 许可证记录 row holds and, while writing, records it.
func (r *run) actRow(c *rowCtx) error {
	a := r.actOf(c)
	code := cleanCode(c.cell("credit_code"))
	inst, ok, err := r.parentInstitution(c, code)
	if err != nil || !ok {
		return err
	}
	lic, no, err := r.licenceOf(c, inst, code)
	if err != nil || lic == 0 || !c.ok {
		return err
	}
	a.LicenceID = lic
	a.Tidy()
	errs := a.Validate(r.today)
	for _, f := range slices.Sorted(maps.Keys(errs)) {
		code := errs[f]
		if f == "result" && a.Result == "" {
			code = domain.CodeRequired
		}
		r.bad(c, f, xlsx.FieldMessage(f, code))
	}
	if !c.ok || r.duplicateAct(c, code, no, a) {
		return nil
	}
	r.checkScope(c, code, nil)
	return r.saveAct(c, a, inst)
}

// actOf reads the row's cells into an act: enumerations and dates as the
// other kinds read them, texts as typed (trimmed, so that an act reads
// back exactly as the licence page recorded it).
func (r *run) actOf(c *rowCtx) *domain.LicenceAct {
	a := &domain.LicenceAct{}
	for _, col := range c.k.Columns {
		cell, in := c.row.Cells[col.Key]
		if !in || col.Field == nil {
			continue
		}
		v := strings.TrimSpace(cell.Value)
		if col.Field.Type != domain.Text {
			var err error
			if v, err = xlsx.Canonical(*col.Field, cell.Value); err != nil {
				r.bad(c, col.Key, valueMessage(err))
				continue
			}
		}
		if !a.SetActField(col.Key, v) {
			r.bad(c, col.Key, keyValueUnreadable.Msg())
		}
	}
	return a
}

// licenceOf resolves the licence a row names at institution inst (credit
// code code): stored, or filed by the files; 0 if neither (reported).
func (r *run) licenceOf(c *rowCtx, inst int64, code string) (int64, string, error) {
	f, _ := domain.FieldByKey("licence", "licence_no")
	no, err := xlsx.Canonical(f, c.cell("licence_no"))
	if err != nil {
		r.bad(c, "licence_no", valueMessage(err))
		return 0, "", nil
	}
	if no = domain.Clean(no); no == "" {
		r.bad(c, "licence_no", keyLicenceNoRequired.Msg())
		return 0, "", nil
	}
	key := licKey{inst, no}.String()
	id, known := r.licIDs[key]
	if !known && inst < 1<<40 {
		found, err := opsByKind["licences"].FindByKey(r.b, &domain.Licence{InstitutionID: inst, LicenceNo: no})
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return 0, "", c.wrap(err)
		default:
			id = found.Base().ID
		}
		r.licIDs[key] = id
	}
	if id == 0 {
		id = r.newLic[key]
	}
	if id == 0 {
		r.bad(c, "licence_no", keyLicenceNotFound.Msg(xlsx.Text(no), xlsx.Text(code)))
	}
	return id, no, nil
}

// duplicateAct reports whether an earlier row of the files holds the same
// act (key and content), and if so says so.
func (r *run) duplicateAct(c *rowCtx, code, no string, a *domain.LicenceAct) bool {
	key := strings.Join([]string{code, no, a.Kind, a.On.String(), a.Result, a.NextDue.String(), a.Until.String(), a.DocumentNo, a.Note}, "\x00")
	if first, dup := r.actsSeen[key]; dup {
		r.bad(c, "on", keyDuplicate.Msg(xlsx.Int(first), keyLabels(c.k)))
		return true
	}
	r.actsSeen[key] = c.row.Num
	return false
}

// saveAct counts the act as unchanged (recorded already) or created and,
// while writing, records it.
func (r *run) saveAct(c *rowCtx, a *domain.LicenceAct, inst int64) error {
	n := r.count(c.k, c.sh.Name)
	acts, err := r.actsOf(a.LicenceID)
	if err != nil {
		return c.wrap(err)
	}
	sameDay := false
	for _, b := range acts {
		if domain.SameAct(a, b) {
			n.Unchanged++
			return nil
		}
		sameDay = sameDay || b.Kind == a.Kind && b.On.Equal(a.On)
	}
	if sameDay {
		o, _ := domain.LicenceActKindEnum.Option(a.Kind)
		r.warn(cellProblem(c.sh, c.k, c.row, "kind", keyActSameDay.Msg(xlsx.Text(a.On.String()), xlsx.Label(o.ZH, o.EN))))
	}
	n.Created++
	r.acts[a.LicenceID] = append(acts, a)
	r.added[a] = true
	if a.Kind == domain.ActIssue {
		r.issued[a.LicenceID] = true
	}
	if !r.writing() {
		return nil
	}
	if err := r.tx.AddLicenceAct(a); err != nil {
		return c.wrap(err)
	}
	if a.Kind == domain.ActCheck && a.Result == domain.CheckPass {
		r.checked[a.LicenceID] = true
	}
	r.touched["institution"] = append(r.touched["institution"], inst)
	return nil
}

// actsOf returns the acts of a licence: those stored, read once, and those
// the files added since; none for a licence the files file.
func (r *run) actsOf(lic int64) ([]*domain.LicenceAct, error) {
	if acts, ok := r.acts[lic]; ok || lic >= 1<<40 {
		return acts, nil
	}
	acts, err := r.tx.LicenceActs(lic)
	if err != nil {
		return nil, err
	}
	r.acts[lic] = acts
	return acts, nil
}

// finishLicences completes, in the import's transaction, what its licences
// and acts imply: the 发证 act of each licence it filed whose files gave
// none (its issue date, valid_until as the first 校验 due date, its number
// as the document, as the licence form records it), and the valid_until
// of each licence whose latest passed 校验 the files added.
func (r *run) finishLicences(tx *store.Tx) error {
	for _, k := range r.filed {
		found, err := opsByKind["licences"].FindByKey(r.b, &domain.Licence{InstitutionID: k.inst, LicenceNo: k.no})
		if err != nil {
			return err
		}
		l := found.(*domain.Licence)
		if r.issued[l.ID] {
			continue
		}
		err = tx.AddLicenceAct(&domain.LicenceAct{LicenceID: l.ID, Kind: domain.ActIssue, On: l.IssuedOn, NextDue: l.ValidUntil, DocumentNo: l.LicenceNo})
		if err != nil {
			return err
		}
	}
	for _, id := range slices.Sorted(maps.Keys(r.checked)) {
		latest := latestPass(r.acts[id])
		if latest == nil || !r.added[latest] {
			continue
		}
		l, err := store.Find(tx, store.Licences, domain.Scope{}, id)
		if err != nil {
			return err
		}
		if l.ValidUntil.Equal(latest.NextDue) {
			continue
		}
		l.ValidUntil = latest.NextDue
		if err := store.Update(tx, store.Licences, domain.Scope{}, l); err != nil {
			return err
		}
	}
	return nil
}

// latestPass is the latest passed 校验 of acts (the last recorded of a day).
func latestPass(acts []*domain.LicenceAct) *domain.LicenceAct {
	var best *domain.LicenceAct
	for _, a := range acts {
		if a.Kind == domain.ActCheck && a.Result == domain.CheckPass && (best == nil || !a.On.Before(best.On)) {
			best = a
		}
	}
	return best
}

// exportActs writes the acts on the licences u may see that match filter
// (a filter of licences: institution_id), by institution, licence and
// date, after auditing the export with detail and the number of acts.
func exportActs(ctx context.Context, s *store.Store, actor domain.Actor, u *domain.User, k *xlsx.Kind, filter store.Filter, w io.Writer, f Format, detail map[string]any) (int, error) {
	type row struct {
		code, name, no string
		a              *domain.LicenceAct
	}
	var rows []row
	err := s.View(ctx, func(tx *store.Tx) error {
		refs, err := loadRefs(tx, u.Scope(), "licences")
		if err != nil {
			return err
		}
		lics := map[int64]*domain.Licence{}
		err = store.Each(tx, store.Licences, u.Scope(), filter, func(l *domain.Licence) error {
			lics[l.ID] = l
			return nil
		})
		if err != nil || len(lics) == 0 {
			return err
		}
		acts, err := tx.LicenceActs(slices.Collect(maps.Keys(lics))...)
		for _, a := range acts {
			l := lics[a.LicenceID]
			rows = append(rows, row{refs.codes[l.InstitutionID], refs.names[l.InstitutionID], l.LicenceNo, a})
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	slices.SortStableFunc(rows, func(x, y row) int {
		return cmp.Or(strings.Compare(x.code, y.code), strings.Compare(x.no, y.no), x.a.On.Time().Compare(y.a.On.Time()), cmp.Compare(x.a.ID, y.a.ID))
	})
	detail["rows"] = len(rows)
	if err := auditExport(ctx, s, actor, k.Entity, detail); err != nil {
		return 0, err
	}
	t, err := newTable(w, f)
	if err != nil {
		return 0, err
	}
	keys := make([]string, len(k.Columns))
	for i, c := range k.Columns {
		keys[i] = c.Key
	}
	if err := t.start(k, keys); err != nil {
		return 0, err
	}
	for _, x := range rows {
		vals := make([]string, len(keys))
		for i, c := range k.Columns {
			switch {
			case c.Field != nil:
				vals[i] = display(*c.Field, x.a.ActField(c.Key))
			case c.Key == "credit_code":
				vals[i] = x.code
			case c.Key == "institution_name":
				vals[i] = x.name
			case c.Key == "licence_no":
				vals[i] = x.no
			case c.Key == "recorded_by":
				vals[i] = x.a.RecordedBy
			}
		}
		if err := t.row(vals); err != nil {
			return 0, err
		}
	}
	return len(rows), t.close()
}
