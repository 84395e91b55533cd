package domain

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

var today = MustDate("2026-06-30")

func TestParseDose(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1.25", 1250, true}, {"0.005", 5, true}, {"0", 0, true}, {"20", 20000, true}, {"50.001", 50001, true},
		{"1.2345", 0, false}, {"-1", 0, false}, {"1.", 0, false}, {".5", 0, false}, {"1e3", 0, false}, {"abc", 0, false},
	} {
		d, err := ParseDose(tc.in)
		if (err == nil) != tc.ok || (tc.ok && (d.MicroSv != tc.want || !d.Set)) {
			t.Errorf("ParseDose(%q) = %+v, %v; want %d ok=%v", tc.in, d, err, tc.want, tc.ok)
		}
	}
	if d, _ := ParseDose(""); d.Set {
		t.Error(`ParseDose("") is set`)
	}
	if got := MicroSv(1250).String(); got != "1.250" {
		t.Errorf("String = %q", got)
	}
	var rec struct {
		H Dose `json:"h"`
	}
	if err := json.Unmarshal([]byte(`{"h":0.125}`), &rec); err != nil || rec.H.MicroSv != 125 {
		t.Errorf("unmarshal: %+v %v", rec, err)
	}
	if b, _ := json.Marshal(rec); string(b) != `{"h":0.125}` {
		t.Errorf("marshal: %s", b)
	}
}

func TestDateJSONAndArithmetic(t *testing.T) {
	d := MustDate("2024-02-29")
	if got := d.AddDate(1, 0, 0).String(); got != "2025-03-01" {
		t.Errorf("leap day + 1 year = %s", got)
	}
	b, _ := json.Marshal(struct {
		D Date `json:"d"`
	}{d})
	if string(b) != `{"d":"2024-02-29"}` {
		t.Errorf("marshal: %s", b)
	}
	if _, err := ParseDate("2024-02-30"); err == nil {
		t.Error("2024-02-30 parsed")
	}
	if n := MustDate("2026-01-01").DaysUntil(MustDate("2026-03-01")); n != 59 {
		t.Errorf("DaysUntil = %d", n)
	}
}

func TestEnumLookup(t *testing.T) {
	for _, tc := range []struct {
		e    *Enum
		in   string
		want string
	}{
		{EquipmentTypes, "CT", "ct"}, {EquipmentTypes, "dsa", "dsa"}, {EquipmentTypes, "ＤＲ", "dr"},
		{EquipmentTypes, "口腔CBCT", "dental_cbct"}, {InstitutionKinds, "综合医院", "general_hospital"},
		{InstitutionStatuses, " 开业 ", "open"}, {Occupations, "2a", "2A"}, {Results, "合格", "pass"},
	} {
		if got, ok := tc.e.Lookup(tc.in); !ok || got != tc.want {
			t.Errorf("%s.Lookup(%q) = %q, %v; want %q", tc.e.Name, tc.in, got, ok, tc.want)
		}
	}
	if _, ok := EquipmentTypes.Lookup("MRI"); ok {
		t.Error("MRI found among equipment types")
	}
}

func validInstitution() *Institution {
	return &Institution{Name: "岳阳县人民医院", CreditCode: "12430621446197071C", Kind: "general_hospital",
		DivisionCode: "410102", Street: "410102001", Address: "桐柏路1号", Phone: "0371-67890123", Status: "open"}
}

func TestInstitutionValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mod   func(*Institution)
		field string
		code  string
	}{
		{"valid", func(*Institution) {}, "", ""},
		{"lower-case credit code is normalised", func(x *Institution) { x.CreditCode = "12430621446197071c" }, "", ""},
		{"checksum", func(x *Institution) { x.CreditCode = "12430621446197071D" }, "credit_code", "credit_code.checksum"},
		{"short name", func(x *Institution) { x.Name = "院" }, "name", CodeTooShort},
		{"unknown kind", func(x *Institution) { x.Kind = "hospital" }, "kind", CodeEnum},
		{"street of another district", func(x *Institution) { x.Street = "410105001" }, "street", CodeStreet},
		{"bad phone", func(x *Institution) { x.Phone = "12345" }, "phone", CodePhone},
		{"negative beds", func(x *Institution) { n := -1; x.Beds = &n }, "beds", CodeNegative},
		{"missing status", func(x *Institution) { x.Status = "" }, "status", CodeRequired},
		{"division", func(x *Institution) { x.DivisionCode = "4101" }, "division_code", CodeDivision},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := validInstitution()
			tc.mod(x)
			x.Normalize()
			errs := x.Validate(today)
			if tc.field == "" {
				if len(errs) != 0 {
					t.Fatalf("errors %v", errs)
				}
				return
			}
			if errs[tc.field] != tc.code {
				t.Errorf("errors %v; want %s=%s", errs, tc.field, tc.code)
			}
		})
	}
}

func TestPersonDerivesAndChecksIDFields(t *testing.T) {
	p := &Person{IDNumber: "11010519491231002x", Name: "张三"}
	p.Normalize()
	if p.IDNumber != "11010519491231002X" || p.Gender != "F" || p.BirthDate.String() != "1949-12-31" {
		t.Fatalf("normalised %+v", p)
	}
	if errs := p.Validate(today); len(errs) != 0 {
		t.Fatalf("errors %v", errs)
	}
	p.Gender = "M"
	if errs := p.Validate(today); errs["gender"] != CodeGenderMismatch {
		t.Errorf("gender mismatch not found: %v", errs)
	}
	q := &Person{IDNumber: "110105194912310021", Name: "李四"}
	q.Normalize()
	if errs := q.Validate(today); errs["id_number"] != "id_number.checksum" {
		t.Errorf("checksum not found: %v", errs)
	}
}

// TestDateOrderNamesThePair: each pair of dates in order has its own code,
// so that the message names both fields (安装日期不能早于出厂日期).
func TestDateOrderNamesThePair(t *testing.T) {
	eq := &Equipment{ManufacturedOn: MustDate("2024-05-01"), InstalledOn: MustDate("2024-04-30")}
	if errs := eq.Validate(today); errs["installed_on"] != CodeInstalledBeforeManufactured {
		t.Errorf("installed before manufactured: %v", errs)
	}
	lic := &Licence{IssuedOn: MustDate("2024-05-01"), ValidUntil: MustDate("2024-04-30")}
	if errs := lic.Validate(today); errs["valid_until"] != CodeValidBeforeIssued {
		t.Errorf("valid until before issued: %v", errs)
	}
	d := &DoseRecord{PeriodStart: MustDate("2024-05-01"), PeriodEnd: MustDate("2024-04-30")}
	if errs := d.Validate(today); errs["period_end"] != CodePeriodEndBeforeStart {
		t.Errorf("period end before start: %v", errs)
	}
	codes := []string{CodeValidBeforeIssued, CodeEndedBeforeStarted, CodePeriodEndBeforeStart, CodeInstalledBeforeManufactured}
	seen := map[string]bool{}
	for _, c := range codes {
		if seen[c] || c == CodeEndBeforeStart {
			t.Errorf("date-order code %q is not one per pair", c)
		}
		seen[c] = true
	}
}

func TestRecordDateOrder(t *testing.T) {
	e := &Employment{PersonID: 1, InstitutionID: 1, Occupation: "2a", StartedOn: MustDate("2024-01-10"), EndedOn: MustDate("2024-01-09")}
	e.Normalize()
	if errs := e.Validate(today); errs["ended_on"] != CodeEndedBeforeStarted || e.Occupation != "2A" {
		t.Errorf("end before start: %v", errs)
	}
	e.EndedOn = e.StartedOn
	if errs := e.Validate(today); len(errs) != 0 {
		t.Errorf("same-day end rejected: %v", errs)
	}
	d := &DoseRecord{PersonID: 1, InstitutionID: 1, PeriodStart: MustDate("2025-01-01"), PeriodEnd: MustDate("2025-03-31")}
	if errs := d.Validate(today); errs["hp10"] != CodeDoseLost {
		t.Errorf("missing dose not reported: %v", errs)
	}
	d.Lost = true
	if errs := d.Validate(today); len(errs) != 0 {
		t.Errorf("lost dosimeter without dose rejected: %v", errs)
	}
	tr := &Training{PersonID: 1, TakenOn: MustDate("2026-07-01"), Kind: "prejob", Passed: "pass"}
	if errs := tr.Validate(today); errs["taken_on"] != CodeFuture {
		t.Errorf("future training accepted: %v", errs)
	}
}

func TestLicenceItemsAndCategories(t *testing.T) {
	l := &Licence{InstitutionID: 1, LicenceNo: "豫卫放[2024]001", Issuer: "中原区卫生健康委员会",
		IssuedOn: MustDate("2024-01-01"), ValidUntil: MustDate("2026-12-31")}
	f, _ := FieldByKey("licence", "items")
	if code := Assign(l, f, "CT、牙科X射线，介入放射学"); code != "" {
		t.Fatal(code)
	}
	l.Normalize()
	if errs := l.Validate(today); len(errs) != 0 {
		t.Fatalf("errors %v (items %v)", errs, l.Items)
	}
	cats := l.Categories()
	if !cats["xray_imaging"] || !cats["interventional"] || cats["radiotherapy"] {
		t.Errorf("categories %v", cats)
	}
	eq := &Equipment{Type: "c_arm"}
	if eq.Category() != "xray_imaging" {
		t.Error("c-arm is x-ray imaging by default")
	}
	eq.Interventional = true
	if eq.Category() != "interventional" {
		t.Error("interventional c-arm")
	}
}

func TestAssignAndValue(t *testing.T) {
	x := &Equipment{}
	for key, raw := range map[string]string{"type": "DSA", "installed_on": "2024-05-10", "interventional": "是", "model": " Artis zee "} {
		f, _ := FieldByKey("equipment", key)
		if code := Assign(x, f, raw); code != "" {
			t.Fatalf("%s: %s", key, code)
		}
	}
	if x.Type != "dsa" || x.InstalledOn.String() != "2024-05-10" || !x.Interventional || x.Model != "Artis zee" {
		t.Errorf("assigned %+v", x)
	}
	f, _ := FieldByKey("equipment", "installed_on")
	if code := Assign(x, f, "2024/13/01"); code != "date" {
		t.Errorf("bad date code %q", code)
	}
	if got := Value(x, f); got != "2024-05-10" {
		t.Errorf("Value = %q (a failed assign must not change the field)", got)
	}
}

// TestLayering checks that the domain stays free of database and HTTP code.
func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "radsup/internal/domain").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "database/sql" || dep == "net/http" {
			t.Errorf("internal/domain depends on %s", dep)
		}
	}
}
