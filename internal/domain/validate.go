package domain

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Field error codes (i18n keys under "field.").
const (
	CodeRequired    = "required"
	CodeTooLong     = "too_long"
	CodeTooShort    = "too_short"
	CodeEnum        = "enum"
	CodeNegative    = "negative"
	CodeNotPositive = "not_positive"
	// CodeEndBeforeStart is the general date-order code of reports stored
	// by earlier versions; each pair of dates now has its own code.
	CodeEndBeforeStart = "end_before_start"
	// Date-order codes, one per pair of fields: the message names both.
	CodeValidBeforeIssued           = "valid_until_before_issued_on"
	CodeEndedBeforeStarted          = "ended_on_before_started_on"
	CodePeriodEndBeforeStart        = "period_end_before_period_start"
	CodeInstalledBeforeManufactured = "installed_on_before_manufactured_on"
	CodeFuture                      = "future"
	CodeGenderMismatch              = "gender_mismatch"
	CodeBirthMismatch               = "birth_mismatch"
	CodeDivision                    = "division_code"
	CodeStreet                      = "street"
	CodePhone                       = "phone"
	CodeDoseLost                    = "dose_lost"
	CodeControl                     = "control"
	CodeDateRange                   = "date_range"
	CodeTooMany                     = "too_many"
	CodePageRange                   = "page_range" // a page past those a list serves
)

// validator collects field errors while checking a record.
type validator struct{ errs FieldErrors }

func newValidator() *validator { return &validator{errs: FieldErrors{}} }

func (v *validator) required(field, value string) bool {
	if value == "" {
		v.errs.Add(field, CodeRequired)
		return false
	}
	return true
}

func (v *validator) length(field, value string, min, max int) {
	n := utf8.RuneCountInString(value)
	switch {
	case value == "":
	case n < min:
		v.errs.Add(field, CodeTooShort)
	case n > max:
		v.errs.Add(field, CodeTooLong)
	}
}

func (v *validator) enum(field, value string, e *Enum, required bool) {
	if value == "" {
		if required {
			v.errs.Add(field, CodeRequired)
		}
		return
	}
	if !e.Has(value) {
		v.errs.Add(field, CodeEnum)
	}
}

// enums checks every enumerated field of rec's entity that the entity does
// not check itself: a required one is set, and a value is one of the
// options. It also refuses control characters in every text field: they
// are never typed, break exports and re-imports, and one database refuses
// a NUL where the other stores it.
func (v *validator) enums(rec Record) {
	for _, f := range EntityOf(rec).Fields {
		if f.Type == EnumField && !f.OwnCheck {
			v.enum(f.Key, Value(rec, f), f.Enum, f.Required)
		}
		if (f.Type == Text || f.Type == EnumField) && HasControl(Value(rec, f)) {
			v.errs.Add(f.Key, CodeControl)
		}
	}
}

// cleanFields cleans every text and enumerated field of rec's entity
// (full-width folding, spaces): what people type and what Excel holds.
func cleanFields(rec Record) {
	for _, f := range EntityOf(rec).Fields {
		if f.Type == Text || f.Type == EnumField {
			if v, ok := fieldValue(rec, f.Key); ok {
				v.SetString(Clean(v.String()))
			}
		}
	}
}

func (v *validator) date(field string, d Date, required bool) {
	if d.IsZero() && required {
		v.errs.Add(field, CodeRequired)
	}
}

// order checks that end (if set) is not before start; code names the pair.
func (v *validator) order(endField, code string, start, end Date) {
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		v.errs.Add(endField, code)
	}
}

func (v *validator) notFuture(field string, d, today Date) {
	if !d.IsZero() && !today.IsZero() && d.After(today) {
		v.errs.Add(field, CodeFuture)
	}
}

func (v *validator) ref(field string, id int64) {
	if id <= 0 {
		v.errs.Add(field, CodeRequired)
	}
}

// sentinelCode turns a checker's sentinel error into a field code.
func sentinelCode(err error, codes map[error]string) string {
	for e, c := range codes {
		if errors.Is(err, e) {
			return c
		}
	}
	return "invalid"
}

var creditCodes = map[error]string{
	ErrCreditLength: "credit_code.length", ErrCreditChars: "credit_code.chars", ErrCreditChecksum: "credit_code.checksum",
}

var idCodes = map[error]string{
	ErrIDLength: "id_number.length", ErrIDChars: "id_number.chars",
	ErrIDBirthDate: "id_number.birth_date", ErrIDChecksum: "id_number.checksum",
}

// Normalize cleans the institution's fields (full-width folding, spaces, case).
func (x *Institution) Normalize() {
	cleanFields(x)
	x.CreditCode = NormalizeCreditCode(x.CreditCode)
}

// Validate checks the institution against spec/data-model.md.
func (x *Institution) Validate(today Date) FieldErrors {
	v := newValidator()
	if v.required("name", x.Name) {
		v.length("name", x.Name, 2, 100)
	}
	if v.required("credit_code", x.CreditCode) {
		if err := CheckCreditCode(x.CreditCode); err != nil {
			v.errs.Add("credit_code", sentinelCode(err, creditCodes))
		}
	}
	v.enums(x)
	if x.Beds != nil && *x.Beds < 0 {
		v.errs.Add("beds", CodeNegative)
	}
	if v.required("division_code", x.DivisionCode) && !isDigits(x.DivisionCode, 6) {
		v.errs.Add("division_code", CodeDivision)
	}
	if streets, ok := Streets[x.DivisionCode]; ok && x.Street != "" && !streets.Has(x.Street) {
		v.errs.Add("street", CodeStreet)
	}
	if v.required("address", x.Address) {
		v.length("address", x.Address, 1, 200)
	}
	v.length("legal_rep", x.LegalRep, 1, 50)
	v.length("radiation_officer", x.RadiationOfficer, 1, 50)
	if x.Phone != "" && CheckPhone(x.Phone) != nil {
		v.errs.Add("phone", CodePhone)
	}
	return v.errs
}

// Normalize cleans the licence's fields and drops duplicate items.
func (x *Licence) Normalize() {
	cleanFields(x)
	seen := map[string]bool{}
	items := x.Items[:0:0]
	for _, it := range x.Items {
		it = Clean(it)
		if it != "" && !seen[it] {
			seen[it] = true
			items = append(items, it)
		}
	}
	x.Items = items
}

// Validate checks the licence.
func (x *Licence) Validate(today Date) FieldErrors {
	v := newValidator()
	v.ref("institution_id", x.InstitutionID)
	v.required("licence_no", x.LicenceNo)
	v.length("licence_no", x.LicenceNo, 1, 50)
	v.required("issuer", x.Issuer)
	v.length("issuer", x.Issuer, 1, 100)
	v.date("issued_on", x.IssuedOn, true)
	v.notFuture("issued_on", x.IssuedOn, today)
	v.date("valid_until", x.ValidUntil, true)
	v.order("valid_until", CodeValidBeforeIssued, x.IssuedOn, x.ValidUntil)
	if len(x.Items) == 0 {
		v.errs.Add("items", CodeRequired)
	}
	for _, it := range x.Items {
		if !LicenceItems.Has(it) {
			v.errs.Add("items", CodeEnum)
		}
	}
	return v.errs
}

// Categories returns the set of categories the licence's items cover.
func (x *Licence) Categories() map[string]bool {
	cats := map[string]bool{}
	for _, it := range x.Items {
		if c := ItemCategory(it); c != "" {
			cats[c] = true
		}
	}
	return cats
}

// Normalize cleans the person's fields; gender and birth date are derived
// from a valid ID number when left empty.
func (x *Person) Normalize() {
	cleanFields(x)
	x.IDNumber = NormalizeIDNumber(x.IDNumber)
	if len(x.IDNumber) == 18 && CheckIDNumber(x.IDNumber, Date{}) == nil {
		if x.Gender == "" {
			x.Gender = IDGender(x.IDNumber)
		}
		if x.BirthDate.IsZero() {
			x.BirthDate, _ = IDBirthDate(x.IDNumber)
		}
	}
}

// Validate checks the person; gender and birth date must agree with the ID number.
func (x *Person) Validate(today Date) FieldErrors {
	v := newValidator()
	if v.required("id_number", x.IDNumber) {
		if err := CheckIDNumber(x.IDNumber, today); err != nil {
			v.errs.Add("id_number", sentinelCode(err, idCodes))
		}
	}
	if v.required("name", x.Name) {
		v.length("name", x.Name, 1, 50)
	}
	v.enums(x)
	if _, bad := v.errs["id_number"]; !bad {
		if x.Gender != "" && x.Gender != IDGender(x.IDNumber) {
			v.errs.Add("gender", CodeGenderMismatch)
		}
		if b, _ := IDBirthDate(x.IDNumber); !x.BirthDate.IsZero() && !x.BirthDate.Equal(b) {
			v.errs.Add("birth_date", CodeBirthMismatch)
		}
	}
	return v.errs
}

// Normalize cleans the employment's text fields.
func (x *Employment) Normalize() {
	cleanFields(x)
	x.Occupation = strings.ToUpper(x.Occupation)
}

// Validate checks the employment.
func (x *Employment) Validate(today Date) FieldErrors {
	v := newValidator()
	v.ref("person_id", x.PersonID)
	v.ref("institution_id", x.InstitutionID)
	v.enums(x)
	v.length("job", x.Job, 1, 50)
	v.date("started_on", x.StartedOn, true)
	v.order("ended_on", CodeEndedBeforeStarted, x.StartedOn, x.EndedOn)
	v.length("permit_no", x.PermitNo, 1, 50)
	v.notFuture("permit_issued_on", x.PermitIssuedOn, today)
	return v.errs
}

// Normalize cleans the training's text fields.
func (x *Training) Normalize() {
	cleanFields(x)
}

// Validate checks the training.
func (x *Training) Validate(today Date) FieldErrors {
	v := newValidator()
	v.ref("person_id", x.PersonID)
	v.date("taken_on", x.TakenOn, true)
	v.notFuture("taken_on", x.TakenOn, today)
	v.enums(x)
	if x.Days != nil && *x.Days <= 0 {
		v.errs.Add("days", CodeNotPositive)
	}
	v.length("certificate_no", x.CertificateNo, 1, 50)
	v.length("provider", x.Provider, 1, 100)
	return v.errs
}

// Normalize cleans the exam's text fields.
func (x *Exam) Normalize() {
	cleanFields(x)
}

// Validate checks the exam.
func (x *Exam) Validate(today Date) FieldErrors {
	v := newValidator()
	v.ref("person_id", x.PersonID)
	v.date("examined_on", x.ExaminedOn, true)
	v.notFuture("examined_on", x.ExaminedOn, today)
	v.enums(x)
	v.length("provider", x.Provider, 1, 100)
	return v.errs
}

// Normalize cleans the dose record's text fields.
func (x *DoseRecord) Normalize() {
	cleanFields(x)
}

// Validate checks the dose record: Hp(10) is required unless the dosimeter was lost.
func (x *DoseRecord) Validate(today Date) FieldErrors {
	v := newValidator()
	v.ref("person_id", x.PersonID)
	v.ref("institution_id", x.InstitutionID)
	v.date("period_start", x.PeriodStart, true)
	v.date("period_end", x.PeriodEnd, true)
	v.order("period_end", CodePeriodEndBeforeStart, x.PeriodStart, x.PeriodEnd)
	v.notFuture("period_end", x.PeriodEnd, today)
	if !x.Hp10.Set && !x.Lost {
		v.errs.Add("hp10", CodeDoseLost)
	}
	for field, d := range map[string]Dose{"hp10": x.Hp10, "hp007": x.Hp007, "hp3": x.Hp3} {
		if d.Set && d.MicroSv < 0 {
			v.errs.Add(field, CodeNegative)
		}
	}
	v.length("provider", x.Provider, 1, 100)
	v.length("report_no", x.ReportNo, 1, 50)
	return v.errs
}

// Normalize cleans the equipment's text fields.
func (x *Equipment) Normalize() {
	cleanFields(x)
	x.SerialNo = NormalizeSerial(x.SerialNo)
}

// Validate checks the equipment.
func (x *Equipment) Validate(today Date) FieldErrors {
	v := newValidator()
	v.ref("institution_id", x.InstitutionID)
	v.enums(x)
	v.length("name", x.Name, 1, 100)
	v.length("manufacturer", x.Manufacturer, 1, 100)
	v.required("model", x.Model)
	v.length("model", x.Model, 1, 100)
	v.required("serial_no", x.SerialNo)
	v.length("serial_no", x.SerialNo, 1, 100)
	v.notFuture("manufactured_on", x.ManufacturedOn, today)
	v.order("installed_on", CodeInstalledBeforeManufactured, x.ManufacturedOn, x.InstalledOn)
	v.length("room", x.Room, 1, 100)
	return v.errs
}

// Normalize cleans the test's text fields.
func (x *EquipmentTest) Normalize() {
	cleanFields(x)
}

// Validate checks the test record.
func (x *EquipmentTest) Validate(today Date) FieldErrors {
	v := newValidator()
	v.ref("equipment_id", x.EquipmentID)
	v.enums(x)
	v.date("tested_on", x.TestedOn, true)
	v.notFuture("tested_on", x.TestedOn, today)
	v.length("agency", x.Agency, 1, 100)
	v.length("report_no", x.ReportNo, 1, 50)
	return v.errs
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
