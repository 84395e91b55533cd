package xlsx

import (
	"testing"
)

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
		{"institution", "credit_code", "91410102MA4412345", "91410102MA4412345", ""},   // too short: validation reports it
		{"institution", "credit_code", "12410102401E400063", "12410102401E400063", ""}, // valid, though it reads as 12410102401×10^400063
		{"institution", "credit_code", "12410102401E400064", "", "统一社会信用代码“12410102401E400064”" + mangled},

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
