package enforcement_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"radsup/internal/enforcement"
)

// regulations are the penalty rows of spec/regulations.md (§1.6, §2.5,
// §7) as written there; the catalogue must say the same.
var regulations = map[string]string{
	"《放射诊疗管理规定》第三十八条":           "警告、责令限期改正, 可处 **3000元以下** 罚款; 情节严重吊销《医疗机构执业许可证》",
	"《放射诊疗管理规定》第三十九条":           "责令限期改正, 可处 **5000元以下** 罚款; 情节严重吊销执业许可证",
	"《放射诊疗管理规定》第四十一条":           "警告、责令限期改正, 可处 **一万元以下** 罚款",
	"《放射工作人员职业健康管理办法》第三十九条":     "责令限期改正, 警告, **可处3万元以下罚款**",
	"《中华人民共和国职业病防治法》第六十九条":      "警告, 责令限期改正; 逾期不改 **10万–50万元**",
	"《中华人民共和国职业病防治法》第七十一条第（四）项": "警告, 责令限期改正, 可并处 **5万–10万元**",
}

var (
	rangeRe = regexp.MustCompile(`([0-9]+万?)–([0-9]+万?)元`)
	upToRe  = regexp.MustCompile(`([0-9]+万?)元以下`)
)

// amounts reads the fine range of a row: "N元以下", "一万元以下", "N万元以下"
// or "A万–B万元".
func amounts(t *testing.T, row string) (lo, hi int64) {
	t.Helper()
	row = strings.NewReplacer("*", "", " ", "", "一万", "1万").Replace(row)
	num := func(s string) int64 {
		mult := int64(1)
		if strings.HasSuffix(s, "万") {
			s, mult = strings.TrimSuffix(s, "万"), 10000
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("amount %q in %q", s, row)
		}
		return n * mult
	}
	if m := rangeRe.FindStringSubmatch(row); m != nil {
		return num(m[1]), num(m[2])
	}
	if m := upToRe.FindStringSubmatch(row); m != nil {
		return 0, num(m[1])
	}
	t.Fatalf("no amount in %q", row)
	return 0, 0
}

func TestCatalogueMatchesRegulations(t *testing.T) {
	arts := enforcement.Articles()
	if len(arts) != len(regulations) {
		t.Errorf("%d articles in the catalogue, %d in regulations.md", len(arts), len(regulations))
	}
	for _, a := range arts {
		row, ok := regulations[a.Title()]
		if !ok {
			t.Errorf("%s (%s) is not in regulations.md", a.Title(), a.Code)
			continue
		}
		lo, hi := amounts(t, row)
		if a.MinFine != lo || a.MaxFine != hi || !a.Fine {
			t.Errorf("%s: fine %d–%d, regulations.md says %d–%d", a.Title(), a.MinFine, a.MaxFine, lo, hi)
		}
		if a.Warning != strings.Contains(row, "警告") {
			t.Errorf("%s: warning %v, regulations.md: %s", a.Title(), a.Warning, row)
		}
		if a.Revoke != strings.Contains(row, "吊销") {
			t.Errorf("%s: revoke %v, regulations.md: %s", a.Title(), a.Revoke, row)
		}
		if got, ok := enforcement.ArticleOf(a.Code); !ok || got.Title() != a.Title() {
			t.Errorf("ArticleOf(%s) = %+v", a.Code, got)
		}
	}
	// The example of the spec.
	if a, _ := enforcement.ArticleOf("RDM-41"); a.Title() != "《放射诊疗管理规定》第四十一条" || !a.Warning || a.MaxFine != 10000 {
		t.Errorf("第四十一条 = %+v", a)
	}
}
