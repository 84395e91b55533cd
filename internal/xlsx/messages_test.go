package xlsx

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"radsup/internal/i18n"
)

// checkMessage checks that m and its clauses name declared keys of the
// catalogue, and that it renders in every language as a valid, complete
// text: no missing or extra argument, and English that is not the Chinese.
func checkMessage(t *testing.T, input string, m Message) {
	t.Helper()
	if m.Code == "" {
		checkKeys(t, input, m)
	}
	zh, en := m.Render("zh-CN"), m.Render("en")
	for _, text := range []string{zh, en} {
		// (A %! the value itself holds is no formatting error.)
		if text == "" || !utf8.ValidString(text) || strings.Count(text, "%!") > strings.Count(input, "%!") {
			t.Errorf("%q: message %+v renders as %q", input, m, text)
		}
	}
	if zh == en {
		t.Errorf("%q: message %+v reads the same in English: %q", input, m, en)
	}
}

// checkKeys checks that m's key and those of its clauses are declared
// with as many arguments as they have.
func checkKeys(t *testing.T, input string, m Message) {
	t.Helper()
	if !slices.Contains(MessageKeys(), MessageKey{m.Key, len(m.Args)}) {
		t.Errorf("%q: key %q with %d arguments is not declared", input, m.Key, len(m.Args))
	}
	for _, a := range m.Args {
		if a.Msg != nil {
			checkKeys(t, input, *a.Msg)
		}
	}
}

func TestMessageRender(t *testing.T) {
	m := keyDateInvalid.Msg(quoted("2025-02-29"), Clause(keyDateDaysInMonth.Msg(Int(2025), Label("2", "February"), Int(28))))
	if got := m.Render("zh-CN"); got != "日期“2025-02-29”无效：2025年2月只有28天，请核对日期。" {
		t.Errorf("zh-CN: %q", got)
	}
	if got := m.Render("en"); got != "The date “2025-02-29” is not valid: February 2025 has only 28 days; check the date." {
		t.Errorf("en: %q", got)
	}
	f := FieldMessage("id_number", "checksum")
	if got, want := f.Render("en"), i18n.FieldMessage("en", "id_number", "checksum"); got != want || got == f.Render("zh-CN") {
		t.Errorf("field message: %q, want %q", got, want)
	}
}

// TestMessageJSON: a message stored as JSON renders the same afterwards.
func TestMessageJSON(t *testing.T) {
	_, err := Canonical(testField(t, "dose", "hp10"), "0.1234")
	var ve *ValueError
	if !errors.As(err, &ve) {
		t.Fatalf("no value error: %v", err)
	}
	b, err := json.Marshal(ve.Message)
	if err != nil {
		t.Fatal(err)
	}
	var back Message
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages() {
		if got, want := back.Render(lang), ve.Message.Render(lang); got != want {
			t.Errorf("%s: after JSON %q, before %q (%s)", lang, got, want, b)
		}
	}
	if en := back.Render("en"); en != "Hp(10) (mSv) “0.1234” has more than 3 decimals: round it to 3 decimals (in mSv), as in 0.123." {
		t.Errorf("en: %q", en)
	}
}
