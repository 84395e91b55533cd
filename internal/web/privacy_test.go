package web_test

import (
	"strings"
	"testing"
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
