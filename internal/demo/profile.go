package demo

// equipRange says how many devices of a type an institution of a profile
// has: min plus, for each of the (max-min) optional units, one with
// probability p (0 means 0.5).
type equipRange struct {
	typ      string
	min, max int
	p        float64
}

// profile describes one kind of institution (reference-data.md §4).
type profile struct {
	key       string
	kind      string // domain.InstitutionKinds key
	grade     string // domain.Grades key
	ownership string // domain.Ownerships key
	staff     [2]int
	beds      [2]int // zero: beds not recorded
	equip     []equipRange
	retired   equipRange // old devices kept on the register as 停用/报废 (typ unused)
	hospital  bool       // has wards and may run interventional work
	host      bool       // may employ a worker who also works elsewhere
	big       bool       // prefers imported high-end models
	// interventional is the share of C-arms used for intervention.
	interventional float64
}

var profiles = map[string]*profile{
	"tertiary": {key: "tertiary", kind: "general_hospital", grade: "3A", ownership: "public",
		staff: [2]int{95, 140}, beds: [2]int{1200, 2800}, hospital: true, big: true, interventional: 0.5,
		equip: []equipRange{{"ct", 5, 9, 0}, {"dr", 9, 14, 0}, {"mobile_xray", 3, 5, 0}, {"dsa", 3, 6, 0},
			{"mammography", 1, 3, 0}, {"dental_intraoral", 1, 3, 0}, {"dental_panoramic", 0, 1, 0},
			{"dental_cbct", 0, 1, 0}, {"c_arm", 3, 6, 0}, {"fluoroscopy", 1, 2, 0},
			{"bone_densitometer", 0, 1, 0}, {"spect", 0, 1, 0}, {"pet_ct", 0, 1, 0}, {"linac", 0, 2, 0},
			{"ct_simulator", 0, 1, 0}},
		retired: equipRange{"", 3, 6, 0}},
	"cancer": {key: "cancer", kind: "specialist_hospital", grade: "3A", ownership: "public",
		staff: [2]int{70, 100}, beds: [2]int{800, 1500}, hospital: true, big: true, interventional: 0.5,
		equip: []equipRange{{"ct", 2, 4, 0}, {"dr", 2, 3, 0}, {"mobile_xray", 1, 2, 0}, {"dsa", 1, 2, 0},
			{"mammography", 1, 1, 0}, {"linac", 3, 5, 0}, {"ct_simulator", 1, 2, 0}, {"afterloader", 1, 1, 0},
			{"tomotherapy", 0, 1, 0}, {"spect", 1, 1, 0}, {"pet_ct", 1, 1, 0}},
		retired: equipRange{"", 1, 3, 0}},
	"secondary": {key: "secondary", kind: "general_hospital", grade: "2A", ownership: "public",
		staff: [2]int{22, 35}, beds: [2]int{300, 700}, hospital: true, interventional: 0.3,
		equip: []equipRange{{"ct", 2, 4, 0}, {"dr", 3, 5, 0}, {"mobile_xray", 1, 2, 0}, {"dsa", 0, 1, 0.4},
			{"mammography", 0, 1, 0}, {"dental_intraoral", 0, 1, 0}, {"c_arm", 1, 2, 0},
			{"fluoroscopy", 0, 1, 0}, {"bone_densitometer", 0, 1, 0}},
		retired: equipRange{"", 1, 2, 0}},
	"tcm": {key: "tcm", kind: "tcm_hospital", grade: "2A", ownership: "public",
		staff: [2]int{12, 22}, beds: [2]int{200, 500}, hospital: true,
		equip: []equipRange{{"ct", 1, 2, 0}, {"dr", 2, 4, 0}, {"mobile_xray", 0, 1, 0}, {"c_arm", 0, 1, 0},
			{"dental_intraoral", 0, 1, 0}, {"bone_densitometer", 0, 1, 0}},
		retired: equipRange{"", 0, 2, 0}},
	"mch": {key: "mch", kind: "maternal_child", grade: "2A", ownership: "public",
		staff: [2]int{10, 18}, beds: [2]int{150, 400}, hospital: true,
		equip: []equipRange{{"ct", 1, 1, 0}, {"dr", 1, 2, 0}, {"mammography", 1, 2, 0},
			{"bone_densitometer", 1, 1, 0}, {"mobile_xray", 0, 1, 0}},
		retired: equipRange{"", 0, 1, 0}},
	"specialist_private": {key: "specialist_private", kind: "specialist_hospital", grade: "2B",
		ownership: "private", staff: [2]int{10, 18}, beds: [2]int{80, 200}, hospital: true,
		equip:   []equipRange{{"ct", 1, 2, 0}, {"dr", 2, 3, 0}, {"c_arm", 1, 3, 0}, {"mobile_xray", 0, 1, 0}},
		retired: equipRange{"", 0, 1, 0}},
	"private_general": {key: "private_general", kind: "general_hospital", grade: "2B", ownership: "private",
		staff: [2]int{10, 20}, beds: [2]int{100, 300}, hospital: true, interventional: 0.3,
		equip: []equipRange{{"ct", 1, 2, 0}, {"dr", 2, 3, 0}, {"c_arm", 0, 1, 0}, {"mobile_xray", 0, 1, 0},
			{"dsa", 0, 1, 0.3}},
		retired: equipRange{"", 0, 1, 0}},
	"dental_hospital": {key: "dental_hospital", kind: "dental_hospital", grade: "none", ownership: "private",
		staff: [2]int{6, 10}, beds: [2]int{0, 20},
		equip: []equipRange{{"dental_intraoral", 3, 5, 0}, {"dental_panoramic", 1, 2, 0},
			{"dental_cbct", 1, 2, 0}},
		retired: equipRange{"", 0, 1, 0}},
	"community": {key: "community", kind: "community_centre", grade: "1", ownership: "public",
		staff: [2]int{2, 4}, beds: [2]int{0, 40},
		equip: []equipRange{{"dr", 1, 2, 0.5}, {"ct", 0, 1, 0.3}, {"dental_intraoral", 0, 1, 0.4},
			{"bone_densitometer", 0, 1, 0.1}},
		retired: equipRange{"", 0, 1, 0.2}},
	"township": {key: "township", kind: "township_centre", grade: "1", ownership: "public",
		staff: [2]int{2, 4}, beds: [2]int{10, 60},
		equip: []equipRange{{"dr", 1, 1, 0}, {"radiography", 0, 1, 0.3}, {"ct", 0, 1, 0.2},
			{"dental_intraoral", 0, 1, 0.1}},
		retired: equipRange{"", 0, 1, 0.3}},
	"outpatient": {key: "outpatient", kind: "outpatient", grade: "none", ownership: "private",
		staff: [2]int{2, 5}, host: true,
		equip: []equipRange{{"dr", 1, 2, 0.3}, {"ct", 0, 1, 0.3}, {"dental_intraoral", 0, 1, 0.3},
			{"mammography", 0, 1, 0.15}},
		retired: equipRange{"", 0, 1, 0.2}},
	"clinic": {key: "clinic", kind: "clinic", grade: "none", ownership: "private",
		staff: [2]int{1, 3}, host: true,
		equip:   []equipRange{{"dr", 0, 1, 0.6}, {"radiography", 0, 1, 0.3}},
		retired: equipRange{"", 0, 1, 0.1}},
	"dental_clinic": {key: "dental_clinic", kind: "dental_clinic", grade: "none", ownership: "private",
		staff: [2]int{1, 3},
		equip: []equipRange{{"dental_intraoral", 1, 3, 0.5}, {"dental_panoramic", 0, 1, 0.25},
			{"dental_cbct", 0, 1, 0.4}},
		retired: equipRange{"", 0, 1, 0.15}},
	"checkup": {key: "checkup", kind: "checkup_centre", grade: "none", ownership: "private",
		staff: [2]int{2, 5}, host: true,
		equip: []equipRange{{"dr", 1, 2, 0.5}, {"ct", 0, 1, 0.4}, {"mammography", 0, 1, 0.3},
			{"bone_densitometer", 0, 1, 0.3}},
		retired: equipRange{"", 0, 1, 0.2}},
	"cdc": {key: "cdc", kind: "other", grade: "none", ownership: "public",
		staff: [2]int{2, 3},
		equip: []equipRange{{"dr", 1, 1, 0}}},
}

// slot is one institution of the hand-made district layout.
type slot struct {
	profile   string
	problems  []string // rule IDs planted here (spec/rules.md)
	suspended bool     // 停业
}

// districtLayout is the hand-made 中原区: 60 institutions, 13 of them (plus
// the second employer of the multi-site worker) with deliberate problems.
// Community centres take the 14 streets in order. Keep Problems in sync.
var districtLayout = func() []slot {
	l := []slot{
		{profile: "tertiary", problems: []string{ruleMultiSite, ruleAnnualHigh, ruleEyeLimit}},
		{profile: "tertiary", problems: []string{ruleAcceptanceMissing, ruleFailedInUse, ruleInvestigate, ruleFiveYear}},
		{profile: "cancer", problems: []string{ruleStatusDueSoon, ruleAnnualLimit}},
		{profile: "secondary", problems: []string{ruleOutOfScope, ruleProtectionOverdue}},
		{profile: "tcm", problems: []string{ruleTrainingPrejob, ruleExamPrejob, rulePermitMissing}},
		{profile: "mch", problems: []string{ruleLicenceExpiring}},
		{profile: "specialist_private"},
		{profile: "private_general", problems: []string{ruleDoseGap, ruleDosimeterLost, ruleCycleLong}},
		{profile: "dental_hospital"},
	}
	add := func(profile string, n int, special map[int]slot) {
		for i := range n {
			s, ok := special[i]
			if !ok {
				s = slot{}
			}
			s.profile = profile
			l = append(l, s)
		}
	}
	add("community", 14, map[int]slot{
		3: {problems: []string{ruleLicenceExpired}},
		7: {problems: []string{ruleTrainingOverdue, ruleExamOverdue}},
	})
	add("outpatient", 5, nil)
	add("clinic", 8, map[int]slot{1: {problems: []string{ruleLicenceMissing}}, 5: {suspended: true}})
	add("dental_clinic", 18, map[int]slot{
		2:  {problems: []string{ruleUnderage}},
		10: {problems: []string{ruleExamUnfit}},
	})
	add("checkup", 5, map[int]slot{1: {problems: []string{ruleStatusOverdue, ruleProtectionFailed}}})
	add("cdc", 1, nil)
	return l
}()

// mixWeights draws the profile of an institution of the mixed (province)
// layout: many small institutions, few tertiary hospitals.
var mixWeights = []struct {
	profile string
	weight  int
}{
	{"tertiary", 10}, {"cancer", 3}, {"secondary", 45}, {"tcm", 30}, {"mch", 20},
	{"specialist_private", 25}, {"private_general", 35}, {"dental_hospital", 5}, {"community", 90},
	{"township", 180}, {"outpatient", 60}, {"clinic", 140}, {"dental_clinic", 240}, {"checkup", 45},
	{"cdc", 20},
}

// mixTotal is the sum of mixWeights.
var mixTotal = func() int {
	t := 0
	for _, w := range mixWeights {
		t += w.weight
	}
	return t
}()

// pickProfile draws a profile of the mixed layout.
func (g *gen) pickProfile() *profile {
	n := g.rng.IntN(mixTotal)
	for _, w := range mixWeights {
		if n < w.weight {
			return profiles[w.profile]
		}
		n -= w.weight
	}
	return profiles["clinic"]
}

// problemBundles are the sets of problems planted in the mixed layout, in
// turn: the district's problem slots.
var problemBundles = func() [][]string {
	var b [][]string
	for _, s := range districtLayout {
		if len(s.problems) > 0 {
			b = append(b, s.problems)
		}
	}
	return b
}()
