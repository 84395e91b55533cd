package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"radsup/internal/api"
	"radsup/internal/domain"
	"radsup/internal/store/storetest"
)

// routesOf asks the API for its endpoints.
func routesOf(t *testing.T, h http.Handler) []api.Route {
	t.Helper()
	r, ok := h.(interface{ Routes() []api.Route })
	if !ok {
		t.Fatal("the API does not list its routes")
	}
	return r.Routes()
}

// TestEndpointsCovered: every endpoint the API registers is run by a
// scenario test (the CRUD endpoints of each resource, the findings, rules
// and me), so that a new endpoint cannot go untested.
func TestEndpointsCovered(t *testing.T) {
	e := newEnv(t)
	tested := map[string]bool{
		"GET /api/v1/me": true, "GET /api/v1/rules": true, "GET /api/v1/findings": true,
		"GET /api/v1/findings/{id}": true, "POST /api/v1/findings/{id}/dismiss": true, "POST /api/v1/findings/{id}/reopen": true,
		// TestPlanEndpoints
		"GET /api/v1/plans": true, "POST /api/v1/plans": true, "GET /api/v1/plans/{id}": true, "POST /api/v1/plans/{id}/draw": true,
		"GET /api/v1/plans/{id}/verify": true, "GET /api/v1/inspectors": true, "PUT /api/v1/inspectors/{id}": true,
		"GET /api/v1/stats/dose": true, // TestStatsAgree in cmd/radsup
		// TestInspectionEndpoints
		"GET /api/v1/inspections": true, "POST /api/v1/inspections": true, "GET /api/v1/inspections/{id}": true,
		"PUT /api/v1/inspections/{id}": true, "PUT /api/v1/inspections/{id}/items/{code}": true,
		"POST /api/v1/inspections/{id}/sign": true, "POST /api/v1/inspections/{id}/amendments": true,
		"POST /api/v1/inspections/{id}/evidence": true, "GET /api/v1/inspections/{id}/evidence/{file}": true,
		// TestRectificationEndpoints
		"GET /api/v1/rectifications": true, "POST /api/v1/rectifications": true, "GET /api/v1/rectifications/{id}": true,
		"POST /api/v1/rectifications/{id}/respond": true, "POST /api/v1/rectifications/{id}/close": true,
		"POST /api/v1/rectifications/{id}/files": true, "GET /api/v1/rectifications/{id}/files/{file}": true,
		// TestCaseEndpoints
		"GET /api/v1/articles": true, "GET /api/v1/cases": true, "POST /api/v1/cases": true, "GET /api/v1/cases/{id}": true,
		"PUT /api/v1/cases/{id}": true, "POST /api/v1/cases/{id}/steps": true, "POST /api/v1/cases/{id}/reports": true,
		"GET /api/v1/stats/trends": true, // TestTrendsEndpoint
		// TestNoticeEndpoints
		"GET /api/v1/notices": true, "POST /api/v1/notices": true, "POST /api/v1/notices/{id}/read": true,
		"PUT /api/v1/notices/contact": true,
		// TestChangeRequestEndpoints
		"GET /api/v1/change-requests": true, "POST /api/v1/change-requests": true, "GET /api/v1/change-requests/{id}": true,
		"POST /api/v1/change-requests/{id}/approve": true, "POST /api/v1/change-requests/{id}/reject": true,
		"POST /api/v1/change-requests/{id}/withdraw": true, "GET /api/v1/attachments/{id}": true,
		"GET /api/v1/licences/{id}/acts": true, "POST /api/v1/licences/{id}/acts": true, // TestLicenceActEndpoints
		"GET /api/v1/files/{entity}/{id}": true, "POST /api/v1/files/{entity}/{id}": true, // TestFileEndpoints
		// TestSubmissionEndpoints
		"GET /api/v1/submissions": true, "POST /api/v1/submissions/approve": true, "POST /api/v1/submissions/{id}/reject": true,
		"GET /api/v1/settings/review": true, "PUT /api/v1/settings/review": true,
		"GET /api/v1/institution-changes": true, // TestInstitutionChangesEndpoint
	}
	for _, res := range resources {
		base := "/api/v1/" + res
		for _, p := range []string{"GET " + base, "POST " + base, "GET " + base + "/{id}", "PUT " + base + "/{id}",
			"POST " + base + "/{id}/retire", "POST " + base + "/{id}/restore"} {
			tested[p] = true
		}
	}
	for _, r := range routesOf(t, e.api) {
		if !tested[r.Pattern] {
			t.Errorf("endpoint %s is not run by any scenario", r.Pattern)
		}
	}
}

// TestEndpointRolesEnforced calls every endpoint with a token of every role
// it does not declare and expects 403 and an audited denial.
func TestEndpointRolesEnforced(t *testing.T) {
	e := newEnv(t)
	callers := []string{admin, security, auditor, supervisor, instA, viewer}
	for _, r := range routesOf(t, e.api) {
		method, p, _ := strings.Cut(r.Pattern, " ")
		p = strings.ReplaceAll(p, "{id}", strconv.FormatInt(e.a["institutions"], 10))
		for _, c := range callers {
			if r.Roles.Allows(e.users[c].Role) {
				continue
			}
			before := e.audits()
			var body any
			if method != "GET" {
				body = map[string]any{}
			}
			if got := e.do(c, method, p, body); got.status != http.StatusForbidden {
				t.Errorf("%s %s as %s: %d, want 403", method, p, c, got.status)
			}
			if e.audits() != before+1 {
				t.Errorf("%s %s as %s: the denial was not audited", method, p, c)
			}
		}
	}
}

func (e *env) audits() int {
	e.t.Helper()
	return storetest.Count(e.t, e.store, "audit_events WHERE action = 'denied'")
}

// TestViewerSeesMaskedNumbers: ID and phone numbers reach a viewer masked,
// and without the birth date that would give the hidden digits away.
func TestViewerSeesMaskedNumbers(t *testing.T) {
	e := newEnv(t)
	whole := e.record("people", e.a["people"])["id_number"].(string)
	seen := e.do(viewer, "GET", path("people", e.a["people"]), nil).obj(t)
	if got := seen["id_number"]; got != domain.MaskIDNumber(whole) {
		t.Errorf("viewer reads ID number %v, want %s", got, domain.MaskIDNumber(whole))
	}
	if birth := e.record("people", e.a["people"])["birth_date"]; birth == "" || seen["birth_date"] != "" {
		t.Errorf("viewer reads birth date %v (whole record: %v)", seen["birth_date"], birth)
	}
	ids, _, r := e.list(viewer, "/api/v1/people?limit=500")
	if len(ids) == 0 || strings.Contains(string(r.body), whole) {
		t.Errorf("viewer's list shows a whole ID number")
	}
}
