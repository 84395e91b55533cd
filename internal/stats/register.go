package stats

import (
	"cmp"
	"math"
	"slices"
)

// Count is how many records fall in one group.
type Count struct {
	Key string `json:"key"`
	N   int    `json:"n"`
}

// Counts orders groups by size, largest first, then by key.
func Counts(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		out = append(out, Count{k, n})
	}
	slices.SortFunc(out, func(a, b Count) int {
		if a.N != b.N {
			return cmp.Compare(b.N, a.N)
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out
}

// Share is part/whole rounded to 4 decimals; 0 when whole is 0.
func Share(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return math.Round(float64(part)/float64(whole)*1e4) / 1e4
}

// Register is the register counts of spec/statistics.md as of a date.
type Register struct {
	AsOf         string       `json:"as_of"`
	Institutions Institutions `json:"institutions"`
	Workers      Workers      `json:"workers"`
	Equipment    Equipment    `json:"equipment"`
	Findings     OpenFindings `json:"findings"`
}

// Institutions counts the institutions on the register (not retired).
type Institutions struct {
	Total      int     `json:"total"`
	ByStatus   []Count `json:"by_status"`
	ByKind     []Count `json:"by_kind"`
	ByStreet   []Count `json:"by_street"`
	ByCategory []Count `json:"by_category"` // highest licensed category; "" none
}

// Workers counts the people with an active employment on the date; a
// person counts once in each group they belong to.
type Workers struct {
	Total         int     `json:"total"`
	Permit        int     `json:"permit"`   // holding a 放射工作人员证 number
	Trained       int     `json:"trained"`  // a passed training within 2 years
	Examined      int     `json:"examined"` // a health exam within 2 years
	PermitShare   float64 `json:"permit_share"`
	TrainedShare  float64 `json:"trained_share"`
	ExaminedShare float64 `json:"examined_share"`
	ByOccupation  []Count `json:"by_occupation"`
	ByKind        []Count `json:"by_kind"`
	ByStreet      []Count `json:"by_street"`
}

// Equipment counts the devices in use at open institutions.
type Equipment struct {
	InUse            int     `json:"in_use"`
	StatusTested     int     `json:"status_tested"`     // a passed status test within one year
	ProtectionTested int     `json:"protection_tested"` // a passed protection test within one year
	StatusShare      float64 `json:"status_share"`
	ProtectionShare  float64 `json:"protection_share"`
	ByType           []Count `json:"by_type"`
	ByCategory       []Count `json:"by_category"`
}

// OpenFindings counts the findings open on the date.
type OpenFindings struct {
	Open       int     `json:"open"`
	ByRule     []Count `json:"by_rule"`
	BySeverity []Count `json:"by_severity"`
	ByStreet   []Count `json:"by_street"`
	ByKind     []Count `json:"by_kind"`
}

// Finish fills the shares from the counts.
func (r *Register) Finish() {
	w := &r.Workers
	w.PermitShare, w.TrainedShare, w.ExaminedShare = Share(w.Permit, w.Total), Share(w.Trained, w.Total), Share(w.Examined, w.Total)
	e := &r.Equipment
	e.StatusShare, e.ProtectionShare = Share(e.StatusTested, e.InUse), Share(e.ProtectionTested, e.InUse)
}
