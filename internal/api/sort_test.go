package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

// TestListSort: lists take sort=NAME or sort=-NAME among the resource's
// sorts; names sort by pinyin, created through the API as through forms;
// an unknown sort is refused.
func TestListSort(t *testing.T) {
	e := newEnv(t)
	want := []string{"丁医院", "乔医院", "万医院"} // code point order: 丁 万 乔
	for _, n := range []string{"万医院", "丁医院", "乔医院"} {
		body := newBody("institutions", nil)
		body["name"] = n
		if r := e.do(supervisor, "POST", "/api/v1/institutions", body); r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
	}
	names := func(url string) []string {
		t.Helper()
		r := e.do(supervisor, "GET", url, nil)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", url, r.status, r.body)
		}
		var page struct {
			Items []struct {
				Name string `json:"name"`
			} `json:"items"`
		}
		if err := json.Unmarshal(r.body, &page); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range page.Items {
			if slices.Contains(want, x.Name) {
				out = append(out, x.Name)
			}
		}
		return out
	}
	if got := names("/api/v1/institutions"); !slices.Equal(got, want) {
		t.Errorf("usual order %v, want %v", got, want)
	}
	if got := names("/api/v1/institutions?sort=name"); !slices.Equal(got, want) {
		t.Errorf("sort=name %v, want %v", got, want)
	}
	desc := slices.Clone(want)
	slices.Reverse(desc)
	if got := names("/api/v1/institutions?sort=-name"); !slices.Equal(got, desc) {
		t.Errorf("sort=-name %v, want %v", got, desc)
	}
	for _, bad := range []string{"id", "name%3BDROP", "--name", "findings_general"} {
		if r := e.do(supervisor, "GET", "/api/v1/institutions?sort="+bad, nil); r.status != http.StatusBadRequest {
			t.Errorf("sort=%s: %d %s", bad, r.status, r.body)
		}
	}
	if r := e.do(supervisor, "GET", "/api/v1/institutions?sort=-devices&open_findings=1&licence_to=2030-01-01", nil); r.status != http.StatusOK {
		t.Errorf("sort by devices with the figures' filters: %d %s", r.status, r.body)
	}
	if r := e.do(supervisor, "GET", "/api/v1/institutions?licence_to=soon", nil); r.status != http.StatusBadRequest {
		t.Errorf("licence_to=soon: %d %s", r.status, r.body)
	}
}
