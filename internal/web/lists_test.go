package web_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"radsup/internal/domain"
	"radsup/internal/htmltest"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// column returns the text of the cells under the header named header in
// the table with the id, one per body row, and the id of each row.
func column(t *testing.T, body, table, header string) (cells, rows []string) {
	t.Helper()
	tbl := htmltest.Find(htmltest.Parse(body), "table", "id", table)
	if tbl == nil {
		t.Fatalf("no table %s\n%s", table, excerpt(body))
	}
	idx := -1
	for i, th := range htmltest.FindAll(tbl, "th", "", "") {
		if strings.TrimSpace(htmltest.Text(th)) == header || strings.HasPrefix(strings.TrimSpace(htmltest.Text(th)), header+" ") {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatalf("table %s has no column %s\n%s", table, header, htmltest.Render(tbl))
	}
	tbody := htmltest.Find(tbl, "tbody", "", "")
	for _, tr := range htmltest.FindAll(tbody, "tr", "", "") {
		id, ok := htmltest.Attr(tr, "id")
		if !ok {
			continue // the empty list's row
		}
		var tds []*html.Node
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data == "td" {
				tds = append(tds, c)
			}
		}
		rows, cells = append(rows, id), append(cells, strings.TrimSpace(htmltest.Text(tds[idx])))
	}
	return cells, rows
}

// cellOf returns the cell of the column in the row of the record with id.
func cellOf(t *testing.T, body, table, header string, recID int64) string {
	t.Helper()
	cells, rows := column(t, body, table, header)
	i := slices.Index(rows, "row-"+id(recID))
	if i < 0 {
		t.Fatalf("no row of %d in %s", recID, table)
	}
	return cells[i]
}

// TestPeopleListShowsEmployers: the people list has a 机构 column with the
// institutions where each person works now; an institution user sees only
// its own.
func TestPeopleListShowsEmployers(t *testing.T) {
	e := newEnv(t)
	a, b := e.a, e.b
	e.store.WithTx(context.Background(), domain.Actor{}, func(tx *store.Tx) error {
		storetest.Employment(t, tx, a.person.ID, b.inst.ID)
		return nil
	})
	body := e.do("supervisor", "GET", "/people", nil).Body.String()
	names := []string{a.inst.Name, b.inst.Name}
	slices.SortFunc(names, func(x, y string) int { return strings.Compare(store.NameKey(x), store.NameKey(y)) })
	if got, want := cellOf(t, body, "people", "机构", a.person.ID), strings.Join(names, "、"); got != want {
		t.Errorf("supervisor: %s works at %q, want %q", a.person.Name, got, want)
	}
	if got := cellOf(t, body, "people", "机构", b.person.ID); got != b.inst.Name {
		t.Errorf("supervisor: %s works at %q, want %q", b.person.Name, got, b.inst.Name)
	}
	body = e.do("inst", "GET", "/people", nil).Body.String()
	if got := cellOf(t, body, "people", "机构", a.person.ID); got != a.inst.Name {
		t.Errorf("institution user: %s works at %q, want only %q", a.person.Name, got, a.inst.Name)
	}
}

// TestSearchByInstitutionName: the search box of the people and equipment
// lists finds the records of an institution by (part of) its name.
func TestSearchByInstitutionName(t *testing.T) {
	e := newEnv(t)
	b := e.b
	q := url.QueryEscape(strings.TrimSuffix(b.inst.Name, "号院") + "号")
	_, rows := column(t, e.do("supervisor", "GET", "/people?q="+q, nil).Body.String(), "people", "姓名")
	if want := []string{"row-" + id(b.person.ID)}; !slices.Equal(rows, want) {
		t.Errorf("people of %s: %v, want %v", b.inst.Name, rows, want)
	}
	_, rows = column(t, e.do("supervisor", "GET", "/equipment?q="+q, nil).Body.String(), "equipment", "机构")
	slices.Sort(rows)
	want := []string{"row-" + id(b.equip.ID), "row-" + id(b.flawed.ID)}
	slices.Sort(want)
	if !slices.Equal(rows, want) {
		t.Errorf("equipment of %s: %v, want %v", b.inst.Name, rows, want)
	}
	// An institution user searching another institution's name finds none
	// of its devices, nor which of its own workers also work there.
	_, rows = column(t, e.do("inst", "GET", "/equipment?q="+q, nil).Body.String(), "equipment", "机构")
	if len(rows) != 0 {
		t.Errorf("institution user finds %v by %s", rows, b.inst.Name)
	}
	e.store.WithTx(context.Background(), domain.Actor{}, func(tx *store.Tx) error {
		storetest.Employment(t, tx, e.a.person.ID, b.inst.ID)
		return nil
	})
	_, rows = column(t, e.do("inst", "GET", "/people?q="+q, nil).Body.String(), "people", "姓名")
	if len(rows) != 0 {
		t.Errorf("institution user finds %v by %s", rows, b.inst.Name)
	}
	_, rows = column(t, e.do("inst", "GET", "/people?q="+url.QueryEscape(e.a.inst.Name), nil).Body.String(), "people", "姓名")
	if want := []string{"row-" + id(e.a.person.ID)}; !slices.Equal(rows, want) {
		t.Errorf("institution user's people of its own institution: %v, want %v", rows, want)
	}
}

// sortHead returns the href and aria-sort of the sortable header named header.
func sortHead(t *testing.T, body, table, header string) (href, state string) {
	t.Helper()
	tbl := htmltest.Find(htmltest.Parse(body), "table", "id", table)
	for _, th := range htmltest.FindAll(tbl, "th", "", "") {
		if strings.TrimSpace(htmltest.Text(th)) != header {
			continue
		}
		a := htmltest.Find(th, "a", "", "")
		if a == nil {
			t.Fatalf("column %s of %s is not sortable", header, table)
		}
		href, _ = htmltest.Attr(a, "href")
		state, _ = htmltest.Attr(th, "aria-sort")
		return href, state
	}
	t.Fatalf("no column %s in %s", header, table)
	return "", ""
}

// TestListsSortByColumn: a column header sorts the list by it, ascending,
// then descending, keeping the filters; names sort by pinyin; a sort the
// list does not offer is the usual order.
func TestListsSortByColumn(t *testing.T) {
	e := newEnv(t)
	pinyin := []string{"丁一", "乔三", "万二"} // code point order: 丁 万 乔
	e.store.WithTx(context.Background(), domain.Actor{}, func(tx *store.Tx) error {
		for _, n := range []string{"万二", "丁一", "乔三"} {
			p := storetest.Person(t, tx, func(x *domain.Person) { x.Name = n })
			storetest.Employment(t, tx, p.ID, e.a.inst.ID)
		}
		return nil
	})
	names := func(body string) []string {
		cells, _ := column(t, body, "people", "姓名")
		return slices.DeleteFunc(cells, func(s string) bool { return !slices.Contains(pinyin, s) })
	}
	body := e.do("supervisor", "GET", "/people", nil).Body.String()
	if got := names(body); !slices.Equal(got, pinyin) {
		t.Errorf("people %v, want %v", got, pinyin)
	}
	if href, state := sortHead(t, body, "people", "姓名"); href != "/people?sort=-name" || state != "ascending" {
		t.Errorf("name header: %q %q", href, state)
	}
	if href, state := sortHead(t, body, "people", "出生日期"); href != "/people?sort=birth_date" || state != "" {
		t.Errorf("birth date header: %q %q", href, state)
	}
	body = e.do("supervisor", "GET", "/people?occupation=2A&sort=-name&page=1", nil).Body.String()
	desc := slices.Clone(pinyin)
	slices.Reverse(desc)
	if got := names(body); !slices.Equal(got, desc) {
		t.Errorf("people by -name %v, want %v", got, desc)
	}
	if href, state := sortHead(t, body, "people", "姓名"); href != "/people?occupation=2A&sort=name" || state != "descending" {
		t.Errorf("name header sorted descending: %q %q", href, state)
	}
	if in, ok := startTag(body, "input", "name", "sort"); !ok {
		t.Errorf("the filter form does not keep the sort")
	} else if v, _ := attr(in, "value"); v != "-name" {
		t.Errorf("the filter form keeps the sort %q", v)
	}
	body = e.do("supervisor", "GET", "/people?sort=name%3BDROP+TABLE+people", nil).Body.String()
	if got := names(body); !slices.Equal(got, pinyin) {
		t.Errorf("people by an unknown sort %v, want %v", got, pinyin)
	}

	// Equipment by institution name, by pinyin.
	var c *domain.Institution
	e.store.WithTx(context.Background(), domain.Actor{}, func(tx *store.Tx) error {
		c = storetest.Institution(t, tx, func(x *domain.Institution) { x.Name = "安阳市第一人民医院" })
		storetest.Equipment(t, tx, c.ID)
		return nil
	})
	cells, _ := column(t, e.do("supervisor", "GET", "/equipment?sort=institution", nil).Body.String(), "equipment", "机构")
	if len(cells) == 0 || cells[0] != c.Name {
		t.Errorf("equipment by institution: %v, want %s first", cells, c.Name)
	}
	cells, _ = column(t, e.do("supervisor", "GET", "/equipment?sort=-institution", nil).Body.String(), "equipment", "机构")
	if len(cells) == 0 || cells[len(cells)-1] != c.Name {
		t.Errorf("equipment by -institution: %v, want %s last", cells, c.Name)
	}
}

// TestInstitutionListFigures: the institution list shows each
// institution's licence validity, devices, workers and open findings,
// sorts by each, and filters by licence expiry and open findings.
func TestInstitutionListFigures(t *testing.T) {
	e := newEnv(t)
	a := e.a
	today := domain.DateOf(time.Now())
	var soon, bare *domain.Institution
	e.store.WithTx(context.Background(), domain.Actor{}, func(tx *store.Tx) error {
		soon = storetest.Institution(t, tx)
		storetest.Licence(t, tx, soon.ID, func(l *domain.Licence) { l.ValidUntil = today.AddDate(0, 0, 10) })
		for range 3 {
			storetest.Equipment(t, tx, soon.ID, func(x *domain.Equipment) { x.Status = "idle" })
		}
		storetest.Equipment(t, tx, soon.ID, func(x *domain.Equipment) { x.Status = "scrapped" })
		bare = storetest.Institution(t, tx)
		return nil
	})
	var open int
	if err := storetest.Row(t, e.store, "SELECT COUNT(*) FROM findings WHERE institution_id = ? AND status = 'open'", a.inst.ID).Scan(&open); err != nil || open == 0 {
		t.Fatalf("%d open findings of A (%v)", open, err)
	}
	body := e.do("supervisor", "GET", "/institutions", nil).Body.String()
	for header, want := range map[string]string{"许可证有效期至": a.licence.ValidUntil.String(), "设备数": "2", "放射工作人员数": "1", "待整改问题": id(int64(open))} {
		if got := cellOf(t, body, "institutions", header, a.inst.ID); got != want {
			t.Errorf("A's %s: %q, want %q", header, got, want)
		}
	}
	for header, want := range map[string]string{"许可证有效期至": "无许可证", "设备数": "0", "放射工作人员数": "0", "待整改问题": "0"} {
		if got := cellOf(t, body, "institutions", header, bare.ID); got != want {
			t.Errorf("bare institution's %s: %q, want %q", header, got, want)
		}
	}
	if got := cellOf(t, body, "institutions", "设备数", soon.ID); got != "3" {
		t.Errorf("devices (one scrapped) %q, want 3", got)
	}

	first := func(url string) string {
		t.Helper()
		_, rows := column(t, e.do("supervisor", "GET", url, nil).Body.String(), "institutions", "机构名称")
		if len(rows) == 0 {
			t.Fatalf("%s: no rows", url)
		}
		return rows[0]
	}
	for url, want := range map[string]int64{
		"/institutions?sort=-devices": soon.ID, "/institutions?sort=licence": soon.ID, "/institutions?sort=-licence": bare.ID,
		"/institutions?sort=workers": soon.ID, // 0 workers, as bare; the lower id first "/institutions?sort=-findings": a.inst.ID,
	} {
		if got := first(url); got != "row-"+id(want) && !(url == "/institutions?sort=-findings" && got == "row-"+id(e.b.inst.ID)) {
			t.Errorf("%s: first %s, want row-%d", url, got, want)
		}
	}
	rows := func(url string) []string {
		_, rows := column(t, e.do("supervisor", "GET", url, nil).Body.String(), "institutions", "机构名称")
		slices.Sort(rows)
		return rows
	}
	sorted := func(ids ...int64) []string {
		var out []string
		for _, x := range ids {
			out = append(out, "row-"+id(x))
		}
		slices.Sort(out)
		return out
	}
	for url, want := range map[string][]string{
		"/institutions?expires=30":      sorted(soon.ID),
		"/institutions?expires=expired": nil,
		"/institutions?expires=none":    sorted(bare.ID),
		"/institutions?expires=bogus":   nil,
		"/institutions?findings=open":   sorted(a.inst.ID, e.b.inst.ID),
		"/institutions?findings=none":   sorted(soon.ID, bare.ID),
	} {
		if got := rows(url); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", url, got, want)
		}
	}
}
