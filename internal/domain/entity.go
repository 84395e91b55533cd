package domain

import "time"

// Meta holds the bookkeeping fields every stored record has.
type Meta struct {
	ID        int64     `json:"id"`
	Version   int       `json:"version"`
	Retired   bool      `json:"retired"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Base returns the record's bookkeeping fields.
func (m *Meta) Base() *Meta { return m }

// Record is any stored entity.
type Record interface {
	Base() *Meta
	Validate(today Date) FieldErrors
	Normalize()
}

// Institution is a 放射诊疗机构.
type Institution struct {
	Meta
	Name             string `json:"name"`
	CreditCode       string `json:"credit_code"`
	MedicalLicenceNo string `json:"medical_licence_no"`
	Kind             string `json:"kind"`
	Grade            string `json:"grade"`
	Ownership        string `json:"ownership"`
	EconomicType     string `json:"economic_type"`
	UnitCategory     string `json:"unit_category"`
	Beds             *int   `json:"beds"`
	DivisionCode     string `json:"division_code"`
	Street           string `json:"street"`
	Address          string `json:"address"`
	LegalRep         string `json:"legal_rep"`
	RadiationOfficer string `json:"radiation_officer"`
	Phone            string `json:"phone"`
	Status           string `json:"status"`
}

// Licence is a 放射诊疗许可证 of one institution.
type Licence struct {
	Meta
	InstitutionID int64    `json:"institution_id"`
	LicenceNo     string   `json:"licence_no"`
	Issuer        string   `json:"issuer"`
	IssuedOn      Date     `json:"issued_on"`
	ValidUntil    Date     `json:"valid_until"`
	Items         []string `json:"items"`
}

// Person is a 放射工作人员, one human being across employers.
type Person struct {
	Meta
	IDNumber  string `json:"id_number"`
	Name      string `json:"name"`
	Gender    string `json:"gender"`
	BirthDate Date   `json:"birth_date"`
}

// Employment is a person's radiation work at one institution (任职).
type Employment struct {
	Meta
	PersonID       int64  `json:"person_id"`
	InstitutionID  int64  `json:"institution_id"`
	Occupation     string `json:"occupation"`
	Job            string `json:"job"`
	StartedOn      Date   `json:"started_on"`
	EndedOn        Date   `json:"ended_on"`
	PermitNo       string `json:"permit_no"`
	PermitIssuedOn Date   `json:"permit_issued_on"`
}

// Training is a 放射防护培训 record.
type Training struct {
	Meta
	PersonID      int64  `json:"person_id"`
	TakenOn       Date   `json:"taken_on"`
	Kind          string `json:"kind"`
	Days          *int   `json:"days"`
	Passed        string `json:"passed"`
	CertificateNo string `json:"certificate_no"`
	Provider      string `json:"provider"`
	FiledBy       int64  `json:"filed_by"` // the institution that filed it; 0: the office
}

// Exam is a 职业健康检查 record.
type Exam struct {
	Meta
	PersonID   int64  `json:"person_id"`
	ExaminedOn Date   `json:"examined_on"`
	Kind       string `json:"kind"`
	Conclusion string `json:"conclusion"`
	Provider   string `json:"provider"`
	FiledBy    int64  `json:"filed_by"` // the institution that filed it; 0: the office
}

// DoseRecord is one 个人剂量监测结果 for one monitoring period.
type DoseRecord struct {
	Meta
	PersonID      int64  `json:"person_id"`
	InstitutionID int64  `json:"institution_id"`
	PeriodStart   Date   `json:"period_start"`
	PeriodEnd     Date   `json:"period_end"`
	Hp10          Dose   `json:"hp10"`
	Hp007         Dose   `json:"hp007"`
	Hp3           Dose   `json:"hp3"`
	BelowMDL      bool   `json:"below_mdl"`
	Lost          bool   `json:"lost"`
	Provider      string `json:"provider"`
	ReportNo      string `json:"report_no"`
}

// Equipment is a 放射诊疗设备.
type Equipment struct {
	Meta
	InstitutionID  int64  `json:"institution_id"`
	Type           string `json:"type"`
	Interventional bool   `json:"interventional"`
	Name           string `json:"name"`
	Manufacturer   string `json:"manufacturer"`
	Model          string `json:"model"`
	SerialNo       string `json:"serial_no"`
	ManufacturedOn Date   `json:"manufactured_on"`
	InstalledOn    Date   `json:"installed_on"`
	Room           string `json:"room"`
	Status         string `json:"status"`
}

// Category returns the 放射诊疗类别 the equipment falls under; a C-arm used
// to guide interventions counts as interventional.
func (e *Equipment) Category() string {
	if e.Type == "c_arm" && e.Interventional {
		return "interventional"
	}
	return typeCategory[e.Type]
}

// EquipmentTest is a 检测 record of one piece of equipment.
type EquipmentTest struct {
	Meta
	EquipmentID int64  `json:"equipment_id"`
	Kind        string `json:"kind"`
	TestedOn    Date   `json:"tested_on"`
	Agency      string `json:"agency"`
	ReportNo    string `json:"report_no"`
	Result      string `json:"result"`
}
