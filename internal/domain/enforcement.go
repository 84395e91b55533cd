package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Inspector is a supervisor account that may inspect (执法人员): its
// 执法证号, whether it is active, and the institutions it must not inspect
// (回避). Only active inspectors are drawn and sign records.
type Inspector struct {
	UserID      int64     `json:"user_id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	CertNo      string    `json:"cert_no"`
	Active      bool      `json:"active"`
	Recusals    []Recusal `json:"recusals"`
	Version     int       `json:"version"` // 0: not yet an inspector
}

// Recusal is one institution an inspector must not inspect, and why.
type Recusal struct {
	InstitutionID int64  `json:"institution_id"`
	CreditCode    string `json:"credit_code"`
	Name          string `json:"name"`
	Reason        string `json:"reason"`
}

// Recused reports whether the inspector must not inspect the institution.
func (in *Inspector) Recused(institutionID int64) bool {
	for _, r := range in.Recusals {
		if r.InstitutionID == institutionID {
			return true
		}
	}
	return false
}

// PlanTypes are the four kinds of 抽查计划 (spec/enforcement.md §2).
var PlanTypes = enum("plan_type",
	Option{"random", "双随机抽查", "Random inspection (double random)"},
	Option{"special", "专项检查", "Special inspection"},
	Option{"routine", "日常监督", "Routine supervision"},
	Option{"complaint", "投诉举报", "Complaint"},
)

// Plan is an inspection plan (抽查计划): which institutions form its pool,
// how many to draw, and the commitment to the seed of its draw. The seed
// is stored only once drawn; a drawn plan is frozen.
type Plan struct {
	ID         int64     `json:"id"`
	Year       int       `json:"year"`
	Name       string    `json:"name"`
	Type       string    `json:"type"`
	Street     string    `json:"street"`   // pool filter; "" any
	Kind       string    `json:"kind"`     // institution kind; "" any
	Category   string    `json:"category"` // licensed category; "" any
	Count      int       `json:"count"`    // how many to draw, or
	Ratio      float64   `json:"ratio"`    // the share of the pool, rounded up
	Weighted   bool      `json:"weighted"` // by risk weight
	SeedSHA256 string    `json:"seed_sha256"`
	SeedSource string    `json:"seed_source"` // where the seed will come from, in words
	Seed       string    `json:"seed"`        // "" until drawn
	Pool       int       `json:"pool"`        // pool size at the draw
	DrawnAt    time.Time `json:"drawn_at"`
	DrawnBy    string    `json:"drawn_by"`
	CreatedBy  string    `json:"created_by"`
	Version    int       `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Drawn reports whether the plan's draw is made (and frozen).
func (p *Plan) Drawn() bool { return p.Seed != "" }

// PlanUnit is one drawn institution of a plan, in draw order, with its
// weight, key and team of two inspectors.
type PlanUnit struct {
	PlanID        int64    `json:"plan_id"`
	Order         int      `json:"order"`
	InstitutionID int64    `json:"institution_id"`
	CreditCode    string   `json:"credit_code"`
	Name          string   `json:"name"`
	Weight        float64  `json:"weight"`
	Key           float64  `json:"key"`
	Inspectors    []string `json:"inspectors"`
}

// Normalize trims the plan's text.
func (p *Plan) Normalize() {
	for _, s := range []*string{&p.Name, &p.Type, &p.Street, &p.Kind, &p.Category, &p.SeedSHA256, &p.SeedSource} {
		*s = strings.TrimSpace(*s)
	}
	p.SeedSHA256 = strings.ToLower(p.SeedSHA256)
}

// Validate checks a plan before it is published.
func (p *Plan) Validate(today Date) FieldErrors {
	fe := FieldErrors{}
	if p.Year < today.Year()-1 || p.Year > today.Year()+1 {
		fe.Add("year", "year_plan")
	}
	text(fe, "name", p.Name, 100, true)
	text(fe, "seed_source", p.SeedSource, 500, true)
	if !PlanTypes.Has(p.Type) {
		fe.Add("type", CodeEnum)
	}
	if p.Kind != "" && !InstitutionKinds.Has(p.Kind) {
		fe.Add("kind", CodeEnum)
	}
	if p.Category != "" && !Categories.Has(p.Category) {
		fe.Add("category", CodeEnum)
	}
	text(fe, "street", p.Street, 100, false)
	switch {
	case p.Count > 0 && p.Ratio > 0:
		fe.Add("count", "count_or_ratio")
	case p.Count < 0 || p.Count > 10000:
		fe.Add("count", "count_range")
	case p.Ratio < 0 || p.Ratio > 1 || p.Ratio != p.Ratio:
		fe.Add("ratio", "ratio_range")
	case p.Count == 0 && p.Ratio == 0:
		fe.Add("count", "count_or_ratio")
	}
	if !isSHA256Hex(p.SeedSHA256) {
		fe.Add("seed_sha256", "sha256")
	}
	return fe
}

// text checks a free-text field: required, at most max runes, no control
// characters.
func text(fe FieldErrors, key, s string, max int, required bool) {
	switch {
	case s == "" && required:
		fe.Add(key, CodeRequired)
	case utf8.RuneCountInString(s) > max:
		fe.Add(key, CodeTooLong)
	case HasControl(s):
		fe.Add(key, CodeControl)
	}
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Normalize trims the inspector's certificate number.
func (in *Inspector) Normalize() { in.CertNo = strings.TrimSpace(in.CertNo) }

// Validate checks an inspector: an active one needs its 执法证号.
func (in *Inspector) Validate() FieldErrors {
	fe := FieldErrors{}
	text(fe, "cert_no", in.CertNo, 50, in.Active)
	for _, r := range in.Recusals {
		text(fe, "reason", r.Reason, 200, false)
	}
	return fe
}

// CategoriesByRisk lists the categories from the highest risk down
// (spec/enforcement.md §2).
var CategoriesByRisk = []string{"radiotherapy", "nuclear_medicine", "interventional", "xray_imaging"}

// HighestCategory is the highest of a set of categories by risk (放射治疗 >
// 核医学 > 介入放射学 > X射线影像诊断, spec/enforcement.md §2); "" for none.
func HighestCategory(cats map[string]bool) string {
	for _, c := range CategoriesByRisk {
		if cats[c] {
			return c
		}
	}
	return ""
}
