package demo

import (
	"fmt"
	"slices"
	"strings"

	"radsup/internal/domain"
)

// device is one planned piece of equipment.
type device struct {
	typ            string
	interventional bool
	status         string      // domain.EquipmentStatuses key
	problem        string      // planted device rule, if any
	outOfScope     bool        // its category was left off the licence
	end            domain.Date // last day in service (asOf when in use)
}

func (d *device) inUse() bool { return d.status == "in_use" }

// category returns the device's 放射诊疗类别.
func (d *device) category() string {
	e := domain.Equipment{Type: d.typ, Interventional: d.interventional}
	return e.Category()
}

// planDevices decides the institution's equipment, places the planted
// device problems and derives the occupations of its staff.
func (g *gen) planDevices(s *site) {
	prof := s.prof
	for _, r := range prof.equip {
		for range g.count(r) {
			d := &device{typ: r.typ, status: "in_use", end: g.asOf}
			if r.typ == "c_arm" {
				d.interventional = g.chance(prof.interventional)
			}
			s.devices = append(s.devices, d)
		}
	}
	g.ensureDevices(s)
	for range g.count(prof.retired) {
		d := &device{typ: g.oldType(s), status: "scrapped", end: g.daysAgo(g.between(60, 3*365))}
		if g.chance(0.3) {
			d.status = "idle"
		}
		s.devices = append(s.devices, d)
	}
	if s.suspended {
		for _, d := range s.devices {
			if d.inUse() {
				d.status, d.end = "idle", s.closedOn
			}
		}
	}
	g.placeDeviceProblems(s)
	for _, d := range s.devices {
		if !d.inUse() {
			continue
		}
		occ, ok := occupationOf[d.typ]
		if !ok {
			occ = "2A"
		}
		if d.category() == "interventional" {
			occ = "2E"
		}
		for range max(1, occupationWeight[d.typ]) {
			s.occ = append(s.occ, occ)
		}
	}
	if len(s.occ) == 0 { // a suspended institution: staff did the X-ray work
		s.occ = []string{"2A"}
	}
}

// ensureDevices makes sure the institution has an in-use device, an
// in-use X-ray device per planted device problem, and a device the licence
// can leave out.
func (g *gen) ensureDevices(s *site) {
	need := 0
	for _, r := range s.problems {
		if deviceRules[r] {
			need++
		}
	}
	extra := "dr"
	if s.prof.kind == "dental_clinic" || s.prof.kind == "dental_hospital" {
		extra = "dental_intraoral"
	}
	xray := 0
	for _, d := range s.devices {
		if d.category() == "xray_imaging" {
			xray++
		}
	}
	for xray < need || len(s.devices) == 0 {
		s.devices = append(s.devices, &device{typ: extra, status: "in_use", end: g.asOf})
		xray++
	}
	if s.has(ruleOutOfScope) && !slices.ContainsFunc(s.devices, func(d *device) bool {
		return d.category() != "xray_imaging"
	}) {
		if s.prof.hospital {
			s.devices = append(s.devices, &device{typ: "dsa", status: "in_use", end: g.asOf})
		} else {
			delete(s.planted, ruleOutOfScope)
		}
	}
}

// oldType picks the type of a device kept on the register after retirement.
func (g *gen) oldType(s *site) string {
	if s.prof.kind == "dental_clinic" || s.prof.kind == "dental_hospital" {
		return pick(g, []string{"dental_intraoral", "dental_panoramic"})
	}
	if s.prof.big {
		return pick(g, []string{"cr", "radiography", "ct", "dr", "fluoroscopy", "c_arm"})
	}
	return pick(g, []string{"cr", "radiography", "dr"})
}

// placeDeviceProblems gives each planted device rule to its own in-use
// device, X-ray devices first.
func (g *gen) placeDeviceProblems(s *site) {
	j := 0
	for _, r := range s.problems {
		if !deviceRules[r] || !s.planted[r] {
			continue
		}
		for j < len(s.devices) && (!s.devices[j].inUse() || s.devices[j].category() != "xray_imaging") {
			j++
		}
		if j == len(s.devices) {
			return
		}
		s.devices[j].problem = r
		j++
	}
}

// count draws how many devices of a range an institution has.
func (g *gen) count(r equipRange) int {
	p := r.p
	if p == 0 {
		p = 0.5
	}
	n := r.min
	for range r.max - r.min {
		if g.chance(p) {
			n++
		}
	}
	return n
}

// equipment emits one device and its tests.
func (g *gen) equipment(s *site, d *device) error {
	list := models[d.typ]
	if hi := highEnd[d.typ]; hi != nil && s.prof.big && g.chance(0.7) {
		list = hi
	}
	m := pick(g, list)
	installed := g.installDate(d)
	made := installed.AddDate(0, 0, -g.between(30, 300))
	room := roomNames[d.typ]
	if strings.Contains(room, "%d") {
		room = fmt.Sprintf(room, g.between(1, 4))
	}
	e := &domain.Equipment{
		InstitutionID:  s.inst.ID,
		Type:           d.typ,
		Interventional: d.interventional,
		Name:           deviceNames[d.typ],
		Manufacturer:   m.zh,
		Model:          m.name,
		SerialNo:       g.serial(s, m.maker, made),
		ManufacturedOn: made,
		InstalledOn:    installed,
		Room:           room,
		Status:         d.status,
	}
	if d.interventional {
		e.Room = fmt.Sprintf("导管室%d", g.between(1, 4))
	}
	if err := g.sink.Equipment(e); err != nil {
		return err
	}
	if err := checkID(&e.Meta); err != nil {
		return err
	}
	if err := g.tests(s, d, e); err != nil {
		return err
	}
	subject := s.inst.CreditCode + "/" + e.SerialNo
	if d.problem != "" {
		if err := g.report(d.problem, s.inst.CreditCode, subject, d.typ+" "+e.Model); err != nil {
			return err
		}
	}
	if d.outOfScope {
		return g.report(ruleOutOfScope, s.inst.CreditCode, subject, d.typ+" outside the licence")
	}
	return nil
}

// installDate chooses when a device was installed. Devices with a planted
// problem are old enough for it; new devices avoid the window in which
// their first status test would fall due around asOf.
func (g *gen) installDate(d *device) domain.Date {
	if d.problem != "" {
		return g.daysAgo(g.between(3*365, 10*365))
	}
	if !d.inUse() {
		return d.end.AddDate(0, 0, -g.between(5*365, 14*365))
	}
	age := g.between(60, 15*365)
	if g.chance(0.12) {
		age = g.between(60, 300)
	}
	if age > 300 && age < 420 {
		age += 120
	}
	return g.daysAgo(age)
}
