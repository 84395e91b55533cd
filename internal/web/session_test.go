package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"radsup/internal/htmltest"
	"radsup/internal/i18n"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
	"radsup/internal/web"
)

func TestLoginAndRedirects(t *testing.T) {
	e := newEnv(t)
	w := e.do("", "GET", "/people?q=%E7%8E%8B", nil)
	if loc := w.Header().Get("Location"); w.Code != 303 || loc != "/login?next="+url.QueryEscape("/people?q=%E7%8E%8B") {
		t.Fatalf("anonymous: %d %q", w.Code, loc)
	}
	if w := e.do("", "POST", "/people/1/edit", url.Values{}); w.Code != 303 || w.Header().Get("Location") != "/login?next=%2F" {
		t.Errorf("anonymous POST: %d %q", w.Code, w.Header().Get("Location"))
	}
	page := e.do("", "GET", "/login?next=/people", nil)
	loginForm := mustElement(t, page.Body.String(), "form", "action", "/login")
	if v, _ := inputValue(loginForm, "next"); page.Code != 200 || v != "/people" {
		t.Fatalf("login page: %d next=%q", page.Code, v)
	}
	u := e.users["supervisor"].Username
	bad := e.do("", "POST", "/login", url.Values{"username": {u}, "password": {"wrong"}, "next": {"/people"}})
	if bad.Code != 401 || !strings.Contains(bad.Body.String(), "用户名或密码错误") {
		t.Errorf("wrong password: %d", bad.Code)
	}
	if v, _ := inputValue(bad.Body.String(), "username"); v != u {
		t.Errorf("username not kept: %q", v)
	}
	for next, want := range map[string]string{"/people?q=1": "/people?q=1", "//evil.example/x": "/", "https://evil.example": "/", `/\evil.example`: "/"} {
		w := e.do("", "POST", "/login", url.Values{"username": {u}, "password": {storetest.Password}, "next": {next}})
		if w.Code != 303 || w.Header().Get("Location") != want {
			t.Errorf("next %q: %d → %q, want %q", next, w.Code, w.Header().Get("Location"), want)
		}
	}
	// Logging out ends the session on the server.
	tok := e.tokens["supervisor"]
	e.do("supervisor", "POST", "/logout", url.Values{})
	if _, err := e.sessionUser(tok); !store.IsNotFound(err) {
		t.Errorf("session alive after logout: %v", err)
	}
	if w := e.do("supervisor", "GET", "/", nil); w.Code != 303 {
		t.Errorf("after logout: %d", w.Code)
	}
}

func TestSessionCookie(t *testing.T) {
	for _, secure := range []bool{false, true} {
		e := newEnvWith(t, web.Config{SecureCookies: secure})
		w := e.do("", "POST", "/login", url.Values{"username": {e.users["admin"].Username}, "password": {storetest.Password}})
		cookies := w.Result().Cookies()
		if len(cookies) != 1 {
			t.Fatalf("cookies %v", cookies)
		}
		c := cookies[0]
		if c.Name != "radsup_session" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != secure || len(c.Value) < 40 {
			t.Errorf("secure=%v: cookie %+v", secure, c)
		}
		if _, err := e.sessionUser(c.Value); err != nil {
			t.Errorf("cookie holds no session token: %v", err)
		}
	}
}

func TestCrossOriginRefused(t *testing.T) {
	e := newEnv(t)
	form := url.Values{"version": {id(int64(e.a.training.Version))}}
	r := newPost("/trainings/"+id(e.a.training.ID)+"/retire", form)
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	r.AddCookie(&http.Cookie{Name: "radsup_session", Value: e.tokens["supervisor"]})
	w := recordTo(e, r)
	if w.Code != 403 || !strings.Contains(w.Body.String(), "请求来源不被允许") {
		t.Errorf("cross-site POST: %d", w.Code)
	}
	if find(e, store.Trainings, e.a.training.ID).Retired {
		t.Error("a cross-site POST retired the record")
	}
}

func TestLanguageSwitch(t *testing.T) {
	e := newEnv(t)
	w := e.do("", "POST", "/lang", url.Values{"lang": {"en"}, "next": {"/people"}})
	c := w.Result().Cookies()
	if w.Code != 303 || w.Header().Get("Location") != "/people" || len(c) != 1 || c[0].Value != "en" {
		t.Fatalf("switch: %d %v", w.Code, c)
	}
	r := newGet("/institutions/" + id(e.a.inst.ID))
	r.AddCookie(c[0])
	r.AddCookie(&http.Cookie{Name: "radsup_session", Value: e.tokens["supervisor"]})
	body := recordTo(e, r).Body.String()
	for _, s := range []string{`<html lang="en">`, "Institutions", "General hospital", "Licences"} {
		if !strings.Contains(body, s) {
			t.Errorf("English page lacks %q", s)
		}
	}
	if strings.Contains(body, "综合医院") {
		t.Error("English page shows a Chinese label")
	}
	if zh := e.do("supervisor", "GET", "/", nil).Body.String(); !strings.Contains(zh, `<html lang="zh-CN">`) {
		t.Error("default language is not Chinese")
	}
}

func TestInternalErrorPage(t *testing.T) {
	e := newEnv(t)
	e.store.Close()
	w := e.do("supervisor", "GET", "/people", nil)
	body := w.Body.String()
	if w.Code != 500 || !strings.Contains(body, "系统内部错误") {
		t.Fatalf("status %d\n%s", w.Code, excerpt(body))
	}
	reqID := w.Header().Get("X-Request-ID")
	if reqID == "" || !strings.Contains(body, reqID) {
		t.Errorf("request ID %q not on the page", reqID)
	}
	if strings.Contains(strings.ToLower(body), "sql") || strings.Contains(body, "closed") {
		t.Errorf("internal text reaches the user\n%s", excerpt(body))
	}
	var errors int
	for _, line := range strings.Split(strings.TrimSpace(e.logs.String()), "\n") {
		var rec map[string]any
		json.Unmarshal([]byte(line), &rec)
		if rec["level"] == "ERROR" {
			errors++
			if rec["request_id"] != reqID {
				t.Errorf("error logged without the request ID: %s", line)
			}
		}
	}
	if errors != 1 {
		t.Errorf("%d error log lines, want 1:\n%s", errors, e.logs)
	}
}

func TestRefusalsLoggedAtInfo(t *testing.T) {
	e := newEnv(t)
	e.do("inst", "GET", "/people/"+id(e.b.person.ID), nil)
	if !strings.Contains(e.logs.String(), `"level":"INFO","msg":"page refused"`) || strings.Contains(e.logs.String(), `"level":"ERROR"`) {
		t.Errorf("logs:\n%s", e.logs)
	}
}

// TestAbandonedRequestNotAnError: a client that goes away in the middle
// of a page (its context cancelled) is not a failure of the server.
func TestAbandonedRequestNotAnError(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest("GET", "/findings", nil).WithContext(ctx)
	r.AddCookie(&http.Cookie{Name: "radsup_session", Value: e.tokens["supervisor"]})
	e.h.ServeHTTP(httptest.NewRecorder(), r)
	if strings.Contains(e.logs.String(), `"level":"ERROR"`) || !strings.Contains(e.logs.String(), `"msg":"request abandoned"`) {
		t.Errorf("logs:\n%s", e.logs)
	}
}

func TestStaticFiles(t *testing.T) {
	e := newEnv(t)
	body := e.do("supervisor", "GET", "/", nil).Body.String()
	href, _ := htmltest.Attr(htmltest.Find(htmltest.Parse(body), "link", "rel", "stylesheet"), "href")
	if !regexp.MustCompile(`^/static/[0-9a-f]{12}/style\.css$`).MatchString(href) {
		t.Fatalf("no hashed stylesheet link: %q", href)
	}
	w := e.do("", "GET", href, nil)
	if w.Code != 200 || w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		!strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") || !strings.Contains(w.Body.String(), "@media print") {
		t.Errorf("stylesheet: %d %v", w.Code, w.Header())
	}
	if w := e.do("", "GET", "/static/000000000000/style.css", nil); w.Code != 404 {
		t.Errorf("stale hash: %d", w.Code)
	}
}

// TestTemplateKeys checks that every text key the templates and handlers
// use exists in both catalogues.
func TestTemplateKeys(t *testing.T) {
	keyRe := regexp.MustCompile(`[({]t "([a-z_.]+)"|i18n\.T\([a-zA-Z.]+, "([a-z_.]+)"`)
	files, _ := os.ReadDir(".")
	tmpl, _ := os.ReadDir("templates")
	var srcs []string
	for _, f := range files {
		if strings.HasSuffix(f.Name(), ".go") && !strings.HasSuffix(f.Name(), "_test.go") {
			srcs = append(srcs, readSource(t, f.Name()))
		}
	}
	for _, f := range tmpl {
		srcs = append(srcs, readSource(t, "templates/"+f.Name()))
	}
	en := map[string]bool{}
	for _, k := range i18n.Keys("en") {
		en[k] = true
	}
	n := 0
	for _, src := range srcs {
		for _, m := range keyRe.FindAllStringSubmatch(src, -1) {
			key := m[1] + m[2]
			if strings.HasSuffix(key, ".") {
				continue // a prefix completed at run time, checked below
			}
			n++
			if !i18n.Has(key) || !en[key] {
				t.Errorf("text key %q missing (zh %v, en %v)", key, i18n.Has(key), en[key])
			}
		}
	}
	for _, prefix := range []string{"entity.", "role.", "tab."} {
		for _, k := range []string{"institution", "licence", "person", "employment", "training", "exam", "dose", "equipment", "test", "admin", "supervisor", "people"} {
			key := prefix + k
			if i18n.Has(key) != en[key] {
				t.Errorf("%s in one catalogue only", key)
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d keys found: the pattern is broken", n)
	}
}

func readSource(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func newPost(target string, form url.Values) *http.Request {
	r := httptest.NewRequest("POST", target, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func newGet(target string) *http.Request { return httptest.NewRequest("GET", target, nil) }

func recordTo(e *env, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}
