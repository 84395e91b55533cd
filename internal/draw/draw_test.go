package draw

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
)

// The vectors below were computed independently of this package, with
// Python 3 (hashlib.sha256, struct.unpack(">Q", h[:8]), math.log, a sort by
// (-key, credit code) and inspectors sorted by hashlib's hexdigest), from
// the text of spec/enforcement.md §2:
//
//	def u(seed, c):
//	    x = struct.unpack(">Q", hashlib.sha256((seed+"|"+c).encode()).digest()[:8])[0]
//	    return (float(x)+0.5)/2**64
//
// The keys are repr() of Python floats, which round-trip exactly.
const lottery = "2026年12月05日 福彩3D 第2026321期 开奖号码 418"

var pool = []Unit{
	{"12410102MB0000001A", "甲", 1}, {"12410102MB0000002B", "乙", 4}, {"12410102MB0000003C", "丙", 2},
	{"12410102MB0000004D", "丁", 3}, {"12410102MB0000005E", "戊", 1}, {"12410102MB0000006F", "己", 6},
}

var inspectors = []Inspector{
	{Username: "li"}, {Username: "wang", Recused: []string{"12410102MB0000002B"}},
	{Username: "zhao"}, {Username: "sun", Recused: []string{"12410102MB0000002B"}},
}

func TestCommitment(t *testing.T) {
	if got, want := Commitment(lottery), "c15a33f1b165652dd9e976a4d596ac1ef1ed2f85e8a62c782c8801c864269b03"; got != want {
		t.Errorf("Commitment = %s, want %s", got, want)
	}
}

func TestU(t *testing.T) {
	want := map[string]float64{
		"12410102MB0000001A": 0.9429055558590171, "12410102MB0000002B": 0.737267084879584,
		"12410102MB0000003C": 0.225724158167917, "12410102MB0000004D": 0.32561417411468085,
		"12410102MB0000005E": 0.9856496073838922, "12410102MB0000006F": 0.7153084279051811,
	}
	for code, w := range want {
		if got := U(lottery, code); got != w {
			t.Errorf("U(%s) = %v, want %v", code, got, w)
		}
	}
}

func TestRunMatchesIndependentVectors(t *testing.T) {
	res, err := Run(lottery, pool, 4, inspectors)
	if err != nil {
		t.Fatal(err)
	}
	want := []Drawn{
		{1, "12410102MB0000005E", "戊", 1, -0.014454355302404347, []string{"sun", "wang"}},
		{2, "12410102MB0000006F", "己", 6, -0.05584024360014569, []string{"li", "sun"}},
		{3, "12410102MB0000001A", "甲", 1, -0.058789154217951854, []string{"zhao", "wang"}},
		// The recused wang and sun leave li and zhao.
		{4, "12410102MB0000002B", "乙", 4, -0.0762012644403293, []string{"li", "zhao"}},
	}
	if res.Pool != 6 || res.SeedSHA256 != Commitment(lottery) {
		t.Errorf("pool %d commitment %s", res.Pool, res.SeedSHA256)
	}
	if len(res.Drawn) != len(want) {
		t.Fatalf("drew %d, want %d", len(res.Drawn), len(want))
	}
	for i, w := range want {
		g := res.Drawn[i]
		if g.Order != w.Order || g.CreditCode != w.CreditCode || g.Name != w.Name || g.Weight != w.Weight || g.Key != w.Key || !slices.Equal(g.Inspectors, w.Inspectors) {
			t.Errorf("drawn[%d] = %+v, want %+v", i, g, w)
		}
	}

	unweighted := slices.Clone(pool)
	for i := range unweighted {
		unweighted[i].Weight = 1
	}
	res, err = Run("radsup", unweighted, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range res.Drawn {
		got = append(got, fmt.Sprint(d.CreditCode, " ", d.Key, " ", len(d.Inspectors)))
	}
	wantU := []string{
		"12410102MB0000003C -0.19297426828128889 0",
		"12410102MB0000005E -0.41020410331322665 0",
		"12410102MB0000002B -0.591526399120275 0",
	}
	if !slices.Equal(got, wantU) {
		t.Errorf("unweighted draw = %q, want %q", got, wantU)
	}
}

func TestRunOrderDoesNotDependOnPoolOrder(t *testing.T) {
	rev := slices.Clone(pool)
	slices.Reverse(rev)
	x, err := Run(lottery, pool, 6, nil)
	if err != nil {
		t.Fatal(err)
	}
	y, err := Run(lottery, rev, 6, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range x.Drawn {
		if x.Drawn[i].CreditCode != y.Drawn[i].CreditCode {
			t.Fatalf("order differs at %d: %s vs %s", i, x.Drawn[i].CreditCode, y.Drawn[i].CreditCode)
		}
	}
}

func TestTiesGoByCreditCode(t *testing.T) {
	// Equal keys need equal SHA-256 prefixes, so the tie rule is checked
	// on the comparison itself.
	for _, c := range []struct {
		ak   float64
		ac   string
		bk   float64
		bc   string
		want int
	}{
		{-1, "B", -1, "A", 1}, {-1, "A", -1, "B", -1}, {-0.5, "Z", -1, "A", -1}, {-1, "A", -0.5, "Z", 1},
	} {
		if got := drawOrder(c.ak, c.ac, c.bk, c.bc); got != c.want {
			t.Errorf("drawOrder(%v) = %d, want %d", c, got, c.want)
		}
	}
}

func TestTooFewInspectorsNamesTheUnit(t *testing.T) {
	_, err := Run(lottery, pool, 4, inspectors[1:2])
	var tf *TooFewInspectors
	if !errors.As(err, &tf) || tf.CreditCode != "12410102MB0000005E" || tf.Eligible != 1 {
		t.Fatalf("err = %v, want the first drawn unit named", err)
	}
	// Recusals alone can leave too few: 乙 (drawn 4th) has only li and zhao,
	// and without zhao only li.
	_, err = Run(lottery, pool, 4, []Inspector{inspectors[0], inspectors[1], inspectors[3]})
	if !errors.As(err, &tf) || tf.CreditCode != "12410102MB0000002B" || tf.Eligible != 1 {
		t.Fatalf("err = %v, want 乙 named", err)
	}
}

func TestRunRefusesBadPools(t *testing.T) {
	for _, p := range [][]Unit{
		{{"A", "", 0}},
		{{"A", "", -1}},
		{{"A", "", math.NaN()}},
		{{"A", "", math.Inf(1)}},
		{{"A", "", 1}, {"A", "", 1}},
	} {
		if _, err := Run("s", p, 1, nil); err == nil {
			t.Errorf("Run(%v) accepted", p)
		}
	}
}

func TestCount(t *testing.T) {
	for _, c := range []struct {
		pool, n int
		ratio   float64
		want    int
	}{
		{30, 5, 0, 5},
		{30, 0, 0.1, 3},  // 0.1*30 is 3.0000000000000004 in binary: still 3
		{31, 0, 0.1, 4},  // 3.1 rounds up
		{30, 0, 0.05, 2}, // 1.5 rounds up
		{30, 40, 0, 30},  // never more than the pool
		{0, 0, 0.5, 0},
		{10, 0, 1, 10},
		{10, 0, 0, 0},
	} {
		if got := Count(c.pool, c.n, c.ratio); got != c.want {
			t.Errorf("Count(%d, %d, %v) = %d, want %d", c.pool, c.n, c.ratio, got, c.want)
		}
	}
}

func TestRiskWeight(t *testing.T) {
	for _, c := range []struct {
		cat  string
		v    int
		want float64
	}{
		{"radiotherapy", 0, 4}, {"nuclear_medicine", 0, 3}, {"interventional", 0, 2},
		{"xray_imaging", 0, 1}, {"", 0, 1},
		{"xray_imaging", 4, 5}, {"xray_imaging", 5, 6}, {"xray_imaging", 6, 6}, {"radiotherapy", 99, 9},
	} {
		if got := RiskWeight(c.cat, c.v); got != c.want {
			t.Errorf("RiskWeight(%q, %d) = %v, want %v", c.cat, c.v, got, c.want)
		}
	}
}

// TestWeightsWork draws one unit with 20,000 seeds: in Efraimidis–Spirakis
// sampling the first unit drawn is unit i with probability w_i / Σw. The
// counts must agree with that by a chi-square test (4 degrees of freedom,
// 18.47 is the 0.1% critical value). The seeds are fixed, so the test is
// repeatable; a wrong key (u^w instead of ln(u)/w, or an ascending sort)
// fails it by far.
func TestWeightsWork(t *testing.T) {
	units := []Unit{{"A", "", 1}, {"B", "", 2}, {"C", "", 3}, {"D", "", 4}, {"E", "", 5}}
	const seeds = 20000
	counts := map[string]int{}
	for i := range seeds {
		res, err := Run(fmt.Sprintf("seed-%d", i), units, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		counts[res.Drawn[0].CreditCode]++
	}
	chi := 0.0
	for _, u := range units {
		exp := seeds * u.Weight / 15
		d := float64(counts[u.CreditCode]) - exp
		chi += d * d / exp
	}
	if chi > 18.47 {
		t.Errorf("chi-square %.2f > 18.47: counts %v do not follow weights 1..5", chi, counts)
	}
	// And an unweighted draw is uniform.
	for i := range units {
		units[i].Weight = 1
	}
	clear(counts)
	for i := range seeds {
		res, _ := Run(fmt.Sprintf("seed-%d", i), units, 1, nil)
		counts[res.Drawn[0].CreditCode]++
	}
	chi = 0
	for _, u := range units {
		d := float64(counts[u.CreditCode]) - seeds/5.0
		chi += d * d / (seeds / 5.0)
	}
	if chi > 18.47 {
		t.Errorf("chi-square %.2f > 18.47: unweighted counts %v are not uniform", chi, counts)
	}
}
