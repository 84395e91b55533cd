package xlsx

import (
	"strconv"

	"radsup/internal/i18n"
)

// Problems are words at the edge: below the pages and the CLI a problem's
// text is a catalogue key (internal/i18n/locales/import) with arguments, and
// the reader's language is chosen when it is shown.

// Message is a problem's text: a catalogue key and its arguments, or a field
// validation error (Field and Code, rendered as i18n.FieldMessage does). It
// is stored as it is (in an import job's report) and rendered later in any
// language.
type Message struct {
	Key   string `json:"key,omitempty"`
	Args  []Arg  `json:"args,omitempty"`
	Field string `json:"field,omitempty"`
	Code  string `json:"code,omitempty"`
}

// Render returns the message in lang ("zh-CN" or "en").
func (m Message) Render(lang string) string {
	if m.Code != "" {
		return i18n.FieldMessage(lang, m.Field, m.Code)
	}
	if len(m.Args) == 0 {
		return i18n.T(lang, m.Key)
	}
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		args[i] = a.Render(lang)
	}
	return i18n.T(lang, m.Key, args...)
}

// FieldMessage is the message of a domain field error code of field.
func FieldMessage(field, code string) Message { return Message{Field: field, Code: code} }

// Arg is an argument of a Message: text that reads the same in every
// language (a value as written, a number, a code); a label with a Chinese
// and an English form (a column's name, a list of options); or a clause
// with a key of its own.
type Arg struct {
	Text string   `json:"s,omitempty"`
	ZH   string   `json:"zh,omitempty"`
	EN   string   `json:"en,omitempty"`
	Msg  *Message `json:"m,omitempty"`
}

// Text is an argument that reads the same in every language.
func Text(s string) Arg { return Arg{Text: s} }

// Int is a number as an argument.
func Int(n int) Arg { return Arg{Text: strconv.Itoa(n)} }

// Label is an argument with a Chinese and an English form.
func Label(zh, en string) Arg {
	if en == "" {
		en = zh
	}
	return Arg{ZH: zh, EN: en}
}

// Clause is a message used as the argument of another.
func Clause(m Message) Arg { return Arg{Msg: &m} }

// Render returns the argument in lang.
func (a Arg) Render(lang string) string {
	switch {
	case a.Msg != nil:
		return a.Msg.Render(lang)
	case lang == "en" && a.EN != "":
		return a.EN
	case a.ZH != "":
		return a.ZH
	}
	return a.Text
}

// MessageKey is a catalogue key a problem may carry and the number of
// arguments its text takes (%[1]s … %[n]s in every language).
type MessageKey struct {
	Key  string
	Args int
}

// messageKeys are the keys declared with NewKey0 … NewKey3, for the
// catalogue's completeness test.
var messageKeys []MessageKey

// MessageKeys returns every problem key declared so far: those of this
// package and of the packages that import it (declared at their start-up).
func MessageKeys() []MessageKey { return append([]MessageKey(nil), messageKeys...) }

func declare(key string, args int) string {
	messageKeys = append(messageKeys, MessageKey{key, args})
	return key
}

// Key0 is a message key whose text takes no argument; Key1, Key2 and Key3
// take one, two and three, so that the compiler checks every use.
type Key0 struct{ key string }

// Key1 is a message key whose text takes one argument.
type Key1 struct{ key string }

// Key2 is a message key whose text takes two arguments.
type Key2 struct{ key string }

// Key3 is a message key whose text takes three arguments.
type Key3 struct{ key string }

// NewKey0 declares a message key without arguments. Declare keys in
// package-level variables, so that MessageKeys lists them.
func NewKey0(key string) Key0 { return Key0{declare(key, 0)} }

// NewKey1 declares a message key with one argument.
func NewKey1(key string) Key1 { return Key1{declare(key, 1)} }

// NewKey2 declares a message key with two arguments.
func NewKey2(key string) Key2 { return Key2{declare(key, 2)} }

// NewKey3 declares a message key with three arguments.
func NewKey3(key string) Key3 { return Key3{declare(key, 3)} }

// Msg returns the message of the key.
func (k Key0) Msg() Message { return Message{Key: k.key} }

// Msg returns the message of the key with its argument.
func (k Key1) Msg(a Arg) Message { return Message{Key: k.key, Args: []Arg{a}} }

// Msg returns the message of the key with its arguments.
func (k Key2) Msg(a, b Arg) Message { return Message{Key: k.key, Args: []Arg{a, b}} }

// Msg returns the message of the key with its arguments.
func (k Key3) Msg(a, b, c Arg) Message { return Message{Key: k.key, Args: []Arg{a, b, c}} }

// ValueError is a problem with one cell's value: what is wrong and what
// would be right, e.g. (in Chinese) "日期“2025-13-01”无效：月份应为1至12；请写成 2025-05-10 的形式。"
type ValueError struct{ Message Message }

// Error returns the message in the default language (Chinese).
func (e *ValueError) Error() string { return e.Message.Render(i18n.Default) }

// valueError returns a *ValueError with message m.
func valueError(m Message) *ValueError { return &ValueError{Message: m} }

// The keys of the value problems, by what they are about; the texts are in
// internal/i18n/locales/import.
var (
	keyValueName  = NewKey0("import.problem.value_name")
	keyExcelSci   = NewKey2("import.problem.text.excel_sci")
	keyOptionsAll = NewKey2("import.problem.options.more")

	keyDateUnreadable    = NewKey1("import.problem.date.unreadable")
	keyDateYearMonth     = NewKey1("import.problem.date.year_month_only")
	keyDateInvalid       = NewKey2("import.problem.date.invalid")
	keyDateInvalidForm   = NewKey2("import.problem.date.invalid_form")
	keyDateYearRange     = NewKey2("import.problem.date.year_range")
	keyDateMonthRange    = NewKey0("import.problem.date.month_range")
	keyDateDaysInMonth   = NewKey3("import.problem.date.days_in_month")
	keyDateSerialYear    = NewKey0("import.problem.date.serial_year")
	keyDateSerialYearMon = NewKey0("import.problem.date.serial_year_month")
	keyDateSerial60      = NewKey0("import.problem.date.serial_60")

	keyPeriodUnreadable  = NewKey1("import.problem.period.unreadable")
	keyPeriodQuarter     = NewKey1("import.problem.period.quarter_range")
	keyPeriodYearRange   = NewKey3("import.problem.period.year_range")
	keyPeriodInvalid     = NewKey2("import.problem.period.invalid")
	keyPeriodAmbiguous   = NewKey1("import.problem.period.ambiguous")
	keyPeriodInvalidDate = NewKey2("import.problem.period.invalid_date")
	keyPeriodOneDate     = NewKey1("import.problem.period.one_date")
	keyPeriodReversed    = NewKey1("import.problem.period.reversed")

	keyBool = NewKey2("import.problem.bool")

	keyIntFraction  = NewKey2("import.problem.int.fraction")
	keyIntNotNumber = NewKey2("import.problem.int.not_number")
	keyIntTooLarge  = NewKey2("import.problem.int.too_large")

	keyDoseName           = NewKey0("import.problem.dose.name")
	keyDoseBelowMDL       = NewKey2("import.problem.dose.below_mdl")
	keyDoseNegative       = NewKey2("import.problem.dose.negative")
	keyDoseBelowMicro     = NewKey2("import.problem.dose.below_micro")
	keyDoseInvalid        = NewKey2("import.problem.dose.invalid")
	keyDoseTooLarge       = NewKey2("import.problem.dose.too_large")
	keyDoseDecimals       = NewKey2("import.problem.dose.decimals")
	keyDoseDecimalsRounds = NewKey3("import.problem.dose.decimals_rounded")

	keyIDNumberLost   = NewKey1("import.problem.id_number.lost_digits")
	keyCreditCodeLost = NewKey1("import.problem.credit_code.lost_digits")

	keyListUnknown        = NewKey3("import.problem.list.unknown")
	keyListUnknownLicence = NewKey3("import.problem.list.unknown_licence")
	keyEnumDivision       = NewKey3("import.problem.enum.division")
	keyEnumUnknown        = NewKey3("import.problem.enum.unknown")
)

// fieldName is a field's label as an argument; a field without one (a bare
// ParseBool) is "the value" in English and nothing in Chinese.
func fieldName(zh, en string) Arg {
	if zh == "" && en == "" {
		return Clause(keyValueName.Msg())
	}
	return Label(zh, en)
}

// quoted is a value as written, cleaned, shortened and quoted, as an argument.
func quoted(raw string) Arg { return Text(quoteValue(raw)) }
