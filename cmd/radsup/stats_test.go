package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"radsup/internal/domain"
	"radsup/internal/htmltest"
	"radsup/internal/reports"
	"radsup/internal/stats"
)

// TestStatsAgree: on the demo district the dose statistics page, the API
// and `radsup stats dose` show the same figures.
func TestStatsAgree(t *testing.T) {
	m, _ := startMain(t, true)
	ctx := context.Background()
	getenv := func(k string) string { return map[string]string{"RADSUP_DB": m.Config.DB}[k] }
	cli := func(args ...string) string {
		var out bytes.Buffer
		if err := run(ctx, args, getenv, nil, &out, &out); err != nil {
			t.Fatalf("radsup %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		return out.String()
	}
	year := fmt.Sprint(time.Now().Year())
	var fromCLI stats.DoseReport
	if err := json.Unmarshal([]byte(cli("stats", "dose", "-year", year, "-format", "json")), &fromCLI); err != nil {
		t.Fatal(err)
	}
	if fromCLI.All.Monitored == 0 {
		t.Fatalf("the demo has no dose records in %s", year)
	}
	var reg stats.Register
	if err := json.Unmarshal([]byte(cli("stats", "register", "-format", "json")), &reg); err != nil {
		t.Fatal(err)
	}
	want, err := (&reports.Service{Store: m.Store}).Register(ctx, &domain.User{Role: domain.RoleSupervisor}, domain.DateOf(time.Now()))
	if err != nil || !reflect.DeepEqual(&reg, want) || reg.Workers.Total == 0 || reg.Equipment.InUse == 0 {
		t.Errorf("stats register printed %+v, want %+v (%v)", reg, want, err)
	}

	token := regexp.MustCompile(`[：:]\s*(\S+)\s*$`).FindStringSubmatch(cli("user", "token", "jiandu"))[1]
	req, _ := http.NewRequest("GET", m.URL()+"/api/v1/stats/dose?year="+year, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var fromAPI stats.DoseReport
	err = json.NewDecoder(resp.Body).Decode(&fromAPI)
	resp.Body.Close()
	if err != nil || !reflect.DeepEqual(fromAPI, fromCLI) {
		t.Errorf("API %+v (%v)\nCLI %+v", fromAPI, err, fromCLI)
	}

	// The page, signed in as the demo supervisor with a password of its own.
	pw := regexp.MustCompile(`[：:]\s*(\S+)\s*$`).FindStringSubmatch(cli("user", "passwd", "jiandu"))[1]
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	post := func(path string, v url.Values) {
		resp, err := c.PostForm(m.URL()+path, v)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	post("/login", url.Values{"username": {"jiandu"}, "password": {pw}})
	post("/account/password", url.Values{"old_password": {pw}, "password": {"Stats-Agree-2026"}, "confirm": {"Stats-Agree-2026"}})
	resp, err = c.Get(m.URL() + "/stats/dose?year=" + year)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	doc := htmltest.Parse(string(body))
	for _, f := range append(fromCLI.Categories, fromCLI.All) {
		id := "dose-" + f.Category
		if f.Category == "" {
			id = "dose-all"
		}
		tr := htmltest.Find(doc, "tr", "id", id)
		if tr == nil {
			t.Fatalf("page has no row %s:\n%s", id, body)
		}
		var got []string
		for _, td := range htmltest.FindAll(tr, "td", "", "") {
			got = append(got, htmltest.Text(td))
		}
		b := f.Bands
		want := []string{fmt.Sprint(f.Monitored), fmt.Sprintf("%.4f", f.CollectiveDose), fmt.Sprintf("%.3f", f.MeanDose)}
		if len(got) != 13 || !reflect.DeepEqual(got[:3], want) ||
			!reflect.DeepEqual(got[4:], []string{fmt.Sprint(b.Zero), fmt.Sprint(b.To1), fmt.Sprint(b.To5), fmt.Sprint(b.To10),
				fmt.Sprint(b.To20), fmt.Sprint(b.To50), fmt.Sprint(b.Above50), fmt.Sprint(f.AboveInvestigation), fmt.Sprint(f.LostOnly)}) {
			t.Errorf("page row %s = %q, CLI %+v", id, got, f)
		}
	}
}
