package enforcement

import (
	"context"
	"fmt"
	"io"
	"strings"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// CaseCard is a decided case with its institution: what the 案件查处信息卡
// of the upward reporting system holds (spec/enforcement.md §5).
type CaseCard struct {
	Case        *domain.Case
	Institution *domain.Institution
}

// CaseCards returns the cards of the decided cases, newest first.
func (s *Service) CaseCards(ctx context.Context, u *domain.User) ([]CaseCard, error) {
	if !auth.Can(u, auth.Export, auth.Case) {
		return nil, auth.ErrForbidden
	}
	var out []CaseCard
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		cases, err := tx.Cases(domain.Scope{}, store.CaseFilter{Decided: true, Limit: 5000})
		if err != nil {
			return err
		}
		insts := map[int64]*domain.Institution{}
		for _, c := range cases {
			inst := insts[c.InstitutionID]
			if inst == nil {
				if inst, err = store.Find(tx, store.Institutions, domain.Scope{}, c.InstitutionID); err != nil {
					return err
				}
				insts[c.InstitutionID] = inst
			}
			out = append(out, CaseCard{Case: c, Institution: inst})
		}
		return nil
	})
	return out, err
}

// cardColumns are the card's fields in the order of the 信息卡.
var cardColumns = []string{"decision_no", "unit", "address", "division", "credit_code", "economic_type", "legal_rep", "kind",
	"medical_licence", "cause", "facts", "basis", "penalty", "decided", "served", "execution", "closed"}

// WriteCaseCards writes the cards as one xlsx sheet, one row per case.
// Every cell is text or a number, never a formula: a value that starts
// with = + - @ is shown as written.
func WriteCaseCards(w io.Writer, cards []CaseCard, lang string) error {
	x := xlsx.NewWriter(w)
	header := make([]string, len(cardColumns))
	for i, c := range cardColumns {
		header[i] = i18n.T(lang, "cards.col."+c)
	}
	if err := x.Table(i18n.T(lang, "cards.sheet"), header); err != nil {
		return fmt.Errorf("case cards: %w", err)
	}
	date := func(d domain.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	for _, cc := range cards {
		c, inst := cc.Case, cc.Institution
		var basis []string
		for _, code := range c.Articles {
			if a, ok := ArticleOf(code); ok {
				basis = append(basis, a.Title())
			}
		}
		execution := c.Execution
		if execution != "" && !c.ExecutedOn.IsZero() {
			execution = c.ExecutedOn.String() + " " + execution
		}
		row := []any{c.DecisionNo, inst.Name, inst.Address, inst.DivisionCode, inst.CreditCode,
			domain.EconomicTypes.Label(inst.EconomicType), inst.LegalRep, domain.UnitCategories.Label(inst.UnitCategory),
			inst.MedicalLicenceNo, c.Cause, c.Facts, strings.Join(basis, "；"), PenaltyText(c.Penalties),
			date(c.DecidedOn), date(c.ServedOn), execution, date(c.ClosedOn)}
		if err := x.Values(row); err != nil {
			return fmt.Errorf("case cards: %w", err)
		}
	}
	return x.Close()
}
