// Package htmltest reads HTML the way a browser does, for tests that assert
// on elements: it parses the document (golang.org/x/net/html) and finds
// elements by tag and attribute, so that an assertion does not depend on
// attribute order, quoting or white space, as a regular expression would.
package htmltest

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Parse parses a page (or a fragment, as the body of a page).
func Parse(body string) *html.Node {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil { // html.Parse accepts any input; an error is a reader's
		panic(err)
	}
	return doc
}

// Find returns the first element below n named tag (any tag if "") whose
// attribute key is val (any element of the tag if key is "").
func Find(n *html.Node, tag, key, val string) *html.Node {
	var found *html.Node
	walk(n, func(c *html.Node) bool {
		if found == nil && matches(c, tag, key, val) {
			found = c
		}
		return found == nil
	})
	return found
}

// FindAll returns every element below n named tag whose attribute key is
// val (every such element if key is ""), in document order.
func FindAll(n *html.Node, tag, key, val string) []*html.Node {
	var out []*html.Node
	walk(n, func(c *html.Node) bool {
		if matches(c, tag, key, val) {
			out = append(out, c)
		}
		return true
	})
	return out
}

func matches(c *html.Node, tag, key, val string) bool {
	if c.Type != html.ElementNode || (tag != "" && c.Data != tag) {
		return false
	}
	if key == "" {
		return true
	}
	v, ok := Attr(c, key)
	return ok && v == val
}

// walk calls fn for every node below n in document order while fn returns
// true.
func walk(n *html.Node, fn func(*html.Node) bool) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if !fn(c) || !walk(c, fn) {
			return false
		}
	}
	return true
}

// Attr returns the value of an attribute of an element (unescaped).
func Attr(n *html.Node, key string) (string, bool) {
	if n == nil {
		return "", false
	}
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// Text returns the text of n and its descendants with white space
// collapsed, as a reader sees it (script and style left out).
func Text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var add func(*html.Node)
	add = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style):
			return
		case n.Type == html.ElementNode:
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			add(c)
		}
	}
	add(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// Inner returns the HTML inside n.
func Inner(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		html.Render(&b, c)
	}
	return b.String()
}

// Render returns n itself as HTML ("" for nil).
func Render(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	html.Render(&b, n)
	return b.String()
}
