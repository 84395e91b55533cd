package web_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

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
	// An institution user searching another institution's name finds none of its devices.
	_, rows = column(t, e.do("inst", "GET", "/equipment?q="+q, nil).Body.String(), "equipment", "机构")
	if len(rows) != 0 {
		t.Errorf("institution user finds %v by %s", rows, b.inst.Name)
	}
}
