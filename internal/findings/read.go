package findings

import (
	"context"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/screening"
	"radsup/internal/store"
)

// scope is what of the findings u may see: its institution's only, for an
// institution user, and findings about people only if the policy lets u
// read health findings (they derive from exams and doses).
func scope(u *domain.User) domain.Scope {
	sc := u.Scope()
	sc.NoHealth = !auth.Can(u, auth.Read, auth.HealthFinding)
	return sc
}

// entity is the kind of record the policy knows a finding of a rule as:
// findings that derive from health exams and doses are health findings.
func entity(rule string) string {
	if r, ok := screening.RuleByID(rule); ok && r.Health {
		return auth.HealthFinding
	}
	return auth.Finding
}

// read runs fn in a read transaction if u may read findings.
func (s *Service) read(ctx context.Context, u *domain.User, fn func(tx *store.Tx, sc domain.Scope) error) error {
	if !auth.Can(u, auth.Read, auth.Finding) {
		return errForbidden
	}
	return s.Store.View(ctx, func(tx *store.Tx) error { return fn(tx, scope(u)) })
}

// List returns a page of the findings u may see that match f, most serious
// first, then by due date, with the counts by rule and by severity.
func (s *Service) List(ctx context.Context, u *domain.User, f store.FindingFilter) (*store.FindingPage, error) {
	var page *store.FindingPage
	err := s.read(ctx, u, func(tx *store.Tx, sc domain.Scope) error {
		var err error
		page, err = tx.FindFindings(sc, f)
		return err
	})
	return page, err
}

// Hidden counts the findings matching f that u may not see because they
// are health data (0 for who may see them): the page says so, rather than
// showing fewer problems than there are without a word.
func (s *Service) Hidden(ctx context.Context, u *domain.User, f store.FindingFilter) (int, error) {
	if auth.Can(u, auth.Read, auth.HealthFinding) || !auth.Can(u, auth.Read, auth.Finding) {
		return 0, nil
	}
	f.Health, f.Limit, f.Offset = true, 1, 0
	var n int
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		sc := u.Scope()
		sc.NoHealth = false
		page, err := tx.FindFindings(sc, f)
		if page != nil {
			n = page.Total
		}
		return err
	})
	return n, err
}

// RecordFindings returns up to limit open findings shown on a record's
// page, with their total: those of the subject (subjectType, id), or with
// subjectType "" those addressed to institution id (every finding u may
// see if id is 0).
func (s *Service) RecordFindings(ctx context.Context, u *domain.User, subjectType string, id int64, limit int) (*store.FindingPage, error) {
	f := store.FindingFilter{Status: domain.FindingOpen, SubjectType: subjectType, SubjectID: id, Limit: limit}
	if subjectType == "" {
		f.SubjectID, f.InstitutionID = 0, id
	}
	return s.List(ctx, u, f)
}

// Find returns the finding with id if u may see it (store.ErrNotFound
// otherwise, whether it does not exist or is out of u's scope).
func (s *Service) Find(ctx context.Context, u *domain.User, id int64) (*domain.Finding, error) {
	var f *domain.Finding
	err := s.read(ctx, u, func(tx *store.Tx, sc domain.Scope) error {
		var err error
		f, err = tx.FindFinding(sc, id)
		return err
	})
	return f, err
}

// LastRun returns the full screening run that finished last, or nil if
// none has.
func (s *Service) LastRun(ctx context.Context) (*domain.ScreeningRun, error) {
	var run *domain.ScreeningRun
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		run, err = tx.LastScreeningRun("full")
		if store.IsNotFound(err) {
			run, err = nil, nil
		}
		return err
	})
	return run, err
}
