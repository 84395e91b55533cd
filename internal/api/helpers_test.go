package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"radsup/internal/accounts"
	"radsup/internal/api"
	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/findings"
	"radsup/internal/httplog"
	"radsup/internal/registry"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// The callers of the scenario tests.
const (
	admin      = "admin"
	supervisor = "supervisor"
	instA      = "instA" // an institution user of A
	viewer     = "viewer"
	security   = "security"
	auditor    = "auditor"
	noToken    = "none"
	revoked    = "revoked"
)

// fixture is one institution with one record of each kind, keyed by the
// resource's path name.
type fixture map[string]int64

// env is a server on a fresh database with two institutions, A and B, and
// a token for each caller. As in radsup serve, each change through the API
// re-screens what it touched.
type env struct {
	t        *testing.T
	store    *store.Store
	findings *findings.Service
	h        http.Handler
	api      http.Handler // the API itself, to ask it its routes
	logs     *bytes.Buffer
	tokens   map[string]string
	users    map[string]*domain.User
	a, b     fixture
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := storetest.Open(t)
	e := &env{t: t, store: s, findings: &findings.Service{Store: s}, logs: &bytes.Buffer{},
		tokens: map[string]string{}, users: map[string]*domain.User{}}
	log := slog.New(slog.NewTextHandler(e.logs, nil))
	reg := registry.New(s)
	reg.AfterChange = e.findings.AfterChange(nil)
	e.api = api.New(api.Config{Registry: reg, Auth: &accounts.Service{Store: s}, Findings: e.findings, Logger: log})
	e.h = httplog.Handler(slog.New(slog.DiscardHandler), e.api)
	err := s.WithTx(context.Background(), domain.Actor{Username: "test"}, func(tx *store.Tx) error {
		e.a, e.b = newFixture(t, tx), newFixture(t, tx)
		for caller, u := range map[string]*domain.User{
			admin:      storetest.User(t, tx, domain.RoleAdmin, 0),
			supervisor: storetest.User(t, tx, domain.RoleSupervisor, 0),
			instA:      storetest.User(t, tx, domain.RoleInstitution, e.a["institutions"]),
			viewer:     storetest.User(t, tx, domain.RoleViewer, 0),
			security:   storetest.User(t, tx, domain.RoleSecurity, 0),
			auditor:    storetest.User(t, tx, domain.RoleAuditor, 0),
			revoked:    storetest.User(t, tx, domain.RoleSupervisor, 0),
		} {
			e.users[caller], e.tokens[caller] = u, newToken(t, tx, u, caller == revoked)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// newFixture files an institution with one record of each kind.
func newFixture(t *testing.T, tx *store.Tx) fixture {
	inst := storetest.Institution(t, tx)
	p := storetest.Person(t, tx)
	eq := storetest.Equipment(t, tx, inst.ID)
	return fixture{
		"institutions": inst.ID,
		"licences":     storetest.Licence(t, tx, inst.ID).ID,
		"people":       p.ID,
		"employments":  storetest.Employment(t, tx, p.ID, inst.ID).ID,
		"trainings":    storetest.Training(t, tx, p.ID, func(x *domain.Training) { x.FiledBy = inst.ID }).ID,
		"exams":        storetest.Exam(t, tx, p.ID, func(x *domain.Exam) { x.FiledBy = inst.ID }).ID,
		"doses":        storetest.Dose(t, tx, p.ID, inst.ID).ID,
		"equipment":    eq.ID,
		"tests":        storetest.Test(t, tx, eq.ID).ID,
	}
}

// newToken gives u an API token, revoked if asked, and returns it.
func newToken(t *testing.T, tx *store.Tx, u *domain.User, revoke bool) string {
	token, hash := auth.NewToken()
	tok, err := tx.CreateAPIToken(u.ID, "test", hash)
	if err == nil && revoke {
		err = tx.RevokeAPIToken(u.ID, tok.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// response is what the API answered.
type response struct {
	status int
	header http.Header
	body   []byte
}

// obj decodes the body as a JSON object.
func (r *response) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// apiError is the error body.
type apiError struct {
	Code       string            `json:"code"`
	Message    string            `json:"message"`
	Fields     map[string]string `json:"fields"`
	FieldCodes map[string]string `json:"field_codes"`
	RequestID  string            `json:"request_id"`
}

func (r *response) err(t *testing.T) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(r.body, &e); err != nil || e.Code == "" {
		t.Fatalf("not an error body (%v): %s", err, r.body)
	}
	return e
}

// do sends a request as caller; body is sent as is if it is a string, as
// JSON otherwise (nil: no body).
func (e *env) do(caller, method, path string, body any, header ...string) *response {
	e.t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if tok := e.tokens[caller]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return &response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// record returns a record as a supervisor reads it.
func (e *env) record(res string, id int64) map[string]any {
	e.t.Helper()
	r := e.do(supervisor, "GET", path(res, id), nil)
	if r.status != http.StatusOK {
		e.t.Fatalf("GET %s/%d as supervisor: %d %s", res, id, r.status, r.body)
	}
	return r.obj(e.t)
}

// total returns how many records of res exist, retired ones included.
func (e *env) total(res string) int {
	e.t.Helper()
	r := e.do(supervisor, "GET", "/api/v1/"+res+"?retired=true&limit=1", nil)
	if r.status != http.StatusOK {
		e.t.Fatalf("count %s: %d %s", res, r.status, r.body)
	}
	return int(r.obj(e.t)["total"].(float64))
}

// list returns the ids on a page of a list and its total.
func (e *env) list(caller, url string) (ids map[int64]bool, total int, r *response) {
	e.t.Helper()
	r = e.do(caller, "GET", url, nil)
	if r.status != http.StatusOK {
		return nil, 0, r
	}
	var page struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if err := json.Unmarshal(r.body, &page); err != nil || page.Items == nil {
		e.t.Fatalf("list %s: %v %s", url, err, r.body)
	}
	ids = map[int64]bool{}
	for _, it := range page.Items {
		ids[it.ID] = true
	}
	return ids, page.Total, r
}

func path(res string, id int64, action ...string) string {
	p := "/api/v1/" + res + "/" + strconv.FormatInt(id, 10)
	for _, a := range action {
		p += "/" + a
	}
	return p
}

// seq makes natural keys and dates unique within the test binary.
var seq atomic.Int64

// day returns a distinct date in 2015–2019 for natural keys that hold a date.
func day() string {
	return domain.NewDate(2015, 1, 1).AddDate(0, 0, int(seq.Add(1)%1800)).String()
}

func unique(prefix string) string { return fmt.Sprintf("%s%06d", prefix, seq.Add(1)) }

// newBody returns a valid new record of res whose parents are in f.
func newBody(res string, f fixture) map[string]any {
	switch res {
	case "institutions":
		return map[string]any{"name": unique("接口测试医院"), "credit_code": storetest.CreditCode(), "kind": "clinic",
			"division_code": domain.DefaultDivision, "address": "中原区桐柏路1号", "status": "open"}
	case "licences":
		return map[string]any{"institution_id": f["institutions"], "licence_no": unique("豫卫放证字第"), "issuer": "郑州市中原区卫生健康委员会",
			"issued_on": "2024-01-01", "valid_until": "2028-12-31", "items": []string{"ct"}}
	case "people":
		return map[string]any{"id_number": storetest.IDNumber(), "name": unique("接口人员"),
			"employment": map[string]any{"institution_id": f["institutions"], "occupation": "2A", "started_on": "2020-01-01"}}
	case "employments":
		return map[string]any{"person_id": f["people"], "institution_id": f["institutions"], "occupation": "2B", "started_on": day()}
	case "trainings":
		return map[string]any{"person_id": f["people"], "taken_on": day(), "kind": "periodic", "passed": "pass"}
	case "exams":
		return map[string]any{"person_id": f["people"], "examined_on": day(), "kind": "periodic", "conclusion": "continue"}
	case "doses":
		start := day()
		return map[string]any{"person_id": f["people"], "institution_id": f["institutions"], "period_start": start,
			"period_end": start, "hp10": 0.05}
	case "equipment":
		return map[string]any{"institution_id": f["institutions"], "type": "dr", "model": "DR-1", "serial_no": unique("API"), "status": "in_use"}
	case "tests":
		return map[string]any{"equipment_id": f["equipment"], "kind": "status", "tested_on": day(), "result": "pass"}
	}
	panic("unknown resource " + res)
}

// editField is the text field each resource's update changes.
var editField = map[string]string{
	"institutions": "address", "licences": "issuer", "people": "name", "employments": "job", "trainings": "provider",
	"exams": "provider", "doses": "provider", "equipment": "room", "tests": "agency",
}

// resources lists every resource path.
var resources = []string{"institutions", "licences", "people", "employments", "trainings", "exams", "doses", "equipment", "tests"}

// edited returns rec (as read) with its edit field set to value.
func edited(res string, rec map[string]any, value string) map[string]any {
	out := map[string]any{}
	for k, v := range rec {
		out[k] = v
	}
	out[editField[res]] = value
	return out
}
