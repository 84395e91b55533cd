package web

import (
	"context"
	"net/http"
	"strconv"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/store"
)

// codeSuffix names the text input that takes an institution's credit code
// instead of a select, when there are too many institutions to list.
const codeSuffix = "_code"

// maxSelect is the most institutions offered in a select; beyond it the
// form asks for a credit code. A variable so that tests can lower it.
var maxSelect = 2000

// refInput says how an institution reference is entered: fixed (an
// institution user files for its own institution), a select of institutions
// by name, or a credit-code text field.
type refInput struct {
	mode  string // "fixed", "select" or "code"
	lang  string
	opts  []option
	names map[string]string // id → name
	codes map[string]string // id → credit code
}

// apply makes ff the input for the institution id v.
func (ri refInput) apply(ff *formField, v string) {
	switch ri.mode {
	case "fixed":
		ff.Input, ff.Fixed = "hidden", ri.name(v)
	case "select":
		ff.Input = "select"
		ff.Options = []option{{Value: "", Label: i18n.T(ri.lang, "form.choose"), Selected: v == ""}}
		found := v == ""
		for _, o := range ri.opts {
			o.Selected = o.Value == v
			found = found || o.Selected
			ff.Options = append(ff.Options, o)
		}
		if !found {
			ff.Options = append(ff.Options, option{Value: v, Label: v, Selected: true})
		}
	default:
		ff.Input, ff.Name = "text", ff.Name+codeSuffix
		if code, ok := ri.codes[v]; ok {
			ff.Value = code
		}
	}
}

// name returns the name of the institution with id v, or v itself.
func (ri refInput) name(v string) string {
	if n, ok := ri.names[v]; ok {
		return n
	}
	return v
}

// refInput prepares the institution input of a form for u; ids are the
// institutions the form's values refer to (named in fixed and code mode).
func (s *Server) refInput(ctx context.Context, u *domain.User, lang string, ids ...string) (refInput, error) {
	ri := refInput{mode: "fixed", lang: lang, names: map[string]string{}, codes: map[string]string{}}
	if auth.Can(u, auth.Read, auth.Directory) {
		list, _, err := s.cfg.Registry.Directory(ctx, u, store.Filter{Limit: maxSelect + 1})
		if err != nil {
			return ri, err
		}
		ri.mode = "code"
		if len(list) <= maxSelect {
			ri.mode = "select"
			for _, x := range list {
				id := strconv.FormatInt(x.ID, 10)
				ri.opts = append(ri.opts, option{Value: id, Label: x.Name})
				ri.names[id] = x.Name
			}
		}
	}
	var missing []int64
	for _, v := range ids {
		if _, ok := ri.names[v]; ok || v == "" {
			continue
		}
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			missing = append(missing, id)
		}
	}
	xs, err := s.cfg.Registry.Institutions(ctx, u, missing)
	if err != nil {
		return ri, err
	}
	for _, x := range xs {
		id := strconv.FormatInt(x.ID, 10)
		ri.names[id], ri.codes[id] = x.Name, x.CreditCode
	}
	return ri, nil
}

// resolver returns the function that turns a typed credit code into the id
// of an institution u may see.
func (s *Server) resolver(r *http.Request) func(string) (string, bool) {
	return s.resolverFor(r.Context(), userOf(r))
}

// resolverFor is resolver for the institutions u may see.
func (s *Server) resolverFor(ctx context.Context, u *domain.User) func(string) (string, bool) {
	return func(code string) (string, bool) {
		code = domain.NormalizeCreditCode(code)
		if code == "" {
			return "", true // left empty: "required" is reported by validation
		}
		x, err := s.cfg.Registry.InstitutionByCode(ctx, u, code)
		if err != nil {
			return "", false
		}
		return strconv.FormatInt(x.ID, 10), true
	}
}

// institutionNames returns the names of the institutions with the given ids
// that u may see.
func (s *Server) institutionNames(ctx context.Context, u *domain.User, ids []int64) (map[int64]string, error) {
	return s.cfg.Registry.InstitutionNames(ctx, u, ids)
}
