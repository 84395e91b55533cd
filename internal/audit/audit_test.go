package audit

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"radsup/internal/domain"
	"radsup/internal/i18n"
)

// TestEveryActionHasALabel: every audit action has a label in every
// language, distinct from its code, and no code writes an action that is
// not one of domain.AuditActions (each names its action by the constant).
func TestEveryActionHasALabel(t *testing.T) {
	for _, a := range domain.AuditActions {
		if !i18n.Has("audit.action." + a) {
			t.Errorf("action %q has no label", a)
			continue
		}
		for _, lang := range i18n.Languages() {
			if l := ActionLabel(lang, a); l == "" || l == a {
				t.Errorf("%s: action %q labelled %q", lang, a, l)
			}
		}
	}
	// An action written as a literal rather than a constant could have no label.
	arg := `[^,()]+(?:\([^()]*\))?, `
	literal := regexp.MustCompile(`\.[Aa]udit\("[a-z_]+"|\.Record\(` + arg + arg + `"[a-z_]+"`)
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllString(string(b), -1) {
			t.Errorf("%s: action written as a literal: %s", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEventsNamedByRecord: an event about a record is named by the kind of
// record in words and by the record's name where it is known, by its
// number otherwise.
func TestEventsNamedByRecord(t *testing.T) {
	n := Names{nameKey("institution", 31): "郑州市中原区人民医院"}
	for _, c := range []struct {
		lang, entity string
		id           int64
		want         string
	}{
		{"zh-CN", "institution", 31, "机构 郑州市中原区人民医院"},
		{"en", "institution", 31, "Institution 郑州市中原区人民医院"},
		{"zh-CN", "institution", 32, "机构 #32"},
		{"zh-CN", "user", 0, "用户"},
	} {
		if got := n.Ref(c.lang, &domain.AuditEvent{Entity: c.entity, EntityID: c.id}); got != c.want {
			t.Errorf("%s %s #%d: %q, want %q", c.lang, c.entity, c.id, got, c.want)
		}
	}
}
