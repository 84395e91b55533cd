package enforcement

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// NewInspection is what an inspection is created from: a drawn plan unit
// (PlanID and PlanOrder; its inspectors come from the draw) or, ad hoc, a
// type, an institution and two inspectors.
type NewInspection struct {
	PlanID        int64
	PlanOrder     int
	Type          string // ad hoc: special, routine or complaint
	InstitutionID int64
	CreditCode    string    // ad hoc: the institution by its credit code, when InstitutionID is 0
	Inspectors    [2]string // ad hoc: usernames
	Date          domain.Date
	Place         string
}

// adHocTypes are the types of an inspection outside a drawn plan.
var adHocTypes = map[string]bool{"special": true, "routine": true, "complaint": true}

func fieldErr(field, code string) error {
	return &domain.Error{Code: domain.EINVALID, Message: "error.invalid", Fields: domain.FieldErrors{field: code}}
}

func errLocked() error {
	return &domain.Error{Code: domain.ECONFLICT, Message: "enforcement.error.locked"}
}

func (s *Service) checkDate(d domain.Date) error {
	today := s.today()
	if d.IsZero() || d.Before(today.AddDate(-1, 0, 0)) || today.AddDate(1, 0, 0).Before(d) {
		return fieldErr("date", "inspection_date")
	}
	return nil
}

func checkText(field, v string, max int, required bool) error {
	fe := domain.FieldErrors{}
	switch {
	case v == "" && required:
		fe.Add(field, domain.CodeRequired)
	case utf8.RuneCountInString(v) > max || !utf8.ValidString(v):
		fe.Add(field, domain.CodeTooLong)
	case domain.HasControl(strings.ReplaceAll(strings.ReplaceAll(v, "\n", ""), "\r", "")):
		fe.Add(field, domain.CodeControl)
	}
	if len(fe) > 0 {
		return fe.Err()
	}
	return nil
}

// eligible checks that username is an active inspector with a 执法证号 who
// is not recused for the institution.
func eligible(tx *store.Tx, username string, institutionID int64, field string) error {
	ins, err := tx.Inspectors()
	if err != nil {
		return err
	}
	for _, in := range ins {
		if in.Username != username {
			continue
		}
		if in.Version == 0 || !in.Active || in.CertNo == "" {
			return &domain.Error{Code: domain.EINVALID, Message: "enforcement.error.not_inspector", Args: []string{username},
				Fields: domain.FieldErrors{field: "not_inspector"}}
		}
		if in.Recused(institutionID) {
			return &domain.Error{Code: domain.EINVALID, Message: "enforcement.error.recused", Args: []string{username},
				Fields: domain.FieldErrors{field: "recused"}}
		}
		return nil
	}
	return &domain.Error{Code: domain.EINVALID, Message: "enforcement.error.not_inspector", Args: []string{username},
		Fields: domain.FieldErrors{field: "not_inspector"}}
}

// CreateInspection creates an inspection with one item per checklist
// item; the items that do not apply to the institution's licensed
// categories are marked 不适用 in advance.
func (s *Service) CreateInspection(ctx context.Context, actor domain.Actor, u *domain.User, in NewInspection) (*domain.Inspection, error) {
	if !auth.Can(u, auth.Create, auth.Inspection) {
		return nil, auth.ErrForbidden
	}
	in.Place = strings.TrimSpace(in.Place)
	if err := s.checkDate(in.Date); err != nil {
		return nil, err
	}
	if err := checkText("place", in.Place, 200, false); err != nil {
		return nil, err
	}
	x := &domain.Inspection{Date: in.Date, Place: in.Place}
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if in.PlanID != 0 {
			if err := fromUnit(tx, x, in.PlanID, in.PlanOrder); err != nil {
				return err
			}
		} else if err := adHoc(tx, x, in); err != nil {
			return err
		}
		if x.Place == "" {
			// The place defaults to the institution's address.
			inst, err := store.Find(tx, store.Institutions, domain.Scope{}, x.InstitutionID)
			if err != nil {
				return err
			}
			if x.Place = strings.TrimSpace(inst.Address); x.Place == "" {
				return fieldErr("place", domain.CodeRequired)
			}
		}
		cats, err := tx.LicensedCategories(x.InstitutionID)
		if err != nil {
			return err
		}
		var codes []string
		results := map[string]string{}
		for _, it := range checklist {
			codes = append(codes, it.Code)
			if !it.AppliesTo(cats) {
				results[it.Code] = "na"
			}
		}
		return tx.CreateInspection(x, codes, results)
	})
	if errors.Is(err, store.ErrConflict) && in.PlanID != 0 {
		return nil, &domain.Error{Code: domain.ECONFLICT, Message: "enforcement.error.unit_inspected"}
	}
	return x, err
}

func fromUnit(tx *store.Tx, x *domain.Inspection, planID int64, order int) error {
	p, err := tx.Plan(planID)
	if store.IsNotFound(err) {
		return fieldErr("plan", "no_plan")
	}
	if err != nil {
		return err
	}
	if !p.Drawn() {
		return invalid("enforcement.error.not_drawn")
	}
	units, err := tx.PlanUnits(planID)
	if err != nil {
		return err
	}
	for _, un := range units {
		if un.Order != order {
			continue
		}
		if len(un.Inspectors) != 2 {
			return invalid("enforcement.error.unit_no_team")
		}
		x.PlanID, x.PlanOrder, x.Type, x.InstitutionID = p.ID, order, p.Type, un.InstitutionID
		x.Inspector1, x.Inspector2 = un.Inspectors[0], un.Inspectors[1]
		return nil
	}
	return fieldErr("order", "no_unit")
}

func adHoc(tx *store.Tx, x *domain.Inspection, in NewInspection) error {
	if !adHocTypes[in.Type] {
		return fieldErr("type", domain.CodeEnum)
	}
	if in.InstitutionID == 0 && strings.TrimSpace(in.CreditCode) != "" {
		id, _, err := tx.InstitutionIDByCode(domain.NormalizeCreditCode(in.CreditCode))
		if store.IsNotFound(err) {
			return fieldErr("institution", "no_institution")
		}
		if err != nil {
			return err
		}
		in.InstitutionID = id
	}
	if in.InstitutionID == 0 {
		return fieldErr("institution", domain.CodeRequired)
	}
	if _, err := store.Find(tx, store.Institutions, domain.Scope{}, in.InstitutionID); store.IsNotFound(err) {
		return fieldErr("institution", "no_institution")
	} else if err != nil {
		return err
	}
	a, b := strings.TrimSpace(in.Inspectors[0]), strings.TrimSpace(in.Inspectors[1])
	switch {
	case a == "":
		return fieldErr("inspector1", domain.CodeRequired)
	case b == "":
		return fieldErr("inspector2", domain.CodeRequired)
	case a == b:
		return fieldErr("inspector2", "same_inspector")
	}
	if err := eligible(tx, a, in.InstitutionID, "inspector1"); err != nil {
		return err
	}
	if err := eligible(tx, b, in.InstitutionID, "inspector2"); err != nil {
		return err
	}
	x.Type, x.InstitutionID, x.Inspector1, x.Inspector2 = in.Type, in.InstitutionID, a, b
	return nil
}

// ItemView is one checklist item of an inspection: the item, its result,
// the institution's open findings that map to it, and its evidence.
type ItemView struct {
	Item
	Row       domain.InspectionItem
	Findings  []*domain.Finding
	Evidence  []domain.EvidenceFile
	Amendment *domain.Amendment // the latest amendment, if any
}

// InspectionView is an inspection with its items, amendments and what the
// reader may do with it.
type InspectionView struct {
	Inspection *domain.Inspection
	Items      []ItemView
	Amendments []domain.Amendment
	// Institution is the inspected institution (for the record).
	Institution *domain.Institution
	// Inspectors are the two inspectors, in order.
	Inspectors [2]*domain.Inspector
	// Editable: the reader is one of the inspectors and it is not locked.
	Editable bool
	// MaySign: the reader is one of the inspectors and has not signed.
	MaySign bool
	// MayAmend: the reader is one of the inspectors and it is locked.
	MayAmend bool
}

// Inspection returns an inspection with its items, each with the
// institution's open findings the reader may see, its evidence and
// amendments.
func (s *Service) Inspection(ctx context.Context, u *domain.User, id int64) (*InspectionView, error) {
	if !auth.Can(u, auth.Read, auth.Inspection) {
		return nil, auth.ErrForbidden
	}
	v := &InspectionView{}
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		x, err := tx.Inspection(u.Scope(), id, false)
		if err != nil {
			return err
		}
		v.Inspection = x
		items, err := tx.InspectionItems(id)
		if err != nil {
			return err
		}
		ev, err := tx.EvidenceFiles(id)
		if err != nil {
			return err
		}
		if v.Amendments, err = tx.Amendments(id); err != nil {
			return err
		}
		page, err := tx.FindFindings(u.Scope(), store.FindingFilter{Status: domain.FindingOpen, InstitutionID: x.InstitutionID})
		if err != nil {
			return err
		}
		if v.Institution, err = store.Find(tx, store.Institutions, domain.Scope{}, x.InstitutionID); err != nil {
			return err
		}
		ins, err := tx.Inspectors()
		if err != nil {
			return err
		}
		for _, in := range ins {
			if in.Username == x.Inspector1 {
				v.Inspectors[0] = in
			}
			if in.Username == x.Inspector2 {
				v.Inspectors[1] = in
			}
		}
		v.Items = assemble(items, ev, page.Findings, v.Amendments)
		return nil
	})
	if err != nil {
		return nil, err
	}
	x := v.Inspection
	mine := auth.Can(u, auth.Update, auth.Inspection) && x.IsInspector(u.Username)
	v.Editable = mine && !x.Locked()
	v.MaySign = v.Editable && !x.SignedBy(u.Username)
	v.MayAmend = mine && x.Locked()
	return v, nil
}

func assemble(items []domain.InspectionItem, ev []domain.EvidenceFile, fs []*domain.Finding, am []domain.Amendment) []ItemView {
	byCode := map[string]*ItemView{}
	out := make([]ItemView, 0, len(checklist))
	for _, it := range checklist {
		out = append(out, ItemView{Item: it})
	}
	for i := range out {
		byCode[out[i].Code] = &out[i]
	}
	for _, it := range items {
		if iv := byCode[it.Code]; iv != nil {
			iv.Row = it
		}
	}
	for _, e := range ev {
		if iv := byCode[e.Code]; iv != nil {
			iv.Evidence = append(iv.Evidence, e)
		}
	}
	for _, f := range fs {
		if iv := byCode[RuleItem(f.Rule)]; iv != nil {
			iv.Findings = append(iv.Findings, f)
		}
	}
	for i := range am {
		if iv := byCode[am[i].Code]; iv != nil {
			iv.Amendment = &am[i]
		}
	}
	for i := range out {
		out[i].Row.Code = out[i].Item.Code
	}
	return out
}

// InspectionList selects inspections for a list.
type InspectionList struct {
	InstitutionID int64
	Mine          bool // the reader is one of the two inspectors
	Signed        bool
	Unsigned      bool
	PlanID        int64
	Limit         int
}

// Inspections lists the inspections the reader may see, newest first.
func (s *Service) Inspections(ctx context.Context, u *domain.User, l InspectionList) ([]*domain.Inspection, error) {
	if !auth.Can(u, auth.Read, auth.Inspection) {
		return nil, auth.ErrForbidden
	}
	f := store.InspectionFilter{InstitutionID: l.InstitutionID, Signed: l.Signed, Unsigned: l.Unsigned, PlanID: l.PlanID, Limit: l.Limit}
	if l.Mine {
		f.Inspector = u.Username
	}
	var out []*domain.Inspection
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Inspections(u.Scope(), f)
		return err
	})
	return out, err
}

// editable loads an inspection for a change by u: u must be one of its two
// inspectors and it must not be locked.
func editable(tx *store.Tx, u *domain.User, id int64) (*domain.Inspection, error) {
	x, err := tx.Inspection(domain.Scope{}, id, true)
	if err != nil {
		return nil, err
	}
	if !x.IsInspector(u.Username) {
		return nil, &domain.Error{Code: domain.EFORBIDDEN, Message: "enforcement.error.not_your_inspection"}
	}
	if x.Locked() {
		return nil, errLocked()
	}
	return x, nil
}

// SaveItem saves one item's result and note at the item's version; it
// clears any signature.
func (s *Service) SaveItem(ctx context.Context, actor domain.Actor, u *domain.User, id int64, code, result, note string, version int) (*domain.InspectionItem, error) {
	if !auth.Can(u, auth.Update, auth.Inspection) {
		return nil, auth.ErrForbidden
	}
	note = strings.TrimSpace(note)
	if _, ok := ChecklistItem(code); !ok {
		return nil, fieldErr("code", "no_item")
	}
	if !domain.InspectionResults.Has(result) {
		return nil, fieldErr("result", domain.CodeEnum)
	}
	if err := checkText("note", note, 1000, false); err != nil {
		return nil, err
	}
	it := &domain.InspectionItem{InspectionID: id, Code: code, Result: result, Note: note}
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if _, err := editable(tx, u, id); err != nil {
			return err
		}
		return tx.UpdateInspectionItem(it, version)
	})
	return it, err
}

// Outcome is what an inspection's header form changes.
type Outcome struct {
	Date    domain.Date
	Place   string
	Outcome string // "" for none yet
}

// SetOutcome saves an inspection's date, place and outcome at its version.
// 符合 is refused unless every applicable item is 符合.
func (s *Service) SetOutcome(ctx context.Context, actor domain.Actor, u *domain.User, id int64, o Outcome, version int) (*domain.Inspection, error) {
	if !auth.Can(u, auth.Update, auth.Inspection) {
		return nil, auth.ErrForbidden
	}
	o.Place = strings.TrimSpace(o.Place)
	if o.Outcome != "" && !domain.InspectionOutcomes.Has(o.Outcome) {
		return nil, fieldErr("outcome", domain.CodeEnum)
	}
	if err := s.checkDate(o.Date); err != nil {
		return nil, err
	}
	if err := checkText("place", o.Place, 200, true); err != nil {
		return nil, err
	}
	var out *domain.Inspection
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		x, err := editable(tx, u, id)
		if err != nil {
			return err
		}
		if o.Outcome == "compliant" {
			if err := allCompliant(tx, id); err != nil {
				return err
			}
		}
		x.Date, x.Place, x.Outcome = o.Date, o.Place, o.Outcome
		if err := tx.UpdateInspection(x, version); err != nil {
			return err
		}
		out = x
		return nil
	})
	return out, err
}

// allCompliant refuses unless every applicable item is 符合.
func allCompliant(tx *store.Tx, id int64) error {
	items, err := tx.InspectionItems(id)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.Result != "compliant" && it.Result != "na" {
			return &domain.Error{Code: domain.EINVALID, Message: "enforcement.error.not_all_compliant", Args: []string{it.Code},
				Fields: domain.FieldErrors{"outcome": "not_all_compliant"}}
		}
	}
	return nil
}

// Sign records the reader's signature as one of the two inspectors, on
// the inspection as it is at version. Every applicable item must be
// checked and the outcome chosen (and consistent). With both signatures
// the record is locked.
func (s *Service) Sign(ctx context.Context, actor domain.Actor, u *domain.User, id int64, version int) (*domain.Inspection, error) {
	if !auth.Can(u, auth.Sign, auth.Inspection) {
		return nil, auth.ErrForbidden
	}
	var out *domain.Inspection
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		x, err := editable(tx, u, id)
		if err != nil {
			return err
		}
		if x.Version != version {
			return store.ErrStale
		}
		if x.SignedBy(u.Username) {
			return &domain.Error{Code: domain.ECONFLICT, Message: "enforcement.error.signed_already"}
		}
		if err := eligible(tx, u.Username, x.InstitutionID, "sign"); err != nil {
			return err
		}
		if x.Outcome == "" {
			return invalid("enforcement.error.no_outcome")
		}
		items, err := tx.InspectionItems(id)
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.Result == "unchecked" {
				return invalid("enforcement.error.unchecked", it.Code)
			}
		}
		if x.Outcome == "compliant" {
			if err := allCompliant(tx, id); err != nil {
				return err
			}
		}
		slot := 1
		if u.Username == x.Inspector2 {
			slot = 2
		}
		out, err = tx.SignInspection(id, slot, version)
		return err
	})
	return out, err
}

// Amend records a correction of one item of a locked inspection, with the
// reason; the signed result stays as it was.
func (s *Service) Amend(ctx context.Context, actor domain.Actor, u *domain.User, a *domain.Amendment) error {
	if !auth.Can(u, auth.Update, auth.Inspection) {
		return auth.ErrForbidden
	}
	a.Note, a.Reason = strings.TrimSpace(a.Note), strings.TrimSpace(a.Reason)
	if _, ok := ChecklistItem(a.Code); !ok {
		return fieldErr("code", "no_item")
	}
	if !domain.InspectionResults.Has(a.Result) {
		return fieldErr("result", domain.CodeEnum)
	}
	if err := checkText("note", a.Note, 1000, false); err != nil {
		return err
	}
	if err := checkText("reason", a.Reason, 500, true); err != nil {
		return err
	}
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		x, err := tx.Inspection(domain.Scope{}, a.InspectionID, true)
		if err != nil {
			return err
		}
		if !x.IsInspector(u.Username) {
			return &domain.Error{Code: domain.EFORBIDDEN, Message: "enforcement.error.not_your_inspection"}
		}
		if !x.Locked() {
			return invalid("enforcement.error.not_locked")
		}
		return tx.AddAmendment(a)
	})
}

// MaxEvidence is the largest evidence file accepted.
const MaxEvidence = 10 << 20

// evidenceType returns the content type of a photo (JPEG, PNG) or PDF by
// its first bytes, "" for anything else.
func evidenceType(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "application/pdf"
	}
	return ""
}

// AddEvidence attaches a photo (JPEG, PNG) or PDF to one item of an
// unlocked inspection; its type is judged by its content, never its name,
// and it is stored with its SHA-256.
func (s *Service) AddEvidence(ctx context.Context, actor domain.Actor, u *domain.User, id int64, code, name string, data []byte) (*domain.EvidenceFile, error) {
	if !auth.Can(u, auth.Update, auth.Inspection) {
		return nil, auth.ErrForbidden
	}
	if _, ok := ChecklistItem(code); !ok {
		return nil, fieldErr("code", "no_item")
	}
	f, err := checkFile(name, data)
	if err != nil {
		return nil, err
	}
	e := &domain.EvidenceFile{InspectionID: id, Code: code, Name: f.name, ContentType: f.contentType, SHA256: f.sha256}
	err = s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if _, err := editable(tx, u, id); err != nil {
			return err
		}
		return tx.AddEvidence(e, data)
	})
	return e, err
}

// upload is an accepted evidence file: its cleaned name, its type judged by
// its content, and its SHA-256 (hex).
type upload struct{ name, contentType, sha256 string }

// checkFile accepts a photo (JPEG, PNG) or PDF of at most MaxEvidence
// bytes, judged by its content, never its name; a file without a usable
// name is named by the start of its SHA-256.
func checkFile(name string, data []byte) (upload, error) {
	name = strings.TrimSpace(filepath.Base(strings.ReplaceAll(name, "\\", "/")))
	if name == "." || name == "/" {
		name = ""
	}
	if err := checkText("file", name, 200, false); err != nil {
		return upload{}, err
	}
	switch {
	case len(data) == 0:
		return upload{}, fieldErr("file", "file_empty")
	case len(data) > MaxEvidence:
		return upload{}, &domain.Error{Code: domain.EINVALID, Message: "enforcement.error.file_too_large", Args: []string{"10 MiB"},
			Fields: domain.FieldErrors{"file": "file_too_large"}}
	}
	ct := evidenceType(data)
	if ct == "" {
		return upload{}, &domain.Error{Code: domain.EINVALID, Message: "enforcement.error.file_type", Fields: domain.FieldErrors{"file": "file_type"}}
	}
	sum := sha256.Sum256(data)
	u := upload{name: name, contentType: ct, sha256: hex.EncodeToString(sum[:])}
	if u.name == "" {
		u.name = u.sha256[:12]
	}
	return u, nil
}

// Evidence returns one evidence file of an inspection the reader may see,
// with its content.
func (s *Service) Evidence(ctx context.Context, u *domain.User, id, fileID int64) (*domain.EvidenceFile, []byte, error) {
	if !auth.Can(u, auth.Read, auth.Inspection) {
		return nil, nil, auth.ErrForbidden
	}
	var e *domain.EvidenceFile
	var data []byte
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		if _, err := tx.Inspection(u.Scope(), id, false); err != nil {
			return err
		}
		e, data, err = tx.EvidenceFile(id, fileID)
		return err
	})
	return e, data, err
}

// PublicOutcomes lists the signed inspections for the public page (一公开):
// callers publish only the unit, type, date and outcome, never the
// inspectors.
func (s *Service) PublicOutcomes(ctx context.Context) ([]*domain.Inspection, error) {
	var out []*domain.Inspection
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Inspections(domain.Scope{}, store.InspectionFilter{Signed: true, Limit: 2000})
		return err
	})
	return out, err
}
