package domain

import (
	"bytes"
	"time"
)

// ChangeRequest is an institution's request that the office change a
// record it issued (the licence), or issue a new one: the fields with their
// values when it was made and the values asked for, a reason and files. It
// is never edited after submission; the office approves or rejects it.
type ChangeRequest struct {
	ID            int64         `json:"id"`
	InstitutionID int64         `json:"institution_id"`
	Entity        string        `json:"entity"`
	RecordID      int64         `json:"record_id"` // 0: a new record
	Changes       []FieldChange `json:"changes"`
	Reason        string        `json:"reason"`
	Status        string        `json:"status"`
	Decision      string        `json:"decision"` // the office's reason
	RequestedBy   string        `json:"requested_by"`
	RequestedAt   time.Time     `json:"requested_at"`
	DecidedBy     string        `json:"decided_by"`
	DecidedAt     time.Time     `json:"decided_at,omitzero"`
	Files         []Attachment  `json:"files"`
}

// FieldChange is one field of a change request: its value when the request
// was made and the value asked for, as text (Value and Assign).
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// The states of a change request.
const (
	ChangePending   = "pending"
	ChangeApproved  = "approved"
	ChangeRejected  = "rejected"
	ChangeWithdrawn = "withdrawn"
)

// ChangeStatuses lists the states of a change request.
var ChangeStatuses = []string{ChangePending, ChangeApproved, ChangeRejected, ChangeWithdrawn}

// ChangeFields are, for each record the office issues, the fields an
// institution may ask to change. Anything else in a request is refused.
var ChangeFields = map[string][]string{
	"licence": {"licence_no", "issuer", "issued_on", "valid_until", "items"},
}

// Attachment is a file kept with a record (a licence scan, a report, a
// change request's supporting file): a PDF or an image, its type judged by
// its content, stored with its SHA-256.
type Attachment struct {
	ID          int64     `json:"id"`
	Entity      string    `json:"entity"`
	RecordID    int64     `json:"record_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// MaxAttachment is the largest attachment accepted; MaxAttachments bounds
// the files of one change request.
const (
	MaxAttachment  = 10 << 20
	MaxAttachments = 5
)

// FileType returns the content type of a PDF, JPEG or PNG file judged by
// its first bytes, never its name; "" for anything else.
func FileType(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "application/pdf"
	}
	return ""
}
