package domain

import "time"

// InspectionResults are the results of one checklist item.
var InspectionResults = enum("inspection_result",
	Option{"unchecked", "未检查", "Not checked"},
	Option{"compliant", "符合", "Compliant"},
	Option{"noncompliant", "不符合", "Non-compliant"},
	Option{"na", "不适用", "Not applicable"},
)

// InspectionOutcomes are the outcomes of an inspection (spec/enforcement.md §3).
var InspectionOutcomes = enum("inspection_outcome",
	Option{"compliant", "符合", "Compliant"},
	Option{"rectify", "责令改正", "Ordered to rectify"},
	Option{"case", "立案", "Case opened"},
)

// Inspection is an on-site inspection (监督检查) of one institution by two
// inspectors: of a drawn plan unit (PlanID and PlanOrder) or ad hoc with a
// type. Once both inspectors have signed it is locked; corrections are
// amendments.
type Inspection struct {
	ID              int64     `json:"id"`
	PlanID          int64     `json:"plan_id,omitempty"`
	PlanOrder       int       `json:"plan_order,omitempty"`
	Type            string    `json:"type"`
	InstitutionID   int64     `json:"institution_id"`
	InstitutionName string    `json:"institution_name"`
	CreditCode      string    `json:"credit_code"`
	Inspector1      string    `json:"inspector1"`
	Inspector2      string    `json:"inspector2"`
	Date            Date      `json:"date"`
	Place           string    `json:"place"`
	Outcome         string    `json:"outcome"` // "" until chosen
	Signed1At       time.Time `json:"signed1_at,omitzero"`
	Signed2At       time.Time `json:"signed2_at,omitzero"`
	LockedAt        time.Time `json:"locked_at,omitzero"`
	CreatedBy       string    `json:"created_by"`
	Version         int       `json:"version"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Locked reports whether both inspectors have signed.
func (x *Inspection) Locked() bool { return !x.LockedAt.IsZero() }

// IsInspector reports whether username is one of the two inspectors.
func (x *Inspection) IsInspector(username string) bool {
	return username != "" && (username == x.Inspector1 || username == x.Inspector2)
}

// SignedBy reports whether username has signed.
func (x *Inspection) SignedBy(username string) bool {
	return username == x.Inspector1 && !x.Signed1At.IsZero() || username == x.Inspector2 && !x.Signed2At.IsZero()
}

// InspectionItem is the result of one checklist item in an inspection.
type InspectionItem struct {
	InspectionID int64     `json:"inspection_id"`
	Code         string    `json:"code"`
	Result       string    `json:"result"`
	Note         string    `json:"note"`
	Version      int       `json:"version"`
	UpdatedBy    string    `json:"updated_by"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Amendment corrects one item of a signed inspection: the new result and
// note, why, by whom and when. The original stays as it was signed.
type Amendment struct {
	ID           int64     `json:"id"`
	InspectionID int64     `json:"inspection_id"`
	Code         string    `json:"code"`
	Result       string    `json:"result"`
	Note         string    `json:"note"`
	Reason       string    `json:"reason"`
	By           string    `json:"by"`
	At           time.Time `json:"at"`
}

// EvidenceFile is a photo or PDF attached to one item of an inspection,
// with its SHA-256.
type EvidenceFile struct {
	ID           int64     `json:"id"`
	InspectionID int64     `json:"inspection_id"`
	Code         string    `json:"code"`
	Name         string    `json:"name"`
	ContentType  string    `json:"content_type"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
	UploadedBy   string    `json:"uploaded_by"`
	CreatedAt    time.Time `json:"created_at"`
}
