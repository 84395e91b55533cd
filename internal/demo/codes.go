package demo

import (
	"fmt"
	"strconv"
	"time"

	"radsup/internal/domain"
)

// creditAlphabet is the GB 32100-2015 character set.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// orgCheckWeights are the GB 11714-1997 weights of an organization code.
var orgCheckWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// creditCode returns a valid unified social credit code: the registration
// authority and kind (12 public institution, 52 private non-enterprise,
// 91 company), the division, a GB 11714 organization code and the check
// character. seq (unique per institution) makes the code unique.
func (g *gen) creditCode(prefix, div string, seq int) string {
	var body []byte
	switch prefix {
	case "91":
		body = append(body, 'M', 'A')
	case "52":
		body = append(body, 'M', 'J')
	default:
		body = append(body, '4', byte('0'+g.rng.IntN(10)))
	}
	for len(body) < 4 {
		body = append(body, creditAlphabet[g.rng.IntN(len(creditAlphabet))])
	}
	for i, n := 0, seq; i < 4; i++ { // four base-31 digits of seq
		body = append(body, creditAlphabet[n%31])
		n /= 31
	}
	body = append(body, orgCheckChar(body))
	first17 := prefix + div + string(body)
	return first17 + string(domain.CreditCheckChar(first17))
}

// orgCheckChar returns the GB 11714 check character of an 8-character
// organization code body.
func orgCheckChar(body []byte) byte {
	sum := 0
	for i, c := range body[:8] {
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * orgCheckWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// idAddressCodes are the birthplace codes of ID numbers: mostly 郑州, some
// other Henan counties; repeated entries weight the draw.
var idAddressCodes = []string{
	"410102", "410102", "410102", "410103", "410104", "410105", "410105", "410108", "410122",
	"410181", "410182", "410183", "410184", "410185", "410202", "410302", "410305", "410402",
	"410502", "410702", "410802", "410902", "411002", "411102", "411302", "411303", "411402",
	"411502", "411602", "411702", "411721", "411323", "410922", "411122",
}

// idNumber returns a new, unique, valid citizen ID number for the birth
// date and gender ("M" or "F").
func (g *gen) idNumber(birth domain.Date, gender string) string {
	for {
		addr := idAddressCodes[g.rng.IntN(len(idAddressCodes))]
		seq := g.rng.IntN(100)*10 + 2*g.rng.IntN(5)
		if gender == "M" {
			seq++
		}
		first17 := fmt.Sprintf("%s%04d%02d%02d%03d", addr, birth.Year(), int(birth.Month()), birth.Day(), seq)
		key, _ := strconv.ParseInt(first17, 10, 64)
		if _, dup := g.idSeen[key]; dup {
			continue
		}
		g.idSeen[key] = struct{}{}
		return first17 + string(domain.IDCheckChar(first17))
	}
}

// permitNo returns the next radiation worker permit number of a division,
// e.g. 410102-0042.
func (g *gen) permitNo(div string) string {
	g.permits[div]++
	return fmt.Sprintf("%s-%04d", div, g.permits[div])
}

// serial returns a serial number unique within the current institution.
func (g *gen) serial(s *site, maker string, made domain.Date) string {
	prefix := serialPrefix(maker)
	for {
		sn := fmt.Sprintf("%s%02d%06d", prefix, made.Year()%100, g.rng.IntN(1_000_000))
		if !s.serials[sn] {
			s.serials[sn] = true
			return sn
		}
	}
}

// serialPrefix derives a short letter prefix from a maker's Latin name.
func serialPrefix(maker string) string {
	var p []byte
	for i := 0; i < len(maker) && len(p) < 3; i++ {
		if c := maker[i]; c >= 'A' && c <= 'Z' {
			p = append(p, c)
		}
	}
	if len(p) == 0 {
		return "SN"
	}
	return string(p)
}

// nextNo returns a document number such as "FJ2024-00123"; the counter is
// shared by all kinds of documents.
func (g *gen) nextNo(prefix string, d domain.Date) string {
	g.seq++
	n := g.seq % 100_000
	b := make([]byte, 0, len(prefix)+11)
	b = append(b, prefix...)
	b = strconv.AppendInt(b, int64(d.Year()), 10)
	b = append(b, '-', byte('0'+n/10000), byte('0'+n/1000%10), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
	return string(b) // fmt.Sprintf("%s%d-%05d") without its cost: called for every record
}

// licenceNo returns a 放射诊疗许可证 number.
func (g *gen) licenceNo(div string, issued domain.Date) string {
	g.seq++
	return fmt.Sprintf("豫卫放证字〔%d〕第%s%03d号", issued.Year(), div, g.seq%1000)
}

// medicalLicenceNo returns a plausible 医疗机构执业许可证登记号.
func (g *gen) medicalLicenceNo(div string) string {
	return fmt.Sprintf("PDY%08d%s%02d%s", g.rng.IntN(100_000_000), div, g.between(11, 52), "A1001")
}

// birthIn returns a uniformly random date in the given calendar year.
func (g *gen) birthIn(year int) domain.Date {
	start := domain.NewDate(year, time.January, 1)
	days := start.DaysUntil(domain.NewDate(year+1, time.January, 1))
	return start.AddDate(0, 0, g.rng.IntN(days))
}
