package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"radsup/internal/domain"
)

func TestTokens(t *testing.T) {
	e := newEnv(t)
	w := e.do("inst", "POST", "/account/tokens", url.Values{"name": {"接口甲"}})
	body := w.Body.String()
	token := text(mustElement(t, body, "code", "class", "token"))
	if w.Code != 200 || len(token) < 40 {
		t.Fatalf("create: %d token %q", w.Code, token)
	}
	if u, err := e.auth.TokenUser(context.Background(), token); err != nil || u.ID != e.users["inst"].ID {
		t.Fatalf("token does not work: %v", err)
	}
	list := e.do("inst", "GET", "/account/tokens", nil).Body.String()
	if strings.Contains(list, token) {
		t.Error("token shown again")
	}
	ids := rowIDs(list, "tokens")
	if len(ids) != 1 || cells(list, ids[0])[0] != "接口甲" || cells(list, ids[0])[3] != "有效" {
		t.Fatalf("token rows %v", ids)
	}
	if other := e.do("supervisor", "GET", "/account/tokens", nil).Body.String(); strings.Contains(other, "接口甲") {
		t.Errorf("another user's token listed\n%s", excerpt(other))
	}
	tokID := strings.TrimPrefix(ids[0], "row-")
	if w := e.do("supervisor", "POST", "/account/tokens/"+tokID+"/revoke", url.Values{}); w.Code != 404 {
		t.Errorf("revoke another user's token: %d", w.Code)
	}
	if w := e.do("inst", "POST", "/account/tokens/"+tokID+"/revoke", url.Values{}); w.Code != 303 {
		t.Errorf("revoke: %d", w.Code)
	}
	if _, err := e.auth.TokenUser(context.Background(), token); err == nil {
		t.Error("revoked token still works")
	}
	if w := e.do("inst", "POST", "/account/tokens", url.Values{"name": {"  "}}); w.Code != 422 || fieldError(w.Body.String(), "name") != "必填项，请填写。" {
		t.Errorf("empty name: %d", w.Code)
	}
}

func TestAdminUsers(t *testing.T) {
	e := newEnv(t)
	form := url.Values{"username": {"zhangsan"}, "display_name": {"张三"}, "role": {"institution"}, "password": {"Long-Pass2026"}}
	w := e.do("admin", "POST", "/admin/users", form)
	if w.Code != 422 || !strings.Contains(fieldError(w.Body.String(), "institution_id"), "机构用户必须选择所属机构") {
		t.Fatalf("institution user without institution: %d %q", w.Code, fieldError(w.Body.String(), "institution_id"))
	}
	if v, _ := inputValue(w.Body.String(), "username"); v != "zhangsan" {
		t.Errorf("username not kept: %q", v)
	}
	if v, _ := inputValue(w.Body.String(), "password"); v != "" {
		t.Error("password sent back")
	}
	form.Set("institution_id", id(e.b.inst.ID))
	if w := e.do("admin", "POST", "/admin/users", form); w.Code != 303 {
		t.Fatalf("add: %d\n%s", w.Code, excerpt(w.Body.String()))
	}
	if w := e.do("admin", "POST", "/admin/users", form); w.Code != 409 || fieldError(w.Body.String(), "username") != "该用户名已被使用。" {
		t.Errorf("duplicate: %d", w.Code)
	}
	body := e.do("admin", "GET", "/admin/users", nil).Body.String()
	var uid string
	for _, r := range rowIDs(body, "users") {
		if c := cells(body, r); c[0] == "zhangsan" {
			uid = strings.TrimPrefix(r, "row-")
			if c[2] != "机构用户" || c[3] != e.b.inst.Name {
				t.Errorf("row %q", c)
			}
		}
	}
	if uid == "" {
		t.Fatal("new user not listed")
	}
	login, err := e.auth.Login(context.Background(), "zhangsan", "Long-Pass2026", domain.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	if w := e.do("admin", "POST", "/admin/users/"+uid+"/password", url.Values{"password": {"short"}}); w.Code != 422 || !strings.Contains(w.Body.String(), "密码至少8个字符") {
		t.Errorf("short password: %d", w.Code)
	}
	if w := e.do("admin", "POST", "/admin/users/"+uid+"/password", url.Values{"password": {"alllowercase"}}); w.Code != 422 || !strings.Contains(w.Body.String(), "至少三类") {
		t.Errorf("password of one class: %d", w.Code)
	}
	if w := e.do("admin", "POST", "/admin/users/"+uid+"/password", url.Values{"password": {"New-Long-2026"}}); w.Code != 303 {
		t.Errorf("reset: %d", w.Code)
	}
	if _, _, err := e.auth.Session(context.Background(), login.Token); err == nil {
		t.Error("session survives a password reset")
	}
	if w := e.do("", "POST", "/login", url.Values{"username": {"zhangsan"}, "password": {"New-Long-2026"}}); w.Code != 303 {
		t.Errorf("login with the new password: %d", w.Code)
	}
}
