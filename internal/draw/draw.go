// Package draw is the 双随机 draw of spec/enforcement.md §2: a pure
// function of a seed, a pool of units with weights and a list of
// inspectors, so that anyone can recompute a published draw. It knows no
// database and no clock.
package draw

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Unit is one institution of the pool.
type Unit struct {
	CreditCode string  `json:"credit_code"`
	Name       string  `json:"name"`
	Weight     float64 `json:"weight"` // 1 in an unweighted draw
}

// Inspector is an active inspector and the credit codes of the
// institutions it must not inspect (回避).
type Inspector struct {
	Username string   `json:"username"`
	Recused  []string `json:"recused,omitempty"`
}

// Drawn is one drawn unit, in draw order.
type Drawn struct {
	Order      int      `json:"order"`
	CreditCode string   `json:"credit_code"`
	Name       string   `json:"name"`
	Weight     float64  `json:"weight"`
	Key        float64  `json:"key"`
	Inspectors []string `json:"inspectors"`
}

// Result is a draw: the commitment of its seed, the pool size and the
// drawn units in order.
type Result struct {
	SeedSHA256 string  `json:"seed_sha256"`
	Pool       int     `json:"pool"`
	Drawn      []Drawn `json:"drawn"`
}

// TooFewInspectors stops a draw: the unit has fewer than two eligible
// inspectors (every on-site act needs two, 《行政处罚法》第四十二条).
type TooFewInspectors struct {
	CreditCode, Name string
	Eligible         int
}

func (e *TooFewInspectors) Error() string {
	return fmt.Sprintf("draw: %s %s has %d eligible inspectors, two are needed", e.CreditCode, e.Name, e.Eligible)
}

// Commitment is the hex SHA-256 of the seed's UTF-8 bytes.
func Commitment(seed string) string {
	h := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(h[:])
}

// U is the unit's uniform number in (0, 1): the first 8 bytes of
// SHA-256(seed|code) as a big-endian uint64 x, (x + 0.5) / 2^64.
func U(seed, creditCode string) float64 {
	h := sha256.Sum256([]byte(seed + "|" + creditCode))
	x := binary.BigEndian.Uint64(h[:8])
	return (float64(x) + 0.5) / 18446744073709551616.0
}

// Key is the Efraimidis–Spirakis key ln(u)/w: the larger, the earlier drawn.
func Key(seed, creditCode string, weight float64) float64 {
	return math.Log(U(seed, creditCode)) / weight
}

// Count is the number to draw: n when given, else ratio of the pool
// rounded up, never more than the pool.
func Count(pool, n int, ratio float64) int {
	if n <= 0 && ratio > 0 {
		// A ratio such as 0.1 of 30 is 3.0000000000000004 in binary:
		// round to a millionth before rounding up.
		n = int(math.Ceil(math.Round(ratio*float64(pool)*1e6) / 1e6))
	}
	return min(max(n, 0), pool)
}

// RiskWeight is the 信用风险分级 weight: base by the highest licensed
// category (放射治疗 4, 核医学 3, 介入放射学 2, X射线影像诊断 or none 1)
// plus the open violation findings, at most 5.
func RiskWeight(highestCategory string, openViolations int) float64 {
	base := map[string]int{"radiotherapy": 4, "nuclear_medicine": 3, "interventional": 2}[highestCategory]
	if base == 0 {
		base = 1
	}
	return float64(base + min(max(openViolations, 0), 5))
}

// Run draws n units from the pool with seed. A unit's weight must be
// positive. Inspectors, when any are given, are assigned two to each
// drawn unit: the eligible ones ranked by hex SHA-256(seed|code|username).
func Run(seed string, pool []Unit, n int, inspectors []Inspector) (*Result, error) {
	type keyed struct {
		Unit
		key float64
	}
	ks := make([]keyed, 0, len(pool))
	seen := make(map[string]bool, len(pool))
	for _, u := range pool {
		if !(u.Weight > 0) || math.IsInf(u.Weight, 0) {
			return nil, fmt.Errorf("draw: %s has weight %v, a weight must be positive", u.CreditCode, u.Weight)
		}
		if seen[u.CreditCode] {
			return nil, fmt.Errorf("draw: %s is twice in the pool", u.CreditCode)
		}
		seen[u.CreditCode] = true
		ks = append(ks, keyed{u, Key(seed, u.CreditCode, u.Weight)})
	}
	slices.SortFunc(ks, func(a, b keyed) int { return drawOrder(a.key, a.CreditCode, b.key, b.CreditCode) })
	n = min(max(n, 0), len(ks))
	res := &Result{SeedSHA256: Commitment(seed), Pool: len(pool), Drawn: make([]Drawn, 0, n)}
	for i, k := range ks[:n] {
		d := Drawn{Order: i + 1, CreditCode: k.CreditCode, Name: k.Name, Weight: k.Weight, Key: k.key, Inspectors: []string{}}
		if len(inspectors) > 0 {
			team, eligible := Team(seed, k.CreditCode, inspectors)
			if eligible < 2 {
				return nil, &TooFewInspectors{CreditCode: k.CreditCode, Name: k.Name, Eligible: eligible}
			}
			d.Inspectors = team
		}
		res.Drawn = append(res.Drawn, d)
	}
	return res, nil
}

// drawOrder sorts by key descending, ties by credit code ascending.
func drawOrder(ak float64, ac string, bk float64, bc string) int {
	switch {
	case ak > bk:
		return -1
	case ak < bk:
		return 1
	}
	return strings.Compare(ac, bc)
}

// Team ranks the inspectors not recused for the unit by the hex
// SHA-256(seed|code|username), ascending, and returns the first two and
// how many were eligible.
func Team(seed, creditCode string, inspectors []Inspector) (team []string, eligible int) {
	type ranked struct{ name, rank string }
	var rs []ranked
	for _, in := range inspectors {
		if slices.Contains(in.Recused, creditCode) {
			continue
		}
		h := sha256.Sum256([]byte(seed + "|" + creditCode + "|" + in.Username))
		rs = append(rs, ranked{in.Username, hex.EncodeToString(h[:])})
	}
	slices.SortFunc(rs, func(a, b ranked) int { return strings.Compare(a.rank, b.rank) })
	for _, r := range rs[:min(2, len(rs))] {
		team = append(team, r.name)
	}
	return team, len(rs)
}
