package domain

import "time"

// The states of a submission.
const (
	SubmissionPending  = "pending"
	SubmissionApproved = "approved"
	SubmissionRejected = "rejected"
)

// The actions of a submission: what approving it does.
const (
	// SubmitSave files the proposed record (RecordID 0) or stores it over
	// the record it changes.
	SubmitSave = "save"
	// SubmitRetire and SubmitRestore retire or restore the record RecordID.
	SubmitRetire  = "retire"
	SubmitRestore = "restore"
	// SubmitHire files a person with their first employment (Data holds
	// both, see registry.Hire): the person is found by ID number, or filed.
	SubmitHire = "hire"
)

// SubmissionReviewed lists the entities whose institution changes wait for
// review when the office turns it on (机构提交需审核).
var SubmissionReviewed = []string{"person", "employment", "training", "exam", "dose", "equipment", "test"}

// Submission is an institution's new or changed register record waiting
// for the office's review: what approving it does (Action), the proposed
// record (Data, JSON), the version of the stored record it was based on (0
// for a new one), and the person or device whose page shows it pending.
type Submission struct {
	ID            int64     `json:"id"`
	InstitutionID int64     `json:"institution_id"`
	Entity        string    `json:"entity"`
	Action        string    `json:"action"`
	RecordID      int64     `json:"record_id"` // 0: a new record
	Data          string    `json:"data"`
	BaseVersion   int       `json:"base_version"`
	State         string    `json:"state"`
	SubmittedBy   string    `json:"submitted_by"`
	SubmittedAt   time.Time `json:"submitted_at"`
	DecidedBy     string    `json:"decided_by"`
	DecidedAt     time.Time `json:"decided_at"`
	Reason        string    `json:"reason"`
	// PersonID and EquipmentID are the person or device the record is
	// about (0: none, or a person or device not filed yet).
	PersonID    int64 `json:"person_id,omitempty"`
	EquipmentID int64 `json:"equipment_id,omitempty"`
}
