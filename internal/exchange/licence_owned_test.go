package exchange_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// licencesCSV is a licence of the test institution valid until until.
func licencesCSV(until string) string {
	return "统一社会信用代码,许可证编号,发证机关,发证日期,校验有效期至,许可项目\n" +
		instCode + ",豫卫放证字第000001号,郑州市中原区卫生健康委员会,2024-01-02," + until + ",CT\n"
}

// actsCSV is a passed 校验 of that licence, due again on due.
func actsCSV(due string) string {
	return "统一社会信用代码,许可证编号,事项,事项日期,校验结论,下次校验日期,文书编号\n" +
		instCode + ",豫卫放证字第000001号,校验,2025-01-02,合格," + due + ",中卫放校〔2025〕1号\n"
}

// institutionUser files the test institution (through the office's import)
// and returns a user of it.
func institutionUser(t *testing.T, e *env) *domain.User {
	t.Helper()
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
	return u
}

// refusedSheet checks that rep refuses the import for the office's sheet
// named sheet, saying so at that sheet, in Chinese.
func refusedSheet(t *testing.T, rep *exchange.Report, sheet string) {
	t.Helper()
	if rep.OK() || rep.Written || rep.Held != 0 {
		t.Fatalf("an institution's workbook with the sheet %s: ok %v written %v held %d", sheet, rep.OK(), rep.Written, rep.Held)
	}
	for _, p := range rep.Problems {
		if p.Sheet == sheet && !p.Warning {
			if text := p.Text("zh-CN"); !strings.Contains(text, "工作表“"+sheet+"”") || !strings.Contains(text, "只有监督员可以导入") {
				t.Errorf("the refusal of %s says %q", sheet, text)
			}
			return
		}
	}
	t.Errorf("no problem names the sheet %s: %+v", sheet, rep.Problems)
}

// TestInstitutionCannotImportLicence: the licence and its acts are the
// office's; an institution user's workbook with a licence sheet or an acts
// sheet is refused whole, with a problem naming the sheet — new licence or
// changed one, alone or beside sheets it may import — and nothing of it is
// written. The office's import of the same files files them.
func TestInstitutionCannotImportLicence(t *testing.T) {
	e := newEnv(t)
	u := institutionUser(t, e)
	refusedSheet(t, e.imp(u, exchange.Options{}, e.file("许可证.csv", licencesCSV("2029-01-01"))), "许可证.csv")
	if n := e.count("licences"); n != 0 {
		t.Fatalf("%d licences after a refused import", n)
	}
	if rep := e.imp(nil, exchange.Options{}, e.file("许可证.csv", licencesCSV("2029-01-01"))); !rep.OK() || e.count("licences") != 1 {
		t.Fatalf("the office's import: %+v", rep.Problems)
	}
	// Changing the stored licence, or adding to its history, through a
	// workbook is refused too, also with other sheets the institution may
	// import, which are still checked.
	rep := e.imp(u, exchange.Options{}, e.file("许可证.csv", licencesCSV("2035-12-31")), e.file("人员.csv", staffCSV()))
	refusedSheet(t, rep, "许可证.csv")
	rep = e.imp(u, exchange.Options{}, e.file("许可证记录.csv", actsCSV("2035-12-31")), e.file("人员.csv", staffCSV()))
	refusedSheet(t, rep, "许可证记录.csv")
	if c := countOf(rep, "people"); c == nil || c.Rows != 2 {
		t.Errorf("the sheets beside the refused one were not checked: %+v", rep.Counts)
	}
	if n := storetest.Count(t, e.s, "licences WHERE valid_until = '2029-01-01'"); n != 1 || e.count("people") != 0 {
		t.Errorf("licence changed or people filed by a refused import")
	}
	if n := storetest.Count(t, e.s, "licence_acts WHERE kind = 'check'"); n != 0 {
		t.Errorf("%d checks filed by a refused import", n)
	}
	// With review on, the refusal is the same: nothing is held.
	setReview(t, e.s, true)
	refusedSheet(t, e.imp(u, exchange.Options{}, e.file("许可证记录.csv", actsCSV("2035-12-31"))), "许可证记录.csv")
	if n := e.count("submissions"); n != 0 {
		t.Errorf("%d submissions held for a refused import", n)
	}
	// The office's import of the acts records the check and moves the
	// licence's validity.
	if rep := e.imp(nil, exchange.Options{}, e.file("许可证记录.csv", actsCSV("2035-12-31"))); !rep.OK() || !rep.Written {
		t.Fatalf("the office's import of the acts: %+v", rep.Problems)
	}
	if n := storetest.Count(t, e.s, "licences WHERE valid_until = '2035-12-31'"); n != 1 {
		t.Errorf("the office's passed check did not move valid_until")
	}
}

// TestTemplateOfWhatOneMayImport: the template of every kind leaves out,
// for an institution user, the sheets its import would refuse (许可证,
// 许可证记录); a supervisor's has them.
func TestTemplateOfWhatOneMayImport(t *testing.T) {
	e := newEnv(t)
	u := institutionUser(t, e)
	sheets := func(u *domain.User) []string {
		t.Helper()
		var buf bytes.Buffer
		if err := exchange.Template(ctx, e.s, u, &buf); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		return f.GetSheetList()
	}
	if got := sheets(u); slices.Contains(got, "许可证") || slices.Contains(got, "许可证记录") || !slices.Contains(got, "人员") {
		t.Errorf("institution's template: %v", got)
	}
	if got := sheets(supervisorUser); !slices.Contains(got, "许可证") || !slices.Contains(got, "许可证记录") {
		t.Errorf("supervisor's template: %v", got)
	}
}

// countOf is the count of a kind in a report, or nil.
func countOf(rep *exchange.Report, kind string) *exchange.Count {
	for _, c := range rep.Counts {
		if c.Kind == kind {
			return c
		}
	}
	return nil
}
