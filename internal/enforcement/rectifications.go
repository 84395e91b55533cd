package enforcement

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// DefaultRectifyDays is the deadline of a rectification, in days from its
// issue, when none is given (spec/enforcement.md §4).
const DefaultRectifyDays = 30

// NewRectification is what a rectification is created from: a signed
// inspection's 不符合 items and/or open findings of one institution.
type NewRectification struct {
	InstitutionID int64
	InspectionID  int64   // 0: from findings alone
	FindingIDs    []int64 // open findings of the institution, beyond those of the inspection's items
	Opinion       string  // 监督意见: what to correct
	Basis         string  // the legal basis
	Days          int     // the deadline in days from today; 0: the default
}

func (s *Service) rectifyDays(days int) int {
	switch {
	case days != 0:
		return days
	case s.RectifyDays != 0:
		return s.RectifyDays
	}
	return DefaultRectifyDays
}

// CreateRectification orders an institution to correct: every 不符合 item
// of the inspection becomes an item of the order, linked to the
// institution's open findings under it (an item with no finding closes on
// the supervisor's confirmation with evidence), and so does every finding
// named. The 卫生监督意见书 and the 责令改正通知书 are numbered at once.
func (s *Service) CreateRectification(ctx context.Context, actor domain.Actor, u *domain.User, in NewRectification) (*domain.Rectification, error) {
	if !auth.Can(u, auth.Create, auth.Rectification) {
		return nil, auth.ErrForbidden
	}
	in.Opinion, in.Basis = strings.TrimSpace(in.Opinion), strings.TrimSpace(in.Basis)
	if err := checkText("opinion", in.Opinion, 2000, false); err != nil {
		return nil, err
	}
	if err := checkText("basis", in.Basis, 1000, false); err != nil {
		return nil, err
	}
	days := s.rectifyDays(in.Days)
	if days < 1 || days > 365 {
		return nil, fieldErr("days", "rectify_days")
	}
	if len(in.FindingIDs) > 500 {
		return nil, fieldErr("findings", domain.CodeTooMany)
	}
	today := s.today()
	r := &domain.Rectification{InstitutionID: in.InstitutionID, InspectionID: in.InspectionID, IssuedOn: today,
		Deadline: today.AddDate(0, 0, days), Opinion: in.Opinion, Basis: in.Basis}
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		items, err := rectificationItems(tx, r, in.FindingIDs)
		if err != nil {
			return err
		}
		if err := tx.CreateRectification(r, items); err != nil {
			return err
		}
		for _, t := range []DocType{DocOpinion, DocOrder} {
			if _, err := s.IssueDocument(tx, t, auth.Rectification, r.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return r, err
}

// rectificationItems gathers the items of a new rectification and settles
// its institution: the inspection's, or that of the findings.
func rectificationItems(tx *store.Tx, r *domain.Rectification, findingIDs []int64) ([]domain.RectificationItem, error) {
	var items []domain.RectificationItem
	linked := map[int64]bool{}
	if r.InspectionID != 0 {
		x, err := tx.Inspection(domain.Scope{}, r.InspectionID, false)
		if store.IsNotFound(err) {
			return nil, fieldErr("inspection", "no_inspection")
		}
		if err != nil {
			return nil, err
		}
		if !x.Locked() {
			return nil, invalid("enforcement.error.rectify_unsigned")
		}
		if r.InstitutionID != 0 && r.InstitutionID != x.InstitutionID {
			return nil, fieldErr("institution", "other_institution")
		}
		r.InstitutionID = x.InstitutionID
		if items, err = inspectionItems(tx, x, linked); err != nil {
			return nil, err
		}
	}
	for _, id := range findingIDs {
		if linked[id] {
			continue
		}
		f, err := tx.FindFinding(domain.Scope{}, id)
		if store.IsNotFound(err) {
			return nil, invalid("enforcement.error.no_finding", strconv.FormatInt(id, 10))
		}
		if err != nil {
			return nil, err
		}
		if f.Status != domain.FindingOpen {
			return nil, invalid("enforcement.error.finding_not_open", strconv.FormatInt(id, 10))
		}
		if r.InstitutionID == 0 {
			r.InstitutionID = f.InstitutionID
		}
		if f.InstitutionID != r.InstitutionID {
			return nil, invalid("enforcement.error.finding_other_institution", strconv.FormatInt(id, 10))
		}
		linked[id] = true
		items = append(items, domain.RectificationItem{Code: RuleItem(f.Rule), FindingID: id})
	}
	if r.InstitutionID == 0 {
		return nil, fieldErr("institution", domain.CodeRequired)
	}
	if len(items) == 0 {
		return nil, invalid("enforcement.error.nothing_to_rectify")
	}
	return items, nil
}

// inspectionItems turns the 不符合 items of a signed inspection (as amended)
// into rectification items: one per open finding of the institution under
// the item, or the item itself when no finding stands behind it.
func inspectionItems(tx *store.Tx, x *domain.Inspection, linked map[int64]bool) ([]domain.RectificationItem, error) {
	rows, err := tx.InspectionItems(x.ID)
	if err != nil {
		return nil, err
	}
	am, err := tx.Amendments(x.ID)
	if err != nil {
		return nil, err
	}
	result, note := map[string]string{}, map[string]string{}
	for _, it := range rows {
		result[it.Code], note[it.Code] = it.Result, it.Note
	}
	for _, a := range am {
		result[a.Code], note[a.Code] = a.Result, a.Note
	}
	page, err := tx.FindFindings(domain.Scope{}, store.FindingFilter{Status: domain.FindingOpen, InstitutionID: x.InstitutionID})
	if err != nil {
		return nil, err
	}
	var items []domain.RectificationItem
	for _, c := range checklist {
		if result[c.Code] != "noncompliant" {
			continue
		}
		n := len(items)
		for _, f := range page.Findings {
			if RuleItem(f.Rule) == c.Code && !linked[f.ID] {
				linked[f.ID] = true
				items = append(items, domain.RectificationItem{Code: c.Code, FindingID: f.ID, Text: note[c.Code]})
			}
		}
		if len(items) == n {
			items = append(items, domain.RectificationItem{Code: c.Code, Text: note[c.Code]})
		}
	}
	return items, nil
}

// RectificationView is a rectification with its items, evidence files,
// documents and what the reader may do with it.
type RectificationView struct {
	Rectification *domain.Rectification
	Items         []domain.RectificationItem
	Files         []domain.RectificationFile
	Documents     []*domain.Document
	Institution   *domain.Institution
	Overdue       bool
	// Open are the linked findings still open: while any is, it cannot close.
	Open []domain.RectificationItem
	// RuleLess says some item has no finding behind it: closing needs evidence.
	RuleLess   bool
	MayRespond bool // the reader answers for the institution, and it is not closed
	MayClose   bool // the reader confirms for the office, and it is answered
}

// Document returns the number of the view's document of type t, "" if none.
func (v *RectificationView) Document(t DocType) string {
	for _, d := range v.Documents {
		if d.Type == string(t) {
			return d.Number
		}
	}
	return ""
}

// Rectification returns a rectification the reader may see (an
// institution user its own) with its items, files and documents.
func (s *Service) Rectification(ctx context.Context, u *domain.User, id int64) (*RectificationView, error) {
	if !auth.Can(u, auth.Read, auth.Rectification) {
		return nil, auth.ErrForbidden
	}
	v := &RectificationView{}
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		return loadRectification(tx, u.Scope(), id, false, v)
	})
	if err != nil {
		return nil, err
	}
	r := v.Rectification
	v.Overdue = r.Overdue(s.today())
	v.MayRespond = auth.Can(u, auth.Respond, auth.Rectification) && !r.Closed()
	v.MayClose = auth.Can(u, auth.Update, auth.Rectification) && r.State == "responded"
	return v, nil
}

func loadRectification(tx *store.Tx, sc domain.Scope, id int64, lock bool, v *RectificationView) (err error) {
	if v.Rectification, err = tx.Rectification(sc, id, lock); err != nil {
		return err
	}
	if v.Items, err = tx.RectificationItems(id); err != nil {
		return err
	}
	if v.Files, err = tx.RectificationFiles(id); err != nil {
		return err
	}
	if v.Documents, err = tx.DocumentsOf(auth.Rectification, id); err != nil {
		return err
	}
	if v.Institution, err = store.Find(tx, store.Institutions, domain.Scope{}, v.Rectification.InstitutionID); err != nil {
		return err
	}
	for i, it := range v.Items {
		if it.SubjectType == domain.SubjectPerson {
			// A person's subject key is the ID number: never shown whole here.
			v.Items[i].SubjectKey = domain.MaskIDNumber(it.SubjectKey)
			it = v.Items[i]
		}
		switch {
		case it.FindingID == 0:
			v.RuleLess = true
		case !it.Resolved():
			v.Open = append(v.Open, it)
		}
	}
	return nil
}

// RectificationList selects rectifications for a list.
type RectificationList struct {
	InstitutionID int64
	InspectionID  int64
	Open          bool // not closed
	Overdue       bool // not closed, past the deadline
	Responded     bool // answered, waiting for the office
	Limit         int
}

// Rectifications lists the rectifications the reader may see, newest first.
func (s *Service) Rectifications(ctx context.Context, u *domain.User, l RectificationList) ([]*domain.Rectification, error) {
	if !auth.Can(u, auth.Read, auth.Rectification) {
		return nil, auth.ErrForbidden
	}
	f := store.RectificationFilter{InstitutionID: l.InstitutionID, InspectionID: l.InspectionID, Open: l.Open,
		Responded: l.Responded, Limit: l.Limit}
	if l.Overdue {
		f.DueBefore = s.today()
	}
	var out []*domain.Rectification
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Rectifications(u.Scope(), f)
		return err
	})
	return out, err
}

// Respond records the institution's answer: what it corrected, at the
// rectification's version. It may answer again until the office closes it.
func (s *Service) Respond(ctx context.Context, actor domain.Actor, u *domain.User, id int64, response string, version int) (*domain.Rectification, error) {
	if !auth.Can(u, auth.Respond, auth.Rectification) {
		return nil, auth.ErrForbidden
	}
	response = strings.TrimSpace(response)
	if err := checkText("response", response, 2000, true); err != nil {
		return nil, err
	}
	var out *domain.Rectification
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		r, err := tx.Rectification(u.Scope(), id, true)
		if err != nil {
			return err
		}
		if r.Closed() {
			return errRectClosed()
		}
		out = r
		return tx.RespondRectification(r, response, version)
	})
	return out, err
}

func errRectClosed() error {
	return &domain.Error{Code: domain.ECONFLICT, Message: "enforcement.error.rectification_closed"}
}

// AddRectificationFile attaches a photo or PDF to a rectification that is
// not closed: the institution's proof (its own only) or the office's.
func (s *Service) AddRectificationFile(ctx context.Context, actor domain.Actor, u *domain.User, id int64, name string, data []byte) (*domain.RectificationFile, error) {
	if !auth.Can(u, auth.Respond, auth.Rectification) && !auth.Can(u, auth.Update, auth.Rectification) {
		return nil, auth.ErrForbidden
	}
	f, err := checkFile(name, data)
	if err != nil {
		return nil, err
	}
	e := &domain.RectificationFile{RectificationID: id, Name: f.name, ContentType: f.contentType, SHA256: f.sha256}
	err = s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		r, err := tx.Rectification(u.Scope(), id, true)
		if err != nil {
			return err
		}
		if r.Closed() {
			return errRectClosed()
		}
		return tx.AddRectificationFile(e, data)
	})
	return e, err
}

// RectificationFile returns one evidence file of a rectification the
// reader may see, with its content.
func (s *Service) RectificationFile(ctx context.Context, u *domain.User, id, fileID int64) (*domain.RectificationFile, []byte, error) {
	if !auth.Can(u, auth.Read, auth.Rectification) {
		return nil, nil, auth.ErrForbidden
	}
	var e *domain.RectificationFile
	var data []byte
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		if _, err := tx.Rectification(u.Scope(), id, false); err != nil {
			return err
		}
		e, data, err = tx.RectificationFile(id, fileID)
		return err
	})
	return e, data, err
}

// CloseRectification records the office's confirmation that closes an
// answered rectification, at its version. It is refused, naming the
// finding, while a linked finding is still open (screening has not seen it
// corrected in the register); an item without a finding needs an evidence
// file.
func (s *Service) CloseRectification(ctx context.Context, actor domain.Actor, u *domain.User, id int64, note string, version int) (*domain.Rectification, error) {
	if !auth.Can(u, auth.Update, auth.Rectification) {
		return nil, auth.ErrForbidden
	}
	note = strings.TrimSpace(note)
	if err := checkText("note", note, 1000, false); err != nil {
		return nil, err
	}
	v := &RectificationView{}
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if err := loadRectification(tx, domain.Scope{}, id, true, v); err != nil {
			return err
		}
		r := v.Rectification
		switch {
		case r.Closed():
			return errRectClosed()
		case r.State != "responded":
			return invalid("enforcement.error.not_responded")
		case len(v.Open) > 0:
			it := v.Open[0]
			return &domain.Error{Code: domain.EINVALID, Message: "enforcement.error.finding_open",
				Args: []string{strconv.FormatInt(it.FindingID, 10), it.Rule, it.SubjectKey}}
		case v.RuleLess && len(v.Files) == 0:
			return invalid("enforcement.error.close_needs_evidence")
		}
		return tx.CloseRectification(r, note, version)
	})
	return v.Rectification, err
}

// OpenFindingIDs returns the ids of the linked findings of items still
// open, in order; for tests and pages.
func OpenFindingIDs(items []domain.RectificationItem) []int64 {
	var out []int64
	for _, it := range items {
		if it.FindingID != 0 && !it.Resolved() && !slices.Contains(out, it.FindingID) {
			out = append(out, it.FindingID)
		}
	}
	return out
}
