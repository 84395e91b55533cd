package registry

import (
	"context"
	"encoding/json"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// Pending are the pending submissions a record page shows (待审核): those
// of an institution, or about a person or a device, read in one query.
type Pending struct {
	// Subs are the submissions, newest first.
	Subs []*domain.Submission
	// proposed are the records they propose, decoded, by submission id.
	proposed map[int64]Proposed
}

// Proposed is what a pending submission proposes: its record and, for a
// hire, the employment filed with the person.
type Proposed struct {
	Sub        *domain.Submission
	Record     domain.Record
	Employment *domain.Employment
}

// PendingFor returns the pending submissions matching f (its State set to
// pending) that u may see: an institution user its own. Users who do not
// see submissions get none, without a query.
func (r *Registry) PendingFor(ctx context.Context, u *domain.User, f store.SubmissionFilter) (*Pending, error) {
	p := &Pending{proposed: map[int64]Proposed{}}
	if !auth.Can(u, auth.Read, auth.Submission) {
		return p, nil
	}
	f.State, f.Limit = domain.SubmissionPending, maxBatch
	err := r.Store.View(ctx, func(tx *store.Tx) (err error) {
		p.Subs, err = tx.Submissions(u.Scope(), f)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, s := range p.Subs {
		pr, err := decodeProposed(s)
		if err != nil {
			return nil, err
		}
		mask(u, pr.Record)
		p.proposed[s.ID] = pr
	}
	return p, nil
}

// decodeProposed reads the record a submission proposes.
func decodeProposed(s *domain.Submission) (Proposed, error) {
	pr := Proposed{Sub: s}
	if s.Action == domain.SubmitHire {
		var h Hire
		if err := json.Unmarshal([]byte(s.Data), &h); err != nil {
			return pr, err
		}
		if h.Person == nil {
			h.Person = &domain.Person{}
		}
		pr.Record, pr.Employment = h.Person, h.Employment
		return pr, nil
	}
	ent := domain.EntityByName(s.Entity)
	if ent == nil {
		return pr, nil
	}
	pr.Record = ent.New()
	return pr, json.Unmarshal([]byte(s.Data), pr.Record)
}

// Changing returns the latest pending submission that changes, retires or
// restores the stored record of entity with id, or nil.
func (p *Pending) Changing(entity string, id int64) *domain.Submission {
	for _, s := range p.Subs {
		if s.Entity == entity && s.RecordID == id && id != 0 {
			return s
		}
	}
	return nil
}

// AboutPerson returns the latest pending submission about the person id
// (of the person or of one of their records), or nil.
func (p *Pending) AboutPerson(id int64) *domain.Submission {
	for _, s := range p.Subs {
		if s.PersonID == id && id != 0 {
			return s
		}
	}
	return nil
}

// AboutEquipment returns the latest pending submission about the device
// id (of the device or of one of its tests), or nil.
func (p *Pending) AboutEquipment(id int64) *domain.Submission {
	for _, s := range p.Subs {
		if s.EquipmentID == id && id != 0 {
			return s
		}
	}
	return nil
}

// New returns the new records of entity the submissions propose, newest
// first; for "person", the people of hires as well (with their employment).
func (p *Pending) New(entity string) []Proposed {
	var out []Proposed
	for _, s := range p.Subs {
		pr := p.proposed[s.ID]
		if pr.Record == nil || s.Entity != entity || s.RecordID != 0 {
			continue
		}
		if s.Action == domain.SubmitSave || s.Action == domain.SubmitHire {
			out = append(out, pr)
		}
	}
	return out
}
