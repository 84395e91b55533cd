package web

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"radsup/internal/i18n"
	"radsup/internal/store"
)

// perPage is the number of rows on a page of a list.
const perPage = 50

// listQuery is the state of a list page, all of it in the URL: the filter
// values, whether retired records are shown, and the page number.
type listQuery struct {
	Values  map[string]string
	Retired bool
	Page    int
	// Sort is the order asked for: one of sorts, "-" first for descending;
	// "" for the list's usual order, which is by defaultSort.
	Sort        string
	sorts       []string
	defaultSort string
	url         *url.URL
}

// Filtered reports whether the reader narrowed the list: an empty list
// then says nothing matches, else that there is nothing yet.
func (lq listQuery) Filtered() bool { return len(lq.Values) > 0 }

// readList reads the named filters, retired=1 and page from the URL.
func readList(r *http.Request, names ...string) listQuery {
	q := r.URL.Query()
	lq := listQuery{Values: map[string]string{}, Retired: q.Get("retired") == "1", Page: 1}
	for _, n := range names {
		if v := strings.TrimSpace(q.Get(n)); v != "" {
			lq.Values[n] = v
		}
	}
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 1 {
		lq.Page = min(p, 1_000_000)
	}
	lq.url = r.URL
	return lq
}

// sortable lets the list sort by the named orders (the store table's
// Sorts); usual names the column of the usual order ("" for none). A sort
// in the URL that is not one of them is ignored.
func (lq listQuery) sortable(sorts []string, usual string) listQuery {
	lq.sorts, lq.defaultSort = sorts, usual
	if s := lq.url.Query().Get("sort"); slices.Contains(sorts, strings.TrimPrefix(s, "-")) {
		lq.Sort = s
	}
	return lq
}

// TH renders the header of the column sorted by name: a link that sorts by
// it, ascending, or descending when it is already sorted ascending, keeping
// the filters and going back to page 1; aria-sort tells which way it is
// sorted now (style.css draws the arrow). A name the list cannot sort by
// gets a plain header.
func (lq listQuery) TH(name, label string) template.HTML {
	esc := template.HTMLEscapeString
	if !slices.Contains(lq.sorts, name) {
		return template.HTML("<th>" + esc(label) + "</th>")
	}
	cur := cmp.Or(lq.Sort, lq.defaultSort)
	active, desc := strings.TrimPrefix(cur, "-") == name, strings.HasPrefix(cur, "-")
	next, state := name, ""
	switch {
	case active && desc:
		state = ` aria-sort="descending"`
	case active:
		next, state = "-"+name, ` aria-sort="ascending"`
	}
	return template.HTML(`<th class="sortable"` + state + `><a href="` + esc(withParam(lq.url, "sort", next)) + `">` +
		esc(label) + `</a></th>`)
}

// Get returns a filter value, for the filter form.
func (lq listQuery) Get(name string) string { return lq.Values[name] }

// filter returns the store filter of the page.
func (lq listQuery) filter() store.Filter {
	return store.Filter{Values: lq.Values, Retired: lq.Retired, Limit: perPage, Offset: (lq.Page - 1) * perPage, Sort: lq.Sort}
}

// pager is the page navigation under a list.
type pager struct {
	Total, Page, Pages int
	More               bool // more than Total rows: the count stopped at its bound
	From, To           int
	Prev, Next         string
	Links              []pageLink
}

// pageLink is one numbered page link; Gap marks an ellipsis.
type pageLink struct {
	Num     int
	URL     string
	Current bool
	Gap     bool
}

// newPager returns the navigation of page (of perPage rows) among total,
// with links that keep the rest of the URL's query.
// A total past the count's bound (10,000) shows as the bound
// and a "+", with one page link beyond it.
func newPager(u *url.URL, page, total, shown int) pager {
	p := pager{Total: total, Page: page, Pages: max(1, (total+perPage-1)/perPage)}
	if f := (store.Filter{Limit: perPage, Offset: (page - 1) * perPage}); f.Beyond(total) {
		p.Total, p.More = f.Bound(), true
	}
	if shown > 0 {
		p.From, p.To = (page-1)*perPage+1, (page-1)*perPage+shown
	}
	link := func(n int) string {
		q := u.Query()
		if n == 1 {
			q.Del("page")
		} else {
			q.Set("page", strconv.Itoa(n))
		}
		if len(q) == 0 {
			return u.Path
		}
		return u.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(min(page-1, p.Pages))
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	last := 0
	for n := 1; n <= p.Pages; n++ {
		// The first, the last and two either side of the current page.
		if n != 1 && n != p.Pages && (n < page-2 || n > page+2) {
			continue
		}
		if last != 0 && n > last+1 {
			p.Links = append(p.Links, pageLink{Gap: true})
		}
		p.Links = append(p.Links, pageLink{Num: n, URL: link(n), Current: n == page})
		last = n
	}
	return p
}

// toggleRetired returns the URL of the page with retired records shown or hidden.
func toggleRetired(u *url.URL, show bool) string {
	if show {
		return withParam(u, "retired", "1")
	}
	return without(u, "retired")
}

// withParam returns the list URL with name set to value, back on page 1.
func withParam(u *url.URL, name, value string) string {
	q := u.Query()
	q.Del("page")
	q.Set(name, value)
	return listURL(u, q)
}

// without returns the list URL without the named parameters, back on page 1.
func without(u *url.URL, names ...string) string {
	q := u.Query()
	q.Del("page")
	for _, n := range names {
		q.Del(n)
	}
	return listURL(u, q)
}

func listURL(u *url.URL, q url.Values) string {
	if len(q) == 0 {
		return u.Path
	}
	return u.Path + "?" + q.Encode()
}

// actions are the edit, retire and restore controls of a record's row.
type actions struct {
	Edit, Retire, Restore string
	Version               int
	Retired               bool
	NoRetire              bool // the user may edit but not retire or restore
}

// controlsHTML renders a record's edit and retire (or restore) controls.
// It is Go rather than a template because it runs for every row of a record
// page, where the template engine's reflection dominated the page time.
func controlsHTML(lang string, a actions) template.HTML {
	esc := template.HTMLEscapeString
	var b strings.Builder
	b.WriteString(`<span class="actions">`)
	version := strconv.Itoa(a.Version)
	switch {
	case a.Retired && a.NoRetire:
	case a.NoRetire:
		b.WriteString(`<a href="` + esc(a.Edit) + `">` + esc(i18n.T(lang, "action.edit")) + `</a>`)
	case a.Retired:
		b.WriteString(`<form method="post" action="` + esc(a.Restore) + `" class="inline"><input type="hidden" name="version" value="` +
			version + `"><button class="link">` + esc(i18n.T(lang, "action.restore")) + `</button></form>`)
	default:
		b.WriteString(`<a href="` + esc(a.Edit) + `">` + esc(i18n.T(lang, "action.edit")) + `</a> <form method="post" action="` +
			esc(a.Retire) + `" class="inline" data-confirm="` + esc(i18n.T(lang, "action.retire_confirm")) +
			`"><input type="hidden" name="version" value="` + version + `"><button class="link danger">` +
			esc(i18n.T(lang, "action.retire")) + `</button></form>`)
	}
	b.WriteString(`</span>`)
	return template.HTML(b.String())
}

// rowActions returns the controls of the record with meta under /plural/.
func rowActions(plural string, id int64, version int, retired bool) actions {
	p := idURL("/"+plural+"/", id)
	return actions{Edit: p + "/edit", Retire: p + "/retire", Restore: p + "/restore", Version: version, Retired: retired}
}
