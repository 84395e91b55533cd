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

// SubmissionImport is the entity of a held import: a whole workbook an
// institution user imported while review was on, waiting to be approved or
// rejected as one.
const SubmissionImport = "import"

// HeldImport is the data of a held import: the files' names, what the
// import would do with each kind when it was checked, and its sheets' rows
// as they were read, which an approval imports again.
type HeldImport struct {
	Files  []string    `json:"files"`
	Counts []HeldCount `json:"counts"`
	Sheets []HeldSheet `json:"sheets"`
}

// HeldCount is what a held import would do with one kind.
type HeldCount struct {
	Kind      string `json:"kind"`
	Sheet     string `json:"sheet"`
	Rows      int    `json:"rows"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
}

// HeldSheet is one sheet of a held import: its name, kind (and the second
// kind of a combined staff list), header row, recognised columns and data
// rows, each row's values in the order of the columns.
type HeldSheet struct {
	Name      string       `json:"name"`
	Kind      string       `json:"kind"`
	Also      string       `json:"also,omitempty"`
	HeaderRow int          `json:"header_row"`
	Columns   []HeldColumn `json:"columns"`
	Rows      []HeldRow    `json:"rows"`
}

// HeldColumn is a recognised column of a held sheet: its key, its header
// as written and its letters in the workbook.
type HeldColumn struct {
	Key    string `json:"key"`
	Label  string `json:"label"`
	Letter string `json:"letter"`
}

// HeldRow is a data row of a held sheet: its row number as Excel showed it
// and its values, as read.
type HeldRow struct {
	Num    int      `json:"n"`
	Values []string `json:"v"`
}
