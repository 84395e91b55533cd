package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"radsup/internal/audit"
	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/store"
)

// auditPageSize is the number of events a page of the audit log shows.
const auditPageSize = 100

// auditPage is the data of the audit log page (审计管理员).
type auditPage struct {
	base
	Q            url.Values // the filter as asked
	Events       []auditRow
	Total        int
	Page, Pages  int
	PrevURL      string
	NextURL      string
	ExportURL    string
	Actions      []option           // value: the action; label: its words
	Chain        *store.ChainReport // set after "verify"
	FilterErrors map[string]string
}

// auditRow is one event as the log shows it: its action in words and the
// record it is about by name where the name is known.
type auditRow struct {
	*domain.AuditEvent
	ActionLabel string
	Ref         string
}

// auditActions are the filter's choices: the actions recorded, in words.
func auditActions(lang string, actions []string) []option {
	out := make([]option, len(actions))
	for i, a := range actions {
		out[i] = option{Value: a, Label: audit.ActionLabel(lang, a)}
	}
	return out
}

// auditFilter reads the filter of the audit log from the query: user,
// action, entity, entity_id, from and to (dates, to inclusive).
func auditFilter(q url.Values) (store.AuditFilter, domain.FieldErrors) {
	f := store.AuditFilter{Username: q.Get("user"), Action: q.Get("action"), Entity: q.Get("entity")}
	errs := domain.FieldErrors{}
	if v := q.Get("entity_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			errs.Add("entity_id", "integer")
		}
		f.EntityID = id
	}
	for _, k := range []string{"from", "to"} {
		v := q.Get(k)
		if v == "" {
			continue
		}
		d, err := domain.ParseDate(v)
		if err != nil {
			errs.Add(k, "date")
			continue
		}
		// Days of the office's zone (time.Local, -zone), as every page
		// shows times and as the other date filters read them.
		if k == "from" {
			f.From = d.Start(time.Local)
		} else {
			f.To = d.AddDate(0, 0, 1).Start(time.Local)
		}
	}
	return f, errs
}

// handleAudit shows the audit log with its filters; ?verify=1 also checks
// the hash chain.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) error {
	ctx, lang, q := r.Context(), s.lang(r), r.URL.Query()
	f, errs := auditFilter(q)
	p := auditPage{base: s.base(r, "audit", i18n.T(lang, "nav.audit")), Q: q, Page: 1, FilterErrors: map[string]string{}}
	for k, code := range errs {
		p.FilterErrors[k] = fieldMessage(lang, k, code)
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		p.Page = n
	}
	f.Limit, f.Offset = auditPageSize, (p.Page-1)*auditPageSize
	var err error
	if len(errs) == 0 {
		var page *audit.Page
		if page, err = s.cfg.Audit.Events(ctx, userOf(r), f); err != nil {
			return err
		}
		p.Total, p.Actions = page.Total, auditActions(lang, page.Actions)
		for _, e := range page.Events {
			p.Events = append(p.Events, auditRow{AuditEvent: e, ActionLabel: audit.ActionLabel(lang, e.Action), Ref: page.Names.Ref(lang, e)})
		}
	} else {
		actions, err := s.cfg.Audit.Actions(ctx, userOf(r))
		if err != nil {
			return err
		}
		p.Actions = auditActions(lang, actions)
	}
	p.Pages = max(1, (p.Total+auditPageSize-1)/auditPageSize)
	page := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Del("verify")
		v.Set("page", strconv.Itoa(n))
		return "/audit?" + v.Encode()
	}
	if p.Page > 1 {
		p.PrevURL = page(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.NextURL = page(p.Page + 1)
	}
	ex := url.Values{}
	for k, vs := range q {
		if k != "page" && k != "verify" {
			ex[k] = vs
		}
	}
	p.ExportURL = "/audit/export.xlsx?" + ex.Encode()
	if q.Get("verify") == "1" {
		if p.Chain, err = s.cfg.Audit.Verify(ctx, actorOf(r), userOf(r)); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "audit", p)
}

// handleAuditExport streams the filtered audit log as a workbook; the
// export is audited before the first event leaves.
func (s *Server) handleAuditExport(w http.ResponseWriter, r *http.Request) error {
	f, errs := auditFilter(r.URL.Query())
	if len(errs) > 0 {
		return errBadRequest
	}
	out := &lazyAttachment{w: w, name: "audit-" + time.Now().Format("20060102") + ".xlsx", ctype: xlsxType}
	_, err := s.cfg.Audit.Export(r.Context(), actorOf(r), userOf(r), f, s.lang(r), out)
	return out.failed(err)
}
