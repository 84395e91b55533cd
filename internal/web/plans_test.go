package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// TestDrawOnThePage: a wrong seed is refused with the reason and writes
// nothing; the right one freezes the draw, which the page shows with the
// team's display names and as verified; the public page, in HTML and
// JSON, shows the seed and the drawn institutions but no inspector.
func TestDrawOnThePage(t *testing.T) {
	e := newEnv(t)
	var names []string
	err := e.store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		for i := range 2 {
			u := storetest.User(t, tx, domain.RoleSupervisor, 0, func(u *domain.User) { u.DisplayName = []string{"王监督", "李监督"}[i] })
			names = append(names, u.Username)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		u, _ := e.auth.UserByName(context.Background(), e.admin(), n)
		w := e.do("supervisor", "POST", "/inspectors/"+id(u.ID), url.Values{"cert_no": {"豫卫执" + n}, "active": {"1"}, "version": {"0"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("inspector %s: %d %s", n, w.Code, excerpt(w.Body.String()))
		}
	}
	// The env's own two inspectors step aside: the team is then the two above.
	for _, u := range []*domain.User{e.users["supervisor"], e.partner} {
		w := e.do("supervisor", "POST", "/inspectors/"+id(u.ID), url.Values{"cert_no": {"豫卫执 0009"}, "version": {"1"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("inspector %s inactive: %d %s", u.Username, w.Code, excerpt(w.Body.String()))
		}
	}
	path := "/plans/" + id(e.plan.ID)
	before := e.count("audit_events")
	w := e.do("supervisor", "POST", path+"/draw", url.Values{"seed": {planSeed + "x"}, "version": {"1"}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "与承诺值不一致") {
		t.Fatalf("wrong seed: %d %s", w.Code, excerpt(w.Body.String()))
	}
	if n := e.count("plan_units"); n != 0 || e.count("audit_events") != before {
		t.Fatalf("a refused draw wrote %d units", n)
	}
	if w := e.do("supervisor", "POST", path+"/draw", url.Values{"seed": {planSeed}, "version": {"1"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("draw: %d %s", w.Code, excerpt(w.Body.String()))
	}
	body := e.do("supervisor", "GET", path, nil).Body.String()
	for _, want := range []string{`id="unit-1"`, `id="verified" class="ok"`, "王监督", "李监督", planSeed} {
		if !strings.Contains(body, want) {
			t.Errorf("plan page lacks %q", want)
		}
	}
	if strings.Contains(body, `action="`+path+`/draw"`) {
		t.Error("a drawn plan still offers to draw")
	}
	if w := e.do("supervisor", "POST", path+"/draw", url.Values{"seed": {planSeed}, "version": {"2"}}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("second draw: %d", w.Code)
	}

	// The public page, without login.
	r := httptest.NewRequest("GET", "/public", nil)
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, r)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), planSeed) {
		t.Fatalf("public page: %d %s", rec.Code, excerpt(rec.Body.String()))
	}
	r = httptest.NewRequest("GET", "/public", nil)
	r.Header.Set("Accept", "application/json")
	rec = httptest.NewRecorder()
	e.h.ServeHTTP(rec, r)
	var got struct {
		Plans []struct {
			Seed  string `json:"seed"`
			Pool  int    `json:"pool"`
			Drawn []struct {
				CreditCode string `json:"credit_code"`
			} `json:"drawn"`
		} `json:"plans"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("public JSON: %v %s", err, rec.Body.String())
	}
	if len(got.Plans) != 1 || got.Plans[0].Seed != planSeed || got.Plans[0].Pool != 2 || len(got.Plans[0].Drawn) != 1 {
		t.Errorf("public JSON = %+v", got)
	}
	for _, n := range append(names, "王监督", "豫卫执") {
		if strings.Contains(rec.Body.String(), n) {
			t.Errorf("public JSON names an inspector: %q", n)
		}
	}
}
