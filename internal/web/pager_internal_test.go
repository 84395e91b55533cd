package web

import (
	"net/url"
	"testing"
)

// TestPagerPastTheBound: a total past the count's bound shows as the
// bound and a "+", with a link to the page after; a page asked for past
// the bound raises it.
func TestPagerPastTheBound(t *testing.T) {
	u, _ := url.Parse("/people?occupation=2A")
	p := newPager(u, 1, 10001, perPage)
	if !p.More || p.Total != 10000 || p.Next == "" {
		t.Errorf("first page of 10,000+: %+v", p)
	}
	p = newPager(u, 1, 10000, perPage)
	if p.More || p.Total != 10000 {
		t.Errorf("exactly 10,000: %+v", p)
	}
	last := 10000/perPage + 5
	p = newPager(u, last, last*perPage+1, perPage)
	if !p.More || p.Total != last*perPage || p.Next == "" {
		t.Errorf("page %d, more beyond it: %+v", last, p)
	}
	p = newPager(u, last, (last-1)*perPage+3, 3)
	if p.More || p.Next != "" {
		t.Errorf("the last page past the bound: %+v", p)
	}
}
