package domain

import "time"

// Document is a numbered enforcement document (执法文书) in the office's
// register: its type, the year and sequence of its number, the number as
// printed, and the record it was issued for (SubjectKind and SubjectID,
// e.g. "rectification" 12).
type Document struct {
	ID          int64     `json:"id"`
	Type        string    `json:"type"`
	Year        int       `json:"year"`
	Seq         int       `json:"seq"`
	Number      string    `json:"number"`
	SubjectKind string    `json:"subject_kind"`
	SubjectID   int64     `json:"subject_id"`
	IssuedAt    time.Time `json:"issued_at"`
	IssuedBy    string    `json:"issued_by"`
}
