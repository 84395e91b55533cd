package exchange_test

import (
	"testing"

	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestInstitutionCannotImportLicence: the licence is the office's; an
// institution user's workbook with a licence sheet is refused whole, new
// licence or changed one, and nothing of it is written. The office's own
// import of the same file files it.
func TestInstitutionCannotImportLicence(t *testing.T) {
	e := newEnv(t)
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
	licences := func(until string) string {
		return "统一社会信用代码,许可证编号,发证机关,发证日期,校验有效期至,许可项目\n" +
			instCode + ",豫卫放证字第000001号,郑州市中原区卫生健康委员会,2024-01-02," + until + ",CT\n"
	}
	if _, err := e.im.Import(ctx, clerk, u, []string{e.file("许可证.csv", licences("2029-01-01"))}, exchange.Options{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("institution imports a licence: %v, want forbidden", err)
	}
	if n := e.count("licences"); n != 0 {
		t.Fatalf("%d licences after a refused import", n)
	}
	if rep := e.imp(nil, exchange.Options{}, e.file("许可证.csv", licences("2029-01-01"))); !rep.OK() || e.count("licences") != 1 {
		t.Fatalf("the office's import: %+v", rep.Problems)
	}
	// Changing the stored licence through a workbook is refused too, also
	// with other sheets the institution may import.
	_, err := e.im.Import(ctx, clerk, u, []string{e.file("许可证.csv", licences("2035-12-31")), e.file("人员.csv", staffCSV())}, exchange.Options{})
	if domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("institution changes a licence by import: %v", err)
	}
	if n := storetest.Count(t, e.s, "licences WHERE valid_until = '2029-01-01'"); n != 1 || e.count("people") != 0 {
		t.Errorf("licence changed or people filed by a refused import")
	}
}
