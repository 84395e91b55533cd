package screening

import (
	"errors"
	"fmt"
	"strconv"

	"radsup/internal/domain"
)

// Thresholds are the configurable numbers of the rules (spec/rules.md,
// Thresholds). Start from DefaultThresholds and override what the server
// configuration sets.
type Thresholds struct {
	// RectificationDays is the period after first seen by which a
	// violation or warning must be put right; used by the finding store.
	RectificationDays int
	// DueSoonDays is the lead time of the due-soon notices
	// (INS-LICENCE-EXPIRING, EQP-STATUS-DUE-SOON).
	DueSoonDays int
	// DoseLagDays is the reporting lag of PER-DOSE-GAP: the most recent
	// days, still being measured or reported, are not checked.
	DoseLagDays int
	// LookbackDays is the window of the per-record dose rules and of
	// PER-DOSE-GAP (365 days back from the as-of date).
	LookbackDays int
	// MaxPeriodDays is the longest monitoring period that is not
	// PER-DOSE-CYCLE-LONG: a calendar quarter is at most 92 days.
	MaxPeriodDays int
	// MinAge is the minimum age for radiation work (55号 第五条(一)).
	MinAge int

	// InvestigationAnnual is the annual investigation level; the level of
	// one record is InvestigationAnnual × days(period) / 365.
	InvestigationAnnual domain.Dose
	// AnnualHigh and AnnualLimit bound PER-DOSE-ANNUAL-HIGH (above
	// AnnualHigh, up to AnnualLimit) and PER-DOSE-ANNUAL-LIMIT (above
	// AnnualLimit).
	AnnualHigh  domain.Dose
	AnnualLimit domain.Dose
	// FiveYearLimit is the effective-dose limit over five calendar years.
	FiveYearLimit domain.Dose
	// EyeLimit is the eye-lens annual equivalent-dose limit (Hp(3)).
	EyeLimit domain.Dose

	// StatusTestYears is the status-test interval (46号 第二十条(二)).
	StatusTestYears int
	// ProtectionTestYears is the workplace protection-test interval; the
	// regulation says only "定期" (46号 第二十一条), yearly is practice.
	ProtectionTestYears int
	// TrainingYears is the longest interval between trainings (55号 第八条).
	TrainingYears int
	// ExamYears is the longest interval between health exams.
	ExamYears int
}

// DefaultThresholds returns the defaults of spec/rules.md.
func DefaultThresholds() Thresholds {
	return Thresholds{
		RectificationDays:   30,
		DueSoonDays:         30,
		DoseLagDays:         90,
		LookbackDays:        365,
		MaxPeriodDays:       92,
		MinAge:              18,
		InvestigationAnnual: domain.MicroSv(5_000),
		AnnualHigh:          domain.MicroSv(20_000),
		AnnualLimit:         domain.MicroSv(50_000),
		FiveYearLimit:       domain.MicroSv(100_000),
		EyeLimit:            domain.MicroSv(150_000),
		StatusTestYears:     1,
		ProtectionTestYears: 1,
		TrainingYears:       2,
		ExamYears:           2,
	}
}

// Threshold names, as the rule catalogue names them and `radsup rules`
// and GET /api/v1/rules show them.
const (
	ThRectificationDays   = "rectification_days"
	ThDueSoonDays         = "due_soon_days"
	ThDoseLagDays         = "dose_lag_days"
	ThLookbackDays        = "lookback_days"
	ThMaxPeriodDays       = "max_period_days"
	ThMinAge              = "min_age"
	ThStatusTestYears     = "status_test_years"
	ThProtectionTestYears = "protection_test_years"
	ThTrainingYears       = "training_years"
	ThExamYears           = "exam_years"
	ThInvestigationAnnual = "investigation_annual"
	ThAnnualHigh          = "annual_high"
	ThAnnualLimit         = "annual_limit"
	ThFiveYearLimit       = "five_year_limit"
	ThEyeLimit            = "eye_limit"
)

// namedCount and namedDose are a threshold with its name.
type (
	namedCount struct {
		name string
		v    int
	}
	namedDose struct {
		name string
		v    domain.Dose
	}
)

// counts are the whole-number thresholds by name.
func (t Thresholds) counts() []namedCount {
	return []namedCount{
		{ThRectificationDays, t.RectificationDays}, {ThDueSoonDays, t.DueSoonDays},
		{ThDoseLagDays, t.DoseLagDays}, {ThLookbackDays, t.LookbackDays},
		{ThMaxPeriodDays, t.MaxPeriodDays}, {ThMinAge, t.MinAge},
		{ThStatusTestYears, t.StatusTestYears}, {ThProtectionTestYears, t.ProtectionTestYears},
		{ThTrainingYears, t.TrainingYears}, {ThExamYears, t.ExamYears},
	}
}

// doses are the dose thresholds by name.
func (t Thresholds) doses() []namedDose {
	return []namedDose{
		{ThInvestigationAnnual, t.InvestigationAnnual}, {ThAnnualHigh, t.AnnualHigh},
		{ThAnnualLimit, t.AnnualLimit}, {ThFiveYearLimit, t.FiveYearLimit}, {ThEyeLimit, t.EyeLimit},
	}
}

// Values returns every threshold by name: counts of days or years as
// whole numbers, doses in mSv with three decimals.
func (t Thresholds) Values() map[string]string {
	out := map[string]string{}
	for _, x := range t.counts() {
		out[x.name] = strconv.Itoa(x.v)
	}
	for _, x := range t.doses() {
		out[x.name] = x.v.String()
	}
	return out
}

// Validate reports thresholds that would make the rules meaningless: a
// non-positive interval or dose, or a high level not below the limit.
func (t Thresholds) Validate() error {
	var errs []error
	for _, x := range t.counts() {
		if x.v <= 0 {
			errs = append(errs, fmt.Errorf("screening threshold %s must be positive, got %d", x.name, x.v))
		}
	}
	for _, x := range t.doses() {
		if !x.v.Set || x.v.MicroSv <= 0 {
			errs = append(errs, fmt.Errorf("screening threshold %s must be a positive dose", x.name))
		}
	}
	if t.AnnualHigh.MicroSv >= t.AnnualLimit.MicroSv {
		errs = append(errs, errors.New("screening threshold annual_high must be below annual_limit"))
	}
	if t.DoseLagDays >= t.LookbackDays {
		errs = append(errs, errors.New("screening threshold dose_lag_days must be below lookback_days"))
	}
	return errors.Join(errs...)
}
