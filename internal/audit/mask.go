package audit

import (
	"encoding/json"

	"radsup/internal/domain"
)

// hidden stands for a value the auditor may not read.
const hidden = "***"

// masks are what the audit views do to the personal data in a change's
// before and after: ID and phone numbers masked, birth dates and health
// data (exam conclusions, doses) hidden, the names of the people concerned
// shortened. Keys apply to any entity; "entity.key" to one.
var masks = map[string]func(string) string{
	"id_number":       domain.MaskIDNumber,
	"phone":           domain.MaskPhone,
	"birth_date":      func(string) string { return hidden },
	"person.name":     domain.MaskName,
	"exam.conclusion": func(string) string { return hidden },
	"dose.hp10":       func(string) string { return hidden },
	"dose.hp007":      func(string) string { return hidden },
	"dose.hp3":        func(string) string { return hidden },
	"dose.below_mdl":  func(string) string { return hidden },
	"dose.lost":       func(string) string { return hidden },
}

// masked returns a copy of e whose before and after show no personal data.
// The stored event, over which the chain is verified, is not touched.
func masked(e *domain.AuditEvent) *domain.AuditEvent {
	c := *e
	c.Before, c.After = maskJSON(e.Entity, e.Before), maskJSON(e.Entity, e.After)
	return &c
}

// maskJSON masks the fields of a JSON object; what is not an object is
// hidden whole if it could hold personal data, kept otherwise.
func maskJSON(entity string, js *string) *string {
	if js == nil {
		return nil
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(*js), &obj); err != nil || obj == nil {
		return js
	}
	changed := false
	for key, v := range obj {
		mask, ok := masks[entity+"."+key]
		if !ok {
			mask, ok = masks[key]
		}
		if !ok || v == nil {
			continue
		}
		s, isString := v.(string)
		if !isString {
			s = hidden // a number or a flag of health data: hidden whole
		}
		if s != "" {
			obj[key], changed = mask(s), true
		}
	}
	if !changed {
		return js
	}
	b, _ := json.Marshal(obj)
	out := string(b)
	return &out
}
