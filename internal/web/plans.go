package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/draw"
	"radsup/internal/enforcement"
	"radsup/internal/i18n"
)

// plansPage lists the inspection plans of a year.
type plansPage struct {
	base
	Year  int
	Years []int
	Plans []*domain.Plan
}

// handlePlans lists the plans, newest first, of the year asked (default:
// every year).
func (s *Server) handlePlans(w http.ResponseWriter, r *http.Request) error {
	p := plansPage{base: s.base(r, "plans", i18n.T(s.lang(r), "nav.plans"))}
	p.Year, _ = strconv.Atoi(r.URL.Query().Get("year"))
	this := s.cfg.Registry.Today().Year()
	p.Years = []int{this + 1, this, this - 1, this - 2}
	var err error
	if p.Plans, err = s.cfg.Enforcement.Plans(r.Context(), userOf(r), p.Year); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "plans", p)
}

// planForm is the form of a new plan.
type planForm struct {
	base
	Plan    *domain.Plan
	Ratio   string // as typed
	Errors  map[string]string
	Message string
}

func (s *Server) handlePlanNew(w http.ResponseWriter, r *http.Request) error {
	p := &domain.Plan{Year: s.cfg.Registry.Today().Year(), Type: "random", Weighted: true}
	return s.renderPlanForm(w, r, http.StatusOK, planForm{Plan: p})
}

func (s *Server) renderPlanForm(w http.ResponseWriter, r *http.Request, status int, f planForm) error {
	f.base = s.base(r, "plans", i18n.T(s.lang(r), "plan.new"))
	return s.render(w, r, status, "plan_form", f)
}

// handlePlanCreate publishes a plan. The office gives the SHA-256 of its
// seed, or the seed itself to have it hashed here: only the hash is kept.
func (s *Server) handlePlanCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	v := r.PostForm
	p := &domain.Plan{Name: v.Get("name"), Type: v.Get("type"), Street: v.Get("street"), Kind: v.Get("kind"),
		Category: v.Get("category"), Weighted: v.Get("weighted") != "", SeedSHA256: v.Get("seed_sha256"), SeedSource: v.Get("seed_source")}
	lang := s.lang(r)
	fe := domain.FieldErrors{}
	var err error
	if p.Year, err = strconv.Atoi(strings.TrimSpace(v.Get("year"))); err != nil {
		fe.Add("year", "year_plan")
	}
	if c := strings.TrimSpace(v.Get("count")); c != "" {
		if p.Count, err = strconv.Atoi(c); err != nil {
			fe.Add("count", "count_range")
		}
	}
	ratio := strings.TrimSpace(v.Get("ratio"))
	if ratio != "" {
		pct := strings.HasSuffix(ratio, "%")
		if p.Ratio, err = strconv.ParseFloat(strings.TrimSuffix(ratio, "%"), 64); err != nil {
			fe.Add("ratio", "ratio_range")
		} else if pct {
			p.Ratio /= 100
		}
	}
	if seed := v.Get("seed"); seed != "" && strings.TrimSpace(p.SeedSHA256) == "" {
		p.SeedSHA256 = draw.Commitment(seed)
	}
	if len(fe) == 0 {
		err = s.cfg.Enforcement.CreatePlan(r.Context(), actorOf(r), userOf(r), p)
		if err == nil {
			http.Redirect(w, r, "/plans/"+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
			return nil
		}
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EINVALID && de.Code != domain.ECONFLICT {
			return err
		}
		for k, code := range de.Fields {
			fe.Add(k, code)
		}
		if len(de.Fields) == 0 {
			return s.renderPlanForm(w, r, http.StatusConflict, planForm{Plan: p, Ratio: ratio, Message: errorText(lang, de)})
		}
	}
	msgs := map[string]string{}
	for k, code := range fe {
		msgs[k] = fieldMessage(lang, k, code)
	}
	return s.renderPlanForm(w, r, http.StatusUnprocessableEntity, planForm{Plan: p, Ratio: ratio, Errors: msgs,
		Message: i18n.T(lang, "error.invalid")})
}

// errorText is a user-facing error in lang, with the values it names.
func errorText(lang string, de *domain.Error) string {
	args := make([]any, len(de.Args))
	for i, a := range de.Args {
		args[i] = a
	}
	return i18n.T(lang, de.Message, args...)
}

// planPage shows a plan: its pool filter, the commitment, and once drawn
// the seed, the drawn units with their teams, and whether the draw
// recomputes.
type planPage struct {
	base
	*enforcement.PlanView
	Names    map[string]string // inspector username → display name
	Verified bool              // the frozen draw recomputes from its published inputs
	Seed     string            // as typed, after a refused draw
	Error    string
	// Inspections are the drawn units' inspections, by draw order.
	Inspections map[int]int64
}

func (s *Server) handlePlan(w http.ResponseWriter, r *http.Request) error {
	return s.renderPlan(w, r, http.StatusOK, planPage{})
}

func (s *Server) renderPlan(w http.ResponseWriter, r *http.Request, status int, p planPage) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := userOf(r)
	if p.PlanView, err = s.cfg.Enforcement.Plan(r.Context(), u, id); err != nil {
		return err
	}
	p.base = s.base(r, "plans", p.Plan.Name)
	var names []string
	for _, x := range p.Units {
		names = append(names, x.Inspectors...)
	}
	if p.Names, err = s.cfg.Auth.DisplayNames(r.Context(), names...); err != nil {
		return err
	}
	if p.Plan.Drawn() {
		v, err := s.cfg.Enforcement.Verify(r.Context(), u, id)
		if err != nil {
			return err
		}
		p.Verified = len(v.Differences) == 0
		if p.Inspections, err = s.unitInspections(r, id); err != nil {
			return err
		}
	}
	return s.render(w, r, status, "plan", p)
}

// handlePlanDraw makes the plan's draw with the seed read out at the draw.
func (s *Server) handlePlanDraw(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	seed := r.PostForm.Get("seed")
	_, err = s.cfg.Enforcement.Draw(r.Context(), actorOf(r), userOf(r), id, version, seed)
	var de *domain.Error
	if errors.As(err, &de) && (de.Code == domain.EINVALID || de.Code == domain.ECONFLICT || de.Code == domain.ESTALE) {
		msg := errorText(s.lang(r), de)
		for _, k := range de.Fields.Keys() {
			msg = fieldMessage(s.lang(r), k, de.Fields[k])
		}
		return s.renderPlan(w, r, http.StatusUnprocessableEntity, planPage{Seed: seed, Error: msg})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/plans/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// inspectorsPage lists the supervisor accounts as inspectors.
type inspectorsPage struct {
	base
	Inspectors []*domain.Inspector
	Edit       int64             // the inspector whose form failed
	Errors     map[string]string // its field errors
	Message    string
}

func (s *Server) handleInspectors(w http.ResponseWriter, r *http.Request) error {
	return s.renderInspectors(w, r, http.StatusOK, inspectorsPage{})
}

func (s *Server) renderInspectors(w http.ResponseWriter, r *http.Request, status int, p inspectorsPage) error {
	p.base = s.base(r, "inspectors", i18n.T(s.lang(r), "nav.inspectors"))
	var err error
	if p.Inspectors, err = s.cfg.Enforcement.Inspectors(r.Context(), userOf(r)); err != nil {
		return err
	}
	return s.render(w, r, status, "inspectors", p)
}

// handleInspectorSave stores one inspector's 执法证号, active flag and
// recusals (credit codes, one per line or separated by commas).
func (s *Server) handleInspectorSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	v := r.PostForm
	version, _ := strconv.Atoi(v.Get("version"))
	in := &domain.Inspector{UserID: id, CertNo: v.Get("cert_no"), Active: v.Get("active") != ""}
	codes := strings.FieldsFunc(v.Get("recused"), func(c rune) bool { return c == ',' || c == '，' || c == '\n' || c == '\r' || c == ' ' || c == '、' })
	err = s.cfg.Enforcement.SetInspector(r.Context(), actorOf(r), userOf(r), in, codes, version)
	var de *domain.Error
	if errors.As(err, &de) && (de.Code == domain.EINVALID || de.Code == domain.ESTALE) {
		lang := s.lang(r)
		msgs := map[string]string{}
		for k, code := range de.Fields {
			msgs[k] = fieldMessage(lang, k, code)
		}
		return s.renderInspectors(w, r, http.StatusUnprocessableEntity, inspectorsPage{Edit: id, Errors: msgs, Message: errorText(lang, de)})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/inspectors#inspector-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
