package web

import (
	"fmt"
	"html/template"
	"strings"
)

// series is one line of a trend chart: a label and a value per month.
type series struct {
	Key, Label string
	N          []int
}

// seriesStyle draws each severity apart in colour and, for print in black
// and white, in its dash pattern.
var seriesStyle = map[string]struct{ colour, dash string }{
	"violation": {"#b3261e", ""},
	"warning":   {"#a86400", "6 3"},
	"notice":    {"#2f5d8a", "2 3"},
	"closed":    {"#2e7d32", ""},
}

// trendChart draws monthly lines as inline SVG, server-side like
// barChart: an axis with the months, one polyline per series with its
// legend, and each point's number in its title for screen readers (the
// table beside it has them all).
func trendChart(title string, months []string, lines []series) template.HTML {
	const left, right, top, bottom, stepW, plotH = 40, 110, 10, 36, 44, 160
	peak := 1
	for _, l := range lines {
		for _, n := range l.N {
			peak = max(peak, n)
		}
	}
	w, h := left+stepW*max(len(months)-1, 1)+right, top+plotH+bottom
	var sb strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&sb, `<svg class="chart trend" role="img" aria-label="%s" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`,
		esc(title), w, h, w, h, esc(title))
	y := func(n int) int { return top + plotH - n*plotH/peak }
	fmt.Fprintf(&sb, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#555"></line>`, left, y(0), left+stepW*(len(months)-1), y(0))
	fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" font-size="11">%d</text><text x="%d" y="%d" text-anchor="end" font-size="11">0</text>`,
		left-4, y(peak)+4, peak, left-4, y(0)+4)
	for i, m := range months {
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="middle" font-size="10">%s</text>`, left+i*stepW, y(0)+14+(i%2)*12, esc(m))
	}
	for k, l := range lines {
		st := seriesStyle[l.Key]
		pts := make([]string, len(l.N))
		for i, n := range l.N {
			pts[i] = fmt.Sprintf("%d,%d", left+i*stepW, y(n))
		}
		fmt.Fprintf(&sb, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2" stroke-dasharray="%s"></polyline>`,
			strings.Join(pts, " "), st.colour, st.dash)
		for i, n := range l.N {
			fmt.Fprintf(&sb, `<circle cx="%d" cy="%d" r="3" fill="%s"><title>%s %s: %d</title></circle>`,
				left+i*stepW, y(n), st.colour, esc(l.Label), esc(months[i]), n)
		}
		lx, ly := left+stepW*(len(months)-1)+12, top+10+k*18
		fmt.Fprintf(&sb, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2" stroke-dasharray="%s"></line><text x="%d" y="%d" font-size="12">%s</text>`,
			lx, ly, lx+18, ly, st.colour, st.dash, lx+22, ly+4, esc(l.Label))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}
