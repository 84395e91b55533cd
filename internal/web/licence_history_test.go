package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/htmltest"
	"radsup/internal/store"
)

// TestLicenceCheckFormProposesNextDue: the 校验 form on the licence's
// history page comes with today as the check date and the next due date
// the institution's 校验期 gives: one year for a hospital with 99 beds,
// three once it has 100 (《医疗机构管理条例实施细则》第三十五条); the field
// stays an ordinary date field the supervisor may change.
func TestLicenceCheckFormProposesNextDue(t *testing.T) {
	e := newEnv(t)
	target := "/licences/" + id(e.a.licence.ID) + "/history"
	today := domain.DateOf(time.Now())
	for _, c := range []struct {
		beds  int
		years int
	}{{99, 1}, {100, 3}} {
		err := e.store.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
			inst, err := store.Find(tx, store.Institutions, domain.Scope{}, e.a.inst.ID)
			if err != nil {
				return err
			}
			beds := c.beds
			inst.Beds = &beds
			return store.Update(tx, store.Institutions, domain.Scope{}, inst)
		})
		if err != nil {
			t.Fatal(err)
		}
		body := e.do("supervisor", "GET", target, nil).Body.String()
		due, ok := startTag(body, "input", "name", "next_due")
		if !ok {
			t.Fatalf("%d beds: no next_due field: %s", c.beds, excerpt(body))
		}
		want := today.AddDate(c.years, 0, 0).String()
		if got := attrOf(due, "value"); got != want || attrOf(due, "data-years") != id(int64(c.years)) || attrOf(due, "readonly") != "" {
			t.Errorf("%d beds: next_due %q (years %q), want %s", c.beds, got, attrOf(due, "data-years"), want)
		}
		if on, _ := inputValue(body, "on"); on != today.String() {
			t.Errorf("%d beds: check date %q, want today", c.beds, on)
		}
		if hint, ok := startTag(body, "p", "id", "proposed-next-due"); !ok || !strings.Contains(htmltest.Text(hint), "第三十五条") {
			t.Errorf("%d beds: the proposal does not say its basis", c.beds)
		}
	}
}
