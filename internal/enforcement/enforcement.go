// Package enforcement joins online supervision to on-site enforcement
// (spec/enforcement.md): inspectors, inspection plans and their 双随机
// draws, frozen once made and recomputable by anyone from the published
// seed, pool and weights.
package enforcement

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/draw"
	"radsup/internal/store"
)

// Service runs the enforcement use cases on a store.
type Service struct {
	Store *store.Store
	// Today returns the current date; nil means the system clock.
	Today func() domain.Date
	// DocPrefix begins the numbers of enforcement documents (地区简称 + 卫 +
	// 执法类别, e.g. 中原卫放); "" means DefaultDocPrefix.
	DocPrefix string
}

func (s *Service) today() domain.Date {
	if s.Today != nil {
		return s.Today()
	}
	return domain.DateOf(time.Now())
}

func invalid(message string, args ...string) error {
	return &domain.Error{Code: domain.EINVALID, Message: message, Args: args}
}

// Inspectors lists the supervisor accounts as inspectors.
func (s *Service) Inspectors(ctx context.Context, u *domain.User) ([]*domain.Inspector, error) {
	if !auth.Can(u, auth.Read, auth.Inspector) {
		return nil, auth.ErrForbidden
	}
	var out []*domain.Inspector
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Inspectors()
		return err
	})
	return out, err
}

// Inspector returns one supervisor account as an inspector.
func (s *Service) Inspector(ctx context.Context, u *domain.User, userID int64) (*domain.Inspector, error) {
	if !auth.Can(u, auth.Read, auth.Inspector) {
		return nil, auth.ErrForbidden
	}
	var out *domain.Inspector
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Inspector(userID)
		return err
	})
	return out, err
}

// SetInspector makes a supervisor account an inspector or changes one: its
// 执法证号, active flag and recusals, given by institution credit code.
// version is the inspector's version the change was made on.
func (s *Service) SetInspector(ctx context.Context, actor domain.Actor, u *domain.User, in *domain.Inspector, recused []string, version int) error {
	if !auth.Can(u, auth.Update, auth.Inspector) {
		return auth.ErrForbidden
	}
	in.Normalize()
	in.Recusals = in.Recusals[:0]
	if fe := in.Validate(); len(fe) > 0 {
		return fe.Err()
	}
	if len(recused) > 200 {
		return &domain.Error{Code: domain.EINVALID, Message: "error.invalid", Fields: domain.FieldErrors{"recusals": domain.CodeTooMany}}
	}
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		for _, code := range recused {
			id, _, err := tx.InstitutionIDByCode(domain.NormalizeCreditCode(code))
			if store.IsNotFound(err) {
				return invalid("enforcement.error.no_institution", code)
			}
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(in.Recusals, func(r domain.Recusal) bool { return r.InstitutionID == id }) {
				in.Recusals = append(in.Recusals, domain.Recusal{InstitutionID: id})
			}
		}
		return tx.PutInspector(in, version)
	})
}

// Plans lists the plans of a year (0: all), newest first.
func (s *Service) Plans(ctx context.Context, u *domain.User, year int) ([]*domain.Plan, error) {
	if !auth.Can(u, auth.Read, auth.Plan) {
		return nil, auth.ErrForbidden
	}
	return s.PublicPlans(ctx, year)
}

// PublicPlans lists the plans for the public page (一公开): plans hold no
// personal data; their drawn units are institutions.
func (s *Service) PublicPlans(ctx context.Context, year int) ([]*domain.Plan, error) {
	var out []*domain.Plan
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Plans(year)
		return err
	})
	return out, err
}

// PlanView is a plan with its drawn units.
type PlanView struct {
	Plan  *domain.Plan
	Units []domain.PlanUnit
}

// Plan returns a plan and its drawn units.
func (s *Service) Plan(ctx context.Context, u *domain.User, id int64) (*PlanView, error) {
	if !auth.Can(u, auth.Read, auth.Plan) {
		return nil, auth.ErrForbidden
	}
	return s.PublicPlan(ctx, id)
}

// PublicPlan returns a plan and its drawn units for the public page.
func (s *Service) PublicPlan(ctx context.Context, id int64) (*PlanView, error) {
	v := &PlanView{}
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		if v.Plan, err = tx.Plan(id); err != nil {
			return err
		}
		v.Units, err = tx.PlanUnits(id)
		return err
	})
	return v, err
}

// CreatePlan publishes a plan with the commitment to its seed.
func (s *Service) CreatePlan(ctx context.Context, actor domain.Actor, u *domain.User, p *domain.Plan) error {
	if !auth.Can(u, auth.Create, auth.Plan) {
		return auth.ErrForbidden
	}
	p.Normalize()
	p.Seed = ""
	if fe := p.Validate(s.today()); len(fe) > 0 {
		return fe.Err()
	}
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.CreatePlan(p) })
	if errors.Is(err, store.ErrConflict) {
		return &domain.Error{Code: domain.ECONFLICT, Message: "enforcement.error.plan_exists", Args: []string{p.Name}}
	}
	return err
}

// Filter is what a draw is made of: the pool filter, how many, weighted.
type Filter struct {
	Street, Kind, Category string
	Count                  int
	Ratio                  float64
	Weighted               bool
}

func filterOf(p *domain.Plan) Filter {
	return Filter{Street: p.Street, Kind: p.Kind, Category: p.Category, Count: p.Count, Ratio: p.Ratio, Weighted: p.Weighted}
}

// Snapshot is what a draw was computed from, stored with it so that
// anyone can recompute it: the pool with weights, the active inspectors
// with their recusals, and the number drawn.
type Snapshot struct {
	Pool       []PoolUnit       `json:"pool"`
	Inspectors []draw.Inspector `json:"inspectors"`
	Count      int              `json:"count"`
}

// PoolUnit is one unit of the pool: the institution and its weight, with
// what the risk weight was made of.
type PoolUnit struct {
	draw.Unit
	InstitutionID  int64  `json:"institution_id"`
	Category       string `json:"category"`        // highest licensed category
	OpenViolations int    `json:"open_violations"` // at the draw
}

// snapshot reads the pool and the active inspectors as they are now.
func snapshot(tx *store.Tx, f Filter) (*Snapshot, error) {
	cands, err := tx.PoolCandidates(f.Street, f.Kind, f.Category)
	if err != nil {
		return nil, err
	}
	snap := &Snapshot{Pool: make([]PoolUnit, 0, len(cands)), Inspectors: []draw.Inspector{}}
	for _, c := range cands {
		pu := PoolUnit{Unit: draw.Unit{CreditCode: c.CreditCode, Name: c.Name, Weight: 1}, InstitutionID: c.InstitutionID,
			Category: domain.HighestCategory(c.Categories), OpenViolations: c.OpenViolations}
		if f.Weighted {
			pu.Weight = draw.RiskWeight(pu.Category, c.OpenViolations)
		}
		snap.Pool = append(snap.Pool, pu)
	}
	ins, err := tx.Inspectors()
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		if in.Version == 0 || !in.Active {
			continue
		}
		di := draw.Inspector{Username: in.Username}
		for _, r := range in.Recusals {
			di.Recused = append(di.Recused, r.CreditCode)
		}
		snap.Inspectors = append(snap.Inspectors, di)
	}
	snap.Count = draw.Count(len(snap.Pool), f.Count, f.Ratio)
	return snap, nil
}

func (snap *Snapshot) run(seed string) (*draw.Result, error) {
	units := make([]draw.Unit, len(snap.Pool))
	for i, p := range snap.Pool {
		units[i] = p.Unit
	}
	res, err := draw.Run(seed, units, snap.Count, snap.Inspectors)
	var tf *draw.TooFewInspectors
	if errors.As(err, &tf) {
		return nil, invalid("enforcement.error.too_few_inspectors", tf.Name, tf.CreditCode, fmt.Sprint(tf.Eligible))
	}
	return res, err
}

func checkSeed(seed string) error {
	switch {
	case seed == "":
		return &domain.Error{Code: domain.EINVALID, Message: "error.invalid", Fields: domain.FieldErrors{"seed": domain.CodeRequired}}
	case utf8.RuneCountInString(seed) > 500 || !utf8.ValidString(seed):
		return &domain.Error{Code: domain.EINVALID, Message: "error.invalid", Fields: domain.FieldErrors{"seed": domain.CodeTooLong}}
	case domain.HasControl(seed):
		return &domain.Error{Code: domain.EINVALID, Message: "error.invalid", Fields: domain.FieldErrors{"seed": domain.CodeControl}}
	}
	return nil
}

// Preview draws from the register as it is now without writing anything.
func (s *Service) Preview(ctx context.Context, u *domain.User, f Filter, seed string) (*draw.Result, error) {
	if !auth.Can(u, auth.Read, auth.Plan) {
		return nil, auth.ErrForbidden
	}
	if err := checkSeed(seed); err != nil {
		return nil, err
	}
	var res *draw.Result
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		snap, err := snapshot(tx, f)
		if err != nil {
			return err
		}
		res, err = snap.run(seed)
		return err
	})
	return res, err
}

// Draw makes a plan's draw with the seed, which must match the plan's
// commitment, and freezes it: the seed, the pool and inspectors it was
// computed from and the drawn units are stored and never change.
func (s *Service) Draw(ctx context.Context, actor domain.Actor, u *domain.User, planID int64, version int, seed string) (*PlanView, error) {
	if !auth.Can(u, auth.Draw, auth.Plan) {
		return nil, auth.ErrForbidden
	}
	if err := checkSeed(seed); err != nil {
		return nil, err
	}
	v := &PlanView{}
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		p, err := tx.Plan(planID)
		if err != nil {
			return err
		}
		if p.Drawn() {
			return &domain.Error{Code: domain.ECONFLICT, Message: "enforcement.error.drawn"}
		}
		if p.Version != version {
			return store.ErrStale
		}
		if draw.Commitment(seed) != p.SeedSHA256 {
			return &domain.Error{Code: domain.EINVALID, Message: "enforcement.error.seed_mismatch",
				Fields: domain.FieldErrors{"seed": "seed_mismatch"}}
		}
		snap, err := snapshot(tx, filterOf(p))
		if err != nil {
			return err
		}
		if len(snap.Pool) == 0 {
			return invalid("enforcement.error.pool_empty")
		}
		if snap.Count == 0 {
			return invalid("enforcement.error.count_zero")
		}
		res, err := snap.run(seed)
		if err != nil {
			return err
		}
		js, err := json.Marshal(snap)
		if err != nil {
			return err
		}
		ids := map[string]int64{}
		for _, pu := range snap.Pool {
			ids[pu.CreditCode] = pu.InstitutionID
		}
		units := make([]domain.PlanUnit, len(res.Drawn))
		for i, d := range res.Drawn {
			units[i] = domain.PlanUnit{PlanID: p.ID, Order: d.Order, InstitutionID: ids[d.CreditCode], CreditCode: d.CreditCode,
				Name: d.Name, Weight: d.Weight, Key: d.Key, Inspectors: d.Inspectors}
		}
		p.Seed, p.Pool = seed, len(snap.Pool)
		if err := tx.FreezeDraw(p, version, string(js), units); err != nil {
			return err
		}
		v.Plan, v.Units = p, units
		return nil
	})
	return v, err
}

// Difference is one way a stored draw differs from its recomputation.
type Difference struct {
	Order         int
	Stored, Again string
}

// Verification is the result of recomputing a frozen draw.
type Verification struct {
	Plan        *domain.Plan
	Result      *draw.Result // the recomputed draw
	Differences []Difference
}

// Verify recomputes a frozen plan's draw from its stored pool, inspectors
// and seed, and lists every difference from the stored units (none: the
// draw is what the published inputs give).
func (s *Service) Verify(ctx context.Context, u *domain.User, planID int64) (*Verification, error) {
	if !auth.Can(u, auth.Read, auth.Plan) {
		return nil, auth.ErrForbidden
	}
	out := &Verification{}
	var units []domain.PlanUnit
	var raw string
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		if out.Plan, err = tx.Plan(planID); err != nil {
			return err
		}
		if units, err = tx.PlanUnits(planID); err != nil {
			return err
		}
		raw, err = tx.PlanSnapshot(planID)
		return err
	})
	if err != nil {
		return nil, err
	}
	p := out.Plan
	if !p.Drawn() {
		return nil, invalid("enforcement.error.not_drawn")
	}
	diff := func(order int, stored, again string) {
		if stored != again {
			out.Differences = append(out.Differences, Difference{order, stored, again})
		}
	}
	diff(0, p.SeedSHA256, draw.Commitment(p.Seed))
	var snap Snapshot
	if err := json.Unmarshal([]byte(raw), &snap); err != nil {
		diff(0, "snapshot", err.Error())
		return out, nil
	}
	diff(0, fmt.Sprint("pool ", p.Pool), fmt.Sprint("pool ", len(snap.Pool)))
	want := draw.Count(len(snap.Pool), p.Count, p.Ratio)
	diff(0, fmt.Sprint("count ", snap.Count), fmt.Sprint("count ", want))
	for _, pu := range snap.Pool {
		w := 1.0
		if p.Weighted {
			w = draw.RiskWeight(pu.Category, pu.OpenViolations)
		}
		diff(0, fmt.Sprint(pu.CreditCode, " weight ", pu.Weight), fmt.Sprint(pu.CreditCode, " weight ", w))
	}
	res, err := snap.run(p.Seed)
	if err != nil {
		diff(0, "draw", err.Error())
		return out, nil
	}
	out.Result = res
	for i := range max(len(units), len(res.Drawn)) {
		var stored, again string
		if i < len(units) {
			x := units[i]
			stored = fmt.Sprint(x.Order, " ", x.CreditCode, " ", x.Weight, " ", x.Key, " ", x.Inspectors)
		}
		if i < len(res.Drawn) {
			x := res.Drawn[i]
			again = fmt.Sprint(x.Order, " ", x.CreditCode, " ", x.Weight, " ", x.Key, " ", x.Inspectors)
		}
		diff(i+1, stored, again)
	}
	return out, nil
}

// InstitutionDraws lists the plans whose draws picked an institution.
func (s *Service) InstitutionDraws(ctx context.Context, u *domain.User, institutionID int64) ([]domain.PlanUnit, error) {
	if !auth.Can(u, auth.Read, auth.Plan) {
		return nil, nil
	}
	var out []domain.PlanUnit
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.InstitutionPlanUnits(institutionID)
		return err
	})
	return out, err
}
