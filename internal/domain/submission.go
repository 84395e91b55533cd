package domain

import "time"

// The states of a submission.
const (
	SubmissionPending  = "pending"
	SubmissionApproved = "approved"
	SubmissionRejected = "rejected"
)

// SubmissionReviewed lists the entities whose institution changes wait for
// review when the office turns it on (机构提交需审核).
var SubmissionReviewed = []string{"person", "employment", "training", "exam", "dose", "equipment", "test"}

// Submission is an institution's new or changed register record waiting
// for the office's review: the proposed record (Data, JSON), the version of
// the stored record it was based on (0 for a new one).
type Submission struct {
	ID            int64     `json:"id"`
	InstitutionID int64     `json:"institution_id"`
	Entity        string    `json:"entity"`
	RecordID      int64     `json:"record_id"` // 0: a new record
	Data          string    `json:"data"`
	BaseVersion   int       `json:"base_version"`
	State         string    `json:"state"`
	SubmittedBy   string    `json:"submitted_by"`
	SubmittedAt   time.Time `json:"submitted_at"`
	DecidedBy     string    `json:"decided_by"`
	DecidedAt     time.Time `json:"decided_at"`
	Reason        string    `json:"reason"`
}
