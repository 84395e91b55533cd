// Package i18n holds the user-facing text in Chinese (zh-CN, the default) and
// English, keyed by message keys such as "error.stale" or "field.required".
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	pathpkg "path"
	"strings"
)

//go:embed locales
var files embed.FS

// Default is the language used when none is asked for.
const Default = "zh-CN"

var catalogs = map[string]map[string]string{}

// init reads every catalogue: locales/LANG.json for the pages and
// locales/AREA/LANG.json for one area's wording (rules, imports …). A key
// may be defined once per language.
func init() {
	for _, lang := range Languages() {
		catalogs[lang] = map[string]string{}
	}
	err := fs.WalkDir(files, "locales", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		lang := strings.TrimSuffix(pathpkg.Base(path), ".json")
		cat, ok := catalogs[lang]
		if !ok {
			return fmt.Errorf("%s: not a catalogue of a supported language", path)
		}
		b, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		for k, v := range m {
			if _, dup := cat[k]; dup {
				return fmt.Errorf("%s: key %q is defined twice", path, k)
			}
			cat[k] = v
		}
		return nil
	})
	if err != nil {
		panic("i18n: " + err.Error())
	}
}

// Languages lists the supported languages, default first.
func Languages() []string { return []string{"zh-CN", "en"} }

// Match returns the supported language for an Accept-Language value or a
// user's choice ("en", "en-US", "zh" …), defaulting to zh-CN.
func Match(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if strings.HasPrefix(s, "en") {
		return "en"
	}
	return Default
}

// T returns the text of key in lang, formatted with args as fmt.Sprintf does.
// A missing key falls back to Chinese, then to the key itself.
func T(lang, key string, args ...any) string {
	msg, ok := catalogs[lang][key]
	if !ok {
		if msg, ok = catalogs[Default][key]; !ok {
			msg = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Has reports whether key exists in the default catalogue.
func Has(key string) bool {
	_, ok := catalogs[Default][key]
	return ok
}

// Keys returns the keys of a language's catalogue.
func Keys(lang string) []string {
	var keys []string
	for k := range catalogs[lang] {
		keys = append(keys, k)
	}
	return keys
}

// FieldMessage returns the text of a field error code: a field-specific
// message ("field.password.too_short") if there is one, else the general one.
func FieldMessage(lang, field, code string) string {
	if k := "field." + field + "." + code; Has(k) {
		return T(lang, k)
	}
	return T(lang, "field."+code)
}
