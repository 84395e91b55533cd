package main

import (
	"context"

	"radsup/internal/domain"
	"radsup/internal/store"
)

// institutionByCode finds an institution, retired ones included, by credit code.
func institutionByCode(ctx context.Context, s *store.Store, code string) (*domain.Institution, error) {
	var inst *domain.Institution
	err := s.View(ctx, func(tx *store.Tx) error {
		found, _, err := store.List(tx, store.Institutions, domain.Scope{}, store.Filter{Values: map[string]string{"credit_code": code}, Retired: true})
		if err != nil {
			return err
		}
		for _, f := range found {
			if f.CreditCode == code {
				inst = f
				return nil
			}
		}
		return noInstitution(code)
	})
	return inst, err
}
