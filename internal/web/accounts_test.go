package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"radsup/internal/accounts"
	"radsup/internal/domain"
	"radsup/internal/htmltest"

	"radsup/internal/auth"
	"radsup/internal/store/storetest"
)

// browser is a client that keeps its session cookie, as a browser does.
type browser struct {
	e      *env
	cookie string
	ip     string
}

func (b *browser) do(method, target string, form url.Values) *httptest.ResponseRecorder {
	b.e.t.Helper()
	var r *http.Request
	if form != nil {
		r = newPost(target, form)
		r.Method = method
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	} else {
		r = newGet(target)
	}
	if b.ip != "" {
		r.RemoteAddr = b.ip + ":40000"
	}
	if b.cookie != "" {
		r.AddCookie(&http.Cookie{Name: "radsup_session", Value: b.cookie})
	}
	w := recordTo(b.e, r)
	for _, c := range w.Result().Cookies() {
		if c.Name == "radsup_session" {
			b.cookie = c.Value
			if c.MaxAge < 0 {
				b.cookie = ""
			}
		}
	}
	return w
}

func (b *browser) login(username, password string) *httptest.ResponseRecorder {
	return b.do("POST", "/login", url.Values{"username": {username}, "password": {password}, "next": {"/people"}})
}

// newAccount has the administrator add an account through the page; the
// user must change its password at the first login.
func newAccount(e *env, username, role string) {
	e.t.Helper()
	w := e.do("admin", "POST", "/admin/users", url.Values{"username": {username}, "role": {role}, "password": {"First-Pass-2026"}})
	if w.Code != 303 || w.Header().Get("Location") != "/admin/users" {
		e.t.Fatalf("add %s: %d → %q", username, w.Code, w.Header().Get("Location"))
	}
}

// TestFirstLoginForcesPasswordChange: every page leads to the account page
// until the password is changed; the change renews the session.
func TestFirstLoginForcesPasswordChange(t *testing.T) {
	e := newEnv(t)
	newAccount(e, "xinren", "supervisor")
	b := &browser{e: e}
	if w := b.login("xinren", "First-Pass-2026"); w.Code != 303 {
		t.Fatalf("login: %d", w.Code)
	}
	before := b.cookie
	for _, p := range []string{"/people", "/institutions/" + id(e.a.inst.ID), "/findings"} {
		if w := b.do("GET", p, nil); w.Code != 303 || w.Header().Get("Location") != "/account" {
			t.Errorf("%s before the change: %d → %q", p, w.Code, w.Header().Get("Location"))
		}
	}
	page := b.do("GET", "/account", nil).Body.String()
	if !strings.Contains(page, `id="pending"`) || !strings.Contains(page, "请先修改密码") {
		t.Errorf("the account page does not say what is pending")
	}
	w := b.do("POST", "/account/password", url.Values{"old_password": {"First-Pass-2026"}, "password": {"Xinren-2026"}, "confirm": {"Xinren-2026"}})
	if w.Code != 422 || fieldError(w.Body.String(), "password") != "密码不能包含用户名。" {
		t.Errorf("password with the username: %d %q", w.Code, fieldError(w.Body.String(), "password"))
	}
	w = b.do("POST", "/account/password", url.Values{"old_password": {"First-Pass-2026"}, "password": {"Second-Pass-2026"}, "confirm": {"Second-Pass-2026"}})
	if w.Code != 303 || b.cookie == before || b.cookie == "" {
		t.Fatalf("change: %d, session renewed %v", w.Code, b.cookie != before)
	}
	if _, err := e.sessionUser(before); err == nil {
		t.Error("the session before the change survives it")
	}
	if w := b.do("GET", "/people", nil); w.Code != 200 {
		t.Errorf("after the change: %d", w.Code)
	}
}

// TestTwoFactorLogin: a supervisor (two factors required by default) enrols
// at the first login, then logs in with password and code.
func TestTwoFactorLogin(t *testing.T) {
	e := newEnv(t)
	newAccount(e, "jiandu", "supervisor")
	if err := e.auth.SetPolicy(context.Background(), domain.Actor{}, accounts.Console(domain.RoleSecurity), auth.DefaultPolicy()); err != nil {
		t.Fatal(err)
	}
	b := &browser{e: e}
	b.login("jiandu", "First-Pass-2026")
	b.do("POST", "/account/password", url.Values{"old_password": {"First-Pass-2026"}, "password": {"Second-Pass-2026"}, "confirm": {"Second-Pass-2026"}})
	if w := b.do("GET", "/people", nil); w.Code != 303 || w.Header().Get("Location") != "/account" {
		t.Fatalf("without a second factor: %d → %q", w.Code, w.Header().Get("Location"))
	}
	page := b.do("GET", "/account", nil).Body.String()
	doc := htmltest.Parse(page)
	secret := htmltest.Text(htmltest.Find(doc, "", "id", "totp-secret"))
	qr, _ := htmltest.Attr(htmltest.Find(doc, "img", "", ""), "src")
	if len(secret) < 16 || strings.Trim(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" ||
		!strings.HasPrefix(qr, "data:image/png;base64,") || !strings.Contains(page, "请先启用两步验证") {
		t.Fatal("the account page offers no enrolment")
	}
	if w := b.do("POST", "/account/2fa", url.Values{"secret": {secret}, "code": {"000000"}}); w.Code != 422 {
		t.Errorf("enrol with a wrong code: %d", w.Code)
	}
	code, _ := auth.TOTPCode(secret, time.Now())
	if w := b.do("POST", "/account/2fa", url.Values{"secret": {secret}, "code": {code}}); w.Code != 303 {
		t.Fatalf("enrol: %d", w.Code)
	}
	if w := b.do("GET", "/people", nil); w.Code != 200 {
		t.Fatalf("after enrolment: %d", w.Code)
	}

	// The next login asks for the code; the waiting session opens nothing.
	b2 := &browser{e: e}
	w := b2.login("jiandu", "Second-Pass-2026")
	if w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/login/2fa?next=") {
		t.Fatalf("login with a second factor: %d → %q", w.Code, w.Header().Get("Location"))
	}
	pending := b2.cookie
	if w := b2.do("GET", "/people", nil); w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Errorf("a page with the waiting session: %d → %q", w.Code, w.Header().Get("Location"))
	}
	if w := b2.do("GET", "/login/2fa?next=/people", nil); w.Code != 200 || !strings.Contains(w.Body.String(), `name="code"`) {
		t.Errorf("code form: %d", w.Code)
	}
	if w := b2.do("POST", "/login/2fa", url.Values{"code": {"123456"}, "next": {"/people"}}); w.Code != 401 {
		t.Errorf("wrong code: %d", w.Code)
	}
	code, _ = auth.TOTPCode(secret, time.Now().Add(30*time.Second)) // the next step: the enrolment used this one
	w = b2.do("POST", "/login/2fa", url.Values{"code": {code}, "next": {"/people"}})
	if w.Code != 303 || w.Header().Get("Location") != "/people" || b2.cookie == pending {
		t.Fatalf("right code: %d → %q, new session %v", w.Code, w.Header().Get("Location"), b2.cookie != pending)
	}
	if w := b2.do("GET", "/people", nil); w.Code != 200 {
		t.Errorf("after the code: %d", w.Code)
	}
}

// TestSessionFixation: a session token the browser brought to the login
// page (planted by someone else) is worth nothing after the login.
func TestSessionFixation(t *testing.T) {
	e := newEnv(t)
	planted := e.login(e.users["viewer"].Username) // an attacker's own session
	b := &browser{e: e, cookie: planted}
	if w := b.login(e.users["supervisor"].Username, storetest.Password); w.Code != 303 {
		t.Fatalf("login: %d", w.Code)
	}
	if b.cookie == planted {
		t.Fatal("the login kept the planted token")
	}
	if _, err := e.sessionUser(planted); err == nil {
		t.Error("the planted session still works")
	}
}

// TestLoginThrottleAndLockout: per address, at most the policy's attempts
// a minute; per account, five failures lock it with a clear message.
func TestLoginThrottleAndLockout(t *testing.T) {
	e := newEnv(t)
	u := e.users["supervisor"].Username
	b := &browser{e: e, ip: "198.51.100.7"}
	for i := 1; i <= 5; i++ {
		w := b.login(u, "wrong")
		want := "用户名或密码错误"
		if i == 5 {
			want = "账户已临时锁定"
		}
		if w.Code != 401 || !strings.Contains(w.Body.String(), want) {
			t.Errorf("attempt %d: %d, want 401 saying %q", i, w.Code, want)
		}
	}
	for i := 6; i <= 20; i++ {
		b.login("nobody", "wrong")
	}
	if w := b.login("nobody", "wrong"); w.Code != 429 || !strings.Contains(w.Body.String(), "登录尝试过于频繁") {
		t.Errorf("21st attempt in a minute: %d", w.Code)
	}
	other := &browser{e: e, ip: "198.51.100.8"}
	if w := other.login("nobody", "wrong"); w.Code != 401 {
		t.Errorf("another address: %d", w.Code)
	}
	if n := storetest.Count(t, e.store, "audit_events WHERE action IN ('lockout', 'login_throttled')"); n != 2 {
		t.Errorf("%d lockout and throttle events audited, want 2", n)
	}
}
