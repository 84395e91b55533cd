package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// Upload is a file sent with a request: its name as the sender gave it and
// its content.
type Upload struct {
	Name string
	Data []byte
}

// ChangeInput is what an institution asks: the record (0: a new one, of
// the user's institution), the values asked for by field key, a reason and
// supporting files.
type ChangeInput struct {
	Entity   string
	RecordID int64
	Values   map[string]string
	Reason   string
	Files    []Upload
}

// maxReason bounds the reasons of requests and decisions (runes).
const maxReason = 1000

func changeErr(msg string, fields domain.FieldErrors, args ...string) error {
	return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: fields, Args: args}
}

// checkReason cleans a reason and refuses an empty, overlong or
// control-character one.
func checkReason(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", changeErr("error.invalid", domain.FieldErrors{field: domain.CodeRequired})
	case utf8.RuneCountInString(s) > maxReason:
		return "", changeErr("error.invalid", domain.FieldErrors{field: domain.CodeTooLong})
	case domain.HasControlInText(s):
		return "", changeErr("error.invalid", domain.FieldErrors{field: domain.CodeControl})
	}
	return s, nil
}

// CheckUpload judges a file by its content (PDF, JPEG, PNG), bounds its
// size and cleans its name, and returns the attachment to store.
func CheckUpload(entity string, up Upload) (*domain.Attachment, error) {
	name := strings.TrimSpace(filepath.Base(strings.ReplaceAll(up.Name, "\\", "/")))
	if name == "." || name == "/" {
		name = ""
	}
	switch {
	case utf8.RuneCountInString(name) > 200:
		return nil, changeErr("error.invalid", domain.FieldErrors{"files": domain.CodeTooLong})
	case domain.HasControl(name):
		return nil, changeErr("error.invalid", domain.FieldErrors{"files": domain.CodeControl})
	case len(up.Data) == 0:
		return nil, changeErr("change.error.file_empty", domain.FieldErrors{"files": "file_empty"})
	case len(up.Data) > domain.MaxAttachment:
		return nil, changeErr("change.error.file_too_large", domain.FieldErrors{"files": "file_too_large"}, "10 MiB")
	}
	ct := domain.FileType(up.Data)
	if ct == "" {
		return nil, changeErr("change.error.file_type", domain.FieldErrors{"files": "file_type"})
	}
	sum := sha256.Sum256(up.Data)
	a := &domain.Attachment{Entity: entity, Name: name, ContentType: ct, SHA256: hex.EncodeToString(sum[:])}
	if a.Name == "" {
		a.Name = a.SHA256[:12]
	}
	return a, nil
}

// changeTable is the table of each entity a change request may name.
var changeTable = map[string]*store.Table[domain.Licence]{"licence": store.Licences}

// RequestChange files an institution's request that the office change a
// record it issued (or issue a new one): only the fields domain.ChangeFields
// lists, each checked as the form would check it, the proposed record
// validated whole; the old values are those stored now. Nothing of the
// record changes until a supervisor approves.
func (r *Registry) RequestChange(ctx context.Context, actor domain.Actor, u *domain.User, in ChangeInput) (*domain.ChangeRequest, error) {
	if !auth.Can(u, auth.Create, auth.ChangeRequest) {
		return nil, errForbidden
	}
	t, ok := changeTable[in.Entity]
	own := u.Scope().InstitutionID
	if !ok || own == 0 {
		return nil, changeErr("change.error.entity", nil)
	}
	reason, err := checkReason("reason", in.Reason)
	if err != nil {
		return nil, err
	}
	if len(in.Files) > domain.MaxAttachments {
		return nil, changeErr("change.error.too_many_files", domain.FieldErrors{"files": domain.CodeTooMany}, "5")
	}
	var files []*domain.Attachment
	for _, up := range in.Files {
		a, err := CheckUpload(auth.ChangeRequest, up)
		if err != nil {
			return nil, err
		}
		files = append(files, a)
	}
	allowed := domain.ChangeFields[in.Entity]
	for k := range in.Values {
		if !slices.Contains(allowed, k) {
			return nil, changeErr("change.error.field", domain.FieldErrors{k: "not_changeable"})
		}
	}
	c := &domain.ChangeRequest{InstitutionID: own, Entity: in.Entity, RecordID: in.RecordID, Reason: reason}
	err = r.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		cur := &domain.Licence{InstitutionID: own}
		if in.RecordID != 0 {
			var err error
			if cur, err = store.Find(tx, t, u.Scope(), in.RecordID); err != nil { // another institution's: not found
				return err
			}
		}
		proposed := *cur
		proposed.Items = slices.Clone(cur.Items)
		fe := domain.FieldErrors{}
		for _, k := range allowed {
			raw, asked := in.Values[k]
			if !asked {
				continue
			}
			f, _ := domain.FieldByKey(in.Entity, k)
			if code := domain.Assign(&proposed, f, raw); code != "" {
				fe.Add(k, code)
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if err := r.check(&proposed); err != nil {
			return err
		}
		for _, k := range allowed {
			f, _ := domain.FieldByKey(in.Entity, k)
			if o, n := domain.Value(cur, f), domain.Value(&proposed, f); o != n || in.RecordID == 0 {
				c.Changes = append(c.Changes, domain.FieldChange{Field: k, Old: o, New: n})
			}
		}
		if len(c.Changes) == 0 {
			return changeErr("change.error.nothing", nil)
		}
		if err := tx.AddChangeRequest(c); err != nil {
			return err
		}
		for i, a := range files {
			a.RecordID = c.ID
			if err := tx.AddAttachment(a, in.Files[i].Data); err != nil {
				return err
			}
			c.Files = append(c.Files, *a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ChangeRequest returns a change request the user may see, with its files.
func (r *Registry) ChangeRequest(ctx context.Context, u *domain.User, id int64) (*domain.ChangeRequest, error) {
	if !auth.Can(u, auth.Read, auth.ChangeRequest) {
		return nil, errForbidden
	}
	var c *domain.ChangeRequest
	err := r.Store.View(ctx, func(tx *store.Tx) (err error) {
		if c, err = tx.ChangeRequest(u.Scope(), id, false); err != nil {
			return err
		}
		c.Files, err = tx.Attachments(auth.ChangeRequest, id)
		return err
	})
	return c, err
}

// ChangeRequests lists the change requests the user may see, newest first.
func (r *Registry) ChangeRequests(ctx context.Context, u *domain.User, f store.ChangeFilter) ([]*domain.ChangeRequest, error) {
	if !auth.Can(u, auth.Read, auth.ChangeRequest) {
		return nil, errForbidden
	}
	if f.Status != "" && !slices.Contains(domain.ChangeStatuses, f.Status) {
		f.Status = ""
	}
	var out []*domain.ChangeRequest
	err := r.Store.View(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.ChangeRequests(u.Scope(), f)
		return err
	})
	return out, err
}

// errDecided refuses deciding (or withdrawing) a request already decided.
var errDecided = &domain.Error{Code: domain.ECONFLICT, Message: "change.error.decided"}

// errChangedSince refuses approving a request whose record changed since it
// was made: the office would apply values the institution did not see.
var errChangedSince = &domain.Error{Code: domain.ECONFLICT, Message: "change.error.changed_since"}

// Decide approves or rejects a pending change request with the office's
// reason (required to reject). Approving applies the asked values to the
// record, as they were stored, in the one transaction that records the
// decision, audits both and re-screens the institution.
func (r *Registry) Decide(ctx context.Context, actor domain.Actor, u *domain.User, id int64, approve bool, reason string) (*domain.ChangeRequest, error) {
	if !auth.Can(u, auth.Decide, auth.ChangeRequest) {
		return nil, errForbidden
	}
	reason = strings.TrimSpace(reason)
	if !approve || reason != "" {
		var err error
		if reason, err = checkReason("decision", reason); err != nil {
			return nil, err
		}
	}
	var c *domain.ChangeRequest
	err := r.Store.WithTx(ctx, actor, func(tx *store.Tx) (err error) {
		if c, err = tx.ChangeRequest(domain.Scope{}, id, true); err != nil {
			return err
		}
		if c.Status != domain.ChangePending {
			return errDecided
		}
		if !approve {
			return tx.DecideChangeRequest(c, domain.ChangeRejected, reason, domain.AuditReject)
		}
		if err := r.apply(tx, c); err != nil {
			return err
		}
		return tx.DecideChangeRequest(c, domain.ChangeApproved, reason, domain.AuditApprove)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// apply writes an approved request's values to its record (or files the
// new record) and re-screens.
func (r *Registry) apply(tx *store.Tx, c *domain.ChangeRequest) error {
	t, ok := changeTable[c.Entity]
	if !ok {
		return changeErr("change.error.entity", nil)
	}
	rec := &domain.Licence{InstitutionID: c.InstitutionID}
	if c.RecordID != 0 {
		var err error
		if rec, err = store.Find(tx, t, domain.Scope{}, c.RecordID); err != nil {
			return err
		}
	}
	for _, ch := range c.Changes {
		f, ok := domain.FieldByKey(c.Entity, ch.Field)
		if !ok || !slices.Contains(domain.ChangeFields[c.Entity], ch.Field) {
			return changeErr("change.error.field", domain.FieldErrors{ch.Field: "not_changeable"})
		}
		if c.RecordID != 0 && domain.Value(rec, f) != ch.Old {
			return errChangedSince
		}
		if code := domain.Assign(rec, f, ch.New); code != "" {
			return changeErr("error.invalid", domain.FieldErrors{ch.Field: code})
		}
	}
	if err := r.check(rec); err != nil {
		return err
	}
	var err error
	if c.RecordID == 0 {
		if err = store.Create(tx, t, domain.Scope{}, rec); err == nil {
			err = issueAct(tx, rec)
		}
	} else {
		err = store.Update(tx, t, domain.Scope{}, rec)
	}
	if err != nil {
		return conflictOn(c.Entity, err)
	}
	c.RecordID = rec.ID
	return r.after(tx, c.Entity, rec.ID)
}

// Withdraw withdraws an institution's own pending request.
func (r *Registry) Withdraw(ctx context.Context, actor domain.Actor, u *domain.User, id int64) (*domain.ChangeRequest, error) {
	if !auth.Can(u, auth.Create, auth.ChangeRequest) {
		return nil, errForbidden
	}
	var c *domain.ChangeRequest
	err := r.Store.WithTx(ctx, actor, func(tx *store.Tx) (err error) {
		if c, err = tx.ChangeRequest(u.Scope(), id, true); err != nil {
			return err
		}
		if c.Status != domain.ChangePending {
			return errDecided
		}
		return tx.DecideChangeRequest(c, domain.ChangeWithdrawn, "", domain.AuditWithdraw)
	})
	return c, err
}

// Attachment returns a file and its content if the user may see the record
// it is kept with (a change request, a licence …); every read is audited.
// Another institution's file is not found, the same answer as a missing one.
func (r *Registry) Attachment(ctx context.Context, actor domain.Actor, u *domain.User, id int64) (*domain.Attachment, []byte, error) {
	var a *domain.Attachment
	var data []byte
	err := r.Store.WithTx(ctx, actor, func(tx *store.Tx) (err error) {
		if a, err = tx.Attachment(id); err != nil {
			return err
		}
		if !auth.Can(u, auth.Read, a.Entity) {
			return store.ErrNotFound
		}
		if a.Entity == auth.ChangeRequest {
			_, err = tx.ChangeRequest(u.Scope(), a.RecordID, false)
		} else {
			err = store.Visible(tx, a.Entity, u.Scope(), a.RecordID)
		}
		if err != nil {
			return err
		}
		if data, err = tx.AttachmentData(id); err != nil {
			return err
		}
		return tx.Audit(domain.AuditDownload, "attachment", id, a)
	})
	if err != nil {
		return nil, nil, err
	}
	return a, data, nil
}
