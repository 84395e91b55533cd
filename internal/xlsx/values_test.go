package xlsx

import (
	"errors"
	"reflect"
	"testing"

	"radsup/internal/domain"
)

// field returns the field of entity with key, failing the test if unknown.
func testField(t *testing.T, entity, key string) domain.Field {
	t.Helper()
	f, ok := domain.FieldByKey(entity, key)
	if !ok {
		t.Fatalf("no field %s.%s", entity, key)
	}
	return f
}

// newRecord returns a pointer to an empty record of entity, for domain.Assign.
func newTestRecord(entity string) any {
	switch entity {
	case "institution":
		return &domain.Institution{}
	case "licence":
		return &domain.Licence{}
	case "person":
		return &domain.Person{}
	case "employment":
		return &domain.Employment{}
	case "training":
		return &domain.Training{}
	case "exam":
		return &domain.Exam{}
	case "dose":
		return &domain.DoseRecord{}
	case "equipment":
		return &domain.Equipment{}
	case "test":
		return &domain.EquipmentTest{}
	}
	return nil
}

// wantValueError checks that err is a *ValueError whose message reads
// exactly msg in Chinese, or, if msg is "", any *ValueError; and that its
// message renders in every language (checkMessage).
func wantValueError(t *testing.T, input string, err error, msg string) {
	t.Helper()
	var ve *ValueError
	if !errors.As(err, &ve) {
		t.Errorf("%q: error %v (%T), want a *ValueError", input, err, err)
		return
	}
	if got := ve.Message.Render("zh-CN"); msg != "" && got != msg {
		t.Errorf("%q: message\n  %s\nwant\n  %s", input, got, msg)
	}
	if ve.Error() != ve.Message.Render("zh-CN") {
		t.Errorf("%q: Error() %q differs from the Chinese message", input, ve.Error())
	}
	checkMessage(t, input, ve.Message)
}

// canonicalCase is one Canonical input of a field and its expected output
// ("" with msg set: an error with exactly msg; "!" : any *ValueError).
type canonicalCase struct {
	entity, key, in, want, msg string
}

func checkCanonical(t *testing.T, cases []canonicalCase) {
	t.Helper()
	for _, c := range cases {
		f := testField(t, c.entity, c.key)
		got, err := Canonical(f, c.in)
		if c.want == "!" || c.msg != "" {
			if err == nil {
				t.Errorf("%s.%s %q = %q, want an error", c.entity, c.key, c.in, got)
				continue
			}
			wantValueError(t, c.in, err, c.msg)
			continue
		}
		if err != nil {
			t.Errorf("%s.%s %q: %v", c.entity, c.key, c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s.%s %q = %q, want %q", c.entity, c.key, c.in, got, c.want)
			continue
		}
		// What Canonical gives is what domain.Assign takes, and is canonical.
		if code := domain.Assign(newTestRecord(c.entity), f, got); code != "" {
			t.Errorf("%s.%s %q: domain.Assign(%q) = %s", c.entity, c.key, c.in, got, code)
		}
		if again, err := Canonical(f, got); err != nil || again != got {
			t.Errorf("%s.%s %q: Canonical(%q) = %q, %v; not idempotent", c.entity, c.key, c.in, got, again, err)
		}
	}
}

func TestCanonicalEmpty(t *testing.T) {
	for entity, fs := range domain.Fields {
		for _, f := range fs {
			for _, in := range []string{"", " ", "\u3000", "\u00a0\t"} {
				if got, err := Canonical(f, in); got != "" || err != nil {
					t.Errorf("%s.%s %q = %q, %v; want \"\", nil", entity, f.Key, in, got, err)
				}
			}
		}
	}
}

// TestCanonicalMatchesClean checks that Canonical leaves nothing for
// domain.Assign's own cleaning to change in text fields.
func TestCanonicalMatchesClean(t *testing.T) {
	f := testField(t, "institution", "address")
	for _, in := range []string{" a ", "\u200b中原区\u200b", "（１）", "a\u3000b"} {
		got, err := Canonical(f, in)
		if err != nil {
			t.Fatal(err)
		}
		if domain.Clean(got) != got {
			t.Errorf("Canonical(%q) = %q, which domain.Clean changes", in, got)
		}
		rec := &domain.Institution{}
		domain.Assign(rec, f, got)
		if !reflect.DeepEqual(rec.Address, got) {
			t.Errorf("Assign(%q) stored %q", got, rec.Address)
		}
	}
}
