package xlsx

import (
	"errors"
	"reflect"
	"slices"
	"strings"
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

// wantValueError checks that err is a *ValueError with exactly msg, or, if
// msg is "", any *ValueError.
func wantValueError(t *testing.T, input string, err error, msg string) {
	t.Helper()
	var ve *ValueError
	if !errors.As(err, &ve) {
		t.Errorf("%q: error %v (%T), want a *ValueError", input, err, err)
		return
	}
	if msg != "" && ve.Message != msg {
		t.Errorf("%q: message\n  %s\nwant\n  %s", input, ve.Message, msg)
	}
	if ve.Error() != ve.Message {
		t.Errorf("%q: Error() %q differs from Message", input, ve.Error())
	}
}

func TestParseDate(t *testing.T) {
	ok := []struct{ in, want string }{
		{"2025-05-10", "2025-05-10"},
		{"2025-5-10", "2025-05-10"},
		{"2025/5/10", "2025-05-10"},
		{"2025/05/10", "2025-05-10"},
		{"2025.5.10", "2025-05-10"},
		{"2025年5月10日", "2025-05-10"},
		{"2025年05月10日", "2025-05-10"},
		{"2025年5月10号", "2025-05-10"},
		{"2025年5月10", "2025-05-10"},
		{"2025 年 5 月 10 日", "2025-05-10"},
		{"20250510", "2025-05-10"},
		{"20250510.0", "2025-05-10"},
		{"2025-05-10 00:00:00", "2025-05-10"},
		{"2025/5/10 0:00", "2025-05-10"},
		{"2025-05-10 14:30:05.123", "2025-05-10"},
		{"2025-05-10T08:30:00Z", "2025-05-10"},
		{"2025-05-10T08:30:00+08:00", "2025-05-10"},
		{"2025年5月10日 00:00", "2025-05-10"},
		{"２０２５－０５－１０", "2025-05-10"},               // full-width digits and hyphen
		{"２０２５年５月１０日", "2025-05-10"},               // full-width digits
		{"\u3000 2025-05-10 \u00a0", "2025-05-10"}, // ideographic space, NBSP
		{"\u200b2025-05-10\ufeff", "2025-05-10"},   // zero-width space, BOM
		{"2024-02-29", "2024-02-29"},               // leap year
		{"2000-02-29", "2000-02-29"},               // divisible by 400
		{"1800-01-01", "1800-01-01"},
		{"9999-12-31", "9999-12-31"},
		// Excel serials (1900 date system).
		{"45787", "2025-05-10"},
		{"45787.0", "2025-05-10"},
		{"45787.75", "2025-05-10"}, // 18:00 that day
		{"45658", "2025-01-01"},
		{"1", "1900-01-01"},
		{"59", "1900-02-28"},
		{"61", "1900-03-01"},
		{"2958465", "9999-12-31"},
		{"", ""},
		{"  ", ""},
	}
	for _, c := range ok {
		d, err := ParseDate(c.in)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", c.in, err)
			continue
		}
		if d.String() != c.want {
			t.Errorf("ParseDate(%q) = %q, want %q", c.in, d.String(), c.want)
		}
	}

	bad := []struct{ in, msg string }{
		{"2025-13-01", "日期“2025-13-01”无效：月份应为1至12；请写成 2025-05-10 的形式。"},
		{"2025-00-10", "日期“2025-00-10”无效：月份应为1至12；请写成 2025-05-10 的形式。"},
		{"2025-02-29", "日期“2025-02-29”无效：2025年2月只有28天，请核对日期。"},
		{"1900-02-29", "日期“1900-02-29”无效：1900年2月只有28天，请核对日期。"},
		{"2025-04-31", "日期“2025-04-31”无效：2025年4月只有30天，请核对日期。"},
		{"2025年2月30日", "日期“2025年2月30日”无效：2025年2月只有28天，请核对日期。"},
		{"20250230", "日期“20250230”无效：2025年2月只有28天，请核对日期。"},
		{"20251301", "日期“20251301”无效：月份应为1至12；请写成 2025-05-10 的形式。"},
		{"1799-12-31", "日期“1799-12-31”无效：年份应在1800至9999之间，请写完整的四位年份，如 2025-05-10。"},
		{"60", "日期“60”无效：Excel日期序号60对应的1900年2月29日并不存在（Excel沿用的历史错误），请直接写出日期，如 2025-05-10。"},
		{"2025", "日期“2025”无效：只写了年份，请写出完整的日期，如 2025-05-10。"},
		{"202505", "日期“202505”只有年和月：请写出完整的日期，如 2025-05-10。"},
		{"2025.5", "日期“2025.5”无效：只写了年和月，请写出完整的日期，如 2025-05-10。"},
		{"0", "日期“0”无法识别：" + dateHint + "。"},
		{"2958466", "日期“2958466”无法识别：" + dateHint + "。"},
		{"-45787", ""},
		{"2025-5/10", ""}, // mixed separators
		{"5/10/2025", ""}, // month/day order is ambiguous
		{"25-5-10", ""},   // two-digit year
		{"2025-05-10 25:00", ""},
		{"2025-05", ""},
		{"abc", "日期“abc”无法识别：请写成 2025-05-10 的形式（也可以写 2025/5/10、2025年5月10日 或 20250510）。"},
		{"明天", ""},
	}
	for _, c := range bad {
		d, err := ParseDate(c.in)
		if err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", c.in, d)
			continue
		}
		wantValueError(t, c.in, err, c.msg)
	}
}

func TestParsePeriod(t *testing.T) {
	ok := []struct{ in, start, end string }{
		{"2025-01-01~2025-03-31", "2025-01-01", "2025-03-31"},
		{"2025-01-01～2025-03-31", "2025-01-01", "2025-03-31"}, // full-width tilde
		{"2025-01-01〜2025-03-31", "2025-01-01", "2025-03-31"}, // wave dash
		{"2025-01-01 ~ 2025-03-31", "2025-01-01", "2025-03-31"},
		{"2025-01-01至2025-03-31", "2025-01-01", "2025-03-31"},
		{"2025-01-01到2025-03-31", "2025-01-01", "2025-03-31"},
		{"2025-01-01 - 2025-03-31", "2025-01-01", "2025-03-31"},
		{"2025-01-01-2025-03-31", "2025-01-01", "2025-03-31"},
		{"2025-1-1-2025-3-31", "2025-01-01", "2025-03-31"},
		{"2025-01-01—2025-03-31", "2025-01-01", "2025-03-31"},
		{"2025-01-01－2025-03-31", "2025-01-01", "2025-03-31"}, // full-width hyphen
		{"2025/1/1-2025/3/31", "2025-01-01", "2025-03-31"},
		{"2025.01.01-2025.03.31", "2025-01-01", "2025-03-31"},
		{"20250101-20250331", "2025-01-01", "2025-03-31"},
		{"20250101~20250331", "2025-01-01", "2025-03-31"},
		{"2025年1月1日至2025年3月31日", "2025-01-01", "2025-03-31"},
		{"2025年1月1日-2025年3月31日", "2025-01-01", "2025-03-31"},
		{"2025年1月1日至3月31日", "2025-01-01", "2025-03-31"},
		{"2025-01-01~03-31", "2025-01-01", "2025-03-31"},
		{"2025年3月1日至31日", "2025-03-01", "2025-03-31"},
		{"2025-01-01-03-31", "2025-01-01", "2025-03-31"},
		{"2024-11-01~1月31日", "2024-11-01", "2025-01-31"}, // a year-less end after the start
		{"2025-01-01 00:00:00~2025-03-31 00:00:00", "2025-01-01", "2025-03-31"},
		{"２０２５－０１－０１～２０２５－０３－３１", "2025-01-01", "2025-03-31"},
		{"2025-01-01~2025-01-01", "2025-01-01", "2025-01-01"},
		// Quarters.
		{"2025年第1季度", "2025-01-01", "2025-03-31"},
		{"2025年第2季度", "2025-04-01", "2025-06-30"},
		{"2025年第3季度", "2025-07-01", "2025-09-30"},
		{"2025年第4季度", "2025-10-01", "2025-12-31"},
		{"2025年1季度", "2025-01-01", "2025-03-31"},
		{"2025年第一季度", "2025-01-01", "2025-03-31"},
		{"2025年四季度", "2025-10-01", "2025-12-31"},
		{"2025第2季", "2025-04-01", "2025-06-30"},
		{"2025年度第3季度", "2025-07-01", "2025-09-30"},
		{"2025Q1", "2025-01-01", "2025-03-31"},
		{"2025q1", "2025-01-01", "2025-03-31"},
		{"2025 Q1", "2025-01-01", "2025-03-31"},
		{"2025-Q4", "2025-10-01", "2025-12-31"},
		{"2025年Q2", "2025-04-01", "2025-06-30"},
		{"Q3 2025", "2025-07-01", "2025-09-30"},
		{"２０２５Ｑ１", "2025-01-01", "2025-03-31"},
		// Months.
		{"2025年3月", "2025-03-01", "2025-03-31"},
		{"2025年3月份", "2025-03-01", "2025-03-31"},
		{"2025年03月", "2025-03-01", "2025-03-31"},
		{"2025-03", "2025-03-01", "2025-03-31"},
		{"2025/3", "2025-03-01", "2025-03-31"},
		{"202503", "2025-03-01", "2025-03-31"},
		{"2024年2月", "2024-02-01", "2024-02-29"}, // leap year
		{"2025年2月", "2025-02-01", "2025-02-28"},
		{"2025年4月", "2025-04-01", "2025-04-30"},
		// Ranges of months.
		{"2025年1-3月", "2025-01-01", "2025-03-31"},
		{"2025年1月至3月", "2025-01-01", "2025-03-31"},
		{"2025年1～3月", "2025-01-01", "2025-03-31"},
		{"2025-01~2025-03", "2025-01-01", "2025-03-31"},
		{"2025-01-2025-03", "2025-01-01", "2025-03-31"},
		{"2025年1月-2025年3月", "2025-01-01", "2025-03-31"},
		{"", "", ""},
	}
	for _, c := range ok {
		s, e, err := ParsePeriod(c.in)
		if err != nil {
			t.Errorf("ParsePeriod(%q): %v", c.in, err)
			continue
		}
		if s.String() != c.start || e.String() != c.end {
			t.Errorf("ParsePeriod(%q) = %s, %s; want %s, %s", c.in, s, e, c.start, c.end)
		}
	}

	bad := []struct{ in, msg string }{
		{"2025-04-01~2025-03-31", "监测周期“2025-04-01~2025-03-31”的起始日期晚于结束日期：请把较早的日期写在前面，如 2025-01-01~2025-03-31。"},
		{"2025-04-01-2025-03-31", "监测周期“2025-04-01-2025-03-31”的起始日期晚于结束日期：请把较早的日期写在前面，如 2025-01-01~2025-03-31。"},
		{"2025年4-3月", "监测周期“2025年4-3月”的起始日期晚于结束日期：请把较早的日期写在前面，如 2025-01-01~2025-03-31。"},
		{"2025Q5", "监测周期“2025Q5”无效：季度应为1至4。"},
		{"2025年第5季度", "监测周期“2025年第5季度”无效：季度应为1至4。"},
		{"2025年第0季度", "监测周期“2025年第0季度”无效：季度应为1至4。"},
		{"2025年13月", "监测周期“2025年13月”无效：月份应为1至12。"},
		{"2025-02-30~2025-03-31", "监测周期“2025-02-30~2025-03-31”中的日期无效：2025年2月只有28天，请核对日期。"},
		{"2025-01-01-2025-02-29", "监测周期“2025-01-01-2025-02-29”中的日期无效：2025年2月只有28天，请核对日期。"},
		{"2025-03-31", "监测周期“2025-03-31”只有一个日期：请写出起止日期，如 2025-01-01~2025-03-31，或写成 2025年第1季度。"},
		{"2025-01-01~", "监测周期“2025-01-01~”只有一个日期：请写出起止日期，如 2025-01-01~2025-03-31，或写成 2025年第1季度。"},
		{"第一季度", "监测周期“第一季度”无法识别：请写成 2025-01-01~2025-03-31（起始日期~结束日期），或 2025年第1季度、2025Q1、2025年3月。"},
		{"45658~45747", ""}, // serials only come alone, not in a text range
		{"2025-01-02-03", ""},
		{"2025年2月1日至30日", "监测周期“2025年2月1日至30日”中的日期无效：2025年2月只有28天，请核对日期。"},
		{"2025年3月15日至14日", ""},
		{"abc", ""},
	}
	for _, c := range bad {
		s, e, err := ParsePeriod(c.in)
		if err == nil {
			t.Errorf("ParsePeriod(%q) = %s, %s; want an error", c.in, s, e)
			continue
		}
		wantValueError(t, c.in, err, c.msg)
	}
}

func TestParseBool(t *testing.T) {
	for _, in := range []string{"是", "Y", "y", "yes", "YES", "Yes", "true", "TRUE", "1", "1.0", "✓", "✔", "√", "有", " 是 ", "１", "ｙｅｓ"} {
		if b, err := ParseBool(in); err != nil || !b {
			t.Errorf("ParseBool(%q) = %v, %v; want true", in, b, err)
		}
	}
	for _, in := range []string{"否", "N", "n", "no", "NO", "false", "FALSE", "0", "✗", "✘", "×", "无", "", "  "} {
		if b, err := ParseBool(in); err != nil || b {
			t.Errorf("ParseBool(%q) = %v, %v; want false", in, b, err)
		}
	}
	for _, in := range []string{"也许", "2", "是的吧", "x"} {
		_, err := ParseBool(in)
		wantValueError(t, in, err, "")
	}
	_, err := ParseBool("也许")
	wantValueError(t, "也许", err, "“也许”无法识别为是或否：请填写“是”或“否”。")
	_, err = Canonical(testField(t, "dose", "below_mdl"), "也许")
	wantValueError(t, "也许", err, "低于探测下限“也许”无法识别为是或否：请填写“是”或“否”。")
}

func TestSplitItems(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"a、b，c,d;e；f/中\nh\r\ni", []string{"a", "b", "c", "d", "e", "f", "中", "h", "i"}},
		{"CT/DR", []string{"CT/DR"}}, // resolved part by part if need be
		{" CT , DR ", []string{"CT", "DR"}},
		{"CT、、 、DR", []string{"CT", "DR"}},
		{"PET/CT、SPECT", []string{"PET/CT", "SPECT"}},
		{"X射线影像诊断/介入放射学", []string{"X射线影像诊断", "介入放射学"}},
		{"放射治疗（加速器、后装）、CT", []string{"放射治疗(加速器、后装)", "CT"}},
		{"ＣＴ，ＤＲ", []string{"CT", "DR"}},
		{"\u3000CT\u3000", []string{"CT"}},
		{"", nil},
		{"、;，", nil},
	}
	for _, c := range cases {
		if got := SplitItems(c.in); !slices.Equal(got, c.want) {
			t.Errorf("SplitItems(%q) = %q, want %q", c.in, got, c.want)
		}
	}
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

func TestCanonicalDatesAndNumbers(t *testing.T) {
	checkCanonical(t, []canonicalCase{
		{"licence", "issued_on", "2025/5/10", "2025-05-10", ""},
		{"licence", "issued_on", "45787", "2025-05-10", ""},
		{"licence", "valid_until", "2025年5月10日 00:00:00", "2025-05-10", ""},
		{"training", "taken_on", "2025-02-29", "", "日期“2025-02-29”无效：2025年2月只有28天，请核对日期。"},

		{"institution", "beds", "12", "12", ""},
		{"institution", "beds", "12.0", "12", ""},
		{"institution", "beds", "12.", "12", ""},
		{"institution", "beds", "１２", "12", ""},
		{"institution", "beds", "1,200", "1200", ""},
		{"institution", "beds", "120张", "120", ""},
		{"institution", "beds", "007", "7", ""},
		{"institution", "beds", "0", "0", ""},
		{"institution", "beds", "+5", "5", ""},
		{"institution", "beds", "-3", "-3", ""}, // validation says it must not be negative
		{"training", "days", "3天", "3", ""},
		{"institution", "beds", "12.5", "", "床位数“12.5”不是整数：请填写整数，如 12。"},
		{"institution", "beds", "十二", "", "床位数“十二”不是数字：请填写整数，如 12。"},
		{"institution", "beds", "1,20", "!", ""},
		{"institution", "beds", "99999999999", "", "床位数“99999999999”数值过大：请核对后填写。"},
		{"employment", "institution_id", "42", "42", ""},
		{"employment", "institution_id", "42.0", "42", ""},
	})
}

func TestCanonicalDoses(t *testing.T) {
	const mdl = "不是数值：低于探测下限的结果，请在本列填写记录值（通常为探测下限的一半，如探测下限为0.020 mSv时填0.010），并在“低于探测下限”列填“是”。"
	checkCanonical(t, []canonicalCase{
		{"dose", "hp10", "0.25", "0.250", ""},
		{"dose", "hp10", "0.250", "0.250", ""},
		{"dose", "hp10", "0.2500", "0.250", ""},
		{"dose", "hp10", ".25", "0.250", ""},
		{"dose", "hp10", "0.25mSv", "0.250", ""},
		{"dose", "hp10", "0.25 mSv", "0.250", ""},
		{"dose", "hp10", "0.25 MSV", "0.250", ""},
		{"dose", "hp10", "0.25毫希", "0.250", ""},
		{"dose", "hp10", "０．２５", "0.250", ""},
		{"dose", "hp10", "０．２５ｍＳｖ", "0.250", ""},
		{"dose", "hp10", "250μSv", "0.250", ""},
		{"dose", "hp10", "250 µSv", "0.250", ""},
		{"dose", "hp10", "5", "5.000", ""},
		{"dose", "hp10", "5.", "5.000", ""},
		{"dose", "hp10", "0", "0.000", ""},
		{"dose", "hp10", "0.005", "0.005", ""},
		{"dose", "hp10", "0.30000000000000004", "0.300", ""}, // float noise
		{"dose", "hp10", "0.29999999999999998", "0.300", ""},
		{"dose", "hp10", "1E-3", "0.001", ""},
		{"dose", "hp10", "1.25E+00", "1.250", ""},
		{"dose", "hp007", "1000000", "1000000.000", ""},
		{"dose", "hp3", "0.1", "0.100", ""},
		{"dose", "hp10", "<MDL", "", "Hp(10) (mSv)“<MDL”" + mdl},
		{"dose", "hp10", "＜MDL", "", "Hp(10) (mSv)“<MDL”" + mdl},
		{"dose", "hp10", "MDL", "", "Hp(10) (mSv)“MDL”" + mdl},
		{"dose", "hp10", "低于探测下限", "", "Hp(10) (mSv)“低于探测下限”" + mdl},
		{"dose", "hp10", "<0.02", "", "Hp(10) (mSv)“<0.02”" + mdl},
		{"dose", "hp10", "ND", "", "Hp(10) (mSv)“ND”" + mdl},
		{"dose", "hp10", "未检出", "", "Hp(10) (mSv)“未检出”" + mdl},
		{"dose", "hp10", "<LLD", "", "Hp(10) (mSv)“<LLD”" + mdl},
		{"dose", "hp10", "-0.1", "", "Hp(10) (mSv)“-0.1”不能为负数：请填写不小于0的数值（单位mSv），如 0.250。"},
		{"dose", "hp10", "0.1234", "", "Hp(10) (mSv)“0.1234”的小数超过3位：请四舍五入到3位小数（单位mSv）后填写，如 0.123。"},
		{"dose", "hp10", "12.5μSv", "", "Hp(10) (mSv)“12.5μSv”小于1 μSv的部分无法记录：请换算成mSv并保留3位小数填写，如 0.012。"},
		{"dose", "hp10", "abc", "", "Hp(10) (mSv)“abc”不是有效的剂量：请填写以mSv为单位、不小于0、最多3位小数的数值，如 0.250。"},
		{"dose", "hp10", "0.25mGy", "!", ""},
		{"dose", "hp10", "1.2.3", "!", ""},
		{"dose", "hp10", ".", "!", ""},
		{"dose", "hp10", "2000000", "", "Hp(10) (mSv)“2000000”过大：请确认单位为mSv。"},
		{"dose", "hp10", "1E+20", "!", ""},
	})
}

func TestCanonicalBools(t *testing.T) {
	checkCanonical(t, []canonicalCase{
		{"dose", "below_mdl", "是", "true", ""},
		{"dose", "below_mdl", "否", "false", ""},
		{"dose", "lost", "Y", "true", ""},
		{"dose", "lost", "n", "false", ""},
		{"dose", "lost", "TRUE", "true", ""},
		{"dose", "lost", "✓", "true", ""},
		{"dose", "lost", "×", "false", ""},
		{"equipment", "interventional", "有", "true", ""},
		{"equipment", "interventional", "无", "false", ""},
		{"equipment", "interventional", "1", "true", ""},
		{"equipment", "interventional", "0", "false", ""},
		{"equipment", "interventional", "true", "true", ""},
		{"equipment", "interventional", "不知道", "", "用于介入“不知道”无法识别为是或否：请填写“是”或“否”。"},
	})
}

func TestCanonicalLicenceItems(t *testing.T) {
	checkCanonical(t, []canonicalCase{
		{"licence", "items", "CT", "ct", ""},
		{"licence", "items", "ct", "ct", ""},
		{"licence", "items", "X射线影像诊断", "xray_imaging", ""}, // a whole category
		{"licence", "items", "核医学", "nuclear_medicine", ""},
		{"licence", "items", "放射治疗、核医学、介入放射学、X射线影像诊断", "radiotherapy,nuclear_medicine,interventional,xray_imaging", ""},
		{"licence", "items", "普通X射线诊断，CT；牙科X射线", "general_xray,ct,dental_xray", ""},
		{"licence", "items", "普通X射线诊断\nCT\n乳腺X射线\n骨密度", "general_xray,ct,mammography,bone_density", ""},
		{"licence", "items", "PET/CT、SPECT", "pet,spect", ""},
		{"licence", "items", "PET、SPECT、核医学治疗、放射性粒子植入", "pet,spect,nm_therapy,seed_implant", ""},
		{"licence", "items", "CT、DR", "ct,general_xray", ""},
		{"licence", "items", "CT/DR", "ct,general_xray", ""},
		{"licence", "items", "放射治疗（加速器、后装）", "radiotherapy", ""},
		{"licence", "items", "X射线影像诊断（CT、DR）", "ct,general_xray", ""}, // the bracket names the items
		{"licence", "items", "介入放射学（DSA）", "interventional", ""},
		{"licence", "items", "核医学（含显像等）", "nuclear_medicine", ""}, // the bracket only describes
		{"licence", "items", "放射治疗（质子/重离子）", "radiotherapy", ""},
		{"licence", "items", "质子/重离子", "radiotherapy", ""},
		{"licence", "items", "核医学：PET、SPECT", "pet,spect", ""},
		{"licence", "items", "X射线影像诊断/介入放射学", "xray_imaging,interventional", ""},
		{"licence", "items", "X射线影像诊断：CT、乳腺X射线", "ct,mammography", ""},
		{"licence", "items", "DSA", "interventional", ""},
		{"licence", "items", "ct, CT ,ＣＴ", "ct", ""},
		{"licence", "items", "pet,ct", "pet,ct", ""},
		{"licence", "items", "Dental X-ray; Mammography", "dental_xray,mammography", ""},
		{"licence", "items", "、；", "", ""},
		{"licence", "items", "X射线影像诊断（CT、MRI）", "", "许可项目中的“MRI”无法识别：每一项应为 放射治疗、核医学、PET、SPECT、核医学治疗、放射性粒子植入、介入放射学、X射线影像诊断、普通X射线诊断、CT、牙科X射线、乳腺X射线 等13项 之一（也可以写类别名称，如“X射线影像诊断”表示该类别的全部项目），多项之间用顿号“、”分隔。"},
		{"licence", "items", "CT/MRI", "!", ""},
		{"licence", "items", "CT、MRI、超声", "", "许可项目中的“MRI”“超声”无法识别：每一项应为 放射治疗、核医学、PET、SPECT、核医学治疗、放射性粒子植入、介入放射学、X射线影像诊断、普通X射线诊断、CT、牙科X射线、乳腺X射线 等13项 之一（也可以写类别名称，如“X射线影像诊断”表示该类别的全部项目），多项之间用顿号“、”分隔。"},
	})
}

func TestCanonicalEnums(t *testing.T) {
	checkCanonical(t, []canonicalCase{
		{"institution", "kind", "综合医院", "general_hospital", ""},
		{"institution", "kind", "GENERAL_HOSPITAL", "general_hospital", ""},
		{"institution", "kind", "Clinic", "clinic", ""},
		{"institution", "kind", "中医院", "tcm_hospital", ""},
		{"institution", "kind", "口腔门诊部/诊所", "dental_clinic", ""},
		{"institution", "kind", "口腔门诊部／诊所", "dental_clinic", ""},
		{"institution", "kind", "口腔诊所", "dental_clinic", ""},
		{"institution", "kind", "诊所", "clinic", ""},
		{"institution", "kind", "社区卫生服务中心", "community_centre", ""},
		{"institution", "kind", "卫生院", "township_centre", ""},
		{"institution", "kind", "其它", "other", ""},
		{"institution", "kind", "医院", "", "机构类别“医院”无法识别：应填写 综合医院、中医医院、专科医院、妇幼保健院、社区卫生服务中心、乡镇卫生院、门诊部、诊所、口腔医院、口腔门诊部/诊所、体检中心、其他 之一。"},

		{"institution", "grade", "三级甲等", "3A", ""},
		{"institution", "grade", "三甲", "3A", ""},
		{"institution", "grade", "3a", "3A", ""},
		{"institution", "grade", "二乙", "2B", ""},
		{"institution", "grade", "一级", "1", ""},
		{"institution", "grade", "一级甲等", "1", ""},
		{"institution", "grade", "未定级", "none", ""},
		{"institution", "grade", "未评级", "none", ""},
		{"institution", "grade", "三级", "", "医院等级“三级”无法识别：应填写 三级甲等、三级乙等、二级甲等、二级乙等、一级、未定级 之一。"},

		{"institution", "ownership", "公立", "public", ""},
		{"institution", "ownership", "民营", "private", ""},
		{"institution", "ownership", "私立", "private", ""},
		{"institution", "ownership", "Public", "public", ""},

		{"institution", "status", "开业", "open", ""},
		{"institution", "status", "停业", "suspended", ""},
		{"institution", "status", "注销", "closed", ""},
		{"institution", "status", "已注销", "closed", ""},
		{"institution", "status", "营业", "open", ""},

		{"institution", "division_code", "410102", "410102", ""},
		{"institution", "division_code", "410102.0", "410102", ""},
		{"institution", "division_code", "４１０１０２", "410102", ""},
		{"institution", "division_code", "中原区", "410102", ""},
		{"institution", "division_code", "郑州市中原区", "410102", ""},
		{"institution", "division_code", "410102 中原区", "410102", ""},
		{"institution", "division_code", "中原区（410102）", "410102", ""},
		{"institution", "division_code", "管城区", "410104", ""},
		{"institution", "division_code", "410181", "410181", ""},       // a code radsup has no name for
		{"institution", "division_code", "410102000000", "410102", ""}, // 12-digit statistical code
		{"institution", "division_code", "中原", "", "行政区划代码“中原”无效：应为6位数字的行政区划代码（如 410102），或区县名称（410102 中原区、410103 二七区、410104 管城回族区、410105 金水区、410106 上街区、410108 惠济区）。"},
		{"institution", "division_code", "41010", "!", ""},

		{"institution", "street", "林山寨街道", "410102001", ""},
		{"institution", "street", "林山寨", "410102001", ""},
		{"institution", "street", "建设路街道办事处", "410102002", ""},
		{"institution", "street", "410102013", "410102013", ""},
		{"institution", "street", "某某街道", "某某街道", ""}, // the record's validation checks it against the division

		{"employment", "occupation", "2A", "2A", ""},
		{"employment", "occupation", "2a", "2A", ""},
		{"employment", "occupation", "2A 诊断放射学", "2A", ""},
		{"employment", "occupation", "2A诊断放射学", "2A", ""},
		{"employment", "occupation", "2A-诊断放射学", "2A", ""},
		{"employment", "occupation", "诊断放射学（2A）", "2A", ""},
		{"employment", "occupation", "２Ｅ", "2E", ""},
		{"employment", "occupation", "介入放射学", "2E", ""},
		{"employment", "occupation", "2B 牙科放射学", "2B", ""},
		{"employment", "occupation", "核医学", "2C", ""},
		{"employment", "occupation", "放射治疗", "2D", ""},
		{"employment", "occupation", "其它", "2F", ""},
		{"employment", "occupation", "Interventional radiology", "2E", ""},
		{"employment", "occupation", "2G", "", "职业类别“2G”无法识别：应填写 2A 诊断放射学、2B 牙科放射学、2C 核医学、2D 放射治疗、2E 介入放射学、2F 其他 之一。"},

		{"person", "gender", "男", "M", ""},
		{"person", "gender", "女", "F", ""},
		{"person", "gender", "女性", "F", ""},
		{"person", "gender", "male", "M", ""},
		{"person", "gender", "f", "F", ""},
		{"person", "gender", "未知", "", "性别“未知”无法识别：应填写 男、女 之一。"},

		{"training", "kind", "上岗前", "prejob", ""},
		{"training", "kind", "在岗", "periodic", ""},
		{"training", "kind", "岗前培训", "prejob", ""},
		{"training", "kind", "复训", "periodic", ""},
		{"training", "passed", "合格", "pass", ""},
		{"training", "passed", "不合格", "fail", ""},
		{"training", "passed", "通过", "pass", ""},

		{"exam", "kind", "上岗前", "prejob", ""},
		{"exam", "kind", "在岗期间", "periodic", ""},
		{"exam", "kind", "在岗", "periodic", ""},
		{"exam", "kind", "离岗时", "leaving", ""},
		{"exam", "kind", "离岗", "leaving", ""},
		{"exam", "kind", "应急照射或事故照射", "emergency", ""},
		{"exam", "kind", "复查", "recheck", ""},
		{"exam", "kind", "复检", "recheck", ""},
		{"exam", "conclusion", "可从事放射工作", "fit", ""},
		{"exam", "conclusion", "在一定限制条件下可从事放射工作", "restricted", ""},
		{"exam", "conclusion", "不应（或不宜）从事放射工作", "unfit", ""}, // the label itself; domain.Enum.Lookup misses it
		{"exam", "conclusion", "不应(或不宜)从事放射工作", "unfit", ""},
		{"exam", "conclusion", "不宜从事放射工作", "unfit", ""},
		{"exam", "conclusion", "可继续原放射工作", "continue", ""},
		{"exam", "conclusion", "暂时脱离放射工作", "suspend", ""},
		{"exam", "conclusion", "不宜再做放射工作而调整做其他非放射工作", "reassign", ""},
		{"exam", "conclusion", "需要复查或医学观察", "observe", ""},
		{"exam", "conclusion", "正常", "!", ""},

		{"equipment", "type", "DR", "dr", ""},
		{"equipment", "type", "dr", "dr", ""},
		{"equipment", "type", "CT", "ct", ""},
		{"equipment", "type", "CT (X射线计算机体层摄影装置)", "ct", ""},
		{"equipment", "type", "CT（X射线计算机体层摄影装置）", "ct", ""},
		{"equipment", "type", "X射线计算机体层摄影装置", "ct", ""},
		{"equipment", "type", "DSA", "dsa", ""},
		{"equipment", "type", "PET-CT", "pet_ct", ""},
		{"equipment", "type", "PET/CT", "pet_ct", ""},
		{"equipment", "type", "pet ct", "pet_ct", ""},
		{"equipment", "type", "PET-MR", "pet_ct", ""},
		{"equipment", "type", "SPECT", "spect", ""},
		{"equipment", "type", "SPECT/CT", "spect", ""},
		{"equipment", "type", "口腔CBCT", "dental_cbct", ""},
		{"equipment", "type", "CBCT", "dental_cbct", ""},
		{"equipment", "type", "C形臂X射线机", "c_arm", ""},
		{"equipment", "type", "C臂", "c_arm", ""},
		{"equipment", "type", "牙片机", "dental_intraoral", ""},
		{"equipment", "type", "医用电子直线加速器", "linac", ""},
		{"equipment", "type", "直线加速器", "linac", ""},
		{"equipment", "type", "伽马刀", "gamma_knife", ""},
		{"equipment", "type", "乳腺钼靶", "mammography", ""},
		{"equipment", "type", "胃肠机", "fluoroscopy", ""},
		{"equipment", "type", "普通X射线摄影机（立式）", "radiography", ""},
		{"equipment", "type", "mobile_xray", "mobile_xray", ""},
		{"equipment", "type", "MRI", "", "设备类型“MRI”无法识别：应填写 CT、DR、CR、普通X射线摄影机、X射线透视设备、乳腺X射线摄影设备、口内牙片机、口腔全景/头颅摄影机、口腔CBCT、移动式X射线机、C形臂X射线机、骨密度仪 等21项 之一。"},
		{"equipment", "status", "在用", "in_use", ""},
		{"equipment", "status", "停用", "idle", ""},
		{"equipment", "status", "报废", "scrapped", ""},
		{"equipment", "status", "闲置", "idle", ""},

		{"test", "kind", "验收检测", "acceptance", ""},
		{"test", "kind", "状态检测", "status", ""},
		{"test", "kind", "稳定性检测", "constancy", ""},
		{"test", "kind", "防护检测", "protection", ""},
		{"test", "kind", "验收", "acceptance", ""},
		{"test", "result", "合格", "pass", ""},
		{"test", "result", "不合格", "fail", ""},
		{"test", "result", "符合要求", "pass", ""},
		{"test", "result", "基本合格", "!", ""},
	})
}

// TestEnumForms checks that every option of every enumeration is found by
// its key, labels and enumAliases, so no alias or label shadows another option.
func TestEnumForms(t *testing.T) {
	enums := map[*domain.Enum]bool{domain.Divisions: true, domain.Categories: true}
	for _, fs := range domain.Fields {
		for _, f := range fs {
			if f.Enum != nil {
				enums[f.Enum] = true
			}
		}
	}
	for _, e := range domain.Streets {
		enums[e] = true
	}
	for e := range enums {
		for _, o := range e.Options {
			forms := append([]string{o.Key, o.ZH, o.EN, strings.ToUpper(o.Key), strings.ToLower(o.EN)}, enumAliases[e.Name][o.Key]...)
			for _, form := range forms {
				if k, ok := lookupEnum(e, form); !ok || k != o.Key {
					t.Errorf("%s: %q gives %q, %v; want %q", e.Name, form, k, ok, o.Key)
				}
			}
		}
	}
	for name, byKey := range enumAliases {
		for key := range byKey {
			found := false
			for e := range enums {
				if e.Name == name && e.Has(key) {
					found = true
				}
			}
			if !found {
				t.Errorf("enumAliases name %s.%s, which is no option", name, key)
			}
		}
	}
}

func TestParseIDNumberText(t *testing.T) {
	const mangled = "已被Excel转成数字，末尾几位已经丢失，无法还原：请先把该列的单元格格式设为“文本”（或在号码前加英文单引号 '），再重新录入完整的18位身份证号。"
	ok := []struct{ in, want string }{
		{"410102197901011003", "410102197901011003"},
		{"41010219790101700X", "41010219790101700X"},
		{"41010219790101700x", "41010219790101700X"},
		{"４１０１０２１９７９０１０１７００ｘ", "41010219790101700X"},
		{" 410102197901011003\u3000", "410102197901011003"},
		{"410102 19790101 1003", "410102197901011003"},
		{"'410102197901011003", "410102197901011003"},
		{"410102198506012000", "410102198506012000"}, // ends in 000 but valid
		{"410102197901010000", "410102197901010000"}, // ends in 0000 but valid
		{"12345", "12345"}, // wrong, but not mangled: validation reports it
		{"", ""},
	}
	for _, c := range ok {
		got, err := ParseIDNumberText(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseIDNumberText(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{
		"4.10102E+17",
		"4.10102197901011e+17",
		"4.10102197901011E17",
		"410102197901011000",   // Excel kept 15 significant digits
		"410102197901011003.0", // a float written out
		"４.１０１０２Ｅ＋１７",
	} {
		_, err := ParseIDNumberText(in)
		wantValueError(t, in, err, "身份证号"+quoteValue(in)+mangled)
	}
	_, err := ParseIDNumberText("4.10102E+17")
	wantValueError(t, "4.10102E+17", err, "身份证号“4.10102E+17”已被Excel转成数字，末尾几位已经丢失，无法还原：请先把该列的单元格格式设为“文本”（或在号码前加英文单引号 '），再重新录入完整的18位身份证号。")

	checkCanonical(t, []canonicalCase{
		{"person", "id_number", "41010219790101700x", "41010219790101700X", ""},
		{"person", "id_number", "4.10102E+17", "", "身份证号“4.10102E+17”" + mangled},
	})
}

func TestCanonicalTextAndCodes(t *testing.T) {
	const mangled = "已被Excel转成数字，末尾几位已经丢失，无法还原：请先把该列的单元格格式设为“文本”（或在代码前加英文单引号 '），再重新录入完整的18位代码。"
	checkCanonical(t, []canonicalCase{
		{"institution", "credit_code", "91410102MA4412345M", "91410102MA4412345M", ""},
		{"institution", "credit_code", "91410102ma4412345m", "91410102MA4412345M", ""},
		{"institution", "credit_code", "９１４１０１０２ＭＡ４４１２３４５Ｍ", "91410102MA4412345M", ""},
		{"institution", "credit_code", "'914101025900000000", "914101025900000000", ""}, // numeric, valid, ends in 000
		{"institution", "credit_code", "9.14101E+17", "", "统一社会信用代码“9.14101E+17”" + mangled},
		{"institution", "credit_code", "124101024178971000", "", "统一社会信用代码“124101024178971000”" + mangled},
		{"institution", "credit_code", "91410102MA4412345", "91410102MA4412345", ""}, // too short: validation reports it

		{"institution", "phone", "13812345678", "13812345678", ""},
		{"institution", "phone", "138 1234 5678", "13812345678", ""},
		{"institution", "phone", "+86 13812345678", "13812345678", ""},
		{"institution", "phone", "0371 67890123", "0371-67890123", ""},
		{"institution", "phone", "(0371)67890123", "0371-67890123", ""},
		{"institution", "phone", "０３７１－６７８９０１２３", "0371-67890123", ""},
		{"institution", "phone", "不详", "不详", ""}, // validation reports it
		{"institution", "phone", "1.38123E+10", "", "联系电话“1.38123E+10”已被Excel转成了科学计数法，原来的数字已经丢失：请先把该列的单元格格式设为“文本”，再重新录入完整的内容。"},

		{"institution", "name", "  郑州市中原区测试医院  ", "郑州市中原区测试医院", ""},
		{"institution", "name", "\u3000中原区（西区）社区卫生服务中心\u00a0", "中原区(西区)社区卫生服务中心", ""}, // as domain.Clean folds
		{"institution", "address", "中原区建设西路１号", "中原区建设西路1号", ""},
		{"person", "name", "欧阳·娜娜", "欧阳·娜娜", ""},
		{"equipment", "model", "Ａｘｉｏｍ Ａｒｔｉｓ", "Axiom Artis", ""},
		{"equipment", "serial_no", "SN-2019-0042", "SN-2019-0042", ""},
		{"equipment", "serial_no", "1.23457E+11", "", "出厂编号“1.23457E+11”已被Excel转成了科学计数法，原来的数字已经丢失：请先把该列的单元格格式设为“文本”，再重新录入完整的内容。"},
		{"dose", "report_no", "2025-0123", "2025-0123", ""},
	})
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
