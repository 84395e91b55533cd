package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"radsup/internal/accounts"
	"radsup/internal/audit"
	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/draw"
	"radsup/internal/enforcement"
	"radsup/internal/findings"
	"radsup/internal/htmltest"
	"radsup/internal/httplog"
	"radsup/internal/registry"
	"radsup/internal/screening"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
	"radsup/internal/web"
)

// fixture is one institution with one record of every kind.
type fixture struct {
	inst     *domain.Institution
	licence  *domain.Licence
	person   *domain.Person
	emp      *domain.Employment
	training *domain.Training
	exam     *domain.Exam
	dose     *domain.DoseRecord
	equip    *domain.Equipment
	test     *domain.EquipmentTest
	// flawed is a device in use without an acceptance test, which no route
	// edits: finding is its EQP-ACCEPTANCE-MISSING finding.
	flawed  *domain.Equipment
	finding *domain.Finding
	// signed is an inspection of the institution signed by both inspectors.
	signed int64
	// rect is a rectification of finding, answered by A's user with the
	// file rectFile (of the env).
	rect int64
	// notice is an unread notice to the institution.
	notice int64
	// change and change2 are pending change requests of its licence, file
	// the PDF filed with change.
	change, change2, file int64
}

// env is a server on a fresh database with institutions A and B, and a
// logged-in admin, supervisor and institution user of A.
type env struct {
	t      *testing.T
	store  *store.Store
	reg    *registry.Registry
	auth   *accounts.Service
	svc    *findings.Service
	h      http.Handler
	srv    *web.Server
	logs   *bytes.Buffer
	a, b   fixture
	users  map[string]*domain.User
	tokens map[string]string // role → session token
	plan   *domain.Plan      // a published plan, not drawn; its seed is planSeed
	// partner is a second supervisor; with the supervisor it inspects A
	// (insp, unsigned, with the evidence file evidence) and signs
	// inspections of A and B (fixture.signed).
	partner  *domain.User
	insp     int64
	evidence int64
	rectFile int64
	cases    caseIDs // cases of A and B in several states (cases_test.go)
}

// planSeed is the seed of the env's plan.
const planSeed = "2027年1月8日双色球开奖号码"

func build(t *testing.T, tx *store.Tx) fixture {
	var f fixture
	f.inst = storetest.Institution(t, tx)
	f.licence = storetest.Licence(t, tx, f.inst.ID)
	f.person = storetest.Person(t, tx)
	f.emp = storetest.Employment(t, tx, f.person.ID, f.inst.ID)
	f.training = storetest.Training(t, tx, f.person.ID, func(x *domain.Training) { x.FiledBy = f.inst.ID })
	f.exam = storetest.Exam(t, tx, f.person.ID, func(x *domain.Exam) { x.FiledBy = f.inst.ID })
	f.dose = storetest.Dose(t, tx, f.person.ID, f.inst.ID)
	f.equip = storetest.Equipment(t, tx, f.inst.ID)
	f.test = storetest.Test(t, tx, f.equip.ID)
	f.flawed = storetest.Equipment(t, tx, f.inst.ID)
	n := &domain.NoticeMessage{InstitutionID: f.inst.ID, Kind: domain.NoticeManual, Day: domain.DateOf(tx.Now()),
		Subject: "关于报送年度评估报告的通知", Body: "请于月底前报送。"}
	if err := tx.CreateNotice(n, nil); err != nil {
		t.Fatal(err)
	}
	f.notice = n.ID
	return f
}

func newEnv(t *testing.T) *env {
	return newEnvWith(t, web.Config{})
}

// newEnvWith is newEnv with config options (SecureCookies).
func newEnvWith(t *testing.T, cfg web.Config) *env {
	t.Helper()
	s := storetest.Open(t)
	e := &env{t: t, store: s, reg: registry.New(s), auth: &accounts.Service{Store: s}, logs: &bytes.Buffer{},
		users: map[string]*domain.User{}, tokens: map[string]string{}}
	e.svc = &findings.Service{Store: s}
	e.reg.AfterChange = e.svc.AfterChange(nil)
	cfg.Store, cfg.Registry, cfg.Auth, cfg.Findings, cfg.Audit = s, e.reg, e.auth, e.svc, &audit.Service{Store: s}
	cfg.Logger = slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv, e.h = srv, httplog.Handler(slog.New(slog.NewTextHandler(io.Discard, nil)), srv.Handler())
	// Two-step login has its own tests (accounts_test.go); the route tests
	// sign in with passwords only.
	pol := auth.DefaultPolicy()
	pol.TwoFactorRoles = nil
	if err := e.auth.SetPolicy(context.Background(), domain.Actor{Username: "test"}, accounts.Console(domain.RoleSecurity), pol); err != nil {
		t.Fatal(err)
	}
	err = s.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		e.a, e.b = build(t, tx), build(t, tx)
		e.users["admin"] = storetest.User(t, tx, domain.RoleAdmin, 0)
		e.users["security"] = storetest.User(t, tx, domain.RoleSecurity, 0)
		e.users["auditor"] = storetest.User(t, tx, domain.RoleAuditor, 0)
		e.users["supervisor"] = storetest.User(t, tx, domain.RoleSupervisor, 0)
		e.users["inst"] = storetest.User(t, tx, domain.RoleInstitution, e.a.inst.ID)
		e.users["viewer"] = storetest.User(t, tx, domain.RoleViewer, 0)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RunFull(context.Background(), domain.DateOf(time.Now())); err != nil {
		t.Fatal(err)
	}
	e.a.finding, e.b.finding = e.findingOf(e.a.flawed.ID), e.findingOf(e.b.flawed.ID)
	e.plan = &domain.Plan{Year: time.Now().Year(), Name: "年度双随机抽查", Type: "random", Count: 1,
		SeedSHA256: draw.Commitment(planSeed), SeedSource: "开奖号码"}
	enf := &enforcement.Service{Store: s}
	if err := enf.CreatePlan(context.Background(), domain.Actor{Username: "test"}, e.users["supervisor"], e.plan); err != nil {
		t.Fatal(err)
	}
	e.inspections(enf)
	e.rectifications(enf)
	e.openCases(enf)
	e.changeRequests()
	for role, u := range e.users {
		e.tokens[role] = e.login(u.Username)
	}
	return e
}

// inspections makes the supervisor and a partner inspectors, and files an
// unsigned inspection of A with a photo and signed inspections of A and B.
func (e *env) inspections(enf *enforcement.Service) {
	t, ctx, sup := e.t, context.Background(), e.users["supervisor"]
	err := e.store.WithTx(ctx, domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		e.partner = storetest.User(t, tx, domain.RoleSupervisor, 0, func(u *domain.User) { u.DisplayName = "搭档监督员" })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range []*domain.User{sup, e.partner} {
		in := &domain.Inspector{UserID: u.ID, CertNo: "豫卫执字" + id(int64(100+i)), Active: true}
		if err := enf.SetInspector(ctx, domain.Actor{Username: "test"}, sup, in, nil, 0); err != nil {
			t.Fatal(err)
		}
	}
	today := domain.DateOf(time.Now())
	create := func(f fixture) *domain.Inspection {
		x, err := enf.CreateInspection(ctx, domain.Actor{Username: sup.Username}, sup, enforcement.NewInspection{Type: "routine",
			InstitutionID: f.inst.ID, Inspectors: [2]string{sup.Username, e.partner.Username}, Date: today, Place: "放射科"})
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	x := create(e.a)
	e.insp = x.ID
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	ev, err := enf.AddEvidence(ctx, domain.Actor{Username: sup.Username}, sup, x.ID, "JC-14", "警示标志.png", png)
	if err != nil {
		t.Fatal(err)
	}
	e.evidence = ev.ID
	for _, f := range []*fixture{&e.a, &e.b} {
		x := create(*f)
		storetest.Exec(t, e.store, "UPDATE inspection_items SET result = 'compliant' WHERE inspection_id = ? AND result = 'unchecked'", x.ID)
		x, err := enf.SetOutcome(ctx, domain.Actor{Username: sup.Username}, sup, x.ID, enforcement.Outcome{Date: x.Date, Place: x.Place, Outcome: "compliant"}, x.Version)
		if err == nil {
			x, err = enf.Sign(ctx, domain.Actor{Username: sup.Username}, sup, x.ID, x.Version)
		}
		if err == nil {
			_, err = enf.Sign(ctx, domain.Actor{Username: e.partner.Username}, e.partner, x.ID, x.Version)
		}
		if err != nil {
			t.Fatal(err)
		}
		f.signed = x.ID
	}
}

// inspVersion is the current version of the env's unsigned inspection.
func (e *env) inspVersion() string {
	var v int
	if err := storetest.Row(e.t, e.store, "SELECT version FROM inspections WHERE id = ?", e.insp).Scan(&v); err != nil {
		e.t.Fatal(err)
	}
	return id(int64(v))
}

// findingOf returns the stored EQP-ACCEPTANCE-MISSING finding of a device.
func (e *env) findingOf(equipID int64) *domain.Finding {
	e.t.Helper()
	var page *store.FindingPage
	err := e.store.View(context.Background(), func(tx *store.Tx) error {
		var err error
		page, err = tx.FindFindings(domain.Scope{}, store.FindingFilter{Rule: screening.EqpAcceptanceMissing,
			SubjectType: "equipment", SubjectID: equipID})
		return err
	})
	if err != nil || len(page.Findings) != 1 {
		e.t.Fatalf("finding of device %d: %v %v", equipID, page, err)
	}
	return page.Findings[0]
}

// login opens a session for username and returns its token.
func (e *env) login(username string) string {
	e.t.Helper()
	login, err := e.auth.Login(context.Background(), username, storetest.Password, domain.Actor{})
	if err != nil {
		e.t.Fatal(err)
	}
	return login.Token
}

// do sends a request as role ("" for no session); POSTs carry a form and
// the same-origin marker a browser sends.
func (e *env) do(role, method, target string, form url.Values) *httptest.ResponseRecorder {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if method == http.MethodPost {
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	if tok := e.tokens[role]; tok != "" {
		r.AddCookie(&http.Cookie{Name: "radsup_session", Value: tok})
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// admin is the registry user used to read what is stored.
func (e *env) admin() *domain.User { return e.users["admin"] }

// super is the supervisor, who reads and files everything.
func (e *env) super() *domain.User { return e.users["supervisor"] }

// find reads a record as the admin sees it.
func find[T any](e *env, t *store.Table[T], id int64) *T {
	e.t.Helper()
	rec, err := registry.Find(context.Background(), e.reg, e.super(), t, id)
	if err != nil {
		e.t.Fatalf("find %s %d: %v", t.Entity(), id, err)
	}
	return rec
}

// formOf returns the form a browser would post for rec: every field of
// entity as stored, and the version.
func formOf(entity string, rec any, version int) url.Values {
	v := url.Values{}
	for _, f := range domain.Fields[entity] {
		val := domain.Value(rec, f)
		switch f.Type {
		case domain.ListField:
			for _, it := range domain.SplitList(val) {
				v.Add(f.Key, it)
			}
		case domain.BoolField:
			if val == "true" {
				v.Set(f.Key, "true")
			}
		default:
			v.Set(f.Key, val)
		}
	}
	if version > 0 {
		v.Set("version", strconv.Itoa(version))
	}
	return v
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// --- HTML by element -------------------------------------------------------
// Pages are parsed (internal/htmltest) and elements found by tag and
// attribute, as a browser would read them.

// startTag returns the first element <name …> having attribute key="val".
func startTag(body, name, key, val string) (*html.Node, bool) {
	n := htmltest.Find(htmltest.Parse(body), name, key, val)
	return n, n != nil
}

// attr returns the value of an attribute of an element.
func attr(n *html.Node, key string) (string, bool) { return htmltest.Attr(n, key) }

// attrOf returns the value of an attribute of an element, "" if it has none.
func attrOf(n *html.Node, key string) string {
	v, _ := htmltest.Attr(n, key)
	return v
}

// inputValue returns the value of the input named name.
func inputValue(body, name string) (string, bool) {
	tag, ok := startTag(body, "input", "name", name)
	if !ok {
		return "", false
	}
	return attr(tag, "value")
}

// element returns the inner HTML of the element <name … key="val">…</name>.
func element(body, name, key, val string) (string, bool) {
	n, ok := startTag(body, name, key, val)
	if !ok {
		return "", false
	}
	return htmltest.Inner(n), true
}

// text returns the text of an HTML fragment with white space collapsed.
func text(fragment string) string { return htmltest.Text(htmltest.Parse(fragment)) }

// fieldError returns the message shown at the form field name.
func fieldError(body, name string) string {
	return htmltest.Text(htmltest.Find(htmltest.Parse(body), "p", "id", "err-"+name))
}

// selected returns the values of the selected options of the select name.
func selected(body, name string) []string {
	sel, ok := startTag(body, "select", "name", name)
	if !ok {
		return nil
	}
	var out []string
	for _, o := range htmltest.FindAll(sel, "option", "", "") {
		if _, on := attr(o, "selected"); on {
			v, _ := attr(o, "value")
			out = append(out, v)
		}
	}
	return out
}

// checked returns the values of the checked checkboxes named name.
func checked(body, name string) []string {
	var out []string
	for _, in := range htmltest.FindAll(htmltest.Parse(body), "input", "name", name) {
		if _, on := attr(in, "checked"); on {
			v, _ := attr(in, "value")
			out = append(out, v)
		}
	}
	return out
}

// cells returns the text of the <td> cells of the table row with the id.
func cells(body, rowID string) []string {
	tr, ok := startTag(body, "tr", "id", rowID)
	if !ok {
		return nil
	}
	var out []string
	for _, td := range htmltest.FindAll(tr, "td", "", "") {
		out = append(out, htmltest.Text(td))
	}
	return out
}

// rowIDs returns the ids of the rows of the table with the id, in order.
func rowIDs(body, tableID string) []string {
	table, ok := startTag(body, "table", "id", tableID)
	if !ok {
		return nil
	}
	var out []string
	for _, tr := range htmltest.FindAll(table, "tr", "", "") {
		if v, ok := attr(tr, "id"); ok {
			out = append(out, v)
		}
	}
	return out
}

// count returns the number of rows of a table.
func (e *env) count(table string) int {
	e.t.Helper()
	return storetest.Count(e.t, e.store, table)
}

// sessionUser returns the user of a live session token.
func (e *env) sessionUser(token string) (*domain.User, error) {
	_, u, err := e.auth.Session(context.Background(), token)
	return u, err
}
