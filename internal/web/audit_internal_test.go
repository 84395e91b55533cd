package web

import (
	"net/url"
	"testing"
	"time"

	"radsup/internal/domain"
)

// TestAuditFilterDaysOfTheShownZone: the audit page's dates are days of the
// zone its times are shown in (formatTime: the server's), so that an event
// shown on a day is found by that day's filter.
func TestAuditFilterDaysOfTheShownZone(t *testing.T) {
	f, errs := auditFilter(url.Values{"from": {"2026-12-06"}, "to": {"2026-12-06"}})
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	day := domain.MustDate("2026-12-06")
	if !f.From.Equal(day.Start(time.Local)) || !f.To.Equal(day.AddDate(0, 0, 1).Start(time.Local)) {
		t.Errorf("from %v to %v, want the day in %v", f.From, f.To, time.Local)
	}
	// An event shown as on that day is in the range.
	at := time.Date(2026, 12, 6, 0, 30, 0, 0, time.Local)
	if shown := formatTime(at); shown[:10] != "2026-12-06" || at.Before(f.From) || !at.Before(f.To) {
		t.Errorf("event shown %q outside [%v, %v)", shown, f.From, f.To)
	}
}
