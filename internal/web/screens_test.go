package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"radsup/internal/domain"
	"radsup/internal/htmltest"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
	"radsup/internal/web"
)

// pairs returns the label → value pairs of a definition list, failing the
// test unless each label and its value stand together in one row.
func pairs(t *testing.T, dl *html.Node) map[string]string {
	t.Helper()
	out := map[string]string{}
	for c := dl.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		dts, dds := htmltest.FindAll(c, "dt", "", ""), htmltest.FindAll(c, "dd", "", "")
		if c.Data != "div" || len(dts) != 1 || len(dds) != 1 {
			t.Fatalf("row <%s> of the list holds %d labels and %d values: %s", c.Data, len(dts), len(dds), htmltest.Render(c))
		}
		out[htmltest.Text(dts[0])] = htmltest.Text(dds[0])
	}
	return out
}

// TestAccountLabelsTheirValues: each label of 我的账户 stands beside its own
// value.
func TestAccountLabelsTheirValues(t *testing.T) {
	e := newEnv(t)
	u := e.users["supervisor"]
	for lang, want := range map[string]map[string]string{
		"zh-CN": {"用户名": u.Username, "姓名": u.DisplayName, "角色": "监督员", "两步验证": "未启用"},
		"en":    {"Username": u.Username, "Name": u.DisplayName, "Role": "Supervisor", "Two-step verification": "Off"},
	} {
		dl := htmltest.Find(htmltest.Parse(e.doIn(lang, "supervisor", "/account")), "dl", "id", "account")
		if dl == nil {
			t.Fatalf("%s: no account details", lang)
		}
		got := pairs(t, dl)
		for label, value := range want {
			if got[label] != value {
				t.Errorf("%s: %s = %q, want %q (all: %q)", lang, label, got[label], value, got)
			}
		}
	}
}

// TestTokensUnderAccount: API tokens are reached from 我的账户, not from the
// main menu; who has none is not offered them.
func TestTokensUnderAccount(t *testing.T) {
	e := newEnv(t)
	for _, role := range []string{"supervisor", "inst", "viewer", "admin"} {
		doc := htmltest.Parse(e.do(role, "GET", "/", nil).Body.String())
		nav := htmltest.Find(doc, "nav", "class", "mainnav")
		if nav == nil {
			t.Fatalf("%s: no menu", role)
		}
		if htmltest.Find(nav, "a", "href", "/account/tokens") != nil {
			t.Errorf("%s: API tokens in the main menu", role)
		}
		if htmltest.Find(nav, "a", "href", "/account") == nil {
			t.Errorf("%s: no 我的账户 in the menu", role)
		}
		account := htmltest.Parse(e.do(role, "GET", "/account", nil).Body.String())
		link := htmltest.Find(htmltest.Find(account, "main", "", ""), "a", "href", "/account/tokens")
		if want := role != "admin"; (link != nil) != want {
			t.Errorf("%s: account page links to API tokens = %v, want %v", role, link != nil, want)
		}
	}
	doc := htmltest.Parse(e.do("inst", "GET", "/account/tokens", nil).Body.String())
	active := htmltest.Find(htmltest.Find(doc, "nav", "class", "mainnav"), "a", "aria-current", "page")
	if href, _ := htmltest.Attr(active, "href"); href != "/account" {
		t.Errorf("on the tokens page the menu marks %q, want /account", href)
	}
}

// TestDeleteNotCancel: retiring a record is 删除 (Delete), stopping a token
// 停用 (Deactivate); 注销, the legal act on a licence, names neither.
func TestDeleteNotCancel(t *testing.T) {
	e := newEnv(t)
	e.do("inst", "POST", "/account/tokens", url.Values{"name": {"接口"}})
	for lang, want := range map[string][2]string{"zh-CN": {"删除", "停用"}, "en": {"Delete", "Deactivate"}} {
		for _, target := range []string{"/people/" + id(e.a.person.ID), "/equipment/" + id(e.a.equip.ID),
			"/institutions/" + id(e.a.inst.ID) + "?tab=equipment"} {
			body := e.doIn(lang, "inst", target)
			main := htmltest.Text(htmltest.Find(htmltest.Parse(body), "main", "", ""))
			if strings.Contains(main, "注销") || strings.Contains(main, "Retire") {
				t.Errorf("%s %s says 注销/Retire", lang, target)
			}
			if !strings.Contains(main, want[0]) {
				t.Errorf("%s %s: no %q control", lang, target, want[0])
			}
		}
		main := htmltest.Text(htmltest.Find(htmltest.Parse(e.doIn(lang, "inst", "/account/tokens")), "main", "", ""))
		if strings.Contains(main, "吊销") || strings.Contains(main, "Revoke") || !strings.Contains(main, want[1]) {
			t.Errorf("%s tokens page: want %q, not 吊销/Revoke: %s", lang, want[1], main)
		}
	}
}

// TestEmptySections: a section with nothing in it says there is nothing
// yet; only a filtered list says nothing matches.
func TestEmptySections(t *testing.T) {
	e := newEnv(t)
	var lone *domain.Person
	var quiet *domain.Institution
	err := e.store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		lone = storetest.Person(t, tx)
		quiet = storetest.Institution(t, tx)
		e.users["quiet"] = storetest.User(t, tx, domain.RoleInstitution, quiet.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["quiet"] = e.login(e.users["quiet"].Username)
	body := e.do("supervisor", "GET", "/people/"+id(lone.ID), nil).Body.String()
	for _, table := range []string{"employments", "trainings", "exams", "doses"} {
		got := htmltest.Text(htmltest.Find(htmltest.Find(htmltest.Parse(body), "table", "id", table), "td", "class", "empty"))
		if got != "暂无记录。" {
			t.Errorf("empty %s: %q, want 暂无记录。", table, got)
		}
	}
	doc := htmltest.Parse(e.do("quiet", "GET", "/institutions/"+id(quiet.ID)+"?tab=people", nil).Body.String())
	for _, table := range []string{"people", "equipment"} {
		if got := htmltest.Text(htmltest.Find(htmltest.Find(doc, "table", "id", table), "td", "class", "empty")); got != "暂无记录。" {
			t.Errorf("institution's empty %s: %q, want 暂无记录。", table, got)
		}
	}
	for _, c := range []struct{ role, target, want string }{
		{"quiet", "/findings", "目前没有待整改的问题。"},
		{"inst", "/findings?severity=notice", "没有符合条件的问题。"},
		{"quiet", "/findings?status=all", "没有符合条件的问题。"},
	} {
		doc := htmltest.Parse(e.do(c.role, "GET", c.target, nil).Body.String())
		if got := htmltest.Text(htmltest.Find(doc, "", "id", "findings-empty")); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.role, c.target, got, c.want)
		}
	}
}

// TestRuleTitleFirst: a findings table names the rule by its title, with
// the ID small beneath it, both in the list and in the counts by rule.
func TestRuleTitleFirst(t *testing.T) {
	e := newEnv(t)
	doc := htmltest.Parse(e.do("supervisor", "GET", "/findings", nil).Body.String())
	f := e.findingOf(e.a.flawed.ID)
	row := htmltest.Find(doc, "tr", "id", "finding-"+id(f.ID))
	if row == nil {
		t.Fatal("no row of the finding")
	}
	cell := htmltest.Find(row, "td", "class", "rule")
	link, small := htmltest.Find(cell, "a", "", ""), htmltest.Find(cell, "small", "class", "rule-id mono")
	if got := htmltest.Text(link); !strings.Contains(got, "验收") {
		t.Errorf("rule link %q, want the rule's title", got)
	}
	if link == nil || strings.Contains(htmltest.Text(link), f.Rule) || htmltest.Text(small) != f.Rule {
		t.Errorf("rule cell %s: want the title linked and the ID %s small", htmltest.Render(cell), f.Rule)
	}
	byRule := htmltest.Find(htmltest.Find(doc, "tr", "id", "rule-"+f.Rule), "td", "class", "rule")
	if htmltest.Text(htmltest.Find(byRule, "small", "class", "rule-id mono")) != f.Rule || strings.Contains(htmltest.Text(htmltest.Find(byRule, "a", "", "")), f.Rule) {
		t.Errorf("count by rule: %s", htmltest.Render(byRule))
	}
}

// TestImportPageOffersExports: 导入导出 offers the exports the user may take,
// and each of them downloads.
func TestImportPageOffersExports(t *testing.T) {
	e := newEnv(t)
	doc := htmltest.Parse(e.do("inst", "GET", "/import", nil).Body.String())
	list := htmltest.Find(doc, "ul", "id", "export-links")
	if list == nil {
		t.Fatal("no exports on the import page")
	}
	var hrefs []string
	for _, a := range htmltest.FindAll(list, "a", "", "") {
		href, _ := htmltest.Attr(a, "href")
		hrefs = append(hrefs, href)
		if w := e.do("inst", "GET", href, nil); w.Code != 200 || !strings.Contains(w.Header().Get("Content-Disposition"), ".xlsx") {
			t.Errorf("%s: %d %q", href, w.Code, w.Header().Get("Content-Disposition"))
		}
	}
	for _, want := range []string{"/export/institutions.xlsx", "/export/people.xlsx", "/export/equipment.xlsx",
		"/export/doses.xlsx", "/export/findings.xlsx"} {
		if !strings.Contains(strings.Join(hrefs, " "), want) {
			t.Errorf("no %s among %q", want, hrefs)
		}
	}
}

// TestPrintedRecordPages: a record page carries a print header (the office,
// who printed it, when) and an institution's page holds every tab's panel,
// the current one marked; the stylesheet's print rules show the header and
// every panel and hide the controls, the 操作 column and link targets.
func TestPrintedRecordPages(t *testing.T) {
	e := newEnvWith(t, web.Config{Office: "郑州市中原区卫生健康监督所"})
	u := e.users["supervisor"]
	for _, target := range []string{"/institutions/" + id(e.a.inst.ID) + "?tab=equipment", "/people/" + id(e.a.person.ID), "/equipment/" + id(e.a.equip.ID)} {
		doc := htmltest.Parse(e.do("supervisor", "GET", target, nil).Body.String())
		header := htmltest.Text(htmltest.Find(doc, "", "id", "print-header"))
		if !strings.Contains(header, "郑州市中原区卫生健康监督所") || !strings.Contains(header, u.DisplayName) ||
			!strings.Contains(header, time.Now().Format("2006-01-02")) {
			t.Errorf("%s: print header %q, want the office, %s and today", target, header, u.DisplayName)
		}
		if cols := htmltest.FindAll(doc, "th", "class", "col-actions"); len(cols) == 0 {
			t.Errorf("%s: no 操作 column marked for print", target)
		}
	}
	doc := htmltest.Parse(e.do("supervisor", "GET", "/institutions/"+id(e.a.inst.ID)+"?tab=equipment", nil).Body.String())
	for _, c := range []struct {
		panel, table string
		current      bool
	}{{"panel-licence", "licences", false}, {"panel-people", "people", false}, {"panel-equipment", "equipment", true}} {
		panel := htmltest.Find(doc, "section", "id", c.panel)
		if panel == nil || htmltest.Find(panel, "table", "id", c.table) == nil {
			t.Errorf("no %s with its table", c.panel)
			continue
		}
		class, _ := htmltest.Attr(panel, "class")
		if strings.Contains(class, "current") != c.current {
			t.Errorf("%s class %q, current %v", c.panel, class, c.current)
		}
	}
	if rows := rowIDs(htmltest.Render(doc), "people"); len(rows) != 1 {
		t.Errorf("people panel rows %q, want the worker", rows)
	}
	if d := "/institutions/" + id(e.a.inst.ID); htmltest.Text(htmltest.Find(e.parse("viewer", d), "", "id", "print-header")) == "" {
		t.Errorf("viewer's page has no print header")
	}

	href, _ := htmltest.Attr(htmltest.Find(doc, "link", "rel", "stylesheet"), "href")
	css := e.do("supervisor", "GET", href, nil).Body.String()
	i := strings.Index(css, "@media print")
	if i < 0 {
		t.Fatal("no print rules in the stylesheet")
	}
	rules := css[i:]
	for _, rule := range []string{".print-header { display: flex !important", ".print-only, .tab-panel { display: block !important",
		".col-actions", ".mainnav", ".tabs", "a[href]::after { content: none !important"} {
		if !strings.Contains(rules, rule) {
			t.Errorf("print rules lack %q", rule)
		}
	}
	if !strings.Contains(css[:i], ".print-header, .print-only { display: none; }") || !strings.Contains(css[:i], ".tab-panel:not(.current) { display: none; }") {
		t.Error("the screen shows the print header or every tab")
	}
}

// parse GETs target as role and parses the page.
func (e *env) parse(role, target string) *html.Node {
	e.t.Helper()
	return htmltest.Parse(e.do(role, "GET", target, nil).Body.String())
}

// TestEmptyListsSayWhy: an unfiltered empty list says there is nothing yet;
// only a filtered one says nothing matches.
func TestEmptyListsSayWhy(t *testing.T) {
	e := newEnv(t)
	var quiet *domain.Institution
	err := e.store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		quiet = storetest.Institution(t, tx)
		e.users["quiet"] = storetest.User(t, tx, domain.RoleInstitution, quiet.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["quiet"] = e.login(e.users["quiet"].Username)
	for _, c := range []struct{ role, target, want string }{
		{"quiet", "/equipment", "暂无记录。"},
		{"quiet", "/people", "暂无记录。"},
		{"quiet", "/equipment?q=没有这种设备", "没有符合条件的记录。"},
		{"supervisor", "/institutions?q=没有这家机构", "没有符合条件的记录。"},
		{"supervisor", "/people?q=没有这个人", "没有符合条件的记录。"},
	} {
		doc := htmltest.Parse(e.do(c.role, "GET", c.target, nil).Body.String())
		if got := htmltest.Text(htmltest.Find(doc, "td", "class", "empty")); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.role, c.target, got, c.want)
		}
	}
}
