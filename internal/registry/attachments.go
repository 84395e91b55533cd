package registry

import (
	"context"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// Attachable are the records files are kept with besides change requests:
// the licence's scans, training certificates, exam and dose reports, test
// reports.
var Attachable = map[string]bool{"licence": true, "training": true, "exam": true, "dose": true, "test": true}

// mayAttach checks, in the transaction, that u may change record id of
// entity: the same answer as for editing it (scope, who filed it).
func mayAttach(tx *store.Tx, u *domain.User, entity string, id int64) error {
	var err error
	switch entity {
	case "licence":
		_, err = mayChange(tx, u, store.Licences, id)
	case "training":
		_, err = mayChange(tx, u, store.Trainings, id)
	case "exam":
		_, err = mayChange(tx, u, store.Exams, id)
	case "dose":
		_, err = mayChange(tx, u, store.Doses, id)
	case "test":
		_, err = mayChange(tx, u, store.Tests, id)
	default:
		err = store.ErrNotFound
	}
	return err
}

// Files returns the files kept with a record the user may see.
func (r *Registry) Files(ctx context.Context, u *domain.User, entity string, id int64) ([]domain.Attachment, error) {
	if !Attachable[entity] {
		return nil, store.ErrNotFound
	}
	if !auth.Can(u, auth.Read, entity) {
		return nil, errForbidden
	}
	var out []domain.Attachment
	err := r.Store.View(ctx, func(tx *store.Tx) (err error) {
		if err := store.Visible(tx, entity, u.Scope(), id); err != nil {
			return err
		}
		out, err = tx.Attachments(entity, id)
		return err
	})
	return out, err
}

// Attach keeps a file (PDF or image, judged by content, at most 10 MiB)
// with a record the user may change, audited. The licence's scans are the
// office's: an institution sends its files with a change request.
func (r *Registry) Attach(ctx context.Context, actor domain.Actor, u *domain.User, entity string, id int64, up Upload) (*domain.Attachment, error) {
	if !Attachable[entity] {
		return nil, store.ErrNotFound
	}
	if !auth.Can(u, auth.Update, entity) {
		return nil, errForbidden
	}
	a, err := CheckUpload(entity, up)
	if err != nil {
		return nil, err
	}
	a.RecordID = id
	err = r.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if err := mayAttach(tx, u, entity, id); err != nil {
			return err
		}
		return tx.AddAttachment(a, up.Data)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}
