package web

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// A broken template must stop start-up, not fail on first use.
func TestBrokenTemplateFailsStartup(t *testing.T) {
	good, err := fs.ReadFile(templateFS, "templates/layout.html")
	if err != nil {
		t.Fatal(err)
	}
	files := fstest.MapFS{}
	entries, _ := fs.ReadDir(templateFS, "templates")
	for _, e := range entries {
		b, _ := fs.ReadFile(templateFS, "templates/"+e.Name())
		files["templates/"+e.Name()] = &fstest.MapFile{Data: b}
	}
	s := &Server{}
	if err := s.parseTemplates(files); err != nil {
		t.Fatalf("the real templates: %v", err)
	}
	for name, broken := range map[string]string{
		"layout.html":   strings.Replace(string(good), "{{end}}", "", 1),
		"person.html":   `{{define "content"}}{{.Person.Name}`,
		"home.html":     `{{define "content"}}{{t "x" | nosuchfunc}}{{end}}`,
		"partials.html": `{{define "pager"}}{{if}}{{end}}`,
	} {
		bad := fstest.MapFS{}
		for k, v := range files {
			bad[k] = v
		}
		bad["templates/"+name] = &fstest.MapFile{Data: []byte(broken)}
		if err := s.parseTemplates(bad); err == nil || !strings.Contains(err.Error(), "template") {
			t.Errorf("broken %s: err = %v", name, err)
		}
	}
	missing := fstest.MapFS{}
	for k, v := range files {
		missing[k] = v
	}
	missing["templates/tokens.html"] = &fstest.MapFile{Data: []byte(`{{define "other"}}{{end}}`)}
	if err := s.parseTemplates(missing); err == nil {
		t.Error("a page without a content block was accepted")
	}
}
