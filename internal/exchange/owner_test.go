package exchange_test

import (
	"fmt"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestImportKeepsOtherEmployersRecords: by import as by form, an
// institution user cannot change an exam another institution or the office
// filed, nor rename a person who also works elsewhere; what it files is
// filed by its institution.
func TestImportKeepsOtherEmployersRecords(t *testing.T) {
	e := newEnv(t)
	other := credit(2)
	staff := "身份证号,统一社会信用代码,职业类别,开始放射工作日期\n" +
		idA + "," + instCode + ",2A,2015-03-01\n" +
		idA + "," + other + ",2A,2016-03-01\n"
	rep := e.imp(nil, exchange.Options{}, e.file("机构.csv", institutionsCSV()+
		"郑州市中原区其他医院,"+other+",综合医院,410102,中原区建设西路2号,开业\n"),
		e.file("人员.csv", "姓名,身份证号\n张伟,"+idA+"\n"), e.file("任职.csv", staff),
		e.file("体检.csv", "身份证号,检查日期,检查类型,检查结论\n"+idA+",2024-05-06,在岗期间,可继续原放射工作\n"))
	if !rep.OK() {
		t.Fatalf("setting up: %v", rep.Problems)
	}
	var u *domain.User
	var instID int64
	e.s.WithTx(ctx, clerk, func(tx *store.Tx) error {
		x, _, err := store.List(tx, store.Institutions, domain.Scope{}, store.Filter{Values: map[string]string{"credit_code": instCode}})
		if err != nil || len(x) != 1 {
			t.Fatalf("institution: %v %v", x, err)
		}
		instID = x[0].ID
		u = storetest.User(t, tx, domain.RoleInstitution, instID)
		return nil
	})
	exams := func() []*domain.Exam {
		var out []*domain.Exam
		e.s.View(ctx, func(tx *store.Tx) error {
			var err error
			out, _, err = store.List(tx, store.Exams, domain.Scope{}, store.Filter{})
			return err
		})
		return out
	}

	changed := "身份证号,检查日期,检查类型,检查结论\n" + idA + ",2024-05-06,在岗期间,暂时脱离放射工作\n"
	rep = e.imp(u, exchange.Options{}, e.file("体检.csv", changed))
	if rep.OK() || len(rep.Problems) != 1 || exams()[0].Conclusion != "continue" {
		t.Errorf("A changed the office's exam: %v; stored %+v", rep.Problems, exams()[0])
	}
	renamed := "姓名,身份证号\n张卫," + idA + "\n"
	if rep := e.imp(u, exchange.Options{}, e.file("人员.csv", renamed)); rep.OK() {
		t.Error("A renamed a person who also works at another institution")
	}
	own := "身份证号,检查日期,检查类型,检查结论\n" + idA + ",2025-05-06,在岗期间,可继续原放射工作\n"
	if rep := e.imp(u, exchange.Options{}, e.file("体检.csv", own)); !rep.OK() {
		t.Fatalf("A's own exam refused: %v", rep.Problems)
	}
	filers := map[string]int64{}
	for _, x := range exams() {
		filers[x.ExaminedOn.String()] = x.FiledBy
	}
	if want := map[string]int64{"2024-05-06": 0, "2025-05-06": instID}; fmt.Sprint(filers) != fmt.Sprint(want) {
		t.Errorf("exams filed by %v, want %v", filers, want)
	}
}
