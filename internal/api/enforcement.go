package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/enforcement"
)

// decodeStrict decodes the JSON object in obj into v, refusing unknown
// keys and values of the wrong type as field errors.
func decodeStrict(obj map[string]json.RawMessage, v any, known map[string]bool) error {
	errs := domain.FieldErrors{}
	for k := range obj {
		if !known[k] {
			errs.Add(k, "unknown_field")
		}
	}
	if len(errs) > 0 {
		return errs.Err()
	}
	b, _ := json.Marshal(obj)
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return domain.FieldErrors{te.Field: "type"}.Err()
		}
		return errBadRequest
	}
	return nil
}

// planInput is the body of POST /api/v1/plans.
type planInput struct {
	Year       int     `json:"year"`
	Name       string  `json:"name"`
	Type       string  `json:"type"`
	Street     string  `json:"street"`
	Kind       string  `json:"kind"`
	Category   string  `json:"category"`
	Count      int     `json:"count"`
	Ratio      float64 `json:"ratio"`
	Weighted   bool    `json:"weighted"`
	SeedSHA256 string  `json:"seed_sha256"`
	SeedSource string  `json:"seed_source"`
}

var planKeys = map[string]bool{"year": true, "name": true, "type": true, "street": true, "kind": true, "category": true,
	"count": true, "ratio": true, "weighted": true, "seed_sha256": true, "seed_source": true}

// planResponse is a plan with its drawn units (none before the draw).
type planResponse struct {
	*domain.Plan
	Units []domain.PlanUnit `json:"units"`
}

func planOf(v *enforcement.PlanView) planResponse {
	units := v.Units
	if units == nil {
		units = []domain.PlanUnit{}
	}
	return planResponse{v.Plan, units}
}

// handlePlans answers GET /api/v1/plans[?year=Y]: the plans, newest first.
func (s *server) handlePlans(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	year := 0
	for k, v := range r.URL.Query() {
		if k != "year" {
			return domain.FieldErrors{k: "unknown_filter"}.Err()
		}
		var err error
		if year, err = strconv.Atoi(v[0]); err != nil || year < 1800 || year > 9999 {
			return domain.FieldErrors{"year": "integer"}.Err()
		}
	}
	plans, err := s.enforcement.Plans(r.Context(), u, year)
	if err != nil {
		return err
	}
	if plans == nil {
		plans = []*domain.Plan{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": plans, "total": len(plans)})
}

// handlePlanCreate answers POST /api/v1/plans: publish a plan with the
// SHA-256 of its seed.
func (s *server) handlePlanCreate(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in planInput
	if err := decodeStrict(obj, &in, planKeys); err != nil {
		return err
	}
	p := &domain.Plan{Year: in.Year, Name: in.Name, Type: in.Type, Street: in.Street, Kind: in.Kind, Category: in.Category,
		Count: in.Count, Ratio: in.Ratio, Weighted: in.Weighted, SeedSHA256: in.SeedSHA256, SeedSource: in.SeedSource}
	if err := s.enforcement.CreatePlan(r.Context(), actor(r, u), u, p); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/plans/"+strconv.FormatInt(p.ID, 10))
	return writeJSON(w, http.StatusCreated, planResponse{p, []domain.PlanUnit{}})
}

// handlePlan answers GET /api/v1/plans/{id}: the plan and its drawn units.
func (s *server) handlePlan(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.enforcement.Plan(r.Context(), u, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, planOf(v))
}

// handlePlanDraw answers POST /api/v1/plans/{id}/draw with {"version": N,
// "seed": "…"}: the frozen draw.
func (s *server) handlePlanDraw(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		Version int    `json:"version"`
		Seed    string `json:"seed"`
	}
	if err := decodeStrict(obj, &in, map[string]bool{"version": true, "seed": true}); err != nil {
		return err
	}
	if in.Version < 1 {
		return domain.FieldErrors{"version": domain.CodeRequired}.Err()
	}
	v, err := s.enforcement.Draw(r.Context(), actor(r, u), u, id, in.Version, in.Seed)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, planOf(v))
}

// verifyResponse is the body of GET /api/v1/plans/{id}/verify.
type verifyResponse struct {
	OK          bool                     `json:"ok"`
	Differences []enforcement.Difference `json:"differences"`
}

// handlePlanVerify answers GET /api/v1/plans/{id}/verify: whether the
// frozen draw recomputes from its stored seed, pool and inspectors.
func (s *server) handlePlanVerify(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.enforcement.Verify(r.Context(), u, id)
	if err != nil {
		return err
	}
	d := v.Differences
	if d == nil {
		d = []enforcement.Difference{}
	}
	return writeJSON(w, http.StatusOK, verifyResponse{OK: len(d) == 0, Differences: d})
}

// handleInspectors answers GET /api/v1/inspectors: the supervisor accounts
// as inspectors (version 0: not yet one).
func (s *server) handleInspectors(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	ins, err := s.enforcement.Inspectors(r.Context(), u)
	if err != nil {
		return err
	}
	if ins == nil {
		ins = []*domain.Inspector{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": ins, "total": len(ins)})
}

// handleInspectorPut answers PUT /api/v1/inspectors/{id} with {"version":
// N (0 for a new inspector), "cert_no": "…", "active": true, "recused":
// ["credit code", …]}.
func (s *server) handleInspectorPut(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	var in struct {
		Version int      `json:"version"`
		CertNo  string   `json:"cert_no"`
		Active  bool     `json:"active"`
		Recused []string `json:"recused"`
	}
	if err := decodeStrict(obj, &in, map[string]bool{"version": true, "cert_no": true, "active": true, "recused": true}); err != nil {
		return err
	}
	for i, c := range in.Recused {
		in.Recused[i] = strings.TrimSpace(c)
	}
	ins := &domain.Inspector{UserID: id, CertNo: in.CertNo, Active: in.Active}
	if err := s.enforcement.SetInspector(r.Context(), actor(r, u), u, ins, in.Recused, in.Version); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ins)
}

// handleDoseStats answers GET /api/v1/stats/dose?year=Y[&institution_id=N]:
// the occupational dose figures of spec/statistics.md, as `radsup stats
// dose -format json` prints them.
func (s *server) handleDoseStats(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	year, inst := 0, int64(0)
	errs := domain.FieldErrors{}
	for k, v := range r.URL.Query() {
		switch k {
		case "year":
			year = readInt(k, v[0], 1800, errs)
		case "institution_id":
			inst = int64(readInt(k, v[0], 1, errs))
		default:
			errs.Add(k, "unknown_filter")
		}
	}
	if year == 0 {
		errs.Add("year", domain.CodeRequired)
	}
	if len(errs) > 0 {
		return errs.Err()
	}
	rep, err := s.reports.Dose(r.Context(), u, year, inst)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}
