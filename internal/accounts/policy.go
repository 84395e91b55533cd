package accounts

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

const policySetting = "security_policy"

// policyCache keeps the policy for a short while: every page asks for it.
type policyCache struct {
	mu     sync.Mutex
	policy auth.Policy
	read   time.Time
}

// policyTTL is how long another server's policy change may take to be seen.
const policyTTL = 30 * time.Second

// Policy returns the security policy in force.
func (s *Service) Policy(ctx context.Context) (auth.Policy, error) {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if !s.cache.read.IsZero() && time.Since(s.cache.read) < policyTTL {
		return s.cache.policy, nil
	}
	p := auth.DefaultPolicy()
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		v, err := tx.Setting(policySetting)
		if err != nil || v == "" {
			return err
		}
		return json.Unmarshal([]byte(v), &p)
	})
	if err != nil {
		return p, err
	}
	s.cache.policy, s.cache.read = p, time.Now()
	return p, nil
}

// SetPolicy checks and stores a new policy (audited with before and after).
func (s *Service) SetPolicy(ctx context.Context, actor domain.Actor, by *domain.User, p auth.Policy) error {
	if !auth.Can(by, auth.Manage, auth.SecurityPol) {
		return auth.ErrForbidden
	}
	if err := p.Check(); err != nil {
		return err
	}
	b, _ := json.Marshal(p)
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.PutSetting(policySetting, string(b)) })
	s.cache.mu.Lock()
	s.cache.read = time.Time{}
	s.cache.mu.Unlock()
	return err
}
