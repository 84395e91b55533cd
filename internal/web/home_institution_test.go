package web_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/htmltest"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// dueLinks returns the links of the due list's rows.
func dueLinks(t *testing.T, body string) []string {
	t.Helper()
	table, ok := startTag(body, "table", "id", "due-list")
	if !ok {
		t.Fatalf("no due list:\n%s", body)
	}
	var out []string
	for _, a := range htmltest.FindAll(table, "a", "", "") {
		out = append(out, attrOf(a, "href"))
	}
	return out
}

// TestInstitutionHome: an institution user's home lists its own deadlines
// within the chosen window, with a link to the record to update, never
// another institution's; its counts and dose figures; the supervisor's home
// has none of it.
func TestInstitutionHome(t *testing.T) {
	e := newEnv(t)
	today := domain.DateOf(time.Now())
	type filed struct{ equip, worker int64 }
	var a, b filed
	err := e.store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		for _, x := range []struct {
			f    *filed
			inst int64
		}{{&a, e.a.inst.ID}, {&b, e.b.inst.ID}} {
			// A status test due in 10 days; a worker whose training falls
			// due in 20 days and whose exam in 45.
			x.f.equip = storetest.Equipment(t, tx, x.inst).ID
			storetest.Test(t, tx, x.f.equip, func(t *domain.EquipmentTest) { t.TestedOn = today.AddDate(-1, 0, 10) })
			x.f.worker = storetest.Person(t, tx).ID
			storetest.Employment(t, tx, x.f.worker, x.inst)
			storetest.Training(t, tx, x.f.worker, func(t *domain.Training) { t.TakenOn = today.AddDate(-2, 0, 20) })
			storetest.Exam(t, tx, x.f.worker, func(t *domain.Exam) { t.ExaminedOn = today.AddDate(-2, 0, 45) })
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	equipURL, workerURL := "/equipment/"+id(a.equip), "/people/"+id(a.worker)
	others := []string{"/equipment/" + id(b.equip), "/people/" + id(b.worker), "/people/" + id(e.b.person.ID),
		"/equipment/" + id(e.b.equip.ID), "/equipment/" + id(e.b.flawed.ID), "/institutions/" + id(e.b.inst.ID) + "?tab=licence"}
	for _, c := range []struct {
		target string
		want   []string
	}{
		{"/", []string{equipURL, workerURL}},
		{"/?days=30", []string{equipURL, workerURL}},
		{"/?days=45", []string{equipURL, workerURL}}, // not offered: 30
		{"/?days=60", []string{equipURL, workerURL, workerURL}},
		{"/?days=90", []string{equipURL, workerURL, workerURL}},
	} {
		w := e.do("inst", http.MethodGet, c.target, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d", c.target, w.Code)
		}
		body := w.Body.String()
		// The fixture's dose records end on a day within the last year:
		// only what this test filed is compared.
		var got []string
		for _, link := range dueLinks(t, body) {
			if slices.Contains(others, link) {
				t.Errorf("%s: another institution's record %s", c.target, link)
			}
			if link == equipURL || link == workerURL {
				got = append(got, link)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: due links %q, want %q", c.target, got, c.want)
		}
	}
	body := e.do("inst", http.MethodGet, "/?days=60", nil).Body.String()
	nav, _ := startTag(body, "nav", "class", "due-windows")
	if cur := htmltest.Find(nav, "a", "aria-current", "page"); cur == nil || !strings.Contains(htmltest.Text(cur), "60") {
		t.Errorf("the chosen window: %v", cur)
	}
	if tr, ok := startTag(body, "tr", "class", "due-status_test"); !ok {
		t.Error("no status test row")
	} else if got := htmltest.Text(tr); !strings.Contains(got, today.AddDate(0, 0, 10).String()) || !strings.Contains(got, "10 天") ||
		!strings.Contains(got, "设备状态检测") {
		t.Errorf("status test row: %q", got)
	}
	for _, days := range []string{"30", "60", "90"} {
		if _, ok := startTag(body, "a", "href", "/?days="+days+"#due"); !ok {
			t.Errorf("no link to the %s-day window", days)
		}
	}
	for _, x := range []struct{ id, want string }{{"inst-workers", "2"}, {"inst-equipment", "3"}} {
		if v, _ := element(body, "li", "id", x.id); !strings.HasPrefix(strings.TrimSpace(text(v)), x.want+" ") {
			t.Errorf("%s: %q, want %s", x.id, text(v), x.want)
		}
	}
	for _, y := range []int{today.Year(), today.Year() - 1} {
		if _, ok := startTag(body, "tr", "id", "inst-dose-"+id(int64(y))); !ok {
			t.Errorf("no dose figures for %d", y)
		}
	}
	if _, ok := startTag(body, "a", "href", "/stats/dose?year="+id(int64(today.Year()))); !ok {
		t.Error("no link to the dose statistics")
	}

	// The supervisor's home is as it was.
	sup := e.do("supervisor", http.MethodGet, "/?days=60", nil).Body.String()
	if _, ok := startTag(sup, "section", "id", "inst-home"); ok {
		t.Error("the supervisor's home shows an institution's deadlines")
	}
}
