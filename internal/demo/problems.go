package demo

import "radsup/internal/domain"

// Rule IDs of spec/rules.md that the planted problems trigger.
const (
	ruleLicenceMissing    = "INS-LICENCE-MISSING"
	ruleLicenceExpired    = "INS-LICENCE-EXPIRED"
	ruleLicenceExpiring   = "INS-LICENCE-EXPIRING"
	ruleOutOfScope        = "EQP-OUT-OF-SCOPE"
	ruleAcceptanceMissing = "EQP-ACCEPTANCE-MISSING"
	ruleFailedInUse       = "EQP-FAILED-IN-USE"
	ruleStatusOverdue     = "EQP-STATUS-OVERDUE"
	ruleStatusDueSoon     = "EQP-STATUS-DUE-SOON"
	ruleProtectionOverdue = "EQP-PROTECTION-OVERDUE"
	ruleProtectionFailed  = "EQP-PROTECTION-FAILED"
	ruleUnderage          = "PER-UNDERAGE"
	rulePermitMissing     = "PER-PERMIT-MISSING"
	ruleTrainingPrejob    = "PER-TRAINING-PREJOB-MISSING"
	ruleTrainingOverdue   = "PER-TRAINING-OVERDUE"
	ruleExamPrejob        = "PER-EXAM-PREJOB-MISSING"
	ruleExamOverdue       = "PER-EXAM-OVERDUE"
	ruleExamUnfit         = "PER-EXAM-UNFIT"
	ruleDoseGap           = "PER-DOSE-GAP"
	ruleCycleLong         = "PER-DOSE-CYCLE-LONG"
	ruleInvestigate       = "PER-DOSE-INVESTIGATE"
	ruleDosimeterLost     = "PER-DOSIMETER-LOST"
	ruleAnnualHigh        = "PER-DOSE-ANNUAL-HIGH"
	ruleAnnualLimit       = "PER-DOSE-ANNUAL-LIMIT"
	ruleFiveYear          = "PER-DOSE-5YEAR-LIMIT"
	ruleEyeLimit          = "PER-EYE-LIMIT"
	ruleMultiSite         = "PER-MULTI-SITE"
)

// deviceRules are planted on one in-use device each.
var deviceRules = map[string]bool{
	ruleAcceptanceMissing: true, ruleFailedInUse: true, ruleStatusOverdue: true,
	ruleStatusDueSoon: true, ruleProtectionOverdue: true, ruleProtectionFailed: true,
}

// personRules are planted on one current worker each.
var personRules = map[string]bool{
	ruleUnderage: true, rulePermitMissing: true, ruleTrainingPrejob: true, ruleTrainingOverdue: true,
	ruleExamPrejob: true, ruleExamOverdue: true, ruleExamUnfit: true, ruleDoseGap: true,
	ruleCycleLong: true, ruleInvestigate: true, ruleDosimeterLost: true, ruleAnnualHigh: true,
	ruleAnnualLimit: true, ruleFiveYear: true, ruleEyeLimit: true, ruleMultiSite: true,
}

// Problem is one deliberate defect in the generated data, named by the
// screening rule that should find it. Subject follows the findings' subject
// keys (spec/data-model.md): an institution's credit code, credit code + "/"
// + serial number for equipment, the ID number for a person.
type Problem struct {
	Rule        string
	Institution string // credit code of the institution the finding names
	Subject     string
	Note        string
}

// ProblemSink may be implemented by a Sink that wants to be told, as the
// data stream past, which problems were planted and where.
type ProblemSink interface {
	Problem(Problem) error
}

// ProblemKind documents one deliberate problem of the district dataset.
type ProblemKind struct {
	Rule  string // rule ID from spec/rules.md
	Where string // which institution of the district layout
	What  string // what was planted
}

// Problems lists the deliberate problems of the district scale, by rule ID.
// The exact subjects depend on the seed: use Planted (or a Sink that
// implements ProblemSink) to get them. Data free of these problems is
// generated so that no other rule fires, with two caveats: a lost
// dosimeter's record still covers its period (PER-DOSE-GAP does not fire
// for it), and dose sums are checked per employer, not across employers.
var Problems = []ProblemKind{
	{ruleMultiSite, "tertiary hospital #1 and the first outpatient department", "an interventional worker also employed (active) at the outpatient department: one finding per employer"},
	{ruleAnnualHigh, "tertiary hospital #1", "an interventional worker with 5.2–7 mSv Hp(10) in each quarter of last year (sum 20–50 mSv); those quarters ending in the last 365 days also fire PER-DOSE-INVESTIGATE"},
	{ruleEyeLimit, "tertiary hospital #1", "a worker with Hp(3) 40–52 mSv in each quarter of last year (sum above 150 mSv)"},
	{ruleAcceptanceMissing, "tertiary hospital #2", "an in-use device with no acceptance test (status and protection tests current)"},
	{ruleFailedInUse, "tertiary hospital #2", "an in-use device whose latest status test (10–60 days ago) failed; the one before passed 150–250 days ago"},
	{ruleInvestigate, "tertiary hospital #2", "one quarterly Hp(10) of 1.6–4 mSv in the last year"},
	{ruleFiveYear, "tertiary hospital #2", "an interventional cardiologist (2E 介入放射学, 医师) with 6.4–7.4 mSv Hp(10) in every quarter of a dose history of at least five years (25.6–29.6 mSv a year: over 100 mSv in the years year(asOf)−4 … year(asOf) even when the current year has no record yet); also PER-DOSE-ANNUAL-HIGH (last year, and this year once its sum passes 20 mSv) and PER-DOSE-INVESTIGATE (every quarter)"},
	{ruleStatusDueSoon, "cancer hospital", "an in-use device whose status test falls due 3–27 days after asOf"},
	{ruleAnnualLimit, "cancer hospital", "a worker with 13–16 mSv Hp(10) in each quarter of last year (above 50 mSv); also PER-DOSE-INVESTIGATE"},
	{ruleOutOfScope, "secondary hospital", "a DSA (and interventional C-arms, if any) at a hospital licensed only for X射线影像诊断: one finding per device"},
	{ruleProtectionOverdue, "secondary hospital", "an in-use device whose latest protection test is 400–520 days old"},
	{ruleTrainingPrejob, "TCM hospital", "a worker with in-service trainings but no pre-job training"},
	{ruleExamPrejob, "TCM hospital", "a worker with in-service exams but no pre-job exam"},
	{rulePermitMissing, "TCM hospital", "an active employment without permit number"},
	{ruleLicenceExpiring, "maternal and child health hospital", "licence valid_until 3–28 days after asOf"},
	{ruleDoseGap, "private general hospital", "one quarter missing within the last year"},
	{ruleDosimeterLost, "private general hospital", "a record in the last year marked lost, Hp(10) unset"},
	{ruleCycleLong, "private general hospital", "the last two quarters reported as one half-year record"},
	{ruleLicenceExpired, "community centre #4", "licence valid_until 20–200 days before asOf, equipment in use"},
	{ruleTrainingOverdue, "community centre #8", "a worker whose latest training is 2 years + 30–200 days old"},
	{ruleExamOverdue, "community centre #8", "a worker whose latest exam is 2 years + 30–200 days old"},
	{ruleLicenceMissing, "clinic #2", "in-use equipment and no licence"},
	{ruleUnderage, "dental clinic #3", "a worker aged 17 when starting radiation work"},
	{ruleExamUnfit, "dental clinic #11", "a worker whose latest exam concludes 暂时脱离放射工作"},
	{ruleStatusOverdue, "check-up centre #2", "an in-use device whose latest status test is 400–520 days old"},
	{ruleProtectionFailed, "check-up centre #2", "an in-use device whose latest protection test (10–60 days ago) failed"},
}

// Planted generates the dataset, discarding the records, and returns the
// problems planted in it, in the order they were planted.
func Planted(scale Scale, seed int64, asOf domain.Date) ([]Problem, error) {
	c := &problemCollector{}
	err := Generate(scale, seed, asOf, c)
	return c.problems, err
}

// problemCollector is a Sink that numbers records and keeps only problems.
type problemCollector struct {
	idSink
	problems []Problem
}

func (c *problemCollector) Problem(p Problem) error {
	c.problems = append(c.problems, p)
	return nil
}

// report tells the problem sink, if any, about a planted problem.
func (g *gen) report(rule, inst, subject, note string) error {
	if g.problems == nil {
		return nil
	}
	return g.problems.Problem(Problem{Rule: rule, Institution: inst, Subject: subject, Note: note})
}
