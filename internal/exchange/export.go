package exchange

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/i18n"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// Format is an export file format.
type Format string

const (
	XLSX Format = "xlsx"
	CSV  Format = "csv" // UTF-8 with a BOM, so that Excel reads it
)

// table writes rows to a workbook sheet or a CSV file.
type table interface {
	start(k *xlsx.Kind, keys []string) error
	row(values []string) error
	close() error
}

type xlsxTable struct{ w *xlsx.Writer }

func (t *xlsxTable) start(k *xlsx.Kind, keys []string) error { return t.w.Sheet(k, keys) }
func (t *xlsxTable) row(values []string) error               { return t.w.Row(values) }
func (t *xlsxTable) close() error                            { return t.w.Close() }

type csvTable struct{ w *xlsx.CSVWriter }

func (t *csvTable) start(k *xlsx.Kind, keys []string) error {
	labels := make([]string, len(keys))
	for i, key := range keys {
		labels[i] = columnLabel(k, key)
	}
	return t.w.Write(labels)
}
func (t *csvTable) row(values []string) error { return t.w.Write(values) }
func (t *csvTable) close() error              { return t.w.Flush() }

// checkFormat refuses an unknown export format.
func checkFormat(f Format) error {
	if f != XLSX && f != CSV && f != "" {
		return fmt.Errorf("exchange: export format %q: want xlsx or csv", f)
	}
	return nil
}

func newTable(w io.Writer, f Format) (table, error) {
	if f == CSV {
		return &csvTable{xlsx.NewCSVWriter(w)}, nil
	}
	return &xlsxTable{xlsx.NewWriter(w)}, nil
}

// Export writes the records of kind that u may see and that match filter,
// in the columns import reads (so that exporting and importing again
// changes nothing). It returns the number of rows.
//
// An export is an audited read: the audit event, with the number of rows
// the filter matches, is written in its own transaction before the first
// row leaves. An export that then fails (the reader went away, the disk
// filled up) stays in the audit trail as attempted.
//
// ID numbers (and the birth dates that would give them away) leave masked
// unless opts ask for the whole numbers with a purpose, which the audit
// event records; only who may reveal an ID number may ask.
func Export(ctx context.Context, s *store.Store, actor domain.Actor, u *domain.User, kind string, filter store.Filter, w io.Writer, f Format, opts ...Whole) (int, error) {
	k := xlsx.KindByName(kind)
	if k == nil {
		return 0, fmt.Errorf("exchange: unknown kind %q (want one of %s)", kind, kindNames())
	}
	if !auth.Can(u, auth.Export, k.Entity) {
		return 0, auth.ErrForbidden
	}
	if err := checkFormat(f); err != nil {
		return 0, err
	}
	whole, err := wholeOf(u, opts)
	if err != nil {
		return 0, err
	}
	if k.Name == xlsx.LicenceActs {
		return exportActs(ctx, s, actor, u, k, filter, w, f, map[string]any{"kind": kind, "filter": filter.Values, "format": string(f)})
	}
	o := exportByKind[k.Name]
	var rows int
	if err := s.View(ctx, func(tx *store.Tx) (err error) {
		rows, err = o.count(tx, u.Scope(), filter)
		return err
	}); err != nil {
		return 0, err
	}
	detail := map[string]any{"kind": kind, "filter": filter.Values, "rows": rows, "format": string(f)}
	if whole != nil {
		detail["whole_id_numbers"], detail["purpose"] = true, whole.Purpose
	}
	if err := auditExport(ctx, s, actor, k.Entity, detail); err != nil {
		return 0, err
	}
	return exportRows(ctx, s, u, k, o, filter, w, f, whole != nil)
}

// Whole asks an export for whole ID numbers, for a purpose a person states
// (e.g. 报送上级卫生健康行政部门核查); the audit event records it.
type Whole struct{ Purpose string }

// maxPurpose bounds a stated purpose, in characters.
const maxPurpose = 200

// wholeOf returns the whole-number request of opts, if any, checked: only
// who may reveal an ID number may ask, and only with a purpose.
func wholeOf(u *domain.User, opts []Whole) (*Whole, error) {
	if len(opts) == 0 {
		return nil, nil
	}
	w := Whole{Purpose: strings.TrimSpace(opts[0].Purpose)}
	switch {
	case !auth.Can(u, auth.Reveal, "person"):
		return nil, auth.ErrForbidden
	case w.Purpose == "":
		return nil, domain.FieldErrors{"purpose": domain.CodeRequired}.Err()
	case utf8.RuneCountInString(w.Purpose) > maxPurpose:
		return nil, domain.FieldErrors{"purpose": domain.CodeTooLong}.Err()
	case domain.HasControlInText(w.Purpose):
		return nil, domain.FieldErrors{"purpose": domain.CodeControl}.Err()
	}
	return &w, nil
}

// auditExport writes the audit event of an export in its own transaction.
func auditExport(ctx context.Context, s *store.Store, actor domain.Actor, entity string, detail map[string]any) error {
	return s.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.Audit(domain.AuditExport, entity, 0, detail) })
}

// exportRows streams the records of kind k that u may see and that match
// filter to w, masking ID and phone numbers for those who may not see them.
func exportRows(ctx context.Context, s *store.Store, u *domain.User, k *xlsx.Kind, o exportOps, filter store.Filter, w io.Writer, f Format, whole bool) (int, error) {
	// Phone numbers are masked for who may not reveal; ID numbers and birth
	// dates for everyone unless whole numbers were asked for.
	maskPhone := !auth.Can(u, auth.Reveal, "person")
	t, err := newTable(w, f)
	if err != nil {
		return 0, err
	}
	var keys []string
	for _, c := range k.Columns {
		if c.Key != "period" { // the composite dose period: written as its two dates
			keys = append(keys, c.Key)
		}
	}
	if err := t.start(k, keys); err != nil {
		return 0, err
	}
	n := 0
	err = s.View(ctx, func(tx *store.Tx) error {
		refs, err := loadRefs(tx, u.Scope(), k.Name)
		if err != nil {
			return err
		}
		return o.each(tx, u.Scope(), filter, func(rec domain.Record) error {
			n++
			row := exportRow(k, keys, rec, refs)
			maskRow(keys, row, !whole, maskPhone)
			return t.row(row)
		})
	})
	if err != nil {
		return n, err
	}
	return n, t.close()
}

// maskRow hides ID and phone numbers from users who may not see them.
func maskRow(keys, row []string, ids, phones bool) {
	for i, key := range keys {
		switch {
		case key == "id_number" && ids:
			row[i] = domain.MaskIDNumber(row[i])
		case key == "birth_date" && ids:
			row[i] = ""
		case key == "phone" && phones:
			row[i] = domain.MaskPhone(row[i])
		}
	}
}

func kindNames() string {
	names := make([]string, len(xlsx.Kinds))
	for i, k := range xlsx.Kinds {
		names[i] = k.Name
	}
	return strings.Join(names, ", ")
}

// exportOps are the store operations an export of one kind needs, typed
// once so that the export works on domain.Record values.
type exportOps struct {
	count func(tx *store.Tx, sc domain.Scope, f store.Filter) (int, error)
	each  func(tx *store.Tx, sc domain.Scope, f store.Filter, fn func(domain.Record) error) error
}

func exportOf[T any, P interface {
	*T
	domain.Record
}](t *store.Table[T]) exportOps {
	return exportOps{
		count: func(tx *store.Tx, sc domain.Scope, f store.Filter) (int, error) {
			f.Limit, f.Offset = 1, 0
			_, total, err := store.List(tx, t, sc, f)
			return total, err
		},
		each: func(tx *store.Tx, sc domain.Scope, f store.Filter, fn func(domain.Record) error) error {
			return store.Each(tx, t, sc, f, func(x *T) error { return fn(P(x)) })
		},
	}
}

// exportByKind are the export operations of each kind of spec/formats.md.
var exportByKind = map[string]exportOps{
	"institutions": exportOf(store.Institutions),
	"licences":     exportOf(store.Licences),
	"people":       exportOf(store.People),
	"employments":  exportOf(store.Employments),
	"trainings":    exportOf(store.Trainings),
	"exams":        exportOf(store.Exams),
	"doses":        exportOf(store.Doses),
	"equipment":    exportOf(store.Equipment),
	"tests":        exportOf(store.Tests),
}

// refs hold what reference and read-only columns show: credit codes and
// names by institution id, ID numbers by person id, credit code and serial
// number by device id, and a person's employers by person id.
type refs struct {
	codes     map[int64]string
	names     map[int64]string
	ids       map[int64]string
	devices   map[int64][2]string
	deviceOrg map[int64]int64
	employers map[int64][]string
}

// loadRefs reads the references the rows of a kind need, within the scope.
func loadRefs(tx *store.Tx, sc domain.Scope, kind string) (refs, error) {
	r := refs{codes: map[int64]string{}, names: map[int64]string{}, ids: map[int64]string{},
		devices: map[int64][2]string{}, deviceOrg: map[int64]int64{}, employers: map[int64][]string{}}
	need := parents(kind)
	all := store.Filter{Retired: true}
	if need.inst || need.equip || kind == "people" {
		err := store.Each(tx, store.Institutions, sc, all, func(x *domain.Institution) error {
			r.codes[x.ID], r.names[x.ID] = x.CreditCode, x.Name
			return nil
		})
		if err != nil {
			return r, err
		}
	}
	if kind == "people" {
		if err := r.loadEmployers(tx, sc); err != nil {
			return r, err
		}
	}
	if need.person {
		err := store.Each(tx, store.People, sc, all, func(x *domain.Person) error {
			r.ids[x.ID] = x.IDNumber
			return nil
		})
		if err != nil {
			return r, err
		}
	}
	if need.equip {
		err := store.Each(tx, store.Equipment, sc, all, func(x *domain.Equipment) error {
			r.devices[x.ID] = [2]string{r.codes[x.InstitutionID], x.SerialNo}
			r.deviceOrg[x.ID] = x.InstitutionID
			return nil
		})
		if err != nil {
			return r, err
		}
	}
	return r, nil
}

// loadEmployers reads the names of the institutions each person works at
// now (employments not ended), within the scope, in the order of the
// employments' start.
func (r *refs) loadEmployers(tx *store.Tx, sc domain.Scope) error {
	var emps []*domain.Employment
	err := store.Each(tx, store.Employments, sc, store.Filter{}, func(x *domain.Employment) error {
		if x.EndedOn.IsZero() {
			emps = append(emps, x)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortStableFunc(emps, func(a, b *domain.Employment) int { return a.StartedOn.Time().Compare(b.StartedOn.Time()) })
	for _, x := range emps {
		if name := r.names[x.InstitutionID]; name != "" && !slices.Contains(r.employers[x.PersonID], name) {
			r.employers[x.PersonID] = append(r.employers[x.PersonID], name)
		}
	}
	return nil
}

// exportRow formats a record in the given columns, as a person would type
// them: Chinese labels for enumerations, 是/否, ISO dates.
func exportRow(k *xlsx.Kind, keys []string, rec domain.Record, r refs) []string {
	out := make([]string, len(keys))
	var inst, person, equip int64
	switch x := rec.(type) {
	case *domain.Licence:
		inst = x.InstitutionID
	case *domain.Employment:
		inst, person = x.InstitutionID, x.PersonID
	case *domain.Training:
		person = x.PersonID
	case *domain.Exam:
		person = x.PersonID
	case *domain.DoseRecord:
		inst, person = x.InstitutionID, x.PersonID
	case *domain.Equipment:
		inst = x.InstitutionID
	case *domain.EquipmentTest:
		equip = x.EquipmentID
	case *domain.Person:
		person = x.ID
	}
	for i, key := range keys {
		col := k.Columns[columnIndex(k, key)]
		if col.Field != nil {
			out[i] = display(*col.Field, domain.Value(rec, *col.Field))
			continue
		}
		switch key {
		case "credit_code":
			if equip != 0 {
				out[i] = r.devices[equip][0]
			} else {
				out[i] = r.codes[inst]
			}
		case "id_number":
			out[i] = r.ids[person]
		case "serial_no":
			out[i] = r.devices[equip][1]
		case "institution_name":
			if equip != 0 {
				out[i] = r.names[r.deviceOrg[equip]]
			} else {
				out[i] = r.names[inst]
			}
		case "employers":
			out[i] = strings.Join(r.employers[person], "、")
		}
	}
	return out
}

func columnIndex(k *xlsx.Kind, key string) int {
	for i, c := range k.Columns {
		if c.Key == key {
			return i
		}
	}
	return -1
}

// display turns a canonical value into what a spreadsheet user reads.
func display(f domain.Field, v string) string {
	switch f.Type {
	case domain.EnumField:
		if o, ok := f.Enum.Option(v); ok {
			return o.ZH
		}
	case domain.ListField:
		items := domain.SplitList(v)
		for i, it := range items {
			if o, ok := f.Enum.Option(it); ok {
				items[i] = o.ZH
			}
		}
		return strings.Join(items, "、")
	case domain.BoolField:
		if v == "true" {
			return "是"
		}
		if v == "false" {
			return "否"
		}
	}
	return v
}

// findingColumns are the columns of a findings export; findings are not
// imported. The institution's name, what the rule asks to be done and a
// dismissal's reason, author and time are for the reader of the sheet.
var findingColumns = []string{"rule", "title", "severity", "status", "institution", "institution_name", "subject_type", "subject_key",
	"message", "action", "due_on", "first_seen", "basis", "dismiss_reason", "dismissed_by", "dismissed_at"}

// findingsKind is the sheet of a findings export with its headers in lang
// (the writers head a column with its ZH label).
func findingsKind(lang string) *xlsx.Kind {
	k := &xlsx.Kind{Name: "findings", Entity: "finding", Sheet: i18n.T(lang, "findings.title")}
	for _, key := range findingColumns {
		k.Columns = append(k.Columns, xlsx.Column{Key: key, ZH: i18n.T(lang, "findings.col."+key), EN: i18n.T("en", "findings.col."+key),
			Text: key == "institution" || key == "subject_key"})
	}
	return k
}

// ExportFindings writes the findings u may see that match f (its limit is
// ignored), most serious first, in lang (default zh-CN): the messages,
// titles, labels, what to do and legal basis, the institution by code and
// name, and who dismissed a finding (by display name), when and why. As
// Export, it writes the audit event, with the number of findings, before
// the first row leaves.
func ExportFindings(ctx context.Context, s *store.Store, actor domain.Actor, u *domain.User, f store.FindingFilter, w io.Writer, format Format, lang ...string) (int, error) {
	if !auth.Can(u, auth.Export, auth.Finding) {
		return 0, auth.ErrForbidden
	}
	if err := checkFormat(format); err != nil {
		return 0, err
	}
	l := i18n.Default
	if len(lang) > 0 {
		l = i18n.Match(lang[0])
	}
	f.Limit, f.Offset = 0, 0
	page, err := (&findings.Service{Store: s}).List(ctx, u, f)
	if err != nil {
		return 0, err
	}
	names, err := findingNames(ctx, s, u, page.Findings)
	if err != nil {
		return 0, err
	}
	detail := map[string]any{"kind": "findings", "rows": len(page.Findings), "format": string(format), "lang": l}
	if err := auditExport(ctx, s, actor, "finding", detail); err != nil {
		return 0, err
	}
	t, err := newTable(w, format)
	if err != nil {
		return 0, err
	}
	if err := t.start(findingsKind(l), findingColumns); err != nil {
		return 0, err
	}
	for _, x := range page.Findings {
		if err := t.row(findingRow(l, x, names)); err != nil {
			return 0, err
		}
	}
	return len(page.Findings), t.close()
}

// findingRow is a finding in the columns of a findings export, in lang.
func findingRow(l string, x *domain.Finding, n names) []string {
	reason, by, at := "", "", ""
	if x.Status == domain.FindingDismissed {
		reason, by = x.DismissReason, cmp.Or(n.users[x.DismissedBy], x.DismissedBy)
		if !x.DismissedAt.IsZero() {
			at = x.DismissedAt.Local().Format("2006-01-02 15:04")
		}
	}
	return []string{x.Rule, screening.Title(l, x.Template), screening.SeverityLabel(l, x.Severity),
		screening.StatusLabel(l, x.Status), x.InstitutionCode, n.institutions[x.InstitutionID],
		screening.SubjectLabel(l, x.SubjectType), findingSubject(x),
		screening.Message(l, x.Template, x.Evidence, x.DueOn), screening.Action(l, x.Rule), x.DueOn.String(),
		x.FirstSeen.String(), screening.Basis(l, x.Rule), reason, by, at}
}

// names are the names a findings export shows: institutions' by id, users'
// display names by username.
type names struct {
	institutions map[int64]string
	users        map[string]string
}

// findingNames reads, at once, the names of the institutions the findings
// name and the display names of who dismissed them.
func findingNames(ctx context.Context, s *store.Store, u *domain.User, fs []*domain.Finding) (names, error) {
	n := names{institutions: map[int64]string{}, users: map[string]string{}}
	var ids []int64
	var users []string
	for _, f := range fs {
		if f.InstitutionID != 0 {
			ids = append(ids, f.InstitutionID)
		}
		if f.DismissedBy != "" {
			users = append(users, f.DismissedBy)
		}
	}
	slices.Sort(ids)
	slices.Sort(users)
	ids, users = slices.Compact(ids), slices.Compact(users)
	err := s.View(ctx, func(tx *store.Tx) error {
		if len(ids) > 0 {
			xs, err := store.FindByIDs(tx, store.Institutions, u.Scope(), ids)
			if err != nil {
				return err
			}
			for _, x := range xs {
				n.institutions[x.ID] = x.Name
			}
		}
		for _, name := range users {
			x, err := tx.FindUserByUsername(name)
			if store.IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			n.users[name] = x.DisplayName
		}
		return nil
	})
	return n, err
}

// findingSubject is the subject key a finding export shows: a person's ID
// number masked, as in every export by default.
func findingSubject(f *domain.Finding) string {
	if f.SubjectType == domain.SubjectPerson {
		return domain.MaskIDNumber(f.SubjectKey)
	}
	return f.SubjectKey
}

// Template writes the import template of kinds for u (when none are
// named, those u may import: an institution user's leaves out the
// licences and their acts, which its import would refuse): its example
// rows name u's own institution by its credit code when u is bound to one,
// else a neutral example code that no institution has.
func Template(ctx context.Context, s *store.Store, u *domain.User, w io.Writer, kinds ...*xlsx.Kind) error {
	if len(kinds) == 0 {
		for _, k := range xlsx.Kinds {
			if auth.Can(u, auth.Import, k.Entity) {
				kinds = append(kinds, k)
			}
		}
	}
	code := ""
	if id := u.Scope().InstitutionID; id != 0 {
		err := s.View(ctx, func(tx *store.Tx) error {
			inst, err := store.Find(tx, store.Institutions, u.Scope(), id)
			if err == nil {
				code = inst.CreditCode
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	return xlsx.WriteTemplateFor(w, code, kinds...)
}
