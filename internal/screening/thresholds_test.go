package screening

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestDefaultThresholds(t *testing.T) {
	th := DefaultThresholds()
	ints := map[string][2]int{
		"RectificationDays": {th.RectificationDays, 30}, "DueSoonDays": {th.DueSoonDays, 30},
		"DoseLagDays": {th.DoseLagDays, 90}, "LookbackDays": {th.LookbackDays, 365},
		"MaxPeriodDays": {th.MaxPeriodDays, 92}, "MinAge": {th.MinAge, 18},
		"StatusTestYears": {th.StatusTestYears, 1}, "ProtectionTestYears": {th.ProtectionTestYears, 1},
		"TrainingYears": {th.TrainingYears, 2}, "ExamYears": {th.ExamYears, 2},
	}
	for name, v := range ints {
		if v[0] != v[1] {
			t.Errorf("%s = %d, want %d", name, v[0], v[1])
		}
	}
	doses := map[string][2]string{
		"InvestigationAnnual": {th.InvestigationAnnual.String(), "5.000"}, "AnnualHigh": {th.AnnualHigh.String(), "20.000"},
		"AnnualLimit": {th.AnnualLimit.String(), "50.000"}, "FiveYearLimit": {th.FiveYearLimit.String(), "100.000"},
		"EyeLimit": {th.EyeLimit.String(), "150.000"},
	}
	for name, v := range doses {
		if v[0] != v[1] {
			t.Errorf("%s = %s mSv, want %s", name, v[0], v[1])
		}
	}
	if err := th.Validate(); err != nil {
		t.Errorf("defaults invalid: %v", err)
	}
}

func TestThresholdsValidate(t *testing.T) {
	for name, mutate := range map[string]func(*Thresholds){
		"zero years":     func(th *Thresholds) { th.StatusTestYears = 0 },
		"negative lag":   func(th *Thresholds) { th.DoseLagDays = -1 },
		"unset dose":     func(th *Thresholds) { th.EyeLimit.Set = false },
		"high ≥ limit":   func(th *Thresholds) { th.AnnualHigh = th.AnnualLimit },
		"lag ≥ lookback": func(th *Thresholds) { th.DoseLagDays = th.LookbackDays },
	} {
		th := DefaultThresholds()
		mutate(&th)
		if th.Validate() == nil {
			t.Errorf("%s: Validate accepted %+v", name, th)
		}
	}
}

// TestLayering checks that the rules stay pure: the package imports neither
// database/sql nor net/http, directly or indirectly (DESIGN.md §2), and of
// radsup only the domain and the i18n catalogues (which import nothing of
// radsup) that its wording functions read.
func TestLayering(t *testing.T) {
	allowed := []string{"radsup/internal/screening", "radsup/internal/domain", "radsup/internal/i18n"}
	goCmd, err := exec.LookPath("go") // go test puts GOROOT/bin first on PATH
	if err != nil {
		t.Fatalf("go command not found: %v", err)
	}
	out, err := exec.Command(goCmd, "list", "-deps", "radsup/internal/screening").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 3 {
		t.Fatalf("go list gave too little: %q", out)
	}
	for _, d := range deps {
		switch {
		case d == "database/sql", d == "net/http", strings.HasPrefix(d, "database/sql/"), strings.HasPrefix(d, "net/http/"):
			t.Errorf("screening depends on %s", d)
		case strings.HasPrefix(d, "radsup/") && !slices.Contains(allowed, d):
			t.Errorf("screening depends on %s; it may use only %q", d, allowed)
		}
	}
}
