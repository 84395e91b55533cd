package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/store"
	"radsup/internal/xlsx"
)

// auditPageSize is the number of events a page of the audit log shows.
const auditPageSize = 100

// auditPage is the data of the audit log page (审计管理员).
type auditPage struct {
	base
	Q            url.Values // the filter as asked
	Events       []*domain.AuditEvent
	Total        int
	Page, Pages  int
	PrevURL      string
	NextURL      string
	ExportURL    string
	Actions      []string
	Chain        *store.ChainReport // set after "verify"
	FilterErrors map[string]string
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
		// Dates are the office's days (China Standard Time).
		t := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, shanghai)
		if k == "from" {
			f.From = t
		} else {
			f.To = t.AddDate(0, 0, 1)
		}
	}
	return f, errs
}

// shanghai is China Standard Time (UTC+8, no daylight saving), fixed so
// that no time zone database is needed.
var shanghai = time.FixedZone("CST", 8*3600)

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
	err := s.cfg.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		if len(errs) == 0 {
			if p.Events, p.Total, err = tx.FindAuditEvents(f); err != nil {
				return err
			}
		}
		p.Actions, err = tx.AuditActions()
		return err
	})
	if err != nil {
		return err
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
		if p.Chain, err = s.cfg.Store.VerifyAudit(ctx); err != nil {
			return err
		}
		err := s.cfg.Store.WithTx(ctx, actorOf(r), func(tx *store.Tx) error {
			return tx.Audit("audit_verify", "audit", 0, map[string]any{"events": p.Chain.Events, "whole": p.Chain.Break == nil})
		})
		if err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "audit", p)
}

// auditKind is the sheet of an audit log export.
var auditKind = &xlsx.Kind{Name: "audit", Entity: "audit", Sheet: "审计日志", Columns: []xlsx.Column{
	{Key: "id", ZH: "序号"}, {Key: "at", ZH: "时间（北京时间）"}, {Key: "username", ZH: "用户", Text: true},
	{Key: "role", ZH: "角色"}, {Key: "action", ZH: "操作"}, {Key: "entity", ZH: "对象"}, {Key: "entity_id", ZH: "对象编号"},
	{Key: "ip", ZH: "IP地址", Text: true}, {Key: "request_id", ZH: "请求编号", Text: true},
	{Key: "before", ZH: "修改前"}, {Key: "after", ZH: "修改后 / 详情"}, {Key: "hash", ZH: "哈希", Text: true},
}}

// handleAuditExport streams the filtered audit log as a workbook; the
// export is itself audited.
func (s *Server) handleAuditExport(w http.ResponseWriter, r *http.Request) error {
	f, errs := auditFilter(r.URL.Query())
	if len(errs) > 0 {
		return errBadRequest
	}
	keys := make([]string, len(auditKind.Columns))
	for i, c := range auditKind.Columns {
		keys[i] = c.Key
	}
	attachment(w, "audit-"+time.Now().In(shanghai).Format("20060102")+".xlsx", xlsxType)
	x := xlsx.NewWriter(w)
	if err := x.Sheet(auditKind, keys); err != nil {
		return err
	}
	n := 0
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	err := s.cfg.Store.View(r.Context(), func(tx *store.Tx) error {
		return tx.EachAuditEvent(f, func(e *domain.AuditEvent) error {
			n++
			return x.Row([]string{strconv.FormatInt(e.ID, 10), e.At.In(shanghai).Format("2006-01-02 15:04:05"), e.Username,
				i18n.T(i18n.Default, "role."+e.Role), e.Action, e.Entity, strconv.FormatInt(e.EntityID, 10),
				e.IP, e.RequestID, str(e.Before), str(e.After), e.Hash})
		})
	})
	if err == nil {
		err = x.Close()
	}
	if err != nil {
		return err
	}
	return s.cfg.Store.WithTx(r.Context(), actorOf(r), func(tx *store.Tx) error {
		return tx.Audit("export", "audit", 0, map[string]any{"filter": r.URL.Query(), "rows": n})
	})
}
