// Package i18n holds the user-facing text in Chinese (zh-CN, the default) and
// English, keyed by message keys such as "error.stale" or "field.required".
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
)

//go:embed locales/*.json
var files embed.FS

// Default is the language used when none is asked for.
const Default = "zh-CN"

var catalogs = map[string]map[string]string{}

func init() {
	for _, lang := range []string{"zh-CN", "en"} {
		b, err := files.ReadFile("locales/" + lang + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", lang, err))
		}
		catalogs[lang] = m
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
