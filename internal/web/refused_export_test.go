package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"radsup/internal/domain"
	"radsup/internal/store/storetest"
)

// TestRefusedExportIsAnErrorPage: an export the user may not have is a 403
// page, audited as a denial, not an empty workbook.
func TestRefusedExportIsAnErrorPage(t *testing.T) {
	e := newEnv(t)
	for _, file := range []string{"doses.xlsx", "exams.xlsx"} {
		w := e.do("viewer", "GET", "/export/"+file, nil)
		if w.Code != 403 || strings.Contains(w.Header().Get("Content-Disposition"), "attachment") ||
			!strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			t.Errorf("viewer %s: %d %v", file, w.Code, w.Header())
		}
		if w := e.do("supervisor", "GET", "/export/"+file, nil); w.Code != 200 || !strings.Contains(w.Header().Get("Content-Disposition"), file[:4]) {
			t.Errorf("supervisor %s: %d %v", file, w.Code, w.Header())
		}
	}
	denied := storetest.Count(t, e.store, `audit_events WHERE action = 'denied' AND username = ? AND after_json LIKE ?`,
		e.users["viewer"].Username, "%/export/%")
	if denied != 2 {
		t.Errorf("%d denials audited, want 2", denied)
	}
}

// TestWholeIDExportNeedsAPurpose: the people export masks ID numbers; the
// list offers whole numbers, with a purpose, only to who may reveal them.
func TestWholeIDExportNeedsAPurpose(t *testing.T) {
	e := newEnv(t)
	whole := e.a.person.IDNumber
	cells := func(path string) string {
		f, err := excelize.OpenReader(e.do("supervisor", "GET", path, nil).Body)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(rows)
	}
	if got := cells("/export/people.xlsx"); strings.Contains(got, whole) || !strings.Contains(got, domain.MaskIDNumber(whole)) {
		t.Errorf("the default export holds a whole ID number, or no masked one: %s", got)
	}
	if got := cells("/export/people.xlsx?whole=1&purpose=%E6%A0%B8%E6%9F%A5"); !strings.Contains(got, whole) {
		t.Errorf("the whole export lacks the whole ID number: %s", got)
	}
	if _, ok := startTag(e.do("supervisor", "GET", "/people", nil).Body.String(), "input", "name", "purpose"); !ok {
		t.Error("the supervisor's people list offers no whole export with a purpose")
	}
	if _, ok := startTag(e.do("viewer", "GET", "/people", nil).Body.String(), "input", "name", "purpose"); ok {
		t.Error("the viewer's people list offers a whole export")
	}
	if w := e.do("supervisor", "GET", "/export/people.xlsx?whole=1&purpose=", nil); w.Code != 400 {
		t.Errorf("a whole export without a purpose: %d", w.Code)
	}
	if w := e.do("viewer", "GET", "/export/people.xlsx?whole=1&purpose=%E6%A0%B8%E6%9F%A5", nil); w.Code != 403 {
		t.Errorf("a viewer's whole export: %d", w.Code)
	}
	if w := e.do("supervisor", "GET", "/export/people.xlsx?whole=1&purpose=%E6%A0%B8%E6%9F%A5", nil); w.Code != 200 {
		t.Errorf("a whole export with a purpose: %d", w.Code)
	}
}
