package exchange_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"radsup/internal/demo"
	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/findings"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
	"radsup/internal/xlsx"
)

var ctx = context.Background()

var clerk = domain.Actor{Username: "clerk", Role: domain.RoleSupervisor, RequestID: "req-imp"}

// today is the date the tests import as of.
var today = domain.DateOf(time.Now())

type env struct {
	t  *testing.T
	s  *store.Store
	im *exchange.Importer
}

func newEnv(t *testing.T) *env {
	s := storetest.Open(t)
	return &env{t: t, s: s, im: &exchange.Importer{Store: s, Findings: &findings.Service{Store: s}, Today: func() domain.Date { return today }}}
}

// file writes content to a file named name in a temporary directory.
func (e *env) file(name, content string) string {
	e.t.Helper()
	p := filepath.Join(e.t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) imp(u *domain.User, opt exchange.Options, paths ...string) *exchange.Report {
	e.t.Helper()
	rep, err := e.im.Import(ctx, clerk, u, paths, opt)
	if err != nil {
		e.t.Fatal(err)
	}
	return rep
}

func (e *env) count(table string) int {
	e.t.Helper()
	return storetest.Count(e.t, e.s, table)
}

// codes and ID numbers of the test data.
var (
	instCode = credit(1)
	idA      = idNumber(1, "19850315")
	idB      = idNumber(2, "19900704")
)

func credit(n int) string {
	first17 := fmt.Sprintf("12410102T%08d", n)
	return first17 + string(domain.CreditCheckChar(first17))
}

func idNumber(n int, birth string) string {
	first17 := fmt.Sprintf("410102%s%03d", birth, n)
	return first17 + string(domain.IDCheckChar(first17))
}

// A staff list as institutions keep it: people and employments in one
// sheet, with a title row above the header and dates in Chinese forms.
func staffCSV() string {
	return "郑州市中原区测试医院放射工作人员名单\n" +
		"姓名,身份证号,统一社会信用代码,职业类别,岗位,开始放射工作日期\n" +
		"张伟," + idA + "," + instCode + ",2A 诊断放射学,技师,2015年3月1日\n" +
		"李娜," + idB + "," + instCode + ",诊断放射学,医师,2018/7/16\n"
}

func institutionsCSV() string {
	return "机构名称,统一社会信用代码,机构类别,行政区划代码,地址,状态\n" +
		"郑州市中原区测试医院," + instCode + ",综合医院,410102,中原区建设西路1号,开业\n"
}

func dosesCSV(hp10A string) string {
	y := today.Year() - 1
	return "身份证号,统一社会信用代码,监测周期,Hp(10) (mSv),监测机构\n" +
		idA + "," + instCode + "," + fmt.Sprintf("%d年第1季度", y) + "," + hp10A + ",河南省职业病防治研究院\n" +
		idB + "," + instCode + "," + fmt.Sprintf("%dQ1", y) + ",0.120,河南省职业病防治研究院\n"
}

func TestImportAndReimportChangesNothing(t *testing.T) {
	e := newEnv(t)
	files := []string{e.file("机构.csv", institutionsCSV()), e.file("人员.csv", staffCSV()), e.file("剂量.csv", dosesCSV("0.250"))}
	rep := e.imp(nil, exchange.Options{}, files...)
	if !rep.OK() || !rep.Written {
		t.Fatalf("import: %+v", rep.Problems)
	}
	want := map[string][3]int{"institutions": {1, 0, 0}, "people": {2, 0, 0}, "employments": {2, 0, 0}, "doses": {2, 0, 0}}
	for _, c := range rep.Counts {
		if got := [3]int{c.Created, c.Updated, c.Unchanged}; got != want[c.Kind] {
			t.Errorf("%s: created/updated/unchanged %v, want %v", c.Kind, got, want[c.Kind])
		}
	}
	if n := e.count("doses"); n != 2 {
		t.Errorf("%d doses stored", n)
	}
	audits := e.count("audit_events")

	again := e.imp(nil, exchange.Options{}, files...)
	if !again.OK() || again.Changed() != 0 {
		t.Errorf("re-import changed %d records: %+v", again.Changed(), again.Problems)
	}
	if n := e.count("audit_events"); n != audits {
		t.Errorf("re-import wrote %d audit events", n-audits)
	}

	// One changed value: one update, audited; the rest unchanged.
	changed := e.imp(nil, exchange.Options{}, e.file("剂量.csv", dosesCSV("0.300")))
	if changed.Changed() != 1 || e.count("audit_events") != audits+2 { // the update and the import itself
		t.Errorf("changed dose: %d changes, %d audit events", changed.Changed(), e.count("audit_events")-audits)
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	e := newEnv(t)
	e.imp(nil, exchange.Options{}, e.file("机构.csv", institutionsCSV()), e.file("人员.csv", staffCSV()))
	before, audits := e.count("doses"), e.count("audit_events")
	y := today.Year() - 1
	bad := "身份证号,统一社会信用代码,监测周期,Hp(10) (mSv)\n" +
		idA + "," + instCode + "," + fmt.Sprintf("%d-01-01~%d-03-31", y, y) + ",0.100\n" +
		idB + "," + instCode + "," + fmt.Sprintf("%d-04-01~%d-03-31", y, y) + ",0.100\n" + // ends before it starts
		"4.10102E+17," + instCode + "," + fmt.Sprintf("%dQ2", y) + ",0.100\n" + // mangled by Excel
		idNumber(9, "19800101") + "," + instCode + "," + fmt.Sprintf("%dQ3", y) + ",0.100\n" // nobody known
	rep := e.imp(nil, exchange.Options{}, e.file("剂量.csv", bad))
	if rep.OK() || rep.Written {
		t.Fatalf("a file with bad rows was imported")
	}
	if e.count("doses") != before || e.count("audit_events") != audits {
		t.Errorf("a refused import wrote something")
	}
	rows := map[int]string{}
	for _, p := range rep.Problems {
		if !p.Warning {
			rows[p.Row] = p.Text("zh-CN")
		}
	}
	for _, row := range []int{3, 4, 5} {
		if rows[row] == "" {
			t.Errorf("no problem reported on row %d: %v", row, rows)
		}
	}
	if !strings.Contains(rows[4], "文本") {
		t.Errorf("the mangled ID number's message does not say to use text: %q", rows[4])
	}
	if rows[2] != "" {
		t.Errorf("the good row 2 has a problem: %s", rows[2])
	}
}

func TestDuplicateKeyInOneFile(t *testing.T) {
	e := newEnv(t)
	dup := institutionsCSV() + "郑州市中原区测试医院（重复）," + instCode + ",综合医院,410102,中原区建设西路1号,开业\n"
	rep := e.imp(nil, exchange.Options{}, e.file("机构.csv", dup))
	if rep.OK() || e.count("institutions") != 0 {
		t.Fatalf("duplicate key imported")
	}
	if p := rep.Problems[0]; p.Row != 3 || !strings.Contains(p.Text("zh-CN"), "第2行") || !strings.Contains(p.Text("en"), "row 2") {
		t.Errorf("duplicate reported as %+v", p)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	e := newEnv(t)
	rep := e.imp(nil, exchange.Options{DryRun: true}, e.file("机构.csv", institutionsCSV()))
	if !rep.OK() || rep.Written || e.count("institutions") != 0 {
		t.Errorf("dry run: ok %v written %v, %d stored", rep.OK(), rep.Written, e.count("institutions"))
	}
	if rep.Counts[0].Created != 1 {
		t.Errorf("dry run counts: %+v", rep.Counts[0])
	}
}

func TestGB18030CSV(t *testing.T) {
	e := newEnv(t)
	enc, err := simplifiedchinese.GB18030.NewEncoder().String(institutionsCSV())
	if err != nil {
		t.Fatal(err)
	}
	rep := e.imp(nil, exchange.Options{}, e.file("机构.csv", enc))
	if !rep.OK() || e.count("institutions") != 1 {
		t.Fatalf("GB18030 CSV: %+v", rep.Problems)
	}
	var name string
	if err := storetest.Row(t, e.s, "SELECT name FROM institutions").Scan(&name); err != nil || name != "郑州市中原区测试医院" {
		t.Errorf("name read as %q (%v)", name, err)
	}
}

func TestInstitutionUserImportsOnlyItsOwn(t *testing.T) {
	e := newEnv(t)
	other := credit(2)
	e.imp(nil, exchange.Options{}, e.file("机构.csv", institutionsCSV()+
		"郑州市中原区其他医院,"+other+",综合医院,410102,中原区建设西路2号,开业\n"), e.file("人员.csv", staffCSV()))
	var id int64
	if err := storetest.Row(t, e.s, "SELECT id FROM institutions WHERE credit_code = ?", instCode).Scan(&id); err != nil {
		t.Fatal(err)
	}
	var u *domain.User
	e.s.WithTx(ctx, clerk, func(tx *store.Tx) error {
		u = storetest.User(t, tx, domain.RoleInstitution, id)
		return nil
	})
	y := today.Year() - 1
	mixed := "身份证号,统一社会信用代码,监测周期,Hp(10) (mSv)\n" +
		idA + "," + instCode + "," + fmt.Sprintf("%dQ2", y) + ",0.100\n" +
		idA + "," + other + "," + fmt.Sprintf("%dQ2", y) + ",0.100\n"
	rep := e.imp(u, exchange.Options{}, e.file("剂量.csv", mixed))
	if rep.OK() || e.count("doses") != 0 {
		t.Fatalf("an institution user imported another institution's row")
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Row != 3 {
		t.Errorf("problems %+v, want one on row 3", rep.Problems)
	}
	own := "身份证号,统一社会信用代码,监测周期,Hp(10) (mSv)\n" + idA + "," + instCode + "," + fmt.Sprintf("%dQ2", y) + ",0.100\n"
	if rep := e.imp(u, exchange.Options{}, e.file("剂量.csv", own)); !rep.OK() || e.count("doses") != 1 {
		t.Errorf("own row refused: %+v", rep.Problems)
	}
}

// TestImportRescreens imports a dose over the annual investigation level:
// the finding is open when the import returns.
func TestImportRescreens(t *testing.T) {
	e := newEnv(t)
	rep := e.imp(nil, exchange.Options{}, e.file("机构.csv", institutionsCSV()), e.file("人员.csv", staffCSV()),
		e.file("剂量.csv", dosesCSV("25.000")))
	if !rep.OK() {
		t.Fatal(rep.Problems)
	}
	if n := storetest.Count(t, e.s, "findings WHERE rule = ? AND status = 'open'", screening.PerDoseAnnualHigh); n != 1 {
		t.Errorf("%d open %s findings after the import, want 1", n, screening.PerDoseAnnualHigh)
	}
}

// TestExportImportRoundTrip exports every kind of the demo district and
// imports the files again: nothing changes.
func TestExportImportRoundTrip(t *testing.T) {
	e := newEnv(t)
	scale, _ := demo.ScaleByName("district")
	if _, err := demo.Load(ctx, e.s, scale, 7, today); err != nil {
		t.Fatal(err)
	}
	recordActs(t, e.s, 3) // the demo's licences have no history
	super := &domain.User{Username: "supervisor", Role: domain.RoleSupervisor}
	dir := t.TempDir()
	var files []string
	for i, k := range xlsx.Kinds {
		format, ext := exchange.XLSX, ".xlsx"
		if i%3 == 2 {
			format, ext = exchange.CSV, ".csv" // some kinds through CSV
		}
		p := filepath.Join(dir, k.Name+ext)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		n, err := exchange.Export(ctx, e.s, clerk, super, k.Name, store.Filter{Retired: true}, f, format, exchange.Whole{Purpose: "备份核对"})
		f.Close()
		if err != nil || n == 0 {
			t.Fatalf("export %s: %d rows, %v", k.Name, n, err)
		}
		files = append(files, p)
	}
	audits := e.count("audit_events")
	rep := e.imp(nil, exchange.Options{}, files...)
	if !rep.OK() {
		t.Fatalf("re-import of the export: %d problems, first %+v", rep.Errors(), rep.Problems[0])
	}
	if rep.Changed() != 0 || e.count("audit_events") != audits {
		for _, c := range rep.Counts {
			t.Logf("%+v", *c)
		}
		t.Errorf("export → import changed %d records", rep.Changed())
	}
}

// TestProblemStopsWritingButNotChecking: after a problem the import writes
// no more but checks on, and rows naming a parent filed earlier in the
// files are not reported for it — whether that parent was written (then
// rolled back) or only checked.
func TestProblemStopsWritingButNotChecking(t *testing.T) {
	e := newEnv(t)
	staff := staffCSV() + "王芳,123," + instCode + ",2A,技师,2019-01-01\n" // a bad ID number on row 5
	rep := e.imp(nil, exchange.Options{}, e.file("机构.csv", institutionsCSV()), e.file("人员.csv", staff), e.file("剂量.csv", dosesCSV("0.100")))
	if rep.Written || e.count("institutions") != 0 || e.count("people") != 0 || e.count("audit_events") != 0 {
		t.Fatalf("written %v: %d institutions, %d people, %d audit events stored", rep.Written,
			e.count("institutions"), e.count("people"), e.count("audit_events"))
	}
	var errs []string
	for _, p := range rep.Problems {
		if !p.Warning {
			errs = append(errs, fmt.Sprintf("%s row %d: %s", p.Sheet, p.Row, p.Text("zh-CN")))
		}
	}
	if len(errs) != 1 || rep.Problems[0].Row != 5 {
		t.Errorf("want one problem, on the staff list's row 5; got %q", errs)
	}
	if c := rep.Counts[len(rep.Counts)-1]; c.Kind != "doses" || c.Rows != 2 || c.Created != 0 {
		t.Errorf("the dose rows after the problem were not checked, or counted as added: %+v", c)
	}
}

// TestExportByRole: exports mask ID numbers (and leave out the birth dates
// that would give them away) unless whole numbers are asked for with a
// purpose, which only who may reveal may do, and the audit records; a
// viewer's export leaves out health data; the administrators export no
// business data.
func TestExportByRole(t *testing.T) {
	e := newEnv(t)
	e.imp(nil, exchange.Options{}, e.file("机构.csv", institutionsCSV()), e.file("人员.csv", staffCSV()), e.file("剂量.csv", dosesCSV("0.100")))
	export := func(role, kind string, whole ...exchange.Whole) (string, error) {
		var b strings.Builder
		u := &domain.User{Username: role, Role: role}
		_, err := exchange.Export(ctx, e.s, clerk, u, kind, store.Filter{}, &b, exchange.CSV, whole...)
		return b.String(), err
	}
	birth := "1985-03-15"
	for _, role := range []string{domain.RoleViewer, domain.RoleSupervisor} {
		out, err := export(role, "people")
		if err != nil || strings.Contains(out, idA) || strings.Contains(out, birth) || !strings.Contains(out, domain.MaskIDNumber(idA)) {
			t.Errorf("%s's people export (%v) shows the ID number or birth date, or lacks the masked number:\n%s", role, err, out)
		}
	}
	if _, err := export(domain.RoleSupervisor, "people", exchange.Whole{Purpose: "  "}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("a whole export without a purpose: %v", err)
	}
	if _, err := export(domain.RoleViewer, "people", exchange.Whole{Purpose: "核查"}); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("a viewer's whole export: %v, want forbidden", err)
	}
	out, err := export(domain.RoleSupervisor, "people", exchange.Whole{Purpose: "报送上级卫生健康行政部门核查"})
	if err != nil || !strings.Contains(out, idA) || !strings.Contains(out, birth) {
		t.Errorf("supervisor's whole people export (%v) lacks the ID number:\n%s", err, out)
	}
	if _, _, detail := e.lastAudit(); !strings.Contains(detail, "报送上级卫生健康行政部门核查") {
		t.Errorf("the whole export's audit event has no purpose: %s", detail)
	}
	for _, c := range []struct{ role, kind string }{
		{domain.RoleViewer, "doses"}, {domain.RoleViewer, "exams"},
		{domain.RoleAdmin, "people"}, {domain.RoleSecurity, "institutions"}, {domain.RoleAuditor, "equipment"},
	} {
		if _, err := export(c.role, c.kind); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s exporting %s: %v, want forbidden", c.role, c.kind, err)
		}
	}
}

// TestImportByRole: who may import is the policy's answer (auth.Can): a
// viewer may not import at all, an institution user may not create an
// institution.
func TestImportByRole(t *testing.T) {
	e := newEnv(t)
	viewer := &domain.User{Username: "v", Role: domain.RoleViewer}
	if _, err := e.im.Import(ctx, clerk, viewer, []string{e.file("机构.csv", institutionsCSV())}, exchange.Options{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("a viewer's import: %v, want forbidden", err)
	}
	e.imp(nil, exchange.Options{}, e.file("机构.csv", institutionsCSV()))
	var id int64
	if err := storetest.Row(t, e.s, "SELECT id FROM institutions WHERE credit_code = ?", instCode).Scan(&id); err != nil {
		t.Fatal(err)
	}
	var u *domain.User
	e.s.WithTx(ctx, clerk, func(tx *store.Tx) error {
		u = storetest.User(t, tx, domain.RoleInstitution, id)
		return nil
	})
	other := credit(3)
	rep := e.imp(u, exchange.Options{}, e.file("机构.csv", "机构名称,统一社会信用代码,机构类别,行政区划代码,地址,状态\n"+
		"郑州市中原区另一医院,"+other+",综合医院,410102,中原区建设西路3号,开业\n"))
	if rep.OK() || e.count("institutions") != 1 || len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Text("zh-CN"), "本机构") {
		t.Errorf("an institution user's import of another institution: %+v", rep.Problems)
	}
}

// TestFailedImportCounts: the counts of an import that failed say what the
// file held and that nothing was added: every row read (the bad one too),
// none created.
func TestFailedImportCounts(t *testing.T) {
	e := newEnv(t)
	bad := institutionsCSV() + "郑州市中原区第二医院,123,综合医院,410102,中原区建设西路2号,开业\n"
	for _, dry := range []bool{false, true} {
		rep := e.imp(nil, exchange.Options{DryRun: dry}, e.file("机构.csv", bad))
		if rep.OK() || len(rep.Counts) != 1 {
			t.Fatalf("dry run %v: %+v", dry, rep)
		}
		if c := rep.Counts[0]; c.Rows != 2 || c.Created+c.Updated+c.Unchanged != 0 {
			t.Errorf("dry run %v: counts %+v, want 2 rows and nothing added", dry, *c)
		}
	}
}

// TestProblemsInFileOrder: problems are listed by sheet, row and column,
// though some are found late (a person an institution user may not file
// is known only at the end).
func TestProblemsInFileOrder(t *testing.T) {
	e := newEnv(t)
	e.imp(nil, exchange.Options{}, e.file("机构.csv", institutionsCSV()))
	var inst *domain.User
	err := e.s.WithTx(ctx, clerk, func(tx *store.Tx) error {
		var x []*domain.Institution
		if err := store.Each(tx, store.Institutions, domain.Scope{}, store.Filter{}, func(i *domain.Institution) error { x = append(x, i); return nil }); err != nil {
			return err
		}
		inst = storetest.User(t, tx, domain.RoleInstitution, x[0].ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Row 2: a person the institution does not employ (found at the end);
	// row 3: an ID number that is no ID number (found at once).
	people := "姓名,身份证号\n王芳," + idNumber(3, "19920101") + "\n赵强,123\n"
	rep := e.imp(inst, exchange.Options{}, e.file("人员.csv", people))
	var rows []int
	for _, p := range rep.Problems {
		rows = append(rows, p.Row)
	}
	if len(rows) < 2 || !slices.IsSorted(rows) {
		t.Errorf("problems on rows %v, want them in row order", rows)
	}
}

// recordActs records acts on the first n licences as the office would: a
// passed check a year after issue (its next due date the licence's
// valid_until, which a passed check sets) and, on the first, a change.
func recordActs(t *testing.T, s *store.Store, n int) {
	t.Helper()
	err := s.WithTx(ctx, clerk, func(tx *store.Tx) error {
		lics, _, err := store.List(tx, store.Licences, domain.Scope{}, store.Filter{Limit: n})
		if err != nil {
			return err
		}
		for i, l := range lics {
			on := l.IssuedOn.AddDate(1, 0, 0)
			if on.After(today) {
				on = today
			}
			acts := []*domain.LicenceAct{{LicenceID: l.ID, Kind: domain.ActCheck, On: on, Result: domain.CheckPass, NextDue: l.ValidUntil,
				DocumentNo: fmt.Sprintf("中卫放校〔%d〕%d号", on.Year(), i+1)}}
			if i == 0 {
				acts = append(acts, &domain.LicenceAct{LicenceID: l.ID, Kind: domain.ActChange, On: on, DocumentNo: "中卫放变〔2026〕1号",
					Note: "法定代表人由王建国变更为李明，地址不变"})
			}
			for _, a := range acts {
				if err := tx.AddLicenceAct(a); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
