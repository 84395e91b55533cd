package api

import (
	"net/http"
	"strconv"
	"time"

	"radsup/internal/audit"
	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// feedChange is one change of the feed as the API gives it.
type feedChange struct {
	ID            int64              `json:"id"` // the audit event's
	At            time.Time          `json:"at"`
	Username      string             `json:"username"`
	InstitutionID int64              `json:"institution_id"`
	Action        string             `json:"action"`
	Entity        string             `json:"entity"`
	EntityID      int64              `json:"entity_id"`
	PersonID      int64              `json:"person_id,omitempty"`
	EquipmentID   int64              `json:"equipment_id,omitempty"`
	Changes       []feedField        `json:"changes,omitempty"`
	Submission    *domain.Submission `json:"submission,omitempty"`
	Import        *feedImport        `json:"import,omitempty"`
}

type feedField struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

type feedImport struct {
	Files   []string `json:"files"`
	Created int      `json:"created"`
	Updated int      `json:"updated"`
}

// dayBound sets the bound of a date filter (from, or to inclusive) given
// as a date: the start of that day, or of the next, in the server's zone
// (the zone the pages show times in).
func dayBound(key, v string, from, to *time.Time) error {
	d, err := domain.ParseDate(v)
	if err != nil || d.IsZero() {
		return domain.FieldErrors{key: "date"}.Err()
	}
	if key == "from" {
		*from = d.Start(time.Local)
	} else {
		*to = d.AddDate(0, 0, 1).Start(time.Local)
	}
	return nil
}

// handleInstitutionChanges answers GET /api/v1/institution-changes
// ?institution_id=&entity=&from=&to=&page= (dates, to inclusive): the
// office's feed of what institution users changed or submitted, newest
// first, 50 a page; more says a later page holds older ones.
func (s *server) handleInstitutionChanges(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	f := store.ChangeFeedFilter{Limit: audit.FeedPageSize}
	page := 1
	for k, v := range r.URL.Query() {
		switch k {
		case "entity":
			f.Entity = v[0]
		case "institution_id", "page":
			n, err := strconv.ParseInt(v[0], 10, 64)
			if err != nil || n < 1 {
				return domain.FieldErrors{k: "integer"}.Err()
			}
			if k == "page" && n > audit.FeedMaxPage {
				return domain.FieldErrors{k: domain.CodePageRange}.Err()
			}
			if k == "page" {
				page = int(n)
			} else {
				f.InstitutionID = n
			}
		case "from", "to":
			if err := dayBound(k, v[0], &f.From, &f.To); err != nil {
				return err
			}
		default:
			return domain.FieldErrors{k: "unknown_filter"}.Err()
		}
	}
	f.Offset = (page - 1) * audit.FeedPageSize
	feed, err := s.audit.InstitutionChanges(r.Context(), u, f)
	if err != nil {
		return err
	}
	items := make([]feedChange, 0, len(feed.Items))
	for _, it := range feed.Items {
		items = append(items, feedChangeOf(it))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": items, "page": page, "more": feed.More})
}

func feedChangeOf(it audit.FeedItem) feedChange {
	e := it.Event
	c := feedChange{ID: e.ID, At: e.At, Username: e.Username, InstitutionID: it.InstitutionID, Action: e.Action, Entity: e.Entity,
		EntityID: e.EntityID, PersonID: it.PersonID, EquipmentID: it.EquipmentID, Submission: it.Submission}
	for _, d := range it.Changes {
		c.Changes = append(c.Changes, feedField{Field: d.Field.Key, Before: d.Before, After: d.After})
	}
	if it.Import != nil {
		c.Import = &feedImport{Files: it.Import.Files, Created: it.Import.Created, Updated: it.Import.Updated}
	}
	return c
}

// feedRoutes registers the feed's endpoint.
func (s *server) feedRoutes() {
	s.handle("GET /api/v1/institution-changes", auth.RolesFor(auth.Read, auth.ChangeFeed), s.handleInstitutionChanges)
}
