package exchange_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/exchange"
	"radsup/internal/findings"
	"radsup/internal/registry"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
	"radsup/internal/xlsx"
)

// history returns every licence's acts as text, by credit code and licence
// number, oldest first: what an act records, not who recorded it or when;
// and each licence's valid_until.
func history(t *testing.T, s *store.Store) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := s.View(ctx, func(tx *store.Tx) error {
		codes := map[int64]string{}
		err := store.Each(tx, store.Institutions, domain.Scope{}, store.Filter{Retired: true}, func(x *domain.Institution) error {
			codes[x.ID] = x.CreditCode
			return nil
		})
		if err != nil {
			return err
		}
		var lics []*domain.Licence
		err = store.Each(tx, store.Licences, domain.Scope{}, store.Filter{Retired: true}, func(l *domain.Licence) error {
			lics = append(lics, l)
			return nil
		})
		for _, l := range lics {
			key := codes[l.InstitutionID] + "/" + l.LicenceNo
			out[key] = append(out[key], "valid_until "+l.ValidUntil.String())
			acts, err := tx.LicenceActs(l.ID)
			if err != nil {
				return err
			}
			for _, a := range acts {
				out[key] = append(out[key], fmt.Sprintf("%s %s %s next %s until %s %q %q", a.On, a.Kind, a.Result, a.NextDue, a.Until, a.DocumentNo, a.Note))
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// openFindings lists the open findings: rule, subject type and key.
func openFindings(t *testing.T, s *store.Store) []string {
	t.Helper()
	rows := storetest.Rows(t, s, "SELECT rule, subject_type, subject_key FROM findings WHERE status = 'open'")
	defer rows.Close()
	var out []string
	for rows.Next() {
		var rule, typ, key string
		if err := rows.Scan(&rule, &typ, &key); err != nil {
			t.Fatal(err)
		}
		out = append(out, rule+" "+typ+" "+key)
	}
	slices.Sort(out)
	return out
}

// TestLicenceActsRoundTrip: the office's acts on two licences — the 发证,
// a passed 校验 that moved the validity, a 变更 with its note (full-width
// punctuation as typed), and on the other licence a 暂停 and a 注销 — are
// exported with the register and imported into an empty database: the
// history of every licence is the same, act by act, and so is the
// screening (the cancelled licence counts as none: INS-LICENCE-MISSING for
// its institution's device in use). Importing the files again changes
// nothing.
func TestLicenceActsRoundTrip(t *testing.T) {
	src := storetest.Open(t)
	reg := registry.New(src)
	reg.Today = func() domain.Date { return today }
	var cancelled *domain.Institution
	var lics [2]*domain.Licence
	err := src.WithTx(ctx, clerk, func(tx *store.Tx) error {
		for i := range lics {
			inst := storetest.Institution(t, tx)
			lics[i] = storetest.Licence(t, tx, inst.ID)
			storetest.Test(t, tx, storetest.Equipment(t, tx, inst.ID).ID, func(x *domain.EquipmentTest) { x.Kind = "acceptance" })
			if err := tx.AddLicenceAct(&domain.LicenceAct{LicenceID: lics[i].ID, Kind: domain.ActIssue, On: lics[i].IssuedOn,
				NextDue: lics[i].ValidUntil, DocumentNo: lics[i].LicenceNo}); err != nil {
				return err
			}
			cancelled = inst
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []*domain.LicenceAct{
		{LicenceID: lics[0].ID, Kind: domain.ActCheck, On: today.AddDate(0, -2, 0), Result: domain.CheckPass, NextDue: today.AddDate(3, -2, 0), DocumentNo: "中卫放校〔2026〕7号"},
		{LicenceID: lics[0].ID, Kind: domain.ActChange, On: today.AddDate(0, -1, 0), DocumentNo: "中卫放变〔2026〕2号", Note: "许可项目增加CT；地址变更为建设西路100号，其余不变"},
		{LicenceID: lics[1].ID, Kind: domain.ActSuspend, On: today.AddDate(0, -3, 0), Until: today.AddDate(0, -2, 0), Note: "整改期间暂停"},
		{LicenceID: lics[1].ID, Kind: domain.ActCancel, On: today.AddDate(0, 0, -5), DocumentNo: "中卫放注〔2026〕1号", Note: "机构申请注销"},
	} {
		if err := reg.RecordLicenceAct(ctx, clerk, supervisorUser, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := (&findings.Service{Store: src}).RunFull(ctx, today); err != nil {
		t.Fatal(err)
	}
	want, wantFindings := history(t, src), openFindings(t, src)
	if !slices.Contains(wantFindings, screening.InsLicenceMissing+" institution "+cancelled.CreditCode) {
		t.Fatalf("the cancelled licence's institution has no %s: %v", screening.InsLicenceMissing, wantFindings)
	}

	dir := t.TempDir()
	var files []string
	for i, k := range xlsx.Kinds {
		format, ext := exchange.XLSX, ".xlsx"
		if k.Name == xlsx.LicenceActs && i%2 == 0 || k.Name != xlsx.LicenceActs && i%3 == 2 {
			format, ext = exchange.CSV, ".csv"
		}
		p := filepath.Join(dir, k.Name+ext)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		n, err := exchange.Export(ctx, src, clerk, supervisorUser, k.Name, store.Filter{Retired: true}, f, format, exchange.Whole{Purpose: "迁移核对"})
		f.Close()
		if err != nil {
			t.Fatalf("export %s: %v", k.Name, err)
		}
		if k.Name == xlsx.LicenceActs && n != 6 {
			t.Errorf("%d acts exported, want 6", n)
		}
		if n > 0 {
			files = append(files, p)
		}
	}

	// An institution exports the acts of its own licence only.
	var own *domain.User
	src.WithTx(ctx, clerk, func(tx *store.Tx) error {
		own = storetest.User(t, tx, domain.RoleInstitution, cancelled.ID)
		return nil
	})
	var buf bytes.Buffer
	if n, err := exchange.Export(ctx, src, clerk, own, xlsx.LicenceActs, store.Filter{}, &buf, exchange.CSV); err != nil || n != 3 ||
		strings.Contains(buf.String(), lics[0].LicenceNo) || !strings.Contains(buf.String(), lics[1].LicenceNo) {
		t.Errorf("the institution's export of acts: %d rows, %v:\n%s", n, err, buf.String())
	}

	e := newEnv(t) // an empty database
	rep := e.imp(nil, exchange.Options{}, files...)
	if !rep.OK() || !rep.Written {
		t.Fatalf("import into an empty database: %+v", rep.Problems)
	}
	if c := countOf(rep, xlsx.LicenceActs); c == nil || c.Created != 6 {
		t.Errorf("acts imported: %+v", c)
	}
	got := history(t, e.s)
	for key, acts := range want {
		if !slices.Equal(got[key], acts) {
			t.Errorf("licence %s:\n got %q\nwant %q", key, got[key], acts)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d licences, want %d", len(got), len(want))
	}
	if _, err := (&findings.Service{Store: e.s}).RunFull(ctx, today); err != nil {
		t.Fatal(err)
	}
	if gotFindings := openFindings(t, e.s); !slices.Equal(gotFindings, wantFindings) {
		t.Errorf("screening after the round trip:\n got %v\nwant %v", gotFindings, wantFindings)
	}
	audits := e.count("audit_events")
	if rep := e.imp(nil, exchange.Options{}, files...); !rep.OK() || rep.Changed() != 0 || e.count("audit_events") != audits {
		t.Errorf("importing again changed %d records", rep.Changed())
	}
}

// TestLicenceActsImport: a workbook that files a licence and its acts
// together checks alike in a dry run and writes them; a licence filed
// without a 发证 row gets its 发证 act from its fields; a passed 校验 older
// than the latest leaves valid_until alone; a different act of the same
// kind on the same day is added with a warning; an act of an unknown
// licence, one without its document number and a duplicate row are
// refused, each at its cell.
func TestLicenceActsImport(t *testing.T) {
	e := newEnv(t)
	book := func(actRows ...string) []string {
		return []string{e.file("机构.csv", institutionsCSV()), e.file("许可证.csv", licencesCSV("2027-01-01")),
			e.file("许可证记录.csv", "统一社会信用代码,许可证编号,事项,事项日期,校验结论,下次校验日期,暂停至,文书编号,事由或变更内容\n"+strings.Join(actRows, "\n")+"\n")}
	}
	const no = "豫卫放证字第000001号"
	check := func(on, due, doc string) string {
		return instCode + "," + no + ",校验," + on + ",合格," + due + ",," + doc + ","
	}
	files := book(check("2025-01-02", "2028-01-02", "中卫放校〔2025〕1号"))
	if rep := e.imp(nil, exchange.Options{DryRun: true}, files...); !rep.OK() {
		t.Fatalf("dry run of a licence with its acts: %+v", rep.Problems)
	}
	if rep := e.imp(nil, exchange.Options{}, files...); !rep.OK() || !rep.Written {
		t.Fatalf("a licence with its acts: %+v", rep.Problems)
	}
	h := history(t, e.s)[instCode+"/"+no]
	wantH := []string{"valid_until 2028-01-02",
		`2024-01-02 issue  next 2027-01-01 until  "` + no + `" ""`,
		`2025-01-02 check pass next 2028-01-02 until  "中卫放校〔2025〕1号" ""`}
	if !slices.Equal(h, wantH) {
		t.Errorf("history:\n got %q\nwant %q", h, wantH)
	}

	// An older passed check is history: valid_until stays.
	rep := e.imp(nil, exchange.Options{}, book(check("2024-06-01", "2025-06-01", "中卫放校〔2024〕9号"))[2])
	if !rep.OK() || storetest.Count(t, e.s, "licences WHERE valid_until = '2028-01-02'") != 1 {
		t.Errorf("an older check moved valid_until: %+v", rep.Problems)
	}
	// The same kind on the same day with other details: another act, with
	// a warning.
	rep = e.imp(nil, exchange.Options{}, book(check("2025-01-02", "2028-01-01", "中卫放校〔2025〕1号之一"))[2])
	if !rep.OK() || len(rep.Problems) != 1 || !rep.Problems[0].Warning || !strings.Contains(rep.Problems[0].Text("zh-CN"), "只增不改") {
		t.Errorf("same day, other details: ok %v %+v", rep.OK(), rep.Problems)
	}
	if n := storetest.Count(t, e.s, "licence_acts WHERE kind = 'check'"); n != 3 {
		t.Errorf("%d checks, want 3", n)
	}

	rep = e.imp(nil, exchange.Options{}, book(
		instCode+",豫卫放证字第999999号,校验,2025-03-01,合格,2028-03-01,,X,",
		instCode+","+no+",注销,2025-04-01,,,,,机构申请注销",
		instCode+","+no+",变更,2025-05-01,,,,中卫放变〔2025〕1号,增加CT",
		instCode+","+no+",变更,2025-05-01,,,,中卫放变〔2025〕1号,增加CT",
		instCode+","+no+",校验,2025-06-01,,,,中卫放校〔2025〕3号,",
	)[2])
	type at struct {
		row int
		col string
	}
	var got []at
	for _, p := range rep.Problems {
		got = append(got, at{p.Row, p.Col.Render("zh-CN")})
	}
	want := []at{{2, "许可证编号"}, {3, "文书编号"}, {5, "事项日期"}, {6, "校验结论"}}
	if !slices.Equal(got, want) {
		t.Errorf("problems at %v, want %v: %+v", got, want, rep.Problems)
	}
	if rep.Written || storetest.Count(t, e.s, "licence_acts WHERE kind = 'change'") != 0 {
		t.Error("a workbook with problems wrote acts")
	}
}
