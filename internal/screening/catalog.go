package screening

// Rule IDs, copied verbatim from spec/rules.md.
const (
	InsLicenceMissing    = "INS-LICENCE-MISSING"
	InsLicenceExpired    = "INS-LICENCE-EXPIRED"
	InsLicenceExpiring   = "INS-LICENCE-EXPIRING"
	EqpOutOfScope        = "EQP-OUT-OF-SCOPE"
	EqpAcceptanceMissing = "EQP-ACCEPTANCE-MISSING"
	EqpFailedInUse       = "EQP-FAILED-IN-USE"
	EqpStatusOverdue     = "EQP-STATUS-OVERDUE"
	EqpStatusDueSoon     = "EQP-STATUS-DUE-SOON"
	EqpProtectionOverdue = "EQP-PROTECTION-OVERDUE"
	EqpProtectionFailed  = "EQP-PROTECTION-FAILED"
	PerUnderage          = "PER-UNDERAGE"
	PerPermitMissing     = "PER-PERMIT-MISSING"
	PerTrainingPrejob    = "PER-TRAINING-PREJOB-MISSING"
	PerTrainingOverdue   = "PER-TRAINING-OVERDUE"
	PerExamPrejob        = "PER-EXAM-PREJOB-MISSING"
	PerExamOverdue       = "PER-EXAM-OVERDUE"
	PerExamUnfit         = "PER-EXAM-UNFIT"
	PerDoseGap           = "PER-DOSE-GAP"
	PerDoseCycleLong     = "PER-DOSE-CYCLE-LONG"
	PerDoseInvestigate   = "PER-DOSE-INVESTIGATE"
	PerDosimeterLost     = "PER-DOSIMETER-LOST"
	PerDoseAnnualHigh    = "PER-DOSE-ANNUAL-HIGH"
	PerDoseAnnualLimit   = "PER-DOSE-ANNUAL-LIMIT"
	PerDoseFiveYearLimit = "PER-DOSE-5YEAR-LIMIT"
	PerEyeLimit          = "PER-EYE-LIMIT"
	PerMultiSite         = "PER-MULTI-SITE"
)

// Template variants of rules with more than one wording of their facts.
const (
	VariantNone  = "none"  // EQP-PROTECTION-OVERDUE: never tested
	VariantStale = "stale" // EQP-PROTECTION-OVERDUE: the last passed test is too old
)

// catalog is the rule list in the order of spec/rules.md, one row a rule.
// A row's wording (title, legal basis, action, fact templates), in Chinese
// and English, is in the i18n catalogue locales/rules under the rule's ID
// (see Rule.TitleKey); its articles follow spec/regulations.md §11 where
// that corrects the spec (see DISCREPANCIES.md).
var catalog = []Rule{
	{ID: InsLicenceMissing, Severity: Violation, Subject: SubjectInstitution},
	{ID: InsLicenceExpired, Severity: Violation, Subject: SubjectInstitution},
	{ID: InsLicenceExpiring, Severity: Notice, Subject: SubjectInstitution, Thresholds: []string{ThDueSoonDays}, Deadline: true},

	{ID: EqpOutOfScope, Severity: Violation, Subject: SubjectEquipment},
	{ID: EqpAcceptanceMissing, Severity: Violation, Subject: SubjectEquipment},
	{ID: EqpFailedInUse, Severity: Violation, Subject: SubjectEquipment},
	{ID: EqpStatusOverdue, Severity: Violation, Subject: SubjectEquipment, Thresholds: []string{ThStatusTestYears}},
	{ID: EqpStatusDueSoon, Severity: Notice, Subject: SubjectEquipment, Thresholds: []string{ThStatusTestYears, ThDueSoonDays},
		Deadline: true},
	{ID: EqpProtectionOverdue, Severity: Violation, Subject: SubjectEquipment, Variants: []string{VariantNone, VariantStale},
		Thresholds: []string{ThProtectionTestYears}},
	{ID: EqpProtectionFailed, Severity: Violation, Subject: SubjectEquipment},

	{ID: PerUnderage, Severity: Violation, Subject: SubjectPerson, Thresholds: []string{ThMinAge}},
	{ID: PerPermitMissing, Severity: Violation, Subject: SubjectPerson},
	{ID: PerTrainingPrejob, Severity: Violation, Subject: SubjectPerson},
	{ID: PerTrainingOverdue, Severity: Violation, Subject: SubjectPerson, Thresholds: []string{ThTrainingYears}},
	{ID: PerExamPrejob, Severity: Violation, Subject: SubjectPerson, Health: true},
	{ID: PerExamOverdue, Severity: Violation, Subject: SubjectPerson, Health: true, Thresholds: []string{ThExamYears}},
	{ID: PerExamUnfit, Severity: Violation, Subject: SubjectPerson, Health: true},
	{ID: PerDoseGap, Severity: Violation, Subject: SubjectPerson, Health: true, Thresholds: []string{ThLookbackDays, ThDoseLagDays}},
	{ID: PerDoseCycleLong, Severity: Warning, Subject: SubjectPerson, Health: true, Thresholds: []string{ThLookbackDays, ThMaxPeriodDays}},
	{ID: PerDoseInvestigate, Severity: Warning, Subject: SubjectPerson, Health: true, Thresholds: []string{ThLookbackDays, ThInvestigationAnnual}},
	{ID: PerDosimeterLost, Severity: Warning, Subject: SubjectPerson, Health: true, Thresholds: []string{ThLookbackDays}},
	{ID: PerDoseAnnualHigh, Severity: Warning, Subject: SubjectPerson, Health: true, Thresholds: []string{ThAnnualHigh, ThAnnualLimit}},
	{ID: PerDoseAnnualLimit, Severity: Violation, Subject: SubjectPerson, Health: true, Thresholds: []string{ThAnnualLimit}},
	{ID: PerDoseFiveYearLimit, Severity: Violation, Subject: SubjectPerson, Health: true, Thresholds: []string{ThFiveYearLimit}},
	{ID: PerEyeLimit, Severity: Violation, Subject: SubjectPerson, Health: true, Thresholds: []string{ThEyeLimit}},
	{ID: PerMultiSite, Severity: Notice, Subject: SubjectPerson},
}

// HealthRules lists the IDs of the rules whose findings are health data:
// they derive from health exams or personal doses, which only supervisors
// and the person's employer may read.
func HealthRules() []string {
	var out []string
	for _, r := range catalog {
		if r.Health {
			out = append(out, r.ID)
		}
	}
	return out
}

// ruleIndex finds a catalogue rule by ID.
var ruleIndex = func() map[string]Rule {
	m := make(map[string]Rule, len(catalog))
	for _, r := range catalog {
		m[r.ID] = r
	}
	return m
}()

// Catalog returns the rules in the order of spec/rules.md. The slice is a
// copy: callers may keep or change it.
func Catalog() []Rule {
	out := make([]Rule, len(catalog))
	for i, r := range catalog {
		out[i] = r.clone()
	}
	return out
}

// RuleByID returns the rule with the given ID.
func RuleByID(id string) (Rule, bool) {
	r, ok := ruleIndex[id]
	return r.clone(), ok
}
