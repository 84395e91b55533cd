// Package stats computes the figures of spec/statistics.md from aggregates
// the store reads: pure functions, so that pages, API and CLI show the same
// numbers and the definitions are tested at their edges.
package stats

import (
	"cmp"
	"math"
	"slices"
)

// Unknown is the category of a dose record whose person had no employment
// at the record's institution active on the record's period end.
const Unknown = "unknown"

// PersonDose is one person's dose records of a year in one category, as
// the store sums them: Hp(10) in µSv over the records that are not lost,
// how many records were measured (not lost), and whether any record was
// above the investigation level.
type PersonDose struct {
	PersonID int64
	Category string // an occupation code (2A–2F) or Unknown
	MicroSv  int64
	Measured int // records not lost
	Records  int // all records
	AboveInv bool
}

// Bands counts people by annual dose E (mSv): zero for E = 0 exactly, then
// (0, 1], (1, 5], (5, 10], (10, 20], (20, 50] and above 50.
type Bands struct {
	Zero    int `json:"zero"`
	To1     int `json:"0-1"`
	To5     int `json:"1-5"`
	To10    int `json:"5-10"`
	To20    int `json:"10-20"`
	To50    int `json:"20-50"`
	Above50 int `json:"50+"`
}

func (b *Bands) add(microSv int64) {
	switch {
	case microSv <= 0:
		b.Zero++
	case microSv <= 1_000:
		b.To1++
	case microSv <= 5_000:
		b.To5++
	case microSv <= 10_000:
		b.To10++
	case microSv <= 20_000:
		b.To20++
	case microSv <= 50_000:
		b.To50++
	default:
		b.Above50++
	}
}

// DoseFigures are the occupational dose figures of one category, or of
// all categories with each person once.
type DoseFigures struct {
	Category           string  `json:"category,omitempty"`
	Monitored          int     `json:"monitored"`
	CollectiveDose     float64 `json:"collective_dose"` // man·Sv, 4 decimals
	MeanDose           float64 `json:"mean_dose"`       // mSv, 3 decimals
	Bands              Bands   `json:"bands"`
	AboveInvestigation int     `json:"above_investigation"`
	// LostOnly counts the monitored people whose only records of the year
	// are lost: they add nothing to the sums and are flagged here.
	LostOnly int `json:"lost_only"`

	sum int64 // µSv
}

func (f *DoseFigures) add(p PersonDose) {
	f.Monitored++
	f.sum += p.MicroSv
	f.Bands.add(p.MicroSv)
	if p.AboveInv {
		f.AboveInvestigation++
	}
	if p.Measured == 0 {
		f.LostOnly++
	}
}

func (f *DoseFigures) finish() {
	f.CollectiveDose = round(float64(f.sum)/1e6, 4) // µSv → Sv
	if f.Monitored > 0 {
		f.MeanDose = round(float64(f.sum)/1e3/float64(f.Monitored), 3)
	}
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

// DoseReport is the year's figures: per category in code order (Unknown
// last, only categories with someone monitored) and for all categories.
type DoseReport struct {
	Year       int           `json:"year"`
	Categories []DoseFigures `json:"categories"`
	All        DoseFigures   `json:"all"`
}

// Dose computes the figures of a year from the people's sums per category.
// In "all" a person counts once, with the sum over their categories.
func Dose(year int, people []PersonDose) *DoseReport {
	byCat := map[string]*DoseFigures{}
	all := map[int64]*PersonDose{}
	var order []int64
	for _, p := range people {
		f := byCat[p.Category]
		if f == nil {
			f = &DoseFigures{Category: p.Category}
			byCat[p.Category] = f
		}
		f.add(p)
		t := all[p.PersonID]
		if t == nil {
			t = &PersonDose{PersonID: p.PersonID}
			all[p.PersonID] = t
			order = append(order, p.PersonID)
		}
		t.MicroSv += p.MicroSv
		t.Measured += p.Measured
		t.Records += p.Records
		t.AboveInv = t.AboveInv || p.AboveInv
	}
	r := &DoseReport{Year: year, Categories: []DoseFigures{}}
	for _, f := range byCat {
		f.finish()
		r.Categories = append(r.Categories, *f)
	}
	slices.SortFunc(r.Categories, func(a, b DoseFigures) int {
		if (a.Category == Unknown) != (b.Category == Unknown) {
			if a.Category == Unknown {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.Category, b.Category)
	})
	for _, id := range order {
		r.All.add(*all[id])
	}
	r.All.finish()
	return r
}

// National is the national register's mean annual effective dose of medical
// workers by category, 2015 (mSv; spec/reference-data.md §3.1: 邓君 et al.,
// 中国辐射卫生 2017;26(4):398), to show beside the district's.
var National = struct {
	Year int
	Mean map[string]float64 // by category; "" for all medical workers
	Cite string
}{2015, map[string]float64{"": 0.429, "2A": 0.423, "2B": 0.326, "2C": 0.538, "2D": 0.321, "2E": 0.542, "2F": 0.407},
	"邓君等，中国辐射卫生 2017;26(4):398"}
