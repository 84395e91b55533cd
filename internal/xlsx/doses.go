package xlsx

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"radsup/internal/domain"
)

// Doses in mSv (or µSv), as dosimetry services write them.

// maxDoseMSv is the largest whole number of mSv domain.ParseDose accepts.
const maxDoseMSv = 1_000_000

var (
	reValDose    = regexp.MustCompile(`^(\d*)(?:\.(\d*))?$`)
	reValDoseSci = regexp.MustCompile(`^\d+(?:\.\d*)?e[+-]?\d{1,3}$`)
	// belowMDLMarks are what people write instead of a value below the
	// minimum detectable level.
	belowMDLMarks = []string{"mdl", "lld", "探测下限", "检测下限", "检出限", "探测限", "未检出", "低于", "小于", "<", "≤", "﹤", "＜"}
	// milliUnits and microUnits are the units a dose may end with.
	milliUnits = []string{"msv", "毫希沃特", "毫希"}
	microUnits = []string{"μsv", "µsv", "usv", "微希沃特", "微希"}
)

// doseCell is one dose cell being read: the field's name for messages and
// the value as written.
type doseCell struct {
	name Arg
	raw  string
}

// parseDose reads a dose in mSv: 0.25, 0.250, .25, 0.25mSv, 0.25 mSv,
// 250μSv, full-width digits. At most 3 decimals (1 µSv); float noise such as
// 0.30000000000000004 is rounded away.
func parseDose(f domain.Field, raw string) (domain.Dose, error) {
	c := doseCell{name: Label(f.ZH, f.EN), raw: raw}
	if f.ZH == "" {
		c.name = Clause(keyDoseName.Msg())
	}
	s := strings.ToLower(removeBlankRunes(cleanValue(raw)))
	if isBelowMDL(s) {
		return domain.Dose{}, c.belowMDL()
	}
	s, micro := cutDoseUnit(s)
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") {
		return domain.Dose{}, c.negative()
	}
	s = strings.TrimPrefix(s, "+")
	var n int64 // micro-sieverts
	var err error
	switch m := reValDose.FindStringSubmatch(s); {
	case m != nil && (m[1] != "" || m[2] != ""):
		n, err = c.decimal(m[1], m[2], micro)
	case reValDoseSci.MatchString(s):
		n, err = c.scientific(s, micro)
	default:
		err = c.notADose()
	}
	if err != nil {
		return domain.Dose{}, err
	}
	return c.checked(n)
}

// isBelowMDL reports whether s (cleaned, lower case) marks a result below
// the minimum detectable level instead of giving a value.
func isBelowMDL(s string) bool {
	return s == "nd" || s == "n.d." || slices.ContainsFunc(belowMDLMarks, func(m string) bool { return strings.Contains(s, m) })
}

// cutDoseUnit removes a trailing unit from s and reports whether it was µSv.
func cutDoseUnit(s string) (string, bool) {
	for _, u := range milliUnits {
		if t, ok := strings.CutSuffix(s, u); ok {
			s = t
			break
		}
	}
	for _, u := range microUnits {
		if t, ok := strings.CutSuffix(s, u); ok {
			return t, true
		}
	}
	return s, false
}

// decimal reads whole.frac, in mSv or (micro) µSv, as micro-sieverts.
func (c doseCell) decimal(whole, frac string, micro bool) (int64, error) {
	whole = strings.TrimLeft(whole, "0")
	if micro {
		// µSv: whole micro-sieverts only.
		if strings.Trim(frac, "0") != "" {
			return 0, c.belowMicro()
		}
		whole = strings.Repeat("0", max(0, 3-len(whole))) + whole
		whole, frac = whole[:len(whole)-3], whole[len(whole)-3:]
	}
	if len(frac) > 3 {
		return c.longFraction(whole, frac)
	}
	return c.milli(whole, frac)
}

// longFraction reads a dose in mSv with more than 3 decimals: zeros past the
// third are dropped and binary floating-point noise from a program's export
// is rounded away; anything else is refused.
func (c doseCell) longFraction(whole, frac string) (int64, error) {
	rest := frac[3:]
	switch {
	case strings.Trim(rest, "0") == "":
		return c.milli(whole, frac[:3])
	case len(rest) >= 6 && (strings.HasPrefix(rest, "000000") || strings.HasPrefix(rest, "999999")):
		x, err := strconv.ParseFloat("0"+whole+"."+frac, 64)
		if err != nil || x*1000 > math.MaxInt64/2 {
			return 0, c.notADose()
		}
		return int64(math.Round(x * 1000)), nil
	}
	return 0, c.tooManyDecimals(round3(whole, frac))
}

// milli reads whole mSv and at most 3 decimals as micro-sieverts.
func (c doseCell) milli(whole, frac string) (int64, error) {
	frac += strings.Repeat("0", 3-len(frac))
	if len(whole) > 7 {
		return 0, c.tooLarge()
	}
	w, _ := strconv.ParseInt("0"+whole, 10, 64)
	fr, _ := strconv.ParseInt(frac, 10, 64)
	return w*1000 + fr, nil
}

// scientific reads a dose in scientific notation (1.25E+00) as micro-sieverts.
func (c doseCell) scientific(s string, micro bool) (int64, error) {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || x*1000 > 1e15 {
		return 0, c.tooLarge()
	}
	if micro {
		x /= 1000
	}
	r := math.Round(x * 1000)
	if math.Abs(x*1000-r) > 1e-6 {
		return 0, c.tooManyDecimals("")
	}
	return int64(r), nil
}

// checked returns the dose of microSv micro-sieverts if it is in range.
func (c doseCell) checked(microSv int64) (domain.Dose, error) {
	if microSv < 0 || microSv/1000 > maxDoseMSv {
		return domain.Dose{}, c.tooLarge()
	}
	return domain.MicroSv(microSv), nil
}

// round3 shows whole.frac rounded to 3 decimals, for a message.
func round3(whole, frac string) string {
	x, err := strconv.ParseFloat("0"+whole+"."+frac, 64)
	if err != nil {
		return "0.250"
	}
	return strconv.FormatFloat(x, 'f', 3, 64)
}

func (c doseCell) belowMDL() error   { return valueError(keyDoseBelowMDL.Msg(c.name, quoted(c.raw))) }
func (c doseCell) negative() error   { return valueError(keyDoseNegative.Msg(c.name, quoted(c.raw))) }
func (c doseCell) belowMicro() error { return valueError(keyDoseBelowMicro.Msg(c.name, quoted(c.raw))) }
func (c doseCell) notADose() error   { return valueError(keyDoseInvalid.Msg(c.name, quoted(c.raw))) }
func (c doseCell) tooLarge() error   { return valueError(keyDoseTooLarge.Msg(c.name, quoted(c.raw))) }

// tooManyDecimals refuses more than 3 decimals, showing the value rounded
// if it is given.
func (c doseCell) tooManyDecimals(rounded string) error {
	if rounded == "" {
		return valueError(keyDoseDecimals.Msg(c.name, quoted(c.raw)))
	}
	return valueError(keyDoseDecimalsRounds.Msg(c.name, quoted(c.raw), Text(rounded)))
}
