package screening

import (
	"cmp"
	"slices"
	"strings"

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
	lic := currentLicence(f.Licences, inst.ID, asOf)
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
			ev["licence_no"], ev["valid_until"] = lic.LicenceNo, lic.ValidUntil.String()
			ev["overdue_days"] = itoa(lic.ValidUntil.DaysUntil(asOf))
			fs = append(fs, s.finding(InsLicenceExpired, "", inst, inst.ID, ev, domain.Date{}))
		}
	case !lic.ValidUntil.After(asOf.AddDate(0, 0, th.DueSoonDays)):
		// The reminder does not need equipment in use: an open institution
		// keeping its licence must have it checked either way.
		ev := map[string]string{
			"licence_no": lic.LicenceNo, "valid_until": lic.ValidUntil.String(),
			"days_left": itoa(asOf.DaysUntil(lic.ValidUntil)),
		}
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

func usedEvidence(used []*domain.Equipment) map[string]string {
	names := make([]string, len(used))
	for i, e := range used {
		names[i] = equipmentLabel(e) + "（" + e.SerialNo + "）"
	}
	return map[string]string{"in_use_count": itoa(len(used)), "in_use": strings.Join(names, "、")}
}

// equipmentLabel is the equipment's name, or the short Chinese name of its
// type ("CT" for "CT (X射线计算机体层摄影装置)").
func equipmentLabel(e *domain.Equipment) string {
	if e.Name != "" {
		return e.Name
	}
	label := domain.EquipmentTypes.Label(e.Type)
	if short, _, ok := strings.Cut(label, " ("); ok {
		return short
	}
	return label
}
