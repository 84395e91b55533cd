package api_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// finding is a finding as the API answers it (the fields the tests read).
type finding struct {
	ID            int64  `json:"id"`
	Rule          string `json:"rule"`
	Severity      string `json:"severity"`
	SubjectType   string `json:"subject_type"`
	SubjectID     int64  `json:"subject_id"`
	InstitutionID int64  `json:"institution_id"`
	Status        string `json:"status"`
	Version       int    `json:"version"`
	DismissedBy   string `json:"dismissed_by"`
	DismissReason string `json:"dismiss_reason"`
}

// findingPage is the body of GET /api/v1/findings.
type findingPage struct {
	Items      []finding      `json:"items"`
	Total      int            `json:"total"`
	Limit      int            `json:"limit"`
	Offset     int            `json:"offset"`
	ByRule     map[string]int `json:"by_rule"`
	BySeverity map[string]int `json:"by_severity"`
}

// screened is an env whose data breaks rules of every severity and subject
// type, screened as of today, with findings of every status.
type screened struct {
	*env
	c       int64            // institution C, in another street, without licence
	streets map[int64]string // institution id → street
	// The subjects built to break a rule.
	overdue, dueSoon, highDose int64
}

const otherStreet = domain.DefaultDivision + "002"

func newScreened(t *testing.T) *screened {
	t.Helper()
	e := &screened{env: newEnv(t)}
	today := domain.DateOf(time.Now())
	ctx := context.Background()
	err := e.store.WithTx(ctx, domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		// A: a device whose status test is a year overdue, one whose test
		// is due in two weeks (both with a current protection test).
		for _, d := range []struct {
			id   *int64
			days int
		}{{&e.overdue, 730}, {&e.dueSoon, 351}} {
			eq := storetest.Equipment(t, tx, e.a["institutions"])
			storetest.Test(t, tx, eq.ID, func(x *domain.EquipmentTest) {
				x.Kind, x.TestedOn = "acceptance", today.AddDate(0, 0, -d.days)
			})
			storetest.Test(t, tx, eq.ID, func(x *domain.EquipmentTest) { x.Kind = "protection" })
			*d.id = eq.ID
		}
		// B: a worker with 60 mSv in one quarter.
		p := storetest.Person(t, tx)
		storetest.Employment(t, tx, p.ID, e.b["institutions"])
		storetest.Dose(t, tx, p.ID, e.b["institutions"], func(x *domain.DoseRecord) { x.Hp10 = domain.MicroSv(60000) })
		e.highDose = p.ID
		// C: a device in use without a licence, in another street.
		c := storetest.Institution(t, tx, func(x *domain.Institution) { x.Street = otherStreet })
		storetest.Equipment(t, tx, c.ID)
		e.c = c.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.findings.RunFull(ctx, today); err != nil {
		t.Fatal(err)
	}
	e.streets = map[int64]string{e.a["institutions"]: domain.DefaultDivision + "001",
		e.b["institutions"]: domain.DefaultDivision + "001", e.c: otherStreet}
	// A passed acceptance test filed through the API re-screens A's first
	// device: its EQP-ACCEPTANCE-MISSING is resolved.
	r := e.do(supervisor, "POST", "/api/v1/tests", map[string]any{"equipment_id": e.a["equipment"], "kind": "acceptance",
		"tested_on": today.AddDate(0, 0, -10).String(), "result": "pass"})
	if r.status != http.StatusCreated {
		t.Fatalf("file acceptance test: %d %s", r.status, r.body)
	}
	return e
}

// page lists findings as caller with the query, failing on an error.
func (e *env) page(caller, query string) findingPage {
	e.t.Helper()
	r := e.do(caller, "GET", "/api/v1/findings?"+query, nil)
	if r.status != http.StatusOK {
		e.t.Fatalf("findings?%s as %s: %d %s", query, caller, r.status, r.body)
	}
	var p findingPage
	if err := json.Unmarshal(r.body, &p); err != nil || p.Items == nil || p.ByRule == nil || p.BySeverity == nil {
		e.t.Fatalf("findings?%s: %v %s", query, err, r.body)
	}
	return p
}

// finding reads one finding as a supervisor.
func (e *env) finding(id int64) finding {
	e.t.Helper()
	r := e.do(supervisor, "GET", path("findings", id), nil)
	if r.status != http.StatusOK {
		e.t.Fatalf("finding %d: %d %s", id, r.status, r.body)
	}
	var f finding
	if err := json.Unmarshal(r.body, &f); err != nil {
		e.t.Fatal(err)
	}
	return f
}

// pick returns an open finding of an institution (any when 0), as a supervisor sees it.
func (e *env) pick(institutionID int64, rule string) finding {
	e.t.Helper()
	q := url.Values{"status": {"open"}, "rule": {rule}}
	if institutionID != 0 {
		q.Set("institution_id", strconv.FormatInt(institutionID, 10))
	}
	p := e.page(supervisor, q.Encode())
	if len(p.Items) == 0 {
		e.t.Fatalf("no open finding for %s", q.Encode())
	}
	return p.Items[0]
}

// matches reports whether f meets the filters of q (an empty value does not
// filter), except the one named skip.
func (e *screened) matches(f finding, q url.Values, skip string) bool {
	for key := range q {
		v := q.Get(key)
		if v == "" {
			continue
		}
		ok := true
		switch key {
		case "rule":
			ok = f.Rule == v || skip == "rule"
		case "severity":
			ok = f.Severity == v || skip == "severity"
		case "status":
			ok = f.Status == v || v == "all"
		case "institution_id":
			ok = strconv.FormatInt(f.InstitutionID, 10) == v
		case "street":
			ok = e.streets[f.InstitutionID] == v
		case "subject_type":
			ok = f.SubjectType == v
		case "subject_id":
			ok = strconv.FormatInt(f.SubjectID, 10) == v
		}
		if !ok {
			return false
		}
	}
	return true
}

// TestFindingsList filters the list on each parameter and on several
// together; the counts by rule and by severity ignore their own filter.
func TestFindingsList(t *testing.T) {
	e := newScreened(t)
	b := e.pick(e.b["institutions"], screening.PerDoseAnnualLimit)
	if r := e.do(supervisor, "POST", path("findings", b.ID, "dismiss"), map[string]any{"version": b.Version, "reason": "剂量计放在机房内，非本人受照"}); r.status != 200 {
		t.Fatalf("dismiss: %d %s", r.status, r.body)
	}
	all := e.page(supervisor, "limit=500").Items
	want := func(rule string, subjectID int64, status string) {
		t.Helper()
		if !slices.ContainsFunc(all, func(f finding) bool { return f.Rule == rule && f.SubjectID == subjectID && f.Status == status }) {
			t.Errorf("no %s finding %s of subject %d in %+v", status, rule, subjectID, all)
		}
	}
	want(screening.EqpStatusOverdue, e.overdue, "open")
	want(screening.EqpStatusDueSoon, e.dueSoon, "open")
	want(screening.PerDoseAnnualLimit, e.highDose, "dismissed")
	want(screening.PerDoseInvestigate, e.highDose, "open")
	want(screening.InsLicenceMissing, e.c, "open")
	want(screening.EqpAcceptanceMissing, e.a["equipment"], "resolved")

	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	for _, query := range []string{
		"", "rule=EQP-STATUS-OVERDUE", "rule=PER-DOSE-INVESTIGATE",
		"severity=violation", "severity=warning", "severity=notice",
		"status=open", "status=resolved", "status=dismissed",
		"institution_id=" + id(e.a["institutions"]), "institution_id=" + id(e.c),
		"street=" + otherStreet, "street=" + domain.DefaultDivision + "001",
		"subject_type=institution", "subject_type=equipment", "subject_type=person",
		"subject_type=equipment&subject_id=" + id(e.overdue), "subject_id=" + id(e.highDose),
		"institution_id=" + id(e.a["institutions"]) + "&severity=violation&status=open",
		"street=" + otherStreet + "&rule=INS-LICENCE-MISSING", "severity=notice&status=resolved",
		"rule=&severity=&status=", // empty values do not filter
		"status=all",
	} {
		q, _ := url.ParseQuery(query)
		p := e.page(supervisor, query+"&limit=500")
		var ids, wantIDs []int64
		byRule, bySeverity := map[string]int{}, map[string]int{}
		for _, f := range all {
			if e.matches(f, q, "") {
				wantIDs = append(wantIDs, f.ID)
			}
			if e.matches(f, q, "rule") {
				byRule[f.Rule]++
			}
			if e.matches(f, q, "severity") {
				bySeverity[f.Severity]++
			}
		}
		for _, f := range p.Items {
			ids = append(ids, f.ID)
		}
		if !slices.Equal(ids, wantIDs) || p.Total != len(wantIDs) {
			t.Errorf("%s: ids %v (total %d), want %v", query, ids, p.Total, wantIDs)
		}
		if !maps.Equal(p.ByRule, byRule) || !maps.Equal(p.BySeverity, bySeverity) {
			t.Errorf("%s: by_rule %v by_severity %v, want %v %v", query, p.ByRule, p.BySeverity, byRule, bySeverity)
		}
		switch query {
		case "", "rule=&severity=&status=", "status=all":
		case "severity=notice&status=resolved":
			if len(wantIDs) != 0 {
				t.Errorf("%s: the test data has such findings", query)
			}
		default: // the test data has findings on either side of each filter
			if len(wantIDs) == 0 || len(wantIDs) == len(all) {
				t.Errorf("%s: %d of %d findings match: the test data does not try the filter", query, len(wantIDs), len(all))
			}
		}
	}

	// Every severity, status and subject type occurs; the list is most
	// serious first.
	for _, v := range []string{"violation", "warning", "notice"} {
		if !slices.ContainsFunc(all, func(f finding) bool { return f.Severity == v }) {
			t.Errorf("no %s in the test data", v)
		}
	}
	if !slices.IsSortedFunc(all, func(x, y finding) int { return rank(x.Severity) - rank(y.Severity) }) {
		t.Errorf("not most serious first: %+v", all)
	}

	// Paging: the default page, a later page, a capped limit.
	if p := e.page(supervisor, ""); p.Limit != 50 || p.Offset != 0 || p.Total != len(all) {
		t.Errorf("default page: limit %d offset %d total %d", p.Limit, p.Offset, p.Total)
	}
	p := e.page(supervisor, "limit=2&offset=1")
	if len(p.Items) != 2 || p.Items[0].ID != all[1].ID || p.Items[1].ID != all[2].ID || p.Total != len(all) || p.Limit != 2 || p.Offset != 1 {
		t.Errorf("page 2 of 2: %+v", p)
	}
	if p := e.page(supervisor, "limit=100000"); p.Limit != 500 {
		t.Errorf("limit not capped: %d", p.Limit)
	}
}

func rank(s string) int { return slices.Index([]string{"violation", "warning", "notice"}, s) }

// TestFindingsBadQuery refuses unknown parameters and bad values with a
// field error each, in one answer.
func TestFindingsBadQuery(t *testing.T) {
	e := newEnv(t)
	for query, fields := range map[string]map[string]string{
		"rule=EQP-NOPE":               {"rule": "enum"},
		"rule=eqp-status-overdue":     {"rule": "enum"},
		"severity=违法":                 {"severity": "enum"},
		"status=closed":               {"status": "enum"},
		"subject_type=licence":        {"subject_type": "enum"},
		"institution_id=abc":          {"institution_id": "integer"},
		"subject_id=0":                {"subject_id": "integer"},
		"street=410102":               {"street": "invalid"},
		"street=41010200x":            {"street": "invalid"},
		"limit=0&offset=-1":           {"limit": "not_positive", "offset": "negative"},
		"retired=true&q=x":            {"retired": "unknown_field", "q": "unknown_field"},
		"Rule=PER-UNDERAGE&severity=": {"Rule": "unknown_field"},
	} {
		r := e.do(supervisor, "GET", "/api/v1/findings?"+query, nil)
		got := r.err(t)
		if r.status != 400 || got.Code != "EINVALID" || !maps.Equal(got.FieldCodes, fields) {
			t.Errorf("%s: %d %+v, want fields %v", query, r.status, got, fields)
		}
		for f := range fields {
			if got.Fields[f] == "" {
				t.Errorf("%s: no message for %s", query, f)
			}
		}
	}
}

// TestFindingsScope shows an institution user its own findings only; another
// institution's finding is unknown to it, and it may dismiss none.
func TestFindingsScope(t *testing.T) {
	e := newScreened(t)
	a, b := e.a["institutions"], e.b["institutions"]
	all := e.page(supervisor, "limit=500")
	own := e.page(instA, "limit=500")
	if len(own.Items) == 0 || own.Total != len(own.Items) {
		t.Fatalf("institution user's list: %+v", own)
	}
	for _, f := range own.Items {
		if f.InstitutionID != a {
			t.Errorf("institution user sees finding %d of institution %d", f.ID, f.InstitutionID)
		}
	}
	if want := e.page(supervisor, "limit=500&institution_id="+strconv.FormatInt(a, 10)); !slices.Equal(own.Items, want.Items) ||
		!maps.Equal(own.ByRule, want.ByRule) || !maps.Equal(own.BySeverity, want.BySeverity) {
		t.Errorf("institution user's list %+v, want A's %+v", own, want)
	}
	if len(own.Items) == len(all.Items) {
		t.Error("the test data has no finding outside A")
	}
	if p := e.page(instA, "institution_id="+strconv.FormatInt(b, 10)); len(p.Items) != 0 || p.Total != 0 || len(p.ByRule) != 0 {
		t.Errorf("institution user filtering on B: %+v", p)
	}

	mine, theirs := e.pick(a, ""), e.pick(b, "")
	if r := e.do(instA, "GET", path("findings", mine.ID), nil); r.status != 200 {
		t.Errorf("own finding: %d %s", r.status, r.body)
	}
	for _, c := range []struct {
		method, path string
		body         any
		status       int
		f            finding
	}{
		{"GET", path("findings", theirs.ID), nil, 404, theirs},
		{"POST", path("findings", theirs.ID, "dismiss"), map[string]any{"version": theirs.Version, "reason": "不成立"}, 403, theirs},
		{"POST", path("findings", mine.ID, "dismiss"), map[string]any{"version": mine.Version, "reason": "不成立"}, 403, mine},
	} {
		r := e.do(instA, c.method, c.path, c.body)
		if r.status != c.status {
			t.Fatalf("%s %s: %d %s", c.method, c.path, r.status, r.body)
		}
		checkError(t, r, c.status)
		if after := e.finding(c.f.ID); after != c.f {
			t.Errorf("%s %s changed the finding: %+v → %+v", c.method, c.path, c.f, after)
		}
	}
}

// TestFindingDismiss dismisses a finding as a supervisor, audited, after
// refusing bad bodies and a stale version; a finding not open cannot be
// dismissed.
func TestFindingDismiss(t *testing.T) {
	e := newScreened(t)
	f := e.pick(e.b["institutions"], screening.PerDoseInvestigate)
	dismiss := path("findings", f.ID, "dismiss")
	long := strings.Repeat("理", 501)
	for _, c := range []struct {
		body   any
		fields map[string]string
	}{
		{map[string]any{"version": f.Version}, map[string]string{"reason": "required"}},
		{map[string]any{"version": f.Version, "reason": " \t"}, map[string]string{"reason": "required"}},
		{map[string]any{"version": f.Version, "reason": long}, map[string]string{"reason": "too_long"}},
		{map[string]any{"version": f.Version, "reason": 5}, map[string]string{"reason": "invalid"}},
		{map[string]any{"reason": "核实不成立"}, map[string]string{"version": "required"}},
		{map[string]any{}, map[string]string{"version": "required", "reason": "required"}},
		{map[string]any{"version": "1", "reason": "核实不成立", "status": "dismissed"},
			map[string]string{"version": "integer", "status": "unknown_field"}},
	} {
		r := e.do(supervisor, "POST", dismiss, c.body)
		got := r.err(t)
		if r.status != 400 || got.Code != "EINVALID" || !maps.Equal(got.FieldCodes, c.fields) || got.Fields["reason"] == "" && c.fields["reason"] != "" {
			t.Errorf("%v: %d %+v, want fields %v", c.body, r.status, got, c.fields)
		}
	}
	if r := e.do(supervisor, "POST", dismiss, `["version", 1]`); r.status != 400 {
		t.Errorf("not an object: %d %s", r.status, r.body)
	}
	r := e.do(supervisor, "POST", dismiss, map[string]any{"version": f.Version + 1, "reason": "核实不成立"})
	if r.status != 409 || r.err(t).Code != "ESTALE" || r.err(t).Message != i18n.T("zh-CN", "error.stale") {
		t.Errorf("stale version: %d %s", r.status, r.body)
	}
	if after := e.finding(f.ID); after != f {
		t.Errorf("refused dismissals changed the finding: %+v → %+v", f, after)
	}
	for _, p := range []string{path("findings", 999999, "dismiss"), "/api/v1/findings/abc/dismiss", "/api/v1/findings/-1/dismiss"} {
		if r := e.do(supervisor, "POST", p, map[string]any{"version": 1, "reason": "核实不成立"}); r.status != 404 {
			t.Errorf("%s: %d %s", p, r.status, r.body)
		}
	}

	r = e.do(supervisor, "POST", dismiss, map[string]any{"version": f.Version, "reason": " 剂量计丢失后补测，经核实不成立 "})
	if r.status != 200 {
		t.Fatalf("dismiss: %d %s", r.status, r.body)
	}
	var got finding
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Status != "dismissed" || got.Version != f.Version+1 || got.DismissedBy != e.users[supervisor].Username ||
		got.DismissReason != "剂量计丢失后补测，经核实不成立" || got != e.finding(f.ID) {
		t.Errorf("dismissed finding: %+v", got)
	}
	n := storetest.Count(t, e.store, `audit_events WHERE action = 'dismiss'
		AND entity = 'finding' AND entity_id = ? AND username = ? AND request_id <> ''`, f.ID, got.DismissedBy)
	if n != 1 {
		t.Errorf("audit events of the dismissal: %d", n)
	}

	// Dismissed or resolved: not open, nothing to dismiss.
	resolved := e.page(supervisor, "status=resolved").Items[0]
	for _, c := range []struct {
		f    finding
		lang string
	}{{got, "zh-CN"}, {resolved, "en"}} {
		r := e.do(supervisor, "POST", path("findings", c.f.ID, "dismiss"), map[string]any{"version": c.f.Version, "reason": "再次核销"},
			"Accept-Language", c.lang)
		if r.status != 409 || r.err(t).Code != "ECONFLICT" || r.err(t).Message != i18n.T(c.lang, "error.finding_not_open") {
			t.Errorf("dismiss a %s finding: %d %s", c.f.Status, r.status, r.body)
		}
		if after := e.finding(c.f.ID); after != c.f {
			t.Errorf("refused dismissal changed the finding: %+v → %+v", c.f, after)
		}
	}

	// A dismissal is undone with a reason, audited; an open finding has none to undo.
	reopen := path("findings", f.ID, "reopen")
	if r := e.do(viewer, "POST", reopen, map[string]any{"version": got.Version, "reason": "误核销"}); r.status != 403 {
		t.Errorf("a viewer reopens: %d %s", r.status, r.body)
	}
	if r := e.do(supervisor, "POST", reopen, map[string]any{"version": got.Version}); r.status != 400 || r.err(t).FieldCodes["reason"] != "required" {
		t.Errorf("reopen without a reason: %d %s", r.status, r.body)
	}
	r = e.do(supervisor, "POST", reopen, map[string]any{"version": got.Version, "reason": "核销依据不足，重新列为待整改"})
	var open finding
	if r.status != 200 || json.Unmarshal(r.body, &open) != nil || open.Status != "open" || open.DismissedBy != "" || open.Version != got.Version+1 {
		t.Fatalf("reopen: %d %s", r.status, r.body)
	}
	n = storetest.Count(t, e.store, `audit_events WHERE action = 'reopen'
		AND entity = 'finding' AND entity_id = ? AND after_json LIKE ?`, f.ID, "%核销依据不足%")
	if n != 1 {
		t.Errorf("audit events of the reopening: %d", n)
	}
	r = e.do(supervisor, "POST", reopen, map[string]any{"version": open.Version, "reason": "再次撤销"})
	if r.status != 409 || r.err(t).Message != i18n.T("zh-CN", "error.finding_not_dismissed") {
		t.Errorf("reopen an open finding: %d %s", r.status, r.body)
	}
}

// TestFindingRoutes runs the findings and rules endpoints as each caller.
func TestFindingRoutes(t *testing.T) {
	e := newScreened(t)
	for _, c := range []struct {
		caller, target string
		rules, list    int
		get, dismiss   int
	}{
		{admin, "B", 403, 403, 403, 403},
		{supervisor, "A", 200, 200, 200, 200},
		{instA, "A", 200, 200, 200, 403},
		{instA, "B", 200, 200, 404, 403},
		{noToken, "A", 401, 401, 401, 401},
		{revoked, "A", 401, 401, 401, 401},
	} {
		f := e.pick(e.a["institutions"], "")
		if c.target == "B" {
			f = e.pick(e.b["institutions"], "")
		}
		for _, a := range []struct {
			method, path string
			body         any
			want         int
		}{
			{"GET", "/api/v1/rules", nil, c.rules},
			{"GET", "/api/v1/findings", nil, c.list},
			{"GET", path("findings", f.ID), nil, c.get},
			{"POST", path("findings", f.ID, "dismiss"), map[string]any{"version": f.Version, "reason": "核实不成立"}, c.dismiss},
		} {
			r := e.do(c.caller, a.method, a.path, a.body)
			if r.status != a.want {
				t.Errorf("%s %s as %s: %d, want %d: %s", a.method, a.path, c.caller, r.status, a.want, r.body)
			} else if a.want >= 400 {
				checkError(t, r, a.want)
			}
		}
	}
	for _, c := range [][2]string{{"DELETE", path("findings", 1)}, {"PUT", path("findings", 1)}, {"POST", "/api/v1/findings"},
		{"POST", "/api/v1/rules"}, {"GET", path("findings", 1, "dismiss")}} {
		if r := e.do(supervisor, c[0], c[1], "{}"); r.status != 405 || r.header.Get("Allow") == "" {
			t.Errorf("%s %s: %d, Allow %q", c[0], c[1], r.status, r.header.Get("Allow"))
		}
	}
	if r := e.do(supervisor, "GET", "/api/v1/findings/1/resolve", nil); r.status != 404 {
		t.Errorf("unknown action: %d", r.status)
	}
}

// TestRules lists exactly the screening catalogue, in order, in the
// reader's language: Chinese by default, English when asked by the query
// or the Accept-Language header.
func TestRules(t *testing.T) {
	e := newEnv(t)
	catalog := screening.Catalog()
	for _, c := range []struct {
		lang, query string
		header      []string
	}{{"zh-CN", "", nil}, {"en", "?lang=en", nil}, {"en", "", []string{"Accept-Language", "en-US,en;q=0.9"}},
		{"zh-CN", "?lang=zh-CN", []string{"Accept-Language", "en"}}} {
		r := e.do(instA, "GET", "/api/v1/rules"+c.query, nil, c.header...)
		if r.status != 200 {
			t.Fatalf("rules%s: %d %s", c.query, r.status, r.body)
		}
		var got struct {
			Items []screening.RuleText `json:"items"`
			Total int                  `json:"total"`
		}
		if err := json.Unmarshal(r.body, &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Items) != len(catalog) || got.Total != len(catalog) {
			t.Fatalf("%d rules (total %d), want %d", len(got.Items), got.Total, len(catalog))
		}
		for i, x := range catalog {
			want := screening.Describe(c.lang, x, screening.DefaultThresholds())
			if !reflect.DeepEqual(got.Items[i], want) {
				t.Errorf("%s rule %d: %+v, want %+v", c.lang, i, got.Items[i], want)
			}
		}
	}
	if r := e.do(instA, "GET", "/api/v1/rules?lang=fr", nil); r.status != 400 || r.err(t).FieldCodes["lang"] != domain.CodeEnum {
		t.Errorf("lang=fr: %d %s", r.status, r.body)
	}
}

// renderedFinding is a finding as the API answers it, with what it is
// rendered from.
type renderedFinding struct {
	ID       int64           `json:"id"`
	Rule     string          `json:"rule"`
	Template string          `json:"template"`
	Evidence domain.Evidence `json:"evidence"`
	DueOn    domain.Date     `json:"due_on"`
	Message  string          `json:"message"`
	Title    string          `json:"title"`
}

// TestFindingsInTheReadersLanguage reads the list and single findings with
// ?lang= and Accept-Language: each message and title is the finding's
// rendered in that language (Chinese by default, the query before the
// header), and the evidence comes in no language.
func TestFindingsInTheReadersLanguage(t *testing.T) {
	e := newScreened(t)
	cases := []struct {
		lang, query string
		header      []string
	}{
		{"zh-CN", "", nil},
		{"en", "", []string{"Accept-Language", "en-GB,en;q=0.8,zh;q=0.5"}},
		{"en", "&lang=en", nil},
		{"en", "&lang=en", []string{"Accept-Language", "zh-CN"}},
		{"zh-CN", "&lang=zh-CN", []string{"Accept-Language", "en"}},
	}
	for _, c := range cases {
		r := e.do(supervisor, "GET", "/api/v1/findings?limit=500"+c.query, nil, c.header...)
		var page struct {
			Items []renderedFinding `json:"items"`
		}
		if r.status != 200 || json.Unmarshal(r.body, &page) != nil || len(page.Items) < 5 {
			t.Fatalf("findings%s %v: %d %s", c.query, c.header, r.status, r.body)
		}
		for _, f := range page.Items {
			if want := screening.Message(c.lang, f.Template, f.Evidence, f.DueOn); f.Message != want || f.Title != screening.Title(c.lang, f.Template) {
				t.Errorf("%s %v, %s: message %q, title %q; want %q", c.query, c.header, f.Rule, f.Message, f.Title, want)
			}
			if (c.lang == "en") == strings.HasSuffix(f.Message, "。") {
				t.Errorf("%s %v, %s: message %q in the wrong language", c.query, c.header, f.Rule, f.Message)
			}
		}
		one := page.Items[0]
		r = e.do(supervisor, "GET", path("findings", one.ID)+"?"+strings.TrimPrefix(c.query, "&"), nil, c.header...)
		var got renderedFinding
		if r.status != 200 || json.Unmarshal(r.body, &got) != nil || got.Message != one.Message || got.Template != one.Template {
			t.Errorf("finding %d%s %v: %d %s, want the list's message %q", one.ID, c.query, c.header, r.status, r.body, one.Message)
		}
	}
	// The evidence holds the keys of enumerations, not labels.
	p := e.page(supervisor, "rule="+screening.EqpStatusOverdue)
	r := e.do(supervisor, "GET", path("findings", p.Items[0].ID), nil)
	var f renderedFinding
	if err := json.Unmarshal(r.body, &f); err != nil || f.Evidence.Value("type") != "dr" || f.Template != screening.EqpStatusOverdue ||
		f.Evidence.Value("last_passed") == "" {
		t.Errorf("EQP-STATUS-OVERDUE as the API gives it: %s", r.body)
	}
	for _, q := range []string{"/api/v1/findings?lang=fr", path("findings", f.ID) + "?lang=xx"} {
		if r := e.do(supervisor, "GET", q, nil); r.status != 400 || r.err(t).FieldCodes["lang"] != domain.CodeEnum {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
}
