package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/i18n"
)

// formState is a form as the user sees it: the values exactly as typed, the
// field error codes and, after a conflicting edit, the stored values.
type formState struct {
	Values map[string]string
	Errors domain.FieldErrors
	Stored map[string]string // nil unless someone else changed the record
}

func newFormState(values map[string]string) formState {
	st := formState{Values: map[string]string{}, Errors: domain.FieldErrors{}}
	for k, v := range values {
		st.Values[k] = v
	}
	return st
}

// recordValues returns the form values of a stored record.
func recordValues(rec any, fields []domain.Field) map[string]string {
	m := map[string]string{}
	for _, f := range fields {
		m[f.Key] = domain.Value(rec, f)
	}
	return m
}

// formField is one input of a generic form.
type formField struct {
	Name     string
	Label    string
	Required bool
	Input    string // text, date, number, select, checkbox, checks, hidden
	Value    string
	Step     string
	Checked  bool
	Options  []option
	Fixed    string // the text shown beside a hidden fixed value
	Error    string
	Stored   string // the stored value, shown when it differs from the submitted one
	Help     string
}

// formSection is a titled group of fields.
type formSection struct {
	Title  string
	Fields []formField
}

// formPage is the data of the generic form page.
type formPage struct {
	base
	Heading  string
	Action   string
	Back     string
	Version  int // 0 when creating
	Message  string
	Hint     string
	Sections []formSection
	Other    []string // errors of fields not on the form
}

// rawValue reads a field's submitted text: several checked items are joined,
// an unchecked checkbox is "false".
func rawValue(form url.Values, f domain.Field) string {
	switch f.Type {
	case domain.ListField:
		return strings.Join(form[f.Key], ",")
	case domain.BoolField:
		if form.Get(f.Key) == "" {
			return "false"
		}
	}
	return form.Get(f.Key)
}

// readFields assigns the submitted fields to rec, keeping the typed text in st.
// resolve turns a typed institution credit code into an id for RefFields
// shown as a text field.
func readFields(form url.Values, rec any, fields []domain.Field, st *formState, resolve func(string) (string, bool)) {
	for _, f := range fields {
		raw := rawValue(form, f)
		if f.Type == domain.RefField && form.Has(f.Key+codeSuffix) {
			raw = form.Get(f.Key + codeSuffix)
			st.Values[f.Key] = raw
			id, ok := resolve(raw)
			if !ok {
				st.Errors.Add(f.Key, "institution_not_found")
				continue
			}
			raw = id
		} else {
			st.Values[f.Key] = raw
		}
		if code := domain.Assign(rec, f, raw); code != "" {
			st.Errors.Add(f.Key, code)
		}
	}
}

// precheck validates rec after a parse error, so that the user sees every
// problem at once; parse errors stay first on their fields.
func precheck(rec domain.Record, st *formState, today domain.Date) {
	if len(st.Errors) == 0 {
		return
	}
	rec.Normalize()
	for k, v := range rec.Validate(today) {
		st.Errors.Add(k, v)
	}
}

// fieldMessage returns the text of a field error code.
func fieldMessage(lang, field, code string) string { return i18n.FieldMessage(lang, field, code) }

// readVersion returns the version the form was made from.
func readVersion(r *http.Request) (int, error) {
	v, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || v < 1 {
		return 0, errBadRequest
	}
	return v, nil
}

// buildFields turns domain fields and a form state into inputs. ref renders
// RefFields (the institution of an employment or dose record).
func buildFields(lang string, fields []domain.Field, st formState, ref refInput) []formField {
	out := make([]formField, 0, len(fields))
	for _, f := range fields {
		v := st.Values[f.Key]
		ff := formField{Name: f.Key, Label: fieldLabel(lang, f), Required: f.Required, Value: v}
		if code, bad := st.Errors[f.Key]; bad {
			ff.Error = fieldMessage(lang, f.Key, code)
		}
		switch f.Type {
		case domain.DateField:
			ff.Input = typedInput("date", v, ff.Error != "", func(s string) bool { _, err := domain.ParseDate(s); return err == nil })
			ff.Help = i18n.T(lang, "form.date_help")
		case domain.IntField:
			ff.Input, ff.Step = typedInput("number", v, ff.Error != "", func(s string) bool { _, err := strconv.Atoi(s); return err == nil }), "1"
		case domain.DoseField:
			ff.Input, ff.Step = typedInput("number", v, ff.Error != "", func(s string) bool { _, err := domain.ParseDose(s); return err == nil }), "0.001"
		case domain.EnumField:
			ff.Input, ff.Options = "select", selectOptions(lang, f.Enum, v)
		case domain.BoolField:
			ff.Input, ff.Checked = "checkbox", isTrue(v)
		case domain.ListField:
			ff.Input, ff.Options = "checks", checkOptions(lang, f.Enum, v)
		case domain.RefField:
			ref.apply(&ff, v)
		default:
			ff.Input = "text"
		}
		if st.Stored != nil {
			if sv := st.Stored[f.Key]; sv != v {
				ff.Stored = storedText(lang, f, sv, ref)
			}
		}
		out = append(out, ff)
	}
	return out
}

// typedInput returns the HTML input type for a value: a date or number
// input, or a text input when the value cannot be shown by one (a browser
// would blank an invalid value, and the user's text must be kept).
func typedInput(kind, v string, bad bool, valid func(string) bool) string {
	if v != "" && bad && !valid(v) {
		return "text"
	}
	return kind
}

func isTrue(v string) bool {
	b, _ := domain.ParseBool(v)
	return b
}

// selectOptions lists an enumeration with an empty choice first; a value
// that is not an option is kept as an extra choice, so that it is resubmitted
// as typed and its error stays visible.
func selectOptions(lang string, e *domain.Enum, v string) []option {
	opts := append([]option{{Value: "", Label: i18n.T(lang, "form.choose"), Selected: v == ""}}, options(lang, e, v)...)
	if v != "" && !e.Has(v) {
		opts = append(opts, option{Value: v, Label: v, Selected: true})
	}
	return opts
}

// checkOptions lists a ListField's items; unknown submitted items are kept checked.
func checkOptions(lang string, e *domain.Enum, v string) []option {
	items := domain.SplitList(v)
	opts := options(lang, e, items...)
	for _, it := range items {
		if !e.Has(it) {
			opts = append(opts, option{Value: it, Label: it, Selected: true})
		}
	}
	return opts
}

// storedText shows a stored value beside the submitted one.
func storedText(lang string, f domain.Field, v string, ref refInput) string {
	if v == "" {
		return i18n.T(lang, "form.empty")
	}
	if f.Type == domain.RefField {
		return ref.name(v)
	}
	return display(lang, f, v)
}
