package demo

import (
	"strconv"
	"strings"

	"radsup/internal/domain"
)

// site is the institution being generated and what its records need.
type site struct {
	plan
	inst     *domain.Institution
	open     bool
	closedOn domain.Date // for a suspended institution: when it stopped work
	devices  []*device
	occ      []string // occupations weighted by the in-use equipment
	serials  map[string]bool
	planted  map[string]bool // planted problems still to be placed
	dosePro  string
	trainPro string
	examPro  string
	agency   string
}

// has reports whether problem rule is planned here.
func (s *site) has(rule string) bool { return s.planted[rule] }

// newSite creates and emits the institution and plans its equipment.
func (g *gen) newSite(i int, p plan) (*site, error) {
	s := &site{plan: p, open: !p.suspended, serials: map[string]bool{}, planted: map[string]bool{}}
	for _, r := range p.problems {
		s.planted[r] = true
	}
	if p.suspended {
		s.closedOn = quarterAligned(g.daysAgo(g.between(120, 500)))
	}
	s.dosePro, s.trainPro = pick(g, doseProviders), pick(g, trainProviders)
	s.examPro, s.agency = pick(g, examProviders), pick(g, testAgencies)
	s.inst = g.newInstitution(i, p)
	if err := g.sink.Institution(s.inst); err != nil {
		return nil, err
	}
	if err := checkID(&s.inst.Meta); err != nil {
		return nil, err
	}
	g.planDevices(s)
	return s, nil
}

// economicType and unitCategory derive an institution's 经济类型 and 单位类别
// from its ownership and kind, without drawing from the generator, so that
// the same seed gives the same district as before they existed.
var (
	economicType = map[string]string{"public": "state_owned", "private": "private"}
	unitCategory = map[string]string{
		"general_hospital": "hospital", "tcm_hospital": "hospital", "specialist_hospital": "hospital",
		"dental_hospital": "hospital", "maternal_child": "maternal_child", "community_centre": "community",
		"township_centre": "health_centre", "outpatient": "outpatient", "dental_clinic": "clinic", "clinic": "clinic",
		"checkup_centre": "outpatient", "other": "other",
	}
)

// newInstitution fills an institution record.
func (g *gen) newInstitution(i int, p plan) *domain.Institution {
	prof := p.prof
	prefix := "91"
	switch {
	case prof.ownership == "public":
		prefix = "12"
	case prof.hospital || prof.kind == "dental_hospital":
		prefix = "52"
	}
	inst := &domain.Institution{
		Name:             g.uniqueName(p),
		CreditCode:       g.creditCode(prefix, p.div.code, i),
		MedicalLicenceNo: g.medicalLicenceNo(p.div.code),
		Kind:             prof.kind,
		Grade:            prof.grade,
		Ownership:        prof.ownership,
		EconomicType:     economicType[prof.ownership],
		UnitCategory:     unitCategory[prof.kind],
		DivisionCode:     p.div.code,
		Street:           p.street,
		Address:          g.address(p.div, p.street),
		LegalRep:         g.anyName(),
		RadiationOfficer: g.anyName(),
		Status:           "open",
	}
	if prof.beds[1] > 0 {
		beds := g.between(prof.beds[0], prof.beds[1])
		inst.Beds = &beds
	}
	inst.Phone = g.landline()
	if prof.ownership == "private" && g.chance(0.5) {
		inst.Phone = g.mobile()
	}
	if p.suspended {
		inst.Status = "suspended"
	}
	return inst
}

// local is the name a county-level division goes by locally: 巩义市, or
// 郑州市中原区.
func (d division) local() string {
	if strings.HasSuffix(d.county, "市") {
		return d.county
	}
	return d.city + d.county
}

// instName names an institution after its profile and division.
func (g *gen) instName(p plan) string {
	d := p.div
	g.numbers[d.code+"/"+p.prof.key]++
	k := g.numbers[d.code+"/"+p.prof.key]
	nth := func(base, alt string) string { // base for the first, a place word for later ones
		if k == 1 {
			return d.local() + base
		}
		return d.local() + placeWords[(k-2)%len(placeWords)] + alt
	}
	brand := pick(g, brandWords)
	switch p.prof.key {
	case "tertiary":
		g.numbers[d.city+"/tertiary"]++
		return d.city + "第" + numeral(g.numbers[d.city+"/tertiary"]) + "人民医院"
	case "cancer":
		g.numbers[d.city+"/cancer"]++
		if g.numbers[d.city+"/cancer"] == 1 {
			return d.city + "肿瘤医院"
		}
		return d.city + brand + "肿瘤医院"
	case "secondary":
		return nth("人民医院", "人民医院")
	case "tcm":
		return nth("中医院", "中医院")
	case "mch":
		return nth("妇幼保健院", "妇幼保健计划生育服务站")
	case "specialist_private":
		return d.shortCity() + brand + pick(g, []string{"骨科医院", "骨伤医院", "外科医院"})
	case "private_general":
		return d.shortCity() + brand + "医院"
	case "dental_hospital":
		return d.shortCity() + pick(g, dentalWords) + "口腔医院"
	case "community":
		if p.street != "" {
			return d.local() + domain.StreetLabel(d.code, p.street) + "社区卫生服务中心"
		}
		return d.local() + placeWords[(k-1)%len(placeWords)] + "社区卫生服务中心"
	case "township":
		return d.local() + placeWords[(k-1)%len(placeWords)] + "镇卫生院"
	case "outpatient":
		return d.shortCity() + brand + pick(g, []string{"综合门诊部", "门诊部", "中西医结合门诊部"})
	case "clinic":
		if g.chance(0.6) {
			return d.county + g.anyName() + "诊所"
		}
		return d.county + brand + "诊所"
	case "dental_clinic":
		return d.shortCity() + pick(g, dentalWords) + pick(g, []string{"口腔门诊部", "口腔诊所"})
	case "checkup":
		return d.shortCity() + brand + "健康体检中心"
	}
	return nth("疾病预防控制中心", "卫生防疫站")
}

// uniqueName names an institution, avoiding names already given.
func (g *gen) uniqueName(p plan) string {
	name := g.instName(p)
	for try := 0; g.names[name] && try < 8; try++ {
		name = g.instName(p)
	}
	for k := 0; g.names[name]; k++ {
		name += placeWords[k%len(placeWords)] + "分部"
	}
	g.names[name] = true
	return name
}

// numeral writes n in Chinese for n ≤ 20, else in digits.
func numeral(n int) string {
	if n >= 1 && n <= len(chineseNumerals) {
		return chineseNumerals[n-1]
	}
	return strconv.Itoa(n)
}

// licence emits the institution's licence, covering the categories of its
// equipment unless a planted problem says otherwise.
func (g *gen) licence(s *site) error {
	code := s.inst.CreditCode
	if s.has(ruleLicenceMissing) {
		return g.report(ruleLicenceMissing, code, code, "in-use equipment, no licence")
	}
	cats := s.categories()
	omit := ""
	if s.has(ruleOutOfScope) {
		omit = s.outOfScopeCategory()
	}
	lic := &domain.Licence{InstitutionID: s.inst.ID, Issuer: s.div.issuerName()}
	for _, c := range cats {
		if c == omit {
			continue
		}
		lic.Items = append(lic.Items, s.items(g, c)...)
		switch c {
		case "radiotherapy", "nuclear_medicine":
			lic.Issuer = "河南省卫生健康委员会"
		case "interventional":
			if lic.Issuer != "河南省卫生健康委员会" {
				lic.Issuer = s.div.cityIssuer()
			}
		}
	}
	lic.IssuedOn = g.daysAgo(g.between(200, 5*365))
	lic.ValidUntil = g.asOf.AddDate(0, 0, g.between(60, 900))
	note := ""
	switch {
	case s.has(ruleLicenceExpired):
		lic.ValidUntil = g.daysAgo(g.between(20, 200))
		lic.IssuedOn = lic.ValidUntil.AddDate(0, 0, -g.between(365, 4*365))
		note = "licence valid until " + lic.ValidUntil.String()
	case s.has(ruleLicenceExpiring):
		lic.ValidUntil = g.asOf.AddDate(0, 0, g.between(3, 28))
		note = "licence valid until " + lic.ValidUntil.String()
	}
	lic.LicenceNo = g.licenceNo(s.div.code, lic.IssuedOn)
	if err := g.sink.Licence(lic); err != nil {
		return err
	}
	for _, r := range []string{ruleLicenceExpired, ruleLicenceExpiring} {
		if s.has(r) {
			if err := g.report(r, code, code, note); err != nil {
				return err
			}
		}
	}
	if omit != "" {
		for _, d := range s.devices {
			d.outOfScope = d.inUse() && d.category() == omit
		}
	}
	return nil
}

// categoryOrder fixes the order of categories and licence items.
var categoryOrder = []string{"radiotherapy", "nuclear_medicine", "interventional", "xray_imaging"}

// categories returns the categories of the equipment not scrapped, in order.
func (s *site) categories() []string {
	var out []string
	for _, c := range categoryOrder {
		for _, d := range s.devices {
			if d.status != "scrapped" && d.category() == c {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// outOfScopeCategory picks the category to leave off the licence: the first
// non-X-ray category of an in-use device, interventional first.
func (s *site) outOfScopeCategory() string {
	for _, c := range []string{"interventional", "nuclear_medicine", "radiotherapy"} {
		for _, d := range s.devices {
			if d.inUse() && d.category() == c {
				return c
			}
		}
	}
	return ""
}

// xrayItems maps X-ray equipment types to the licence item naming them.
var xrayItems = map[string]string{
	"ct": "ct", "dental_intraoral": "dental_xray", "dental_panoramic": "dental_xray",
	"dental_cbct": "dental_xray", "mammography": "mammography", "bone_densitometer": "bone_density",
}

// items returns the licence items of one category: either the category
// itself or the specific items of the equipment held.
func (s *site) items(g *gen, cat string) []string {
	switch cat {
	case "xray_imaging":
		if g.chance(0.4) {
			return []string{cat}
		}
		var items []string
		seen := map[string]bool{}
		for _, d := range s.devices {
			it, ok := xrayItems[d.typ]
			if !ok {
				it = "general_xray"
			}
			if d.status != "scrapped" && d.category() == cat && !seen[it] {
				seen[it] = true
				items = append(items, it)
			}
		}
		return items
	case "nuclear_medicine":
		if g.chance(0.5) {
			return []string{cat}
		}
		var items []string
		for _, it := range []struct{ typ, item string }{{"pet_ct", "pet"}, {"spect", "spect"}} {
			for _, d := range s.devices {
				if d.typ == it.typ && d.status != "scrapped" {
					items = append(items, it.item)
					break
				}
			}
		}
		return items
	}
	return []string{cat}
}

// quarterAligned moves d away from the last and first ten days of its
// calendar quarter, so that partial monitoring periods are not too short.
func quarterAligned(d domain.Date) domain.Date {
	qs, qe := quarterOf(d)
	if qs.DaysUntil(d) < 10 {
		d = d.AddDate(0, 0, 12)
	}
	if d.DaysUntil(qe) < 10 {
		d = d.AddDate(0, 0, -12)
	}
	return d
}
