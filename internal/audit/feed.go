package audit

import (
	"context"
	"encoding/json"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// The office's feed of what institutions changed (机构变更动态): the
// events of institution users that changed a record, submitted one for
// review or asked for a change, newest first, read from the audit trail
// (so it holds what was applied at once as well as what waits).

// FeedPageSize is how many changes a page of the feed holds; FeedMaxPage
// bounds the pages one may ask for: a page is read past the changes before
// it, and a crafted page number must not make a request scan the whole
// audit trail (filters by date or institution reach older changes).
const (
	FeedPageSize = 50
	FeedMaxPage  = 200
)

// Feed is a page of the feed.
type Feed struct {
	Items []FeedItem
	// More says a later page holds older changes.
	More bool
	// Names name the records of the events; Institutions the institutions
	// of the users.
	Names        Names
	Institutions map[int64]string
}

// FeedItem is one change: its event, the institution of the user, the
// person or device the record belongs to (its page), the fields an update
// changed, the submission an event filed (as it stands now), and an
// import's files and counts.
type FeedItem struct {
	Event                 *domain.AuditEvent
	InstitutionID         int64
	PersonID, EquipmentID int64
	Changes               []FieldDiff
	Submission            *domain.Submission
	Import                *ImportSummary
}

// FieldDiff is one field a change changed, with its values (form values,
// see domain.Value) before and after.
type FieldDiff struct {
	Field         domain.Field
	Before, After string
}

// ImportSummary is what an import event says: the files and the records
// it created and updated.
type ImportSummary struct {
	Files            []string
	Created, Updated int
}

// InstitutionChanges returns a page of the feed (f.Limit changes, 50 by
// default) if u may follow it.
func (s *Service) InstitutionChanges(ctx context.Context, u *domain.User, f store.ChangeFeedFilter) (*Feed, error) {
	if !auth.Can(u, auth.Read, auth.ChangeFeed) {
		return nil, auth.ErrForbidden
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	want := f.Limit
	f.Limit++
	feed := &Feed{Institutions: map[int64]string{}}
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		evs, err := tx.InstitutionChanges(f)
		if err != nil {
			return err
		}
		if len(evs) > want {
			evs, feed.More = evs[:want], true
		}
		events := make([]*domain.AuditEvent, len(evs))
		var insts, subs []int64
		for i, e := range evs {
			events[i] = e.AuditEvent
			insts = append(insts, e.InstitutionID)
			if e.Entity == "submission" && e.EntityID != 0 {
				subs = append(subs, e.EntityID)
			}
			feed.Items = append(feed.Items, feedItem(u, e))
		}
		if feed.Names, err = names(tx, events); err != nil {
			return err
		}
		xs, err := store.FindByIDs(tx, store.Institutions, domain.Scope{}, insts)
		if err != nil {
			return err
		}
		for _, x := range xs {
			feed.Institutions[x.ID] = x.Name
		}
		return feed.submissions(tx, subs)
	})
	return feed, err
}

// submissions sets the items' submissions as they stand now, one query.
func (feed *Feed) submissions(tx *store.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	subs, err := tx.Submissions(domain.Scope{}, store.SubmissionFilter{IDs: ids, Limit: len(ids)})
	if err != nil {
		return err
	}
	by := map[int64]*domain.Submission{}
	for _, s := range subs {
		by[s.ID] = s
	}
	for i, it := range feed.Items {
		if it.Event.Entity == "submission" {
			feed.Items[i].Submission = by[it.Event.EntityID]
		}
	}
	return nil
}

// feedItem reads what an event changed: an update's fields, an import's
// summary.
func feedItem(u *domain.User, e store.FeedEvent) FeedItem {
	it := FeedItem{Event: e.AuditEvent, InstitutionID: e.InstitutionID}
	var parents struct {
		PersonID    int64 `json:"person_id"`
		EquipmentID int64 `json:"equipment_id"`
	}
	for _, js := range []*string{e.After, e.Before} {
		if js != nil && json.Unmarshal([]byte(*js), &parents) == nil && (parents.PersonID != 0 || parents.EquipmentID != 0) {
			break
		}
	}
	it.PersonID, it.EquipmentID = parents.PersonID, parents.EquipmentID
	switch e.Entity {
	case "person":
		it.PersonID = e.EntityID
	case "equipment":
		it.EquipmentID = e.EntityID
	}
	switch {
	case e.Action == domain.AuditImport:
		it.Import = importSummary(e.After)
	case e.Action == domain.AuditUpdate && e.Before != nil && e.After != nil:
		it.Changes = fieldDiffs(e.Entity, *e.Before, *e.After)
		if !auth.SeesIDNumbers(u) {
			for i, d := range it.Changes {
				if d.Field.Key == "id_number" {
					it.Changes[i].Before, it.Changes[i].After = domain.MaskIDNumber(d.Before), domain.MaskIDNumber(d.After)
				}
			}
		}
	}
	return it
}

// fieldDiffs compares the record of entity before and after a change
// (JSON, as the audit holds them), field by field.
func fieldDiffs(entity, before, after string) []FieldDiff {
	ent := domain.EntityByName(entity)
	if ent == nil {
		return nil
	}
	b, a := ent.New(), ent.New()
	if json.Unmarshal([]byte(before), b) != nil || json.Unmarshal([]byte(after), a) != nil {
		return nil
	}
	var out []FieldDiff
	for _, f := range ent.Fields {
		if vb, va := domain.Value(b, f), domain.Value(a, f); vb != va {
			out = append(out, FieldDiff{Field: f, Before: vb, After: va})
		}
	}
	return out
}

// importSummary reads an import event's files and counts; nil if it holds
// neither.
func importSummary(after *string) *ImportSummary {
	if after == nil {
		return nil
	}
	var d struct {
		Files  []string `json:"files"`
		Counts []struct {
			Created int `json:"created"`
			Updated int `json:"updated"`
		} `json:"counts"`
	}
	if json.Unmarshal([]byte(*after), &d) != nil {
		return nil
	}
	sum := &ImportSummary{Files: d.Files}
	for _, c := range d.Counts {
		sum.Created += c.Created
		sum.Updated += c.Updated
	}
	return sum
}
