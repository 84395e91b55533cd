package domain

import "time"

// RectificationStates are the states of a rectification (spec/enforcement.md
// §4). Overdue is not a state of its own: it is an open one past its deadline.
var RectificationStates = enum("rectification_state",
	Option{"issued", "已下达", "Issued"},
	Option{"responded", "已答复", "Answered"},
	Option{"closed", "已完成", "Closed"},
)

// Rectification is an order to correct (责令改正, issued with a 卫生监督意见书
// and a 责令改正通知书) to one institution with a deadline: from an
// inspection's 不符合 items and/or open findings. The institution answers
// it; it closes when every linked finding is resolved by screening and a
// supervisor confirms.
type Rectification struct {
	ID              int64     `json:"id"`
	InstitutionID   int64     `json:"institution_id"`
	InstitutionName string    `json:"institution_name"`
	CreditCode      string    `json:"credit_code"`
	InspectionID    int64     `json:"inspection_id,omitempty"`
	State           string    `json:"state"`
	IssuedOn        Date      `json:"issued_on"`
	Deadline        Date      `json:"deadline"`
	Opinion         string    `json:"opinion"` // 监督意见: what to correct
	Basis           string    `json:"basis"`   // the legal basis
	Response        string    `json:"response,omitempty"`
	RespondedBy     string    `json:"responded_by,omitempty"`
	RespondedAt     time.Time `json:"responded_at,omitzero"`
	CloseNote       string    `json:"close_note,omitempty"`
	ClosedBy        string    `json:"closed_by,omitempty"`
	ClosedAt        time.Time `json:"closed_at,omitzero"`
	CreatedBy       string    `json:"created_by"`
	Version         int       `json:"version"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Closed reports whether the rectification is closed.
func (r *Rectification) Closed() bool { return r.State == "closed" }

// Overdue reports whether the deadline has passed on today while the
// rectification is not closed.
func (r *Rectification) Overdue(today Date) bool { return !r.Closed() && r.Deadline.Before(today) }

// RectificationItem is one thing a rectification orders corrected: a
// finding (FindingID; screening decides when it is resolved) or a checklist
// item with no rule behind it (Code, Text), which closes on the
// supervisor's confirmation with evidence.
type RectificationItem struct {
	Ord       int    `json:"ord"`
	Code      string `json:"code,omitempty"` // the checklist item (JC-xx)
	FindingID int64  `json:"finding_id,omitempty"`
	Text      string `json:"text,omitempty"`
	// The linked finding as it stands (when FindingID is set).
	Rule          string `json:"rule,omitempty"`
	SubjectType   string `json:"subject_type,omitempty"`
	SubjectKey    string `json:"subject_key,omitempty"`
	FindingStatus string `json:"finding_status,omitempty"`
}

// Resolved reports whether a finding item no longer holds the
// rectification open: its finding is resolved by screening (or dismissed
// by the office). An item without a finding reports false.
func (it *RectificationItem) Resolved() bool {
	return it.FindingID != 0 && it.FindingStatus != "" && it.FindingStatus != FindingOpen
}

// RectificationFile is an evidence file of a rectification: the
// institution's proof of the correction, or the supervisor's.
type RectificationFile struct {
	ID              int64     `json:"id"`
	RectificationID int64     `json:"rectification_id"`
	Name            string    `json:"name"`
	ContentType     string    `json:"content_type"`
	Size            int64     `json:"size"`
	SHA256          string    `json:"sha256"`
	UploadedBy      string    `json:"uploaded_by"`
	CreatedAt       time.Time `json:"created_at"`
}
