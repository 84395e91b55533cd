package web_test

import (
	"context"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"radsup/internal/htmltest"
	"radsup/internal/registry"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
	"radsup/internal/web"
)

// badCheck returns code with a wrong check character.
func badCheck(code string) string {
	last := code[17]
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if byte(c) != last {
			return code[:17] + string(c)
		}
	}
	panic("unreachable")
}

func institutionCount(t *testing.T, e *env) int {
	t.Helper()
	_, n, err := registry.List(context.Background(), e.reg, e.super(), store.Institutions, store.Filter{Retired: true})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInvalidCreditCodeKeepsTypedValues(t *testing.T) {
	e := newEnv(t)
	typed := " " + strings.ToLower(badCheck(storetest.CreditCode()))
	form := url.Values{"name": {"郑州<测试>医院"}, "credit_code": {typed}, "kind": {"clinic"}, "beds": {"12"},
		"division_code": {"410102"}, "street": {"410102003"}, "address": {"棉纺路&1号"}, "phone": {"0371-67890123"}, "status": {"open"}}
	w := e.do("supervisor", "POST", "/institutions/new", form)
	body := w.Body.String()
	if w.Code != 422 {
		t.Fatalf("status %d, want 422\n%s", w.Code, excerpt(body))
	}
	if got, want := fieldError(body, "credit_code"), "统一社会信用代码校验位不正确，请核对是否有输错的字符（GB 32100-2015）。"; got != want {
		t.Errorf("credit_code message %q, want %q", got, want)
	}
	for name, want := range map[string]string{"credit_code": typed, "name": "郑州<测试>医院", "beds": "12", "address": "棉纺路&1号", "phone": "0371-67890123"} {
		if got, ok := inputValue(body, name); !ok || got != want {
			t.Errorf("input %s = %q (found %v), want %q", name, got, ok, want)
		}
	}
	for name, want := range map[string]string{"kind": "clinic", "street": "410102003", "status": "open"} {
		if got := selected(body, name); !reflect.DeepEqual(got, []string{want}) {
			t.Errorf("select %s = %v, want %s", name, got, want)
		}
	}
	if msg := fieldError(body, "name"); msg != "" {
		t.Errorf("name has an error: %q", msg)
	}
	if !strings.Contains(body, "输入有误") {
		t.Error("no summary message")
	}
	if n := institutionCount(t, e); n != 2 {
		t.Errorf("%d institutions stored, want 2", n)
	}
}

func TestEmploymentEndBeforeStart(t *testing.T) {
	e := newEnv(t)
	form := url.Values{"institution_id": {id(e.b.inst.ID)}, "occupation": {"2C"}, "started_on": {"2022-05-10"}, "ended_on": {"2022-05-01"}}
	w := e.do("supervisor", "POST", "/people/"+id(e.a.person.ID)+"/employments/new", form)
	body := w.Body.String()
	if w.Code != 422 {
		t.Fatalf("status %d, want 422\n%s", w.Code, excerpt(body))
	}
	if got := fieldError(body, "ended_on"); got != "离岗日期不能早于开始放射工作日期。" {
		t.Errorf("ended_on message %q", got)
	}
	for name, want := range map[string]string{"started_on": "2022-05-10", "ended_on": "2022-05-01"} {
		if got, _ := inputValue(body, name); got != want {
			t.Errorf("input %s = %q, want %q", name, got, want)
		}
	}
	if got := selected(body, "institution_id"); !reflect.DeepEqual(got, []string{id(e.b.inst.ID)}) {
		t.Errorf("institution select %v", got)
	}
	if got := selected(body, "occupation"); !reflect.DeepEqual(got, []string{"2C"}) {
		t.Errorf("occupation select %v", got)
	}
}

func TestUnknownEnumAndBadNumbers(t *testing.T) {
	e := newEnv(t)
	person := "/people/" + id(e.a.person.ID)
	w := e.do("inst", "POST", person+"/trainings/new", url.Values{"taken_on": {"2024-03-04"}, "kind": {"weekly"}, "passed": {"pass"}})
	body := w.Body.String()
	if w.Code != 422 {
		t.Fatalf("training: status %d\n%s", w.Code, excerpt(body))
	}
	if got := fieldError(body, "kind"); got != "不是有效的选项，请从列表中选择。" {
		t.Errorf("kind message %q", got)
	}
	if got := selected(body, "kind"); !reflect.DeepEqual(got, []string{"weekly"}) {
		t.Errorf("the unknown option is not kept: %v", got)
	}

	form := url.Values{"institution_id": {id(e.a.inst.ID)}, "period_start": {"2024-13-01"}, "period_end": {"2024-03-31"}, "hp10": {"0,25"}}
	w = e.do("inst", "POST", person+"/doses/new", form)
	body = w.Body.String()
	if w.Code != 422 {
		t.Fatalf("dose: status %d\n%s", w.Code, excerpt(body))
	}
	if got := fieldError(body, "hp10"); !strings.HasPrefix(got, "剂量应为不小于0的数字") {
		t.Errorf("hp10 message %q", got)
	}
	if got := fieldError(body, "period_start"); !strings.HasPrefix(got, "日期格式有误") {
		t.Errorf("period_start message %q", got)
	}
	// A value a number or date input cannot hold is shown in a text input.
	for name, want := range map[string]string{"hp10": "0,25", "period_start": "2024-13-01"} {
		tag, _ := startTag(body, "input", "name", name)
		if v, _ := attr(tag, "value"); v != want {
			t.Errorf("%s value %q, want %q", name, v, want)
		}
		if typ, _ := attr(tag, "type"); typ != "text" {
			t.Errorf("%s input type %q, want text", name, typ)
		}
	}
	// The institution user's institution is fixed, not chosen.
	if tag, _ := startTag(body, "input", "name", "institution_id"); htmltest.Render(tag) == "" || attrOf(tag, "type") != "hidden" {
		t.Errorf("institution input %s", htmltest.Render(tag))
	}
}

func TestLicenceItemsKept(t *testing.T) {
	e := newEnv(t)
	form := url.Values{"licence_no": {"X-1"}, "issuer": {"中原区卫健委"}, "valid_until": {"2030-01-01"}, "items": {"dental_xray", "ct"}}
	w := e.do("supervisor", "POST", "/institutions/"+id(e.a.inst.ID)+"/licences/new", form)
	body := w.Body.String()
	if w.Code != 422 {
		t.Fatalf("status %d\n%s", w.Code, excerpt(body))
	}
	if got := fieldError(body, "issued_on"); got != "必填项，请填写。" {
		t.Errorf("issued_on message %q", got)
	}
	if got := checked(body, "items"); !reflect.DeepEqual(got, []string{"ct", "dental_xray"}) {
		t.Errorf("checked items %v", got)
	}
}

func TestStaleEditKeepsFirst(t *testing.T) {
	e := newEnv(t)
	lic := e.a.licence
	path := "/licences/" + id(lic.ID) + "/edit"
	page := e.do("supervisor", "GET", path, nil).Body.String()
	v, _ := inputValue(page, "version")

	first := formOf("licence", lic, 0)
	first.Set("version", v)
	first.Set("issuer", "第一次修改")
	if w := e.do("supervisor", "POST", path, first); w.Code != 303 {
		t.Fatalf("first edit: %d\n%s", w.Code, excerpt(w.Body.String()))
	}
	second := formOf("licence", lic, 0)
	second.Set("version", v)
	second.Set("issuer", "第二次修改")
	w := e.do("supervisor", "POST", path, second)
	body := w.Body.String()
	if w.Code != 409 {
		t.Fatalf("second edit: %d, want 409\n%s", w.Code, excerpt(body))
	}
	msg, _ := element(body, "div", "id", "form-message")
	if !strings.Contains(text(msg), "该记录已被他人修改") {
		t.Errorf("message %q", text(msg))
	}
	if got, _ := inputValue(body, "issuer"); got != "第二次修改" {
		t.Errorf("submitted issuer not kept: %q", got)
	}
	if stored, _ := element(body, "p", "id", "stored-issuer"); !strings.Contains(text(stored), "第一次修改") {
		t.Errorf("stored issuer not shown: %q", text(stored))
	}
	if _, shown := element(body, "p", "id", "stored-licence_no"); shown {
		t.Error("an unchanged field is marked as changed")
	}
	stored := find(e, store.Licences, lic.ID)
	if stored.Issuer != "第一次修改" {
		t.Fatalf("stored issuer %q, want the first edit", stored.Issuer)
	}
	newV, _ := inputValue(body, "version")
	if newV != id(int64(stored.Version)) {
		t.Errorf("form version %s, stored %d", newV, stored.Version)
	}
	// Resubmitting with the new version replaces the stored values.
	second.Set("version", newV)
	if w := e.do("supervisor", "POST", path, second); w.Code != 303 {
		t.Fatalf("resubmit: %d", w.Code)
	}
	if got := find(e, store.Licences, lic.ID).Issuer; got != "第二次修改" {
		t.Errorf("after resubmit: %q", got)
	}
}

func TestStaleRetire(t *testing.T) {
	e := newEnv(t)
	form := url.Values{"version": {id(int64(e.a.training.Version))}}
	path := "/trainings/" + id(e.a.training.ID)
	if w := e.do("inst", "POST", path+"/retire", form); w.Code != 303 {
		t.Fatalf("retire: %d", w.Code)
	}
	w := e.do("supervisor", "POST", path+"/retire", form)
	if w.Code != 409 || !strings.Contains(w.Body.String(), "该记录已被他人修改") {
		t.Fatalf("second retire: %d\n%s", w.Code, excerpt(w.Body.String()))
	}
}

func TestDuplicateCreditCode(t *testing.T) {
	e := newEnv(t)
	form := url.Values{"name": {"另一家医院"}, "credit_code": {e.b.inst.CreditCode}, "kind": {"clinic"},
		"division_code": {"410102"}, "address": {"a"}, "status": {"open"}}
	w := e.do("supervisor", "POST", "/institutions/new", form)
	body := w.Body.String()
	if w.Code != 409 {
		t.Fatalf("status %d\n%s", w.Code, excerpt(body))
	}
	if got := fieldError(body, "credit_code"); got != "已存在相同的记录（编号或日期重复）。" {
		t.Errorf("message %q", got)
	}
	if got, _ := inputValue(body, "name"); got != "另一家医院" {
		t.Errorf("name %q", got)
	}
}

func TestPersonCreate(t *testing.T) {
	e := newEnv(t)
	path := "/institutions/" + id(e.b.inst.ID) + "/people/new"
	// A bad ID number: the message is at the field and both sections keep their values.
	bad := url.Values{"id_number": {"11010519491231002Y"}, "name": {"王芳"}, "occupation": {"2E"}, "started_on": {"2020-01-01"}}
	w := e.do("supervisor", "POST", path, bad)
	body := w.Body.String()
	if w.Code != 422 {
		t.Fatalf("status %d\n%s", w.Code, excerpt(body))
	}
	if got := fieldError(body, "id_number"); !strings.Contains(got, "身份证号") {
		t.Errorf("id_number message %q", got)
	}
	if got, _ := inputValue(body, "name"); got != "王芳" {
		t.Errorf("name %q", got)
	}
	if got := selected(body, "occupation"); !reflect.DeepEqual(got, []string{"2E"}) {
		t.Errorf("occupation %v", got)
	}
	// A person already working at A is found by ID number and gets a job at B.
	ok := url.Values{"id_number": {e.a.person.IDNumber}, "name": {"别的名字"}, "occupation": {"2E"}, "started_on": {"2020-01-01"}}
	w = e.do("supervisor", "POST", path, ok)
	if w.Code != 303 || w.Header().Get("Location") != "/people/"+id(e.a.person.ID) {
		t.Fatalf("status %d, location %q", w.Code, w.Header().Get("Location"))
	}
	page := e.do("supervisor", "GET", "/people/"+id(e.a.person.ID), nil).Body.String()
	emps := text(mustElement(t, page, "table", "id", "employments"))
	if !strings.Contains(emps, e.a.inst.Name) || !strings.Contains(emps, e.b.inst.Name) {
		t.Errorf("employments %q", emps)
	}
	// The institution user of A sees only the job at A.
	page = e.do("inst", "GET", "/people/"+id(e.a.person.ID), nil).Body.String()
	if emps := text(mustElement(t, page, "table", "id", "employments")); strings.Contains(emps, e.b.inst.Name) {
		t.Errorf("institution user sees B's employment: %q", emps)
	}
}

func mustElement(t *testing.T, body, name, key, val string) string {
	t.Helper()
	inner, ok := element(body, name, key, val)
	if !ok {
		t.Fatalf("no <%s %s=%q>\n%s", name, key, val, excerpt(body))
	}
	return inner
}

// With more institutions than a select holds, the form asks for a credit
// code and resolves it.
func TestCreditCodeInput(t *testing.T) {
	defer web.SetMaxSelect(1)()
	e := newEnv(t)
	path := "/people/" + id(e.a.person.ID) + "/employments/new"
	page := e.do("supervisor", "GET", path, nil).Body.String()
	if _, ok := startTag(page, "input", "name", "institution_id_code"); !ok {
		t.Fatalf("no credit code input\n%s", excerpt(page))
	}
	form := url.Values{"institution_id_code": {"ZZ" + e.b.inst.CreditCode[2:]}, "occupation": {"2A"}, "started_on": {"2021-01-01"}}
	w := e.do("supervisor", "POST", path, form)
	if w.Code != 422 || !strings.Contains(fieldError(w.Body.String(), "institution_id_code"), "找不到") {
		t.Fatalf("unknown code: %d %q", w.Code, fieldError(w.Body.String(), "institution_id_code"))
	}
	if got, _ := inputValue(w.Body.String(), "institution_id_code"); got != form.Get("institution_id_code") {
		t.Errorf("typed code not kept: %q", got)
	}
	form.Set("institution_id_code", strings.ToLower(e.b.inst.CreditCode))
	if w := e.do("supervisor", "POST", path, form); w.Code != 303 {
		t.Fatalf("known code: %d\n%s", w.Code, excerpt(w.Body.String()))
	}
	emps, _, err := registry.List(context.Background(), e.reg, e.super(), store.Employments,
		store.Filter{Values: map[string]string{"person_id": id(e.a.person.ID), "institution_id": id(e.b.inst.ID)}})
	if err != nil || len(emps) != 1 {
		t.Fatalf("employment at B: %v %v", emps, err)
	}
	// The edit form shows the stored institution's credit code.
	page = e.do("supervisor", "GET", "/employments/"+id(emps[0].ID)+"/edit", nil).Body.String()
	if got, _ := inputValue(page, "institution_id_code"); got != e.b.inst.CreditCode {
		t.Errorf("edit form code %q", got)
	}
}

// Editing keeps what the form does not hold (the parent) and stores what it does.
func TestEditStoresValues(t *testing.T) {
	e := newEnv(t)
	eq := e.a.equip
	form := formOf("equipment", eq, eq.Version)
	form.Set("type", "c_arm")
	form.Set("interventional", "true")
	form.Set("room", "介入室")
	if w := e.do("inst", "POST", "/equipment/"+id(eq.ID)+"/edit", form); w.Code != 303 {
		t.Fatalf("status %d\n%s", w.Code, excerpt(w.Body.String()))
	}
	got := find(e, store.Equipment, eq.ID)
	if got.Type != "c_arm" || !got.Interventional || got.Room != "介入室" || got.InstitutionID != e.a.inst.ID || got.Category() != "interventional" {
		t.Errorf("stored %+v", got)
	}
	page := e.do("inst", "GET", "/equipment/"+id(eq.ID), nil).Body.String()
	if !strings.Contains(page, "介入放射学") {
		t.Error("category not shown")
	}
	// Unchecking the box stores false.
	form = formOf("equipment", got, got.Version)
	form.Del("interventional")
	e.do("inst", "POST", "/equipment/"+id(eq.ID)+"/edit", form)
	if find(e, store.Equipment, eq.ID).Interventional {
		t.Error("unchecked box stored as true")
	}
}

// TestInstalledBeforeManufactured: the message of dates out of order names
// the two fields.
func TestInstalledBeforeManufactured(t *testing.T) {
	e := newEnv(t)
	eq := e.a.equip
	form := formOf("equipment", eq, eq.Version)
	form.Set("manufactured_on", "2022-05-10")
	form.Set("installed_on", "2022-05-01")
	w := e.do("inst", "POST", "/equipment/"+id(eq.ID)+"/edit", form)
	if w.Code != 422 {
		t.Fatalf("status %d, want 422\n%s", w.Code, excerpt(w.Body.String()))
	}
	if got := fieldError(w.Body.String(), "installed_on"); got != "安装日期不能早于出厂日期。" {
		t.Errorf("installed_on message %q", got)
	}
}
