package web

import (
	"fmt"
	"html/template"
	"strings"
)

// bar is one bar of a chart: its label, its value and the list it
// summarises.
type bar struct {
	Label string
	N     int
	Href  string
}

// barChart draws horizontal bars as inline SVG, server-side: no script, no
// library, readable when printed (dark fills, text in the drawing). Each
// bar links to the list it counts; the same numbers stand in a table
// beside it for screen readers and for copying.
func barChart(title string, bars []bar) template.HTML {
	const rowH, labelW, barW, numW = 22, 170, 260, 60
	top := 1
	for _, b := range bars {
		top = max(top, b.N)
	}
	h := len(bars)*rowH + 4
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`,
		template.HTMLEscapeString(title), labelW+barW+numW, h, labelW+barW+numW, h)
	fmt.Fprintf(&sb, `<title>%s</title>`, template.HTMLEscapeString(title))
	for i, b := range bars {
		y := i*rowH + 2
		w := b.N * barW / top
		if b.N > 0 && w < 2 {
			w = 2
		}
		label := []rune(b.Label)
		if len(label) > 12 {
			label = append(label[:11], '…')
		}
		open, end := "", ""
		if b.Href != "" {
			open, end = fmt.Sprintf(`<a href="%s">`, template.HTMLEscapeString(b.Href)), "</a>"
		}
		fmt.Fprintf(&sb, `%s<g><title>%s: %d</title><text x="%d" y="%d" text-anchor="end" font-size="12">%s</text>`+
			`<rect x="%d" y="%d" width="%d" height="%d" fill="#2f5d8a"></rect><text x="%d" y="%d" font-size="12">%d</text></g>%s`,
			open, template.HTMLEscapeString(b.Label), b.N, labelW-6, y+15, template.HTMLEscapeString(string(label)),
			labelW, y+3, w, rowH-6, labelW+w+4, y+15, b.N, end)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}
