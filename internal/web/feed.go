package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"radsup/internal/audit"
	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/store"
)

// feedPage is the office's feed of what institutions changed (机构变更动态),
// newest first: what was applied at once and what was submitted for review.
type feedPage struct {
	base
	InstitutionID    int64
	Institution      string // the institution filtered on
	Entity, From, To string
	Entities         []option
	Items            []feedRow
	Page             int
	PrevURL          string
	NextURL          string
	FilterErrors     map[string]string
}

// feedRow is one change as the feed shows it.
type feedRow struct {
	audit.FeedItem
	Institution, Action, Ref, Link string
	Rows                           []reviewRow // an update's fields: before → after
	ReviewURL                      string      // a submission's place in the review queue
	Files                          string      // an import's files
}

// handleInstitutionChanges shows the feed with its filters: institution,
// kind of record, dates (to inclusive), and pages.
func (s *Server) handleInstitutionChanges(w http.ResponseWriter, r *http.Request) error {
	q, lang := r.URL.Query(), s.lang(r)
	p := feedPage{base: s.base(r, "feed", i18n.T(lang, "feed.title")), Entity: q.Get("entity"), From: q.Get("from"), To: q.Get("to"),
		Page: 1, FilterErrors: map[string]string{}}
	f := store.ChangeFeedFilter{Entity: p.Entity, Limit: audit.FeedPageSize}
	if v := q.Get("institution"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			p.FilterErrors["institution"] = fieldMessage(lang, "institution", "integer")
		}
		p.InstitutionID, f.InstitutionID = id, id
	}
	for _, k := range []string{"from", "to"} {
		if q.Get(k) == "" {
			continue
		}
		d, err := domain.ParseDate(q.Get(k))
		if err != nil || d.IsZero() {
			p.FilterErrors[k] = fieldMessage(lang, k, "date")
			continue
		}
		// In the zone the page shows the changes' times in, as the API.
		if k == "from" {
			f.From = d.Start(time.Local)
		} else {
			f.To = d.AddDate(0, 0, 1).Start(time.Local)
		}
	}
	for _, e := range store.FeedEntities {
		p.Entities = append(p.Entities, option{Value: e, Label: audit.EntityLabel(lang, e), Selected: e == p.Entity})
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		p.Page = min(n, audit.FeedMaxPage)
	}
	f.Offset = (p.Page - 1) * audit.FeedPageSize
	status := http.StatusOK
	if len(p.FilterErrors) > 0 {
		status = http.StatusUnprocessableEntity
		return s.render(w, r, status, "institution_changes", p)
	}
	feed, err := s.cfg.Audit.InstitutionChanges(r.Context(), userOf(r), f)
	if err != nil {
		return err
	}
	p.Institution = feed.Institutions[p.InstitutionID]
	for _, it := range feed.Items {
		p.Items = append(p.Items, feedRowOf(lang, feed, it))
	}
	page := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "/institution-changes?" + v.Encode()
	}
	if p.Page > 1 {
		p.PrevURL = page(p.Page - 1)
	}
	if feed.More && p.Page < audit.FeedMaxPage {
		p.NextURL = page(p.Page + 1)
	}
	return s.render(w, r, status, "institution_changes", p)
}

// feedRowOf words a change of the feed in lang, with the page of its record.
func feedRowOf(lang string, feed *audit.Feed, it audit.FeedItem) feedRow {
	e := it.Event
	row := feedRow{FeedItem: it, Institution: feed.Institutions[it.InstitutionID], Action: audit.ActionLabel(lang, e.Action),
		Ref: feed.Names.Ref(lang, e)}
	for _, d := range it.Changes {
		row.Rows = append(row.Rows, reviewRow{Key: d.Field.Key, Label: fieldLabel(lang, d.Field), Current: display(lang, d.Field, d.Before),
			Proposed: display(lang, d.Field, d.After)})
	}
	switch {
	case e.Entity == "submission":
		row.ReviewURL = reviewURL(e.EntityID)
		if sub := it.Submission; sub != nil {
			row.Ref = audit.EntityLabel(lang, sub.Entity)
			if sub.RecordID != 0 {
				row.Ref += " #" + strconv.FormatInt(sub.RecordID, 10)
			}
		}
	case e.Entity == "change_request":
		row.Link = idURL("/changes/", e.EntityID)
	case e.Entity == "institution" || e.Entity == "licence":
		row.Link = idURL("/institutions/", it.InstitutionID)
	case it.PersonID != 0:
		row.Link = idURL("/people/", it.PersonID)
	case it.EquipmentID != 0:
		row.Link = idURL("/equipment/", it.EquipmentID)
	}
	if it.Import != nil {
		for i, f := range it.Import.Files {
			if i > 0 {
				row.Files += "、"
			}
			row.Files += f
		}
	}
	return row
}

// feedRoutes registers the feed.
func (s *Server) feedRoutes(mux *http.ServeMux) {
	s.page(mux, "GET /institution-changes", auth.RolesFor(auth.Read, auth.ChangeFeed), s.handleInstitutionChanges)
}
