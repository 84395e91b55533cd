package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/registry"
	"radsup/internal/store"
)

// personCreated is the answer to POST /api/v1/people: the person and, when
// one was sent, the employment filed with it.
type personCreated struct {
	*domain.Person
	Employment *domain.Employment `json:"employment,omitempty"`
}

// handlePersonCreate answers POST /api/v1/people. The body is a person and
// may carry an "employment" object: then the person is filed with that first
// employment in one transaction, or, if a person with the same ID number is
// already registered (with any employer), the employment is added to that
// person. Institution users must send an employment (a person they cannot
// see would be outside their scope); its institution_id defaults to theirs.
func (s *server) handlePersonCreate(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	obj, err := readObject(w, r)
	if err != nil {
		return err
	}
	p, errs := &domain.Person{}, domain.FieldErrors{}
	decodeRecord(obj, p, map[string]bool{"employment": true}, "", errs)
	e := readEmployment(obj["employment"], u, errs)
	if e == nil && u.Scope().InstitutionID != 0 {
		errs.Add("employment", domain.CodeRequired)
	}
	if len(errs) > 0 {
		s.precheck(errs, "", p)
		if e != nil {
			s.precheck(errs, "employment.", e)
		}
		return errs.Err()
	}
	if e == nil {
		if err := registry.Create(r.Context(), s.reg, actor(r, u), u, store.People, p); err != nil {
			return heldOr(w, r, err)
		}
		return writeCreated(w, people.plural, p.ID, personCreated{Person: p})
	}
	if err := s.reg.CreatePersonWithEmployment(r.Context(), actor(r, u), u, p, e); err != nil {
		return heldOr(w, r, employmentFields(err))
	}
	return writeCreated(w, people.plural, p.ID, personCreated{Person: p, Employment: e})
}

// readEmployment decodes the optional "employment" object of a new person
// (nil when absent). Its person_id is the new person's and is ignored.
func readEmployment(raw json.RawMessage, u *domain.User, errs domain.FieldErrors) *domain.Employment {
	if rawNull(raw) {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		errs.Add("employment", "invalid")
		return nil
	}
	e := &domain.Employment{}
	decodeRecord(obj, e, map[string]bool{"person_id": true}, "employment.", errs)
	if e.InstitutionID == 0 {
		e.InstitutionID = u.Scope().InstitutionID
	}
	return e
}

// employmentFields renames the field errors of the employment filed with a
// person to "employment.<field>", so that they name the key that was sent.
func employmentFields(err error) error {
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return err
	}
	personKeys := fieldIndex(reflect.TypeFor[domain.Person]())
	fields := domain.FieldErrors{}
	for k, code := range de.Fields {
		if _, ok := personKeys[k]; !ok && !strings.HasPrefix(k, "employment.") {
			k = "employment." + k
		}
		fields[k] = code
	}
	// The renamed error comes first, so that it is the one reported; the
	// original stays in the chain for the log.
	return fmt.Errorf("%w (%w)", &domain.Error{Code: de.Code, Message: de.Message, Fields: fields}, err)
}
