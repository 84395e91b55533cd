package web_test

import (
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/store/storetest"

	"github.com/xuri/excelize/v2"
)

// TestAuditLog: the auditor filters the log, exports it (audited), and the
// verification names an event altered in the database.
func TestAuditLog(t *testing.T) {
	e := newEnv(t)
	sup := e.users["supervisor"].Username
	e.do("supervisor", "GET", "/nosuchpage", nil)
	e.do("viewer", "GET", "/import", nil) // a denial
	page := e.do("auditor", "GET", "/audit?action=denied", nil).Body.String()
	if !strings.Contains(page, "/import") || !strings.Contains(page, e.users["viewer"].Username) {
		t.Errorf("the denial is not listed:\n%s", excerpt(page))
	}
	page = e.do("auditor", "GET", "/audit?user="+sup+"&action=login", nil).Body.String()
	for _, r := range rowIDs(page, "audit") {
		if c := cells(page, r); c[2] != sup || c[4] != "登录" {
			t.Errorf("filtered row %q", c)
		}
	}
	if w := e.do("auditor", "GET", "/audit?from=2026-13-01", nil); w.Code != 200 || !strings.Contains(w.Body.String(), "field-error") {
		t.Errorf("a bad date: %d", w.Code)
	}

	w := e.do("auditor", "GET", "/audit/export.xlsx?action=login", nil)
	if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Disposition"), "audit-") {
		t.Fatalf("export: %d %v", w.Code, w.Header())
	}
	path := t.TempDir() + "/audit.xlsx"
	writeFile(t, path, w.Body.Bytes())
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("审计日志")
	f.Close()
	if err != nil || len(rows) < 2 || rows[0][4] != "操作" {
		t.Fatalf("exported rows %v, %v", rows, err)
	}
	for _, row := range rows[1:] {
		if row[4] != "login" {
			t.Errorf("exported row %q is not a login", row)
		}
	}
	if exports := storetest.Count(t, e.store, "audit_events WHERE action = 'export' AND entity = 'audit'"); exports != 1 {
		t.Errorf("%d audit exports recorded, want 1", exports)
	}

	if p := e.do("auditor", "GET", "/audit?verify=1", nil).Body.String(); !strings.Contains(p, "审计链完整") {
		t.Fatalf("whole chain not reported:\n%s", excerpt(p))
	}
	storetest.Exec(t, e.store, "UPDATE audit_events SET username = 'someone' WHERE id = 3")
	if p := e.do("auditor", "GET", "/audit?verify=1", nil).Body.String(); !strings.Contains(p, "审计链在第 3 条事件处断开") {
		t.Errorf("tampering not reported:\n%s", excerpt(p))
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRevealIsAudited: the whole ID number is shown on request, and the
// request is recorded.
func TestRevealIsAudited(t *testing.T) {
	e := newEnv(t)
	w := e.do("supervisor", "POST", "/people/"+id(e.a.person.ID)+"/reveal", url.Values{})
	if w.Code != 200 || !strings.Contains(w.Body.String(), e.a.person.IDNumber) {
		t.Fatalf("reveal: %d", w.Code)
	}
	n := storetest.Count(t, e.store, "audit_events WHERE action = 'reveal' AND entity = 'person' AND entity_id = ? AND username = ?",
		e.a.person.ID, e.users["supervisor"].Username)
	if n != 1 {
		t.Errorf("%d reveal events, want 1", n)
	}
	if w := e.do("viewer", "POST", "/people/"+id(e.a.person.ID)+"/reveal", url.Values{}); w.Code != 403 {
		t.Errorf("a viewer's reveal: %d", w.Code)
	}
}

// TestAuditLogMasksPersonalData: the auditor, who sees no business data,
// reads record changes with ID and phone numbers masked and without birth
// dates, names of the people concerned or health data, on the page and in
// the export; the chain still verifies over the stored events.
func TestAuditLogMasksPersonalData(t *testing.T) {
	e := newEnv(t)
	p, exam, dose := e.a.person, e.a.exam, e.a.dose
	secrets := []string{p.IDNumber, p.BirthDate.String(), p.Name, `"conclusion":"` + exam.Conclusion + `"`,
		`"hp10":"` + dose.Hp10.String() + `"`, e.a.inst.Phone}
	for _, path := range []string{"/audit?entity=person", "/audit?entity=exam", "/audit?entity=dose", "/audit?entity=institution"} {
		page := e.do("auditor", "GET", path, nil).Body.String()
		if len(rowIDs(page, "audit")) == 0 {
			t.Fatalf("%s lists no events", path)
		}
		read := text(page)
		for _, secret := range secrets {
			if secret != "" && strings.Contains(read, secret) {
				t.Errorf("%s shows %q to the auditor", path, secret)
			}
		}
	}
	w := e.do("auditor", "GET", "/audit/export.xlsx", nil)
	path := t.TempDir() + "/audit.xlsx"
	writeFile(t, path, w.Body.Bytes())
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("审计日志")
	f.Close()
	all := fmt.Sprint(rows)
	for _, secret := range secrets {
		if secret != "" && strings.Contains(all, secret) {
			t.Errorf("the export shows %q to the auditor", secret)
		}
	}
	if page := e.do("auditor", "GET", "/audit?verify=1", nil).Body.String(); !strings.Contains(page, "审计链完整") {
		t.Errorf("the chain does not verify:\n%s", excerpt(page))
	}
}

// TestAuditLogInWords: the log names each action in the reader's language
// (会话续期, not session_renewed) and the record an event is about by its
// name (机构 郑州…医院, not institution #31).
func TestAuditLogInWords(t *testing.T) {
	e := newEnv(t)
	page := e.do("auditor", "GET", "/audit?entity=institution", nil).Body.String()
	rows := rowIDs(page, "audit")
	if len(rows) == 0 {
		t.Fatalf("no institution events:\n%s", excerpt(page))
	}
	named := false
	for _, r := range rows {
		c := cells(page, r)
		if slices.Contains(domain.AuditActions, c[4]) {
			t.Errorf("action shown as its code: %q", c)
		}
		if strings.Contains(c[5], "institution") || strings.Contains(c[5], "#") {
			t.Errorf("institution shown by number: %q", c)
		}
		named = named || c[5] == "机构 "+e.a.inst.Name
	}
	if !named {
		t.Errorf("institution %q not named in the log:\n%s", e.a.inst.Name, excerpt(page))
	}
	page = e.do("auditor", "GET", "/audit?action=login&lang=en", nil).Body.String()
	for _, r := range rowIDs(page, "audit") {
		if c := cells(page, r); c[4] != "登录" && c[4] != "Log in" {
			t.Errorf("login shown as %q", c[4])
		}
	}
}
