package web_test

import (
	"context"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/htmltest"
	"radsup/internal/screening"
	"radsup/internal/store"
)

// TestViewerSeesNoBirthDate: a viewer sees ID numbers masked, so the birth
// date beside them would give away the hidden digits; the person page and
// the people list show it to supervisors only.
func TestViewerSeesNoBirthDate(t *testing.T) {
	e := newEnv(t)
	p := e.a.person
	birth := p.BirthDate.String()
	if p.BirthDate.IsZero() {
		t.Fatal("the fixture person has no birth date")
	}
	for _, path := range []string{"/people/" + id(p.ID), "/people?q=" + p.Name} {
		if body := e.do("supervisor", "GET", path, nil).Body.String(); !strings.Contains(body, birth) {
			t.Errorf("supervisor %s: no birth date %s", path, birth)
		}
		if body := e.do("viewer", "GET", path, nil).Body.String(); strings.Contains(body, birth) {
			t.Errorf("viewer %s shows the birth date %s beside the masked ID number", path, birth)
		}
	}
}

// TestControlCharactersInSearch: a NUL or another control character in a
// search matches nothing, on both databases, instead of failing the page.
func TestControlCharactersInSearch(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/people?q=%00", "/institutions?q=a%00b", "/equipment?q=%1b", "/findings?rule=%00"} {
		if w := e.do("supervisor", "GET", path, nil); w.Code != 200 {
			t.Errorf("%s: %d", path, w.Code)
		}
	}
}

// TestViewerSeesPersonFindings: a viewer sees the findings about people
// that do not come from health data (training, permit …), and is told how
// many it may not see, instead of silently missing every finding about
// people.
func TestViewerSeesPersonFindings(t *testing.T) {
	e := newEnv(t)
	all, err := e.svc.List(context.Background(), e.users["supervisor"], store.FindingFilter{Status: domain.FindingOpen})
	if err != nil {
		t.Fatal(err)
	}
	var person, health string
	for _, f := range all.Findings {
		r, _ := screening.RuleByID(f.Rule)
		switch {
		case r.Subject == screening.SubjectPerson && r.Health:
			health = f.Rule
		case r.Subject == screening.SubjectPerson:
			person = f.Rule
		}
	}
	if person == "" || health == "" {
		t.Fatalf("the fixture lacks a person finding of each kind: %v", all.Findings)
	}
	page := e.do("viewer", "GET", "/findings?rule="+person, nil).Body.String()
	if rows := rowIDs(page, "findings"); len(rows) == 0 {
		t.Errorf("the viewer's list of %s is empty", person)
	}
	if rows := rowIDs(e.do("supervisor", "GET", "/findings?rule="+health, nil).Body.String(), "findings"); len(rows) == 0 {
		t.Fatalf("the supervisor's list of %s is empty", health)
	}
	page = e.do("viewer", "GET", "/findings?rule="+health, nil).Body.String()
	if rows := rowIDs(page, "findings"); len(rows) != 0 || fieldText(page, "findings-hidden") == "" {
		t.Errorf("the viewer's list of %s shows %d rows, or does not say findings are hidden", health, len(rows))
	}
	if home := e.do("viewer", "GET", "/", nil).Body.String(); fieldText(home, "findings-hidden") == "" {
		t.Errorf("the viewer's home does not say findings are hidden")
	}
}

// fieldText returns the text of the element with the id.
func fieldText(body, id string) string {
	return htmltest.Text(htmltest.Find(htmltest.Parse(body), "", "id", id))
}
