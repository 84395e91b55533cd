package exchange_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
	"radsup/internal/xlsx"
)

// brokenWriter fails every write, as a download whose reader went away.
type brokenWriter struct{}

var errGone = errors.New("the reader went away")

func (brokenWriter) Write([]byte) (int, error) { return 0, errGone }

// lastAudit returns the action, entity and detail of the latest audit event.
func (e *env) lastAudit() (action, entity, detail string) {
	e.t.Helper()
	err := storetest.Row(e.t, e.s, "SELECT action, entity, COALESCE(after_json, '') FROM audit_events ORDER BY id DESC LIMIT 1").Scan(&action, &entity, &detail)
	if err != nil {
		e.t.Fatal(err)
	}
	return action, entity, detail
}

// TestExportAuditsFirst: an export's audit event is written before any row
// leaves, with the rows the filter matches, and stays when the download
// fails; a refused export writes none.
func TestExportAuditsFirst(t *testing.T) {
	e := newEnv(t)
	e.imp(nil, exchange.Options{}, e.file("机构.csv", institutionsCSV()), e.file("人员.csv", staffCSV()))
	super := &domain.User{Username: "s", Role: domain.RoleSupervisor}
	for _, f := range []exchange.Format{exchange.CSV, exchange.XLSX} {
		before := e.count("audit_events")
		_, err := exchange.Export(ctx, e.s, clerk, super, "people", store.Filter{}, brokenWriter{}, f)
		if !errors.Is(err, errGone) {
			t.Errorf("%s export to a broken writer: %v", f, err)
		}
		if n := e.count("audit_events"); n != before+1 {
			t.Fatalf("%s: %d audit events written, want 1", f, n-before)
		}
		if action, entity, detail := e.lastAudit(); action != "export" || entity != "person" || !strings.Contains(detail, `"rows":2`) {
			t.Errorf("%s: audit event %s %s %s", f, action, entity, detail)
		}
	}
	before := e.count("audit_events")
	_, err := exchange.ExportFindings(ctx, e.s, clerk, super, store.FindingFilter{}, brokenWriter{}, exchange.CSV)
	if !errors.Is(err, errGone) || e.count("audit_events") != before+1 {
		t.Errorf("findings export to a broken writer: %v, %d audit events", err, e.count("audit_events")-before)
	}
	if action, entity, detail := e.lastAudit(); action != "export" || entity != "finding" || !strings.Contains(detail, `"kind":"findings"`) {
		t.Errorf("findings audit event %s %s %s", action, entity, detail)
	}
	before = e.count("audit_events")
	viewer := &domain.User{Username: "v", Role: domain.RoleViewer}
	if _, err := exchange.Export(ctx, e.s, clerk, viewer, "doses", store.Filter{}, brokenWriter{}, exchange.CSV); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("viewer's dose export: %v", err)
	}
	if _, err := exchange.Export(ctx, e.s, clerk, super, "people", store.Filter{}, brokenWriter{}, "pdf"); err == nil {
		t.Error("an export as pdf")
	}
	if n := e.count("audit_events"); n != before {
		t.Errorf("refused exports wrote %d audit events", n-before)
	}
}

// TestTemplateNamesTheUsersInstitution: an institution user's template
// shows its own credit code as the example; a supervisor's a neutral code,
// no institution's of the register.
func TestTemplateNamesTheUsersInstitution(t *testing.T) {
	e := newEnv(t)
	scale, _ := demo.ScaleByName("district")
	if _, err := demo.Load(ctx, e.s, scale, 7, today); err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	var first *domain.Institution
	err := e.s.View(ctx, func(tx *store.Tx) error {
		return store.Each(tx, store.Institutions, domain.Scope{}, store.Filter{Retired: true}, func(x *domain.Institution) error {
			codes[x.CreditCode] = true
			if first == nil {
				first = x
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	example := func(u *domain.User) string {
		var buf bytes.Buffer
		if err := exchange.Template(ctx, e.s, u, &buf, xlsx.KindByName("licences")); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		v, _ := f.GetCellValue("许可证", "A2")
		return v
	}
	inst := &domain.User{Username: "i", Role: domain.RoleInstitution, InstitutionID: first.ID}
	if got := example(inst); got != first.CreditCode {
		t.Errorf("institution user's example credit code %q, want its own %q", got, first.CreditCode)
	}
	super := &domain.User{Username: "s", Role: domain.RoleSupervisor}
	if got := example(super); got == "" || codes[got] {
		t.Errorf("supervisor's example credit code %q is an institution's of the register", got)
	}
}

// TestExportsNameTheInstitution: equipment, licence and dose exports show
// the institution's name beside its credit code, a people export the
// institutions each person works at; an import ignores those columns, even
// edited: the round trip changes nothing and warns of no unknown column.
func TestExportsNameTheInstitution(t *testing.T) {
	e := newEnv(t)
	var inst *domain.Institution
	err := e.s.WithTx(ctx, clerk, func(tx *store.Tx) error {
		inst = storetest.Institution(t, tx)
		storetest.Equipment(t, tx, inst.ID)
		p := storetest.Person(t, tx)
		storetest.Employment(t, tx, p.ID, inst.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	super := &domain.User{Username: "s", Role: domain.RoleSupervisor}
	for kind, col := range map[string]string{"equipment": "机构名称", "people": "任职机构"} {
		var buf bytes.Buffer
		if _, err := exchange.Export(ctx, e.s, clerk, super, kind, store.Filter{}, &buf, exchange.CSV, exchange.Whole{Purpose: "核对"}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("%s export: %q, %v", kind, rows, err)
		}
		i := slices.Index(rows[0], col)
		if i < 0 || rows[1][i] != inst.Name {
			t.Fatalf("%s export: header %q, row %q; want %s %q", kind, rows[0], rows[1], col, inst.Name)
		}
		rows[1][i] = "另一家医院"
		var edited bytes.Buffer
		w := csv.NewWriter(&edited)
		w.WriteAll(rows)
		rep := e.imp(nil, exchange.Options{}, e.file(kind+".csv", edited.String()))
		if len(rep.Problems) != 0 || rep.Changed() != 0 {
			t.Errorf("%s re-import: %d changed, problems %+v", kind, rep.Changed(), rep.Problems)
		}
	}
}
