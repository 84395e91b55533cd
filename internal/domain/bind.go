package domain

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// Assign sets the field with JSON key `key` of the record pointed to by rec
// from what a person typed, and returns a field error code if the text cannot
// be read as the field's type ("" when it was set).
func Assign(rec any, f Field, raw string) string {
	v, ok := fieldValue(rec, f.Key)
	if !ok {
		return "unknown_field"
	}
	raw = Clean(raw)
	switch f.Type {
	case DateField:
		d, err := ParseDate(raw)
		if errors.Is(err, ErrDateRange) {
			return CodeDateRange
		}
		if err != nil {
			return "date"
		}
		v.Set(reflect.ValueOf(d))
	case IntField:
		if raw == "" {
			v.Set(reflect.Zero(v.Type()))
			return ""
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			return "integer"
		}
		v.Set(reflect.ValueOf(&n))
	case RefField:
		n, err := strconv.ParseInt(raw, 10, 64)
		if raw != "" && err != nil {
			return "integer"
		}
		v.SetInt(n)
	case DoseField:
		d, err := ParseDose(raw)
		if err != nil {
			return "dose"
		}
		v.Set(reflect.ValueOf(d))
	case BoolField:
		b, okb := ParseBool(raw)
		if !okb {
			return "bool"
		}
		v.SetBool(b)
	case ListField:
		items := SplitList(raw)
		if TooMany(f, len(items)) {
			return CodeTooMany
		}
		for i, it := range items {
			if key, found := f.Enum.Lookup(it); found {
				items[i] = key
			}
		}
		v.Set(reflect.ValueOf(items))
	case EnumField:
		if key, found := f.Enum.Lookup(raw); found {
			raw = key
		}
		v.SetString(raw)
	default:
		v.SetString(raw)
	}
	return ""
}

// Value returns the field with key `key` of rec formatted as a form value.
func Value(rec any, f Field) string {
	v, ok := fieldValue(rec, f.Key)
	if !ok {
		return ""
	}
	switch x := v.Interface().(type) {
	case string:
		return x
	case Date:
		return x.String()
	case Dose:
		return x.String()
	case *int:
		if x == nil {
			return ""
		}
		return strconv.Itoa(*x)
	case int64:
		if x == 0 {
			return ""
		}
		return strconv.FormatInt(x, 10)
	case bool:
		if x {
			return "true"
		}
		return "false"
	case []string:
		return strings.Join(x, ",")
	}
	return ""
}

// RefOf returns the id held by the reference field (e.g. "institution_id")
// of rec, 0 if it has none.
func RefOf(rec any, field string) int64 {
	if v, ok := fieldValue(rec, field); ok && v.Kind() == reflect.Int64 {
		return v.Int()
	}
	return 0
}

// SetRef sets the reference field (e.g. "person_id") of rec to id.
func SetRef(rec any, field string, id int64) {
	if v, ok := fieldValue(rec, field); ok && v.Kind() == reflect.Int64 {
		v.SetInt(id)
	}
}

// fieldValue finds the settable struct field of *rec tagged json:"key".
func fieldValue(rec any, key string) (reflect.Value, bool) {
	v := reflect.ValueOf(rec)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	v = v.Elem()
	k := fieldKey{v.Type(), key}
	i, ok := fieldIndex.Load(k)
	if !ok {
		i = jsonField(k.t, key)
		fieldIndex.Store(k, i)
	}
	if i.(int) < 0 {
		return reflect.Value{}, false
	}
	return v.Field(i.(int)), true
}

// fieldIndex caches jsonField: an import assigns every cell of every row.
var fieldIndex sync.Map // fieldKey → int

type fieldKey struct {
	t   reflect.Type
	key string
}

// jsonField returns the index of the field of struct type t whose JSON
// name is key (embedded structs not searched), or -1.
func jsonField(t reflect.Type, key string) int {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Anonymous {
			continue
		}
		if name, _, _ := strings.Cut(sf.Tag.Get("json"), ","); name == key {
			return i
		}
	}
	return -1
}

// TooMany reports whether a list of n values is longer than its field's
// options, repeats counted: a list is refused before it is deduplicated.
func TooMany(f Field, n int) bool { return f.Enum != nil && n > len(f.Enum.Options) }

// ParseBool reads yes/no as people write it: 是/否, Y/N, yes/no, true/false,
// 1/0, ✓, on (an HTML checkbox). The empty string is false.
func ParseBool(s string) (bool, bool) {
	switch strings.ToLower(Clean(s)) {
	case "是", "y", "yes", "true", "1", "✓", "√", "on":
		return true, true
	case "否", "n", "no", "false", "0", "":
		return false, true
	}
	return false, false
}

// SplitList splits a list cell on 、，,;； and newlines, dropping empty parts.
func SplitList(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune("、，,;；\n\r", r)
	})
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = Clean(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
