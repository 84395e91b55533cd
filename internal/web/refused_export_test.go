package web_test

import (
	"strings"
	"testing"

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
