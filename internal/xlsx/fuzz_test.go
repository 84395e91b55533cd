package xlsx

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"radsup/internal/domain"
)

// The seed corpora are in testdata/fuzz/<FuzzName>/; the f.Add seeds below
// cover each form once more.

// checkValueError fails unless err is a *ValueError whose message renders
// in every language (checkMessage).
func checkValueError(t *testing.T, raw string, err error) {
	t.Helper()
	var ve *ValueError
	if !errors.As(err, &ve) {
		t.Fatalf("%q: error %v (%T) is not a *ValueError", raw, err, err)
	}
	checkMessage(t, raw, ve.Message)
	if t.Failed() {
		t.FailNow()
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-05-10", "2025/5/10", "2025.5.10", "2025年5月10日", "20250510",
		"2025-05-10 00:00:00", "45787", "45787.0", "60", "61", "2024-02-29", "2025-02-29", "2025-13-01", "２０２５－０５－１０"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		d, err := ParseDate(raw)
		if err != nil {
			checkValueError(t, raw, err)
			return
		}
		if cleanValue(raw) == "" {
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) = %v, want the zero date", raw, d)
			}
			return
		}
		if d.IsZero() {
			t.Fatalf("ParseDate(%q) gave the zero date and no error", raw)
		}
		s := d.String()
		if dd, err := domain.ParseDate(s); err != nil || !dd.Equal(d) {
			t.Fatalf("ParseDate(%q) = %s, which domain.ParseDate reads as %v, %v", raw, s, dd, err)
		}
		if again, err := ParseDate(s); err != nil || !again.Equal(d) {
			t.Fatalf("ParseDate(%q) = %s, but ParseDate(%q) = %v, %v", raw, s, s, again, err)
		}
	})
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2025-01-01~2025-03-31", "2025-01-01-2025-03-31", "2025年1月1日至3月31日",
		"2025年第1季度", "2025Q4", "2025年3月", "2025年1-3月", "2025-04-01~2025-03-31", "20250101-20250331"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		start, end, err := ParsePeriod(raw)
		if err != nil {
			checkValueError(t, raw, err)
			return
		}
		if cleanValue(raw) == "" {
			if !start.IsZero() || !end.IsZero() {
				t.Fatalf("ParsePeriod(%q) = %v, %v; want zero dates", raw, start, end)
			}
			return
		}
		if start.IsZero() || end.IsZero() || start.After(end) {
			t.Fatalf("ParsePeriod(%q) = %v, %v", raw, start, end)
		}
		canon := start.String() + "~" + end.String()
		s2, e2, err := ParsePeriod(canon)
		if err != nil || !s2.Equal(start) || !e2.Equal(end) {
			t.Fatalf("ParsePeriod(%q) = %s, but ParsePeriod(%q) = %v, %v, %v", raw, canon, canon, s2, e2, err)
		}
	})
}

// fuzzField is one field of one entity.
type fuzzField struct {
	entity string
	field  domain.Field
}

// allFields lists the fields of all entities, in a fixed order.
func allFields() []fuzzField {
	entities := make([]string, 0, len(domain.Fields))
	for e := range domain.Fields {
		entities = append(entities, e)
	}
	slices.Sort(entities)
	var out []fuzzField
	for _, e := range entities {
		for _, f := range domain.Fields[e] {
			out = append(out, fuzzField{e, f})
		}
	}
	return out
}

func FuzzCanonical(f *testing.F) {
	fields := allFields()
	index := func(entity, key string) int {
		for i, ff := range fields {
			if ff.entity == entity && ff.field.Key == key {
				return i
			}
		}
		f.Fatalf("no field %s.%s", entity, key)
		return 0
	}
	for _, s := range []struct{ entity, key, raw string }{
		{"institution", "name", " 郑州市中原区人民医院 "},
		{"institution", "credit_code", "91410102ma4412345m"},
		{"institution", "kind", "口腔门诊部/诊所"},
		{"institution", "beds", "1,200"},
		{"institution", "division_code", "410102.0"},
		{"institution", "street", "林山寨"},
		{"institution", "phone", "0371 67890123"},
		{"licence", "items", "X射线影像诊断（CT、DR）、PET/CT"},
		{"licence", "issued_on", "45787"},
		{"person", "id_number", "4.10102E+17"},
		{"employment", "occupation", "2A 诊断放射学"},
		{"exam", "conclusion", "不应（或不宜）从事放射工作"},
		{"dose", "hp10", "0.25 mSv"},
		{"dose", "hp10", "<MDL"},
		{"dose", "below_mdl", "✓"},
		{"equipment", "type", "PET/CT"},
		{"test", "result", "合格"},
	} {
		f.Add(index(s.entity, s.key), s.raw)
	}
	f.Fuzz(func(t *testing.T, i int, raw string) {
		ff := fields[((i%len(fields))+len(fields))%len(fields)]
		canon, err := Canonical(ff.field, raw)
		if err != nil {
			checkValueError(t, raw, err)
			return
		}
		name := ff.entity + "." + ff.field.Key
		if cleanValue(raw) == "" && canon != "" {
			t.Fatalf("%s %q = %q, want \"\"", name, raw, canon)
		}
		if code := domain.Assign(newTestRecord(ff.entity), ff.field, canon); code != "" {
			t.Fatalf("%s %q = %q, which domain.Assign refuses: %s", name, raw, canon, code)
		}
		if domain.Clean(canon) != canon {
			t.Fatalf("%s %q = %q, which domain.Clean still changes", name, raw, canon)
		}
		again, err := Canonical(ff.field, canon)
		if err != nil || again != canon {
			t.Fatalf("%s %q = %q, but Canonical(%q) = %q, %v", name, raw, canon, canon, again, err)
		}
	})
}

func FuzzParseIDNumberText(f *testing.F) {
	for _, s := range []string{"410102197901011003", "41010219790101700x", "４１０１０２１９７９０１０１７００ｘ",
		"'410102197901011003", "4.10102E+17", "410102197901011000", "410102197901011003.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		id, err := ParseIDNumberText(raw)
		if err != nil {
			checkValueError(t, raw, err)
			return
		}
		if strings.HasSuffix(id, "x") || strings.ContainsFunc(id, isBlankRune) || domain.NormalizeIDNumber(id) != id {
			t.Fatalf("ParseIDNumberText(%q) = %q, not normalised", raw, id)
		}
		if again, err := ParseIDNumberText(id); err != nil || again != id {
			t.Fatalf("ParseIDNumberText(%q) = %q, but ParseIDNumberText(%q) = %q, %v", raw, id, id, again, err)
		}
	})
}

// FuzzOpen reads arbitrary bytes as a workbook (.xlsx) or a CSV file,
// through every sheet and row: errors are fine, panics are not. Minimising
// a workbook input takes long: run it with a bound, as the README does
// (go test -run XXX -fuzz FuzzOpen -fuzztime 60s -fuzzminimizetime 10s ./internal/xlsx).
func FuzzOpen(f *testing.F) {
	var wb bytes.Buffer
	w := NewWriter(&wb)
	k := KindByName("doses")
	if err := w.Sheet(k, []string{"id_number", "credit_code", "period", "hp10"}); err != nil {
		f.Fatal(err)
	}
	w.Row([]string{"41010219850315123X", "12410102MB1234567X", "2025年第1季度", "0.12"})
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	good := wb.Bytes()
	f.Add(good, false)
	f.Add(good[:len(good)/2], false) // a truncated zip
	f.Add(append([]byte("PK\x03\x04"), good[4:200]...), false)
	f.Add([]byte("身份证号,统一社会信用代码,监测周期,Hp(10) (mSv)\n41010219850315123X,12410102MB1234567X,2025Q1,0.1\n"), true)
	f.Add([]byte("\xef\xbb\xbf标题\n\n姓名,身份证号\n\"张,伟\",4.10102E+17\n"), true)
	f.Add([]byte("\xd0\xd5\xc3\xfb,\xc9\xed\xb7\xdd\xd6\xa4\xba\xc5\n"), true) // GB18030
	f.Add([]byte("\"unterminated,\n\x00\x01"), true)
	f.Fuzz(func(t *testing.T, data []byte, csv bool) {
		name := "f.xlsx"
		if csv {
			name = "f.csv"
		}
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		book, err := Open(path, "")
		if err != nil {
			return
		}
		defer book.Close()
		for _, sh := range book.Sheets() {
			rows := 0
			err := sh.Each(func(r Row) error {
				rows++
				for key, c := range r.Cells {
					if key == "" || !utf8.ValidString(c.Value) {
						t.Fatalf("row %d: cell %q = %q", r.Num, key, c.Value)
					}
				}
				return nil
			})
			_ = err // a broken sheet may end in an error
			if rows > len(data) {
				t.Fatalf("%d rows from %d bytes", rows, len(data))
			}
		}
	})
}
