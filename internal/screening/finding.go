package screening

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"

	"radsup/internal/domain"
)

// subject is what a finding is about and the evidence that names it.
type subject struct {
	typ, key string
	id       int64
	names    map[string]string
}

// finding builds the finding of rule ruleID (template variant, if any) for
// s at institution inst (id instID, for when inst is unknown), with the
// evidence ev of the rule's facts.
func (s subject) finding(ruleID, variant string, inst *domain.Institution, instID int64, ev domain.Evidence, due domain.Date) Finding {
	r, ok := ruleIndex[ruleID]
	if !ok {
		panic("screening: unknown rule " + ruleID) // a programming error, caught by every test
	}
	all := make(domain.Evidence, len(s.names)+len(ev)+2)
	for k, v := range s.names {
		all[k] = domain.Fact{Value: v}
	}
	f := Finding{
		Rule: r.ID, Severity: r.Severity, Template: r.ID, SubjectType: s.typ, SubjectKey: s.key, SubjectID: s.id,
		InstitutionID: instID, DueOn: due,
	}
	if variant != "" {
		f.Template += "/" + variant
	}
	if inst != nil {
		f.InstitutionID, f.Institution = inst.ID, inst.CreditCode
		all["institution_name"], all["credit_code"] = domain.Fact{Value: inst.Name}, domain.Fact{Value: inst.CreditCode}
	} else {
		// The loader should pass every institution; name it by id rather
		// than drop the finding.
		all["institution_id"] = domain.Fact{Value: itoa(instID)}
	}
	maps.Copy(all, ev)
	f.Evidence = all
	return f
}

// facts returns evidence of single values from key, value pairs.
func facts(kv ...string) domain.Evidence {
	ev := make(domain.Evidence, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		ev[kv[i]] = domain.Fact{Value: kv[i+1]}
	}
	return ev
}

// period is a dose record's monitoring period as the items of a listed fact hold it.
func period(r *domain.DoseRecord) domain.Item {
	return domain.Item{"from": r.PeriodStart.String(), "to": r.PeriodEnd.String()}
}

// finish sorts findings by institution credit code, rule ID and subject
// key, and keeps one finding per (rule, subject, institution): the first
// made, which the rules arrange to be the most telling.
func finish(fs []Finding) []Finding {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Institution, b.Institution), cmp.Compare(a.InstitutionID, b.InstitutionID),
			cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.SubjectKey, b.SubjectKey))
	})
	return slices.CompactFunc(fs, func(a, b Finding) bool {
		return a.Rule == b.Rule && a.SubjectKey == b.SubjectKey && a.SubjectType == b.SubjectType &&
			a.Institution == b.Institution && a.InstitutionID == b.InstitutionID
	})
}

// Evidence formatting: dates as 2006-01-02, doses as mSv with 3 decimals.
func dose(microSv int64) string { return domain.MicroSv(microSv).String() }

func itoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

// cutShort returns the short name of an enumeration label: "CT" for
// "CT (X射线计算机体层摄影装置)".
func cutShort(label string) string {
	short, _, _ := strings.Cut(label, " (")
	return short
}
