package web

import (
	"html/template"
	"strconv"

	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/registry"
)

// Record pages show institutions' submissions under review (待审核) to
// both sides: a badge on the record a submission changes, retires or
// restores, and a row of its own for a new record, each linking to the
// submission in the review queue, where its fields stand against the
// stored ones.

// pendingHTML renders the badge of a pending submission ("" for none): a
// link to it in the review queue, naming a retirement or a restoration.
func pendingHTML(lang string, s *domain.Submission) template.HTML {
	if s == nil {
		return ""
	}
	label := i18n.T(lang, "review.state.pending")
	if s.Action == domain.SubmitRetire || s.Action == domain.SubmitRestore {
		label += "：" + i18n.T(lang, "audit.action."+s.Action)
	}
	esc := template.HTMLEscapeString
	return template.HTML(` <a class="tag pending" href="` + reviewURL(s.ID) + `" title="` +
		esc(i18n.T(lang, "review.pending_title")) + `">` + esc(label) + `</a>`)
}

// reviewURL is the submission's page in the review queue.
func reviewURL(id int64) string { return "/reviews?id=" + strconv.FormatInt(id, 10) }

// pendingRow is a new record a pending submission proposes, shown as a row
// of the table its kind is listed in (Employment: a hire's).
type pendingRow struct {
	Sub        *domain.Submission
	Rec        domain.Record
	Employment *domain.Employment
}

// pendingRows returns the proposed new records of entity as rows.
func pendingRows(p *registry.Pending, entity string) []pendingRow {
	var out []pendingRow
	for _, pr := range p.New(entity) {
		out = append(out, pendingRow{Sub: pr.Sub, Rec: pr.Record, Employment: pr.Employment})
	}
	return out
}
