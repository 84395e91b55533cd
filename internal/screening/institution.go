package screening

import (
	"cmp"
	"slices"

	"radsup/internal/domain"
)

// CheckInstitution evaluates the institution rules (INS-*) as of asOf.
// Only an active (开业) institution can have findings.
func CheckInstitution(f InstitutionFacts, asOf domain.Date, th Thresholds) []Finding {
	inst := f.Institution
	if !activeInstitution(inst) {
		return nil
	}
	s := institutionSubject(inst)
	used := inUseEquipment(f.Equipment, inst)
	lic := licenceInForce(f.Licences, f.LicenceActs, inst.ID, asOf)
	var fs []Finding
	switch {
	case lic == nil:
		if len(used) > 0 {
			fs = append(fs, s.finding(InsLicenceMissing, "", inst, inst.ID, usedEvidence(used), domain.Date{}))
		}
	case lic.ValidUntil.IsZero():
		// A licence without a check date cannot be judged; validation
		// rejects it, so this is only a guard against bad data.
	case lic.ValidUntil.Before(asOf):
		if len(used) > 0 {
			ev := usedEvidence(used)
			ev["licence_no"], ev["valid_until"] = domain.Fact{Value: lic.LicenceNo}, domain.Fact{Value: lic.ValidUntil.String()}
			ev["overdue_days"] = domain.Fact{Value: itoa(lic.ValidUntil.DaysUntil(asOf))}
			fs = append(fs, s.finding(InsLicenceExpired, "", inst, inst.ID, ev, domain.Date{}))
		}
	case !lic.ValidUntil.After(asOf.AddDate(0, 0, th.DueSoonDays)):
		// The reminder does not need equipment in use: an open institution
		// keeping its licence must have it checked either way.
		ev := facts("licence_no", lic.LicenceNo, "valid_until", lic.ValidUntil.String(),
			"days_left", itoa(asOf.DaysUntil(lic.ValidUntil)))
		fs = append(fs, s.finding(InsLicenceExpiring, "", inst, inst.ID, ev, lic.ValidUntil))
	}
	return finish(fs)
}

func institutionSubject(inst *domain.Institution) subject {
	return subject{typ: SubjectInstitution, key: inst.CreditCode, id: inst.ID,
		names: map[string]string{"institution_name": inst.Name}}
}

// inUseEquipment returns the institution's in-use equipment, by serial number.
func inUseEquipment(es []*domain.Equipment, inst *domain.Institution) []*domain.Equipment {
	var out []*domain.Equipment
	for _, e := range es {
		if e != nil && (e.InstitutionID == 0 || inst.ID == 0 || e.InstitutionID == inst.ID) && inUse(e, inst) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *domain.Equipment) int {
		return cmp.Or(cmp.Compare(a.SerialNo, b.SerialNo), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// usedEvidence lists the devices in use: each by its name (if it has one),
// type and serial number.
func usedEvidence(used []*domain.Equipment) domain.Evidence {
	items := make([]domain.Item, len(used))
	for i, e := range used {
		items[i] = domain.Item{"type": e.Type, "serial_no": e.SerialNo}
		if e.Name != "" {
			items[i]["equipment"] = e.Name
		}
	}
	return domain.Evidence{"in_use_count": {Value: itoa(len(used))}, "in_use": domain.ListFact(items)}
}

// equipmentNames are the values that name a device: its name (only if it
// has one: a page names it by its type otherwise), type, model and serial
// number.
func equipmentNames(e *domain.Equipment) map[string]string {
	names := map[string]string{"type": e.Type, "model": e.Model, "serial_no": e.SerialNo}
	if e.Name != "" {
		names["equipment"] = e.Name
	}
	return names
}
