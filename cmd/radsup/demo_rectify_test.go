package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"radsup/internal/config"
	"radsup/internal/domain"
	"radsup/internal/enforcement"
	"radsup/internal/store/storetest"
)

// idLike matches 18 characters that could be a 居民身份证号码.
var idLike = regexp.MustCompile(`\d{17}[\dXx]`)

// TestDemoRectificationsAndPublicPrivacy: the demo has a closed, an
// answered, an overdue and an open rectification, its public page lists
// the inspection outcome, and neither the public page nor its JSON holds
// an ID number or the name of any of the demo's people or accounts.
func TestDemoRectificationsAndPublicPrivacy(t *testing.T) {
	cfg := config.Default()
	cfg.DB = storetest.URL(t)
	cfg.Addr, cfg.Demo, cfg.ScreenAt = "127.0.0.1:0", true, "off"
	m := &Main{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Stdout: io.Discard}
	ctx := context.Background()
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	today := domain.DateOf(m.Store.Now())
	svc := &enforcement.Service{Store: m.Store}
	sup := &domain.User{Username: "sup", Role: domain.RoleSupervisor}
	rs, err := svc.Rectifications(ctx, sup, enforcement.RectificationList{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, r := range rs {
		switch {
		case r.Overdue(today):
			seen["overdue"]++
		default:
			seen[r.State]++
		}
	}
	for _, want := range []string{"closed", "responded", "overdue", "issued"} {
		if seen[want] == 0 {
			t.Errorf("no %s rectification in the demo: %v", want, seen)
		}
	}

	var banned []string
	for _, q := range []string{"SELECT name FROM people", "SELECT display_name FROM users WHERE display_name <> ''",
		"SELECT username FROM users"} {
		rows := storetest.Rows(t, m.Store, q)
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			banned = append(banned, n)
		}
		rows.Close()
	}
	if len(banned) < 10 {
		t.Fatalf("only %d names to look for", len(banned))
	}
	for _, accept := range []string{"text/html", "application/json"} {
		req, _ := http.NewRequest("GET", m.URL()+"/public", nil)
		req.Header.Set("Accept", accept)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		body := string(b)
		if res.StatusCode != 200 || !strings.Contains(body, "责令改正") && !strings.Contains(body, `"outcome":"rectify"`) {
			t.Fatalf("%s: %d, no 责令改正 outcome:\n%.2000s", accept, res.StatusCode, body)
		}
		for _, m := range idLike.FindAllString(body, -1) {
			if domain.CheckIDNumber(m, today) == nil {
				t.Errorf("%s: the public page holds an ID number %s", accept, m)
			}
		}
		for _, n := range banned {
			if strings.Contains(body, n) {
				t.Errorf("%s: the public page names %q", accept, n)
			}
		}
	}
}
