package internal_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// floors are the layers of docs/architecture.md, lowest first (the
// command, cmd/radsup, stands on top of them all). A package may import packages on its own floor or below, never
// above: the pages rest on the services, the services on the store, the
// store on the domain.
var floors = [][]string{
	{"domain", "config", "i18n", "httplog", "htmltest", "loadtest"},
	{"screening", "auth", "xlsx", "httperr", "draw", "stats"},
	{"store", "store/storetest"},
	{"findings", "accounts", "audit", "demo", "enforcement", "reports", "notices"},
	{"registry", "exchange"},
	{"web", "api"},
}

// TestNoImportRunsUp reads the imports of every package (test files left
// out) and fails on one that reaches a higher floor, or on a package that
// no floor names.
func TestNoImportRunsUp(t *testing.T) {
	floor := map[string]int{}
	for i, pkgs := range floors {
		for _, p := range pkgs {
			floor[p] = i
		}
	}
	seen := 0
	err := filepath.WalkDir(".", func(dir string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() || strings.Contains(dir, "testdata") || dir == "." {
			return err
		}
		imports, ok := importsOf(t, dir)
		if !ok {
			return nil
		}
		seen++
		f, ok := floor[filepath.ToSlash(dir)]
		if !ok {
			t.Errorf("package %s is on no floor: add it to floors and to docs/architecture.md", dir)
			return nil
		}
		for _, imp := range imports {
			if g, ok := floor[imp]; ok && g > f {
				t.Errorf("%s (floor %d) imports %s (floor %d): an import runs up", dir, f+1, imp, g+1)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 15 {
		t.Errorf("read only %d packages", seen)
	}
}

// importsOf returns the radsup packages the non-test files of dir import
// (relative to internal/), and false if dir holds no Go package.
func importsOf(t *testing.T, dir string) ([]string, bool) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var out []string
	found := false
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		found = true
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, is := range af.Imports {
			p, _ := strconv.Unquote(is.Path.Value)
			if rest, ok := strings.CutPrefix(p, "radsup/internal/"); ok {
				out = append(out, rest)
			}
		}
	}
	return out, found
}
