package enforcement

import (
	"context"
	"slices"
	"strconv"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// fromRectification fills a case opened from a rectification (立案 because
// the correction was not made in time, spec/enforcement.md §4, §5): the
// rectification must be past its deadline and not closed, and not already
// the source of a case. The case takes the rectification's institution,
// its inspection and its linked findings; the handlers default to the
// inspection's inspectors.
func (s *Service) fromRectification(tx *store.Tx, c *domain.Case, in *NewCase) error {
	if in.RectificationID < 1 {
		return fieldErr("rectification", domain.CodeRequired)
	}
	r, err := tx.Rectification(domain.Scope{}, in.RectificationID, true)
	if store.IsNotFound(err) {
		return fieldErr("rectification", "no_rectification")
	}
	if err != nil {
		return err
	}
	switch {
	case r.Closed():
		return caseConflict("case.error.rectification_closed")
	case !r.Overdue(s.today()):
		return caseConflict("case.error.rectification_not_due", r.Deadline.String())
	}
	if id, _, err := tx.CaseOfRectification(r.ID); err != nil {
		return err
	} else if id != 0 {
		return caseConflict("case.error.rectification_has_case", strconv.FormatInt(id, 10))
	}
	if in.InstitutionID != 0 && in.InstitutionID != r.InstitutionID {
		return fieldErr("institution", "not_rectification_institution")
	}
	c.RectificationID, c.InspectionID, in.InstitutionID, in.CreditCode = r.ID, r.InspectionID, r.InstitutionID, ""
	items, err := tx.RectificationItems(r.ID)
	if err != nil {
		return err
	}
	var linked []int64
	for _, it := range items {
		if it.FindingID != 0 && !slices.Contains(linked, it.FindingID) {
			linked = append(linked, it.FindingID)
		}
	}
	in.FindingIDs = append(linked, in.FindingIDs...)
	if r.InspectionID != 0 && in.Handlers[0] == "" && in.Handlers[1] == "" {
		x, err := tx.Inspection(domain.Scope{}, r.InspectionID, false)
		if err != nil {
			return err
		}
		in.Handlers = [2]string{x.Inspector1, x.Inspector2}
	}
	return nil
}

// RectificationCase returns the id and state of the case opened from a
// rectification, 0 when there is none or the reader may not see it (an
// institution user sees its cases only once decided).
func (s *Service) RectificationCase(ctx context.Context, u *domain.User, rectificationID int64) (int64, string, error) {
	if !auth.Can(u, auth.Read, auth.Case) {
		return 0, "", nil
	}
	var id int64
	var state string
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		if _, err = tx.Rectification(u.Scope(), rectificationID, false); err != nil {
			return err
		}
		id, state, err = tx.CaseOfRectification(rectificationID)
		return err
	})
	if err != nil || id == 0 {
		return 0, "", err
	}
	if u.Scope().InstitutionID != 0 && domain.CaseStateIndex(state) < domain.CaseStateIndex("decided") {
		return 0, "", nil
	}
	return id, state, nil
}

// notHeavier refuses a decision heavier than what the party was notified
// of (《行政处罚法》第四十四条 the party is told the intended penalty, its
// facts and basis before the decision; 第四十五条 no heavier penalty
// because the party stated its case; 第六十二条 no decision without that
// notice). Article by article, the decision may not add a penalty kind,
// raise a fine, or cite an article no penalty was notified under; a
// lighter decision (a warning instead of a fine, a lower fine) stands.
// A heavier one needs a new notice first.
func notHeavier(notified, decided []domain.Penalty) error {
	for _, d := range decided {
		var n domain.Penalty
		if i := slices.IndexFunc(notified, func(p domain.Penalty) bool { return p.Article == d.Article }); i >= 0 {
			n = notified[i]
		}
		title := d.Article
		if a, ok := ArticleOf(d.Article); ok {
			title = a.Title()
		}
		heavier := d.Fine > n.Fine || d.Revoke && !n.Revoke ||
			d.Warning && !n.Warning && n.Fine == 0 && !n.Revoke
		if heavier {
			return &domain.Error{Code: domain.ECONFLICT, Message: "case.error.heavier_than_notified",
				Args: []string{title, PenaltyText([]domain.Penalty{n}), PenaltyText([]domain.Penalty{d})}}
		}
	}
	return nil
}
