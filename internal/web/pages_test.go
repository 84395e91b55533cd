package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// scenario is one request and what the page must and must not contain.
type scenario struct {
	name, role, method, url string
	form                    url.Values
	status                  int
	want, notWant           []string
}

func contentScenarios(e *env) []scenario {
	a, b := e.a, e.b
	return []scenario{
		{"institution user's people list hides B", "inst", "GET", "/people", nil, 200,
			[]string{a.person.Name, domain.MaskIDNumber(a.person.IDNumber)}, []string{b.person.Name, b.person.IDNumber, a.person.IDNumber}},
		{"institution user's equipment list hides B", "inst", "GET", "/equipment", nil, 200,
			[]string{a.equip.SerialNo, a.inst.Name}, []string{b.equip.SerialNo, b.inst.Name}},
		{"supervisor sees everyone", "supervisor", "GET", "/people", nil, 200,
			[]string{a.person.Name, b.person.Name}, nil},
		{"search institutions by credit code", "supervisor", "GET", "/institutions?q=" + b.inst.CreditCode, nil, 200,
			[]string{b.inst.Name, "共 1 条"}, []string{a.inst.Name}},
		{"filter institutions by status", "supervisor", "GET", "/institutions?status=closed", nil, 200,
			[]string{"没有符合条件的记录"}, []string{a.inst.Name, b.inst.Name}},
		{"filter institutions by street", "supervisor", "GET", "/institutions?street=410102001", nil, 200,
			[]string{a.inst.Name, `<option value="410102001" selected>林山寨街道</option>`}, nil},
		{"search people by ID number", "supervisor", "GET", "/people?q=" + a.person.IDNumber, nil, 200,
			[]string{a.person.Name}, []string{b.person.Name}},
		{"filter people by occupation", "supervisor", "GET", "/people?occupation=2D", nil, 200,
			nil, []string{a.person.Name, b.person.Name}},
		{"filter equipment by type", "supervisor", "GET", "/equipment?type=ct", nil, 200,
			nil, []string{a.equip.SerialNo}},
		{"filter equipment by status", "supervisor", "GET", "/equipment?status=in_use", nil, 200,
			[]string{a.equip.SerialNo, b.equip.SerialNo, "数字化X射线摄影系统"}, nil},
		{"institution user cannot retire its institution", "inst", "GET", "/institutions/" + id(a.inst.ID), nil, 200,
			[]string{"/institutions/" + id(a.inst.ID) + "/edit"}, []string{"/institutions/" + id(a.inst.ID) + "/retire"}},
		{"supervisor can retire an institution", "supervisor", "GET", "/institutions/" + id(a.inst.ID), nil, 200,
			[]string{"/institutions/" + id(a.inst.ID) + "/retire", "X射线影像诊断"}, nil},
		{"admin has user management", "admin", "GET", "/", nil, 200, []string{`href="/admin/users"`, "系统管理员"}, nil},
		{"supervisor has none", "supervisor", "GET", "/", nil, 200, []string{"监督员"}, []string{`href="/admin/users"`}},
		{"institution user's nav", "inst", "GET", "/", nil, 200,
			[]string{`href="/institutions/` + id(a.inst.ID) + `"`, "本机构"}, []string{`href="/institutions"`}},
		{"labels in Chinese", "supervisor", "GET", "/equipment/" + id(a.equip.ID), nil, 200,
			[]string{"DR (数字化X射线摄影)", "在用", "状态检测", "合格"}, nil},
		{"person page labels", "supervisor", "GET", "/people/" + id(a.person.ID), nil, 200,
			[]string{"诊断放射学", "在岗", "可继续原放射工作", a.inst.Name}, nil},
		{"new institution form", "supervisor", "GET", "/institutions/new", nil, 200,
			[]string{"机构名称<span class=\"req\"", `<option value="410102" selected>中原区</option>`, `<option value="open" selected>开业</option>`}, nil},
		{"institution user's employment form fixes the institution", "inst", "GET", "/people/" + id(a.person.ID) + "/employments/new", nil, 200,
			[]string{`type="hidden" name="institution_id" value="` + id(a.inst.ID) + `"`, a.inst.Name}, []string{b.inst.Name}},
		{"supervisor's dose form proposes the employer", "supervisor", "GET", "/people/" + id(b.person.ID) + "/doses/new", nil, 200,
			[]string{`<option value="` + id(b.inst.ID) + `" selected>`}, nil},
	}
}

func TestPageContent(t *testing.T) {
	e := newEnv(t)
	for _, sc := range contentScenarios(e) {
		t.Run(sc.name, func(t *testing.T) {
			w := e.do(sc.role, sc.method, sc.url, sc.form)
			body := w.Body.String()
			if w.Code != sc.status {
				t.Fatalf("status %d, want %d\n%s", w.Code, sc.status, excerpt(body))
			}
			for _, s := range sc.want {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range sc.notWant {
				if strings.Contains(body, s) {
					t.Errorf("page shows %q", s)
				}
			}
		})
	}
}

func TestHTMLIsEscaped(t *testing.T) {
	e := newEnv(t)
	e.store.WithTx(context.Background(), domain.Actor{}, func(tx *store.Tx) error {
		storetest.Institution(t, tx, func(x *domain.Institution) { x.Name = `<script>alert("x")</script>医院` })
		return nil
	})
	body := e.do("supervisor", "GET", "/institutions", nil).Body.String()
	if strings.Contains(body, `<script>alert`) || !strings.Contains(body, `&lt;script&gt;alert`) {
		t.Errorf("name not escaped\n%s", excerpt(body))
	}
}

func TestHomeCounts(t *testing.T) {
	e := newEnv(t)
	for role, want := range map[string][3]string{"inst": {"1", "1", "2"}, "supervisor": {"2", "2", "4"}} {
		body := e.do(role, "GET", "/", nil).Body.String()
		// Each fixture institution has two devices, one without acceptance test.
		for i, name := range []string{"institutions", "people", "equipment"} {
			if got := text(mustElement(t, body, "span", "id", "count-"+name)); got != want[i] {
				t.Errorf("%s: %s count %q, want %s", role, name, got, want[i])
			}
		}
	}
}

func TestInstitutionPages(t *testing.T) {
	e := newEnv(t)
	e.store.WithTx(context.Background(), domain.Actor{}, func(tx *store.Tx) error {
		for i := range 118 {
			storetest.Institution(t, tx, func(x *domain.Institution) { x.Name = fmt.Sprintf("翻页医院%03d", i) })
		}
		return nil
	})
	body := e.do("supervisor", "GET", "/institutions?q=翻页&page=2", nil).Body.String()
	rows := rowIDs(body, "institutions")
	if len(rows) != 50 {
		t.Fatalf("%d rows on page 2", len(rows))
	}
	first := cells(body, rows[0])
	if len(first) != 10 || first[0] != "翻页医院050" || first[2] != "综合医院" || first[4] != "林山寨街道" || first[5] != "开业" {
		t.Errorf("first row of page 2: %q", first)
	}
	pager := text(mustElement(t, body, "nav", "class", "pager"))
	if !strings.Contains(pager, "共 118 条") || !strings.Contains(pager, "51–100") {
		t.Errorf("pager %q", pager)
	}
	next, _ := startTag(body, "a", "rel", "next")
	if href, _ := attr(next, "href"); href != "/institutions?page=3&q=%E7%BF%BB%E9%A1%B5" {
		t.Errorf("next link %q", href)
	}
	last := e.do("supervisor", "GET", "/institutions?q=翻页&page=3", nil).Body.String()
	if n := len(rowIDs(last, "institutions")); n != 18 {
		t.Errorf("%d rows on the last page", n)
	}
	// An institution user never sees the list.
	if w := e.do("inst", "GET", "/institutions?q=翻页", nil); w.Code != 303 || w.Header().Get("Location") != "/institutions/"+id(e.a.inst.ID) {
		t.Errorf("institution user: %d %q", w.Code, w.Header().Get("Location"))
	}
}

func TestYearSums(t *testing.T) {
	e := newEnv(t)
	p := e.a.person
	var retired *domain.DoseRecord
	e.store.WithTx(context.Background(), domain.Actor{}, func(tx *store.Tx) error {
		add := func(start, end string, hp10 int64, mods ...func(*domain.DoseRecord)) *domain.DoseRecord {
			return storetest.Dose(t, tx, p.ID, e.a.inst.ID, append([]func(*domain.DoseRecord){func(d *domain.DoseRecord) {
				d.PeriodStart, d.PeriodEnd, d.Hp10 = domain.MustDate(start), domain.MustDate(end), domain.MicroSv(hp10)
			}}, mods...)...)
		}
		add("2021-01-01", "2021-03-31", 120)
		add("2021-04-01", "2021-06-30", 1250)
		add("2021-10-01", "2021-12-31", 5)
		add("2021-12-01", "2022-01-31", 40) // counts in the year it ends
		add("2022-02-01", "2022-03-31", 0, func(d *domain.DoseRecord) { d.Hp10, d.Lost = domain.Dose{}, true })
		retired = add("2022-04-01", "2022-06-30", 9000)
		// At B: the institution user of A does not see it.
		storetest.Dose(t, tx, p.ID, e.b.inst.ID, func(d *domain.DoseRecord) {
			d.PeriodStart, d.PeriodEnd, d.Hp10 = domain.MustDate("2021-07-01"), domain.MustDate("2021-09-30"), domain.MicroSv(300)
		})
		_, err := store.Retire(tx, store.Doses, domain.Scope{}, retired.ID, retired.Version)
		return err
	})
	for role, want2021 := range map[string]string{"supervisor": "1.675", "inst": "1.375"} {
		body := e.do(role, "GET", "/people/"+id(p.ID), nil).Body.String()
		if got := cells(body, "year-2021"); len(got) != 3 || got[1] != want2021 {
			t.Errorf("%s: 2021 row %q, want %s", role, got, want2021)
		}
		if got := cells(body, "year-2022"); len(got) != 3 || got[1] != "0.040" || got[2] != "2" {
			t.Errorf("%s: 2022 row %q", role, got)
		}
		if strings.Contains(body, `id="dose-`+id(retired.ID)+`"`) {
			t.Errorf("%s: retired dose listed", role)
		}
		if !strings.Contains(body, `<span class="tag bad">剂量计丢失</span>`) {
			t.Errorf("%s: the lost dosimeter is not marked", role)
		}
	}
	// Shown with ?retired=1, and still not added up.
	body := e.do("supervisor", "GET", "/people/"+id(p.ID)+"?retired=1", nil).Body.String()
	if got := cells(body, "dose-"+id(retired.ID)); len(got) == 0 || !strings.Contains(got[0], "已删除") || !strings.Contains(got[len(got)-1], "恢复") {
		t.Errorf("retired row %q", got)
	}
	if got := cells(body, "year-2022"); len(got) != 3 || got[1] != "0.040" {
		t.Errorf("2022 with retired shown: %q", got)
	}
}

func TestRetireHidesAndRestoreShows(t *testing.T) {
	e := newEnv(t)
	lic := e.a.licence
	inst := "/institutions/" + id(e.a.inst.ID)
	if w := e.do("supervisor", "POST", "/licences/"+id(lic.ID)+"/retire", url.Values{"version": {id(int64(lic.Version))}}); w.Code != 303 {
		t.Fatalf("retire: %d", w.Code)
	}
	if body := e.do("supervisor", "GET", inst, nil).Body.String(); strings.Contains(body, lic.LicenceNo) {
		t.Error("retired licence listed")
	}
	body := e.do("supervisor", "GET", inst+"?tab=licence&retired=1", nil).Body.String()
	row := cells(body, "licence-"+id(lic.ID))
	if len(row) != 6 || !strings.Contains(row[0], "已删除") || strings.Contains(row[0], "现行") {
		t.Fatalf("retired row %q", row)
	}
	form, _ := element(body, "tr", "id", "licence-"+id(lic.ID))
	restore, ok := startTag(form, "form", "action", "/licences/"+id(lic.ID)+"/restore")
	if !ok {
		t.Fatalf("no restore form in %s", form)
	}
	_ = restore
	v, _ := inputValue(form, "version")
	if w := e.do("supervisor", "POST", "/licences/"+id(lic.ID)+"/restore", url.Values{"version": {v}}); w.Code != 303 {
		t.Fatalf("restore: %d", w.Code)
	}
	if body := e.do("supervisor", "GET", inst, nil).Body.String(); !strings.Contains(body, lic.LicenceNo) {
		t.Error("restored licence not listed")
	}
}

func TestLicenceCurrentFirst(t *testing.T) {
	e := newEnv(t)
	var old, newer *domain.Licence
	e.store.WithTx(context.Background(), domain.Actor{}, func(tx *store.Tx) error {
		old = storetest.Licence(t, tx, e.b.inst.ID, func(l *domain.Licence) {
			l.IssuedOn, l.ValidUntil, l.Items = domain.MustDate("2015-01-01"), domain.MustDate("2020-01-01"), []string{"ct", "dental_xray"}
		})
		newer = storetest.Licence(t, tx, e.b.inst.ID, func(l *domain.Licence) {
			l.IssuedOn, l.ValidUntil = domain.MustDate("2099-01-01"), domain.MustDate("2099-02-01")
		})
		_, err := store.Retire(tx, store.Licences, domain.Scope{}, newer.ID, newer.Version)
		return err
	})
	body := e.do("supervisor", "GET", "/institutions/"+id(e.b.inst.ID)+"?retired=1", nil).Body.String()
	ids := rowIDs(body, "licences")
	want := []string{"licence-" + id(e.b.licence.ID), "licence-" + id(newer.ID), "licence-" + id(old.ID)}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("order %v, want %v", ids, want)
	}
	if c := cells(body, "licence-"+id(e.b.licence.ID)); !strings.Contains(c[0], "现行") {
		t.Errorf("current licence not marked: %q", c)
	}
	if c := cells(body, "licence-"+id(old.ID)); c[4] != "CT、牙科X射线" || strings.Contains(c[0], "现行") {
		t.Errorf("old licence %q", c)
	}
}

// TestRecordPagesHaveUniqueIDs: a record page lists records of several
// kinds, and the ids of their rows name the kind: a licence, a person and a
// device with the same number are three rows with three ids, so that a
// link or a script finds the one it means.
func TestRecordPagesHaveUniqueIDs(t *testing.T) {
	e := newEnv(t)
	ids := regexp.MustCompile(`\sid="([^"]*)"`)
	for _, path := range []string{"/institutions/" + id(e.a.inst.ID), "/people/" + id(e.a.person.ID), "/equipment/" + id(e.a.equip.ID)} {
		body := e.do("supervisor", "GET", path+"?retired=1", nil).Body.String()
		seen := map[string]bool{}
		for _, m := range ids.FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Errorf("%s: id %q twice", path, m[1])
			}
			seen[m[1]] = true
		}
	}
	body := e.do("supervisor", "GET", "/institutions/"+id(e.a.inst.ID), nil).Body.String()
	for _, row := range []string{"licence-" + id(e.a.licence.ID), "person-" + id(e.a.person.ID), "equipment-" + id(e.a.equip.ID)} {
		if len(cells(body, row)) == 0 {
			t.Errorf("the institution's page has no row %s", row)
		}
	}
	body = e.do("supervisor", "GET", "/people/"+id(e.a.person.ID), nil).Body.String()
	for _, row := range []string{"employment-" + id(e.a.emp.ID), "training-" + id(e.a.training.ID), "exam-" + id(e.a.exam.ID), "dose-" + id(e.a.dose.ID)} {
		if len(cells(body, row)) == 0 {
			t.Errorf("the person's page has no row %s", row)
		}
	}
	body = e.do("supervisor", "GET", "/equipment/"+id(e.a.equip.ID), nil).Body.String()
	if row := "test-" + id(e.a.test.ID); len(cells(body, row)) == 0 {
		t.Errorf("the device's page has no row %s", row)
	}
}
