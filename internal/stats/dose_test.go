package stats

import "testing"

// TestBandEdges: a band's upper edge belongs to it, zero only to zero.
func TestBandEdges(t *testing.T) {
	for _, c := range []struct {
		microSv int64
		want    Bands
	}{
		{0, Bands{Zero: 1}}, {1, Bands{To1: 1}}, {1000, Bands{To1: 1}}, {1001, Bands{To5: 1}},
		{5000, Bands{To5: 1}}, {5001, Bands{To10: 1}}, {10000, Bands{To10: 1}}, {10001, Bands{To20: 1}},
		{20000, Bands{To20: 1}}, {20001, Bands{To50: 1}}, {50000, Bands{To50: 1}}, {50001, Bands{Above50: 1}},
	} {
		var b Bands
		b.add(c.microSv)
		if b != c.want {
			t.Errorf("%d µSv: %+v, want %+v", c.microSv, b, c.want)
		}
	}
}

// TestDoseCountsAPersonOnceInAll: two categories count the person in each,
// "all" once with the sum; rounding is to 4 and 3 decimals.
func TestDoseCountsAPersonOnceInAll(t *testing.T) {
	r := Dose(2025, []PersonDose{
		{PersonID: 1, Category: "2A", MicroSv: 700, Measured: 1, Records: 1},
		{PersonID: 1, Category: "2E", MicroSv: 600, Measured: 1, Records: 1},
		{PersonID: 2, Category: Unknown, MicroSv: 1, Measured: 1, Records: 1},
		{PersonID: 3, Category: "2A", Records: 2},
	})
	if len(r.Categories) != 3 || r.Categories[0].Category != "2A" || r.Categories[2].Category != Unknown {
		t.Fatalf("categories %+v", r.Categories)
	}
	if a := r.Categories[0]; a.Monitored != 2 || a.LostOnly != 1 || a.MeanDose != 0.35 || a.CollectiveDose != 0.0007 {
		t.Errorf("2A %+v", a)
	}
	if all := r.All; all.Monitored != 3 || all.Bands.To5 != 1 || all.Bands.To1 != 1 || all.Bands.Zero != 1 ||
		all.CollectiveDose != 0.0013 || all.MeanDose != 0.434 {
		t.Errorf("all %+v", all)
	}
}
