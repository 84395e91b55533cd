package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/i18n"
)

// publicPlan is a plan as the public page shows it (一公开): the plan, its
// commitment and, once drawn, the seed, the pool size and the drawn units
// (institutions: names and credit codes). Never inspectors nor any other
// natural person.
type publicPlan struct {
	ID         int64        `json:"id"`
	Year       int          `json:"year"`
	Name       string       `json:"name"`
	Type       string       `json:"type"`
	TypeLabel  string       `json:"type_label"`
	Weighted   bool         `json:"weighted"`
	SeedSHA256 string       `json:"seed_sha256"`
	SeedSource string       `json:"seed_source"`
	Seed       string       `json:"seed,omitempty"`
	Pool       int          `json:"pool,omitempty"`
	DrawnAt    *time.Time   `json:"drawn_at,omitempty"`
	Drawn      []publicUnit `json:"drawn"`
}

type publicUnit struct {
	Order      int     `json:"order"`
	CreditCode string  `json:"credit_code"`
	Name       string  `json:"name"`
	Weight     float64 `json:"weight"`
	Key        float64 `json:"key"`
	// Outcome is the outcome of the unit's inspection once signed by both
	// inspectors ("" before).
	Outcome      string `json:"outcome,omitempty"`
	OutcomeLabel string `json:"outcome_label,omitempty"`
}

// publicOutcome is a signed inspection as the public page shows it: the
// unit, the type, the date and the outcome, no natural person.
type publicOutcome struct {
	CreditCode   string      `json:"credit_code"`
	Name         string      `json:"name"`
	Type         string      `json:"type"`
	TypeLabel    string      `json:"type_label"`
	PlanID       int64       `json:"plan_id,omitempty"`
	Date         domain.Date `json:"date"`
	Outcome      string      `json:"outcome"`
	OutcomeLabel string      `json:"outcome_label"`
}

type publicPage struct {
	base
	Plans     []publicPlan
	Outcomes  []publicOutcome
	Penalties []enforcement.PublicPenalty
}

// handlePublic is the public disclosure page, without login: HTML, or JSON
// for other portals when asked with Accept: application/json.
func (s *Server) handlePublic(w http.ResponseWriter, r *http.Request) error {
	plans, err := s.cfg.Enforcement.PublicPlans(r.Context(), 0)
	if err != nil {
		return err
	}
	lang := s.lang(r)
	signed, err := s.cfg.Enforcement.PublicOutcomes(r.Context())
	if err != nil {
		return err
	}
	outcomes := make([]publicOutcome, 0, len(signed))
	byUnit := map[[2]int64]publicOutcome{}
	for _, x := range signed {
		o := publicOutcome{CreditCode: x.CreditCode, Name: x.InstitutionName, Type: x.Type,
			TypeLabel: optionLabel(lang, enums["plan_type"], x.Type), PlanID: x.PlanID, Date: x.Date, Outcome: x.Outcome,
			OutcomeLabel: optionLabel(lang, enums["inspection_outcome"], x.Outcome)}
		outcomes = append(outcomes, o)
		if x.PlanID != 0 {
			byUnit[[2]int64{x.PlanID, int64(x.PlanOrder)}] = o
		}
	}
	out := make([]publicPlan, 0, len(plans))
	for _, p := range plans {
		pp := publicPlan{ID: p.ID, Year: p.Year, Name: p.Name, Type: p.Type, TypeLabel: optionLabel(lang, enums["plan_type"], p.Type),
			Weighted: p.Weighted, SeedSHA256: p.SeedSHA256, SeedSource: p.SeedSource, Drawn: []publicUnit{}}
		if p.Drawn() {
			v, err := s.cfg.Enforcement.PublicPlan(r.Context(), p.ID)
			if err != nil {
				return err
			}
			at := p.DrawnAt
			pp.Seed, pp.Pool, pp.DrawnAt = p.Seed, p.Pool, &at
			for _, u := range v.Units {
				o := byUnit[[2]int64{p.ID, int64(u.Order)}]
				pp.Drawn = append(pp.Drawn, publicUnit{u.Order, u.CreditCode, u.Name, u.Weight, u.Key, o.Outcome, o.OutcomeLabel})
			}
		}
		out = append(out, pp)
	}
	penalties, err := s.cfg.Enforcement.PublicPenalties(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Vary", "Accept")
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(map[string]any{"plans": out, "inspections": outcomes, "penalties": penalties})
	}
	return s.render(w, r, http.StatusOK, "public", publicPage{base: s.base(r, "public", i18n.T(lang, "public.title")), Plans: out,
		Outcomes: outcomes, Penalties: penalties})
}
