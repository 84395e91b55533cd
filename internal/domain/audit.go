package domain

import "time"

// AuditEvent is one event of the audit trail.
type AuditEvent struct {
	ID        int64
	At        time.Time
	UserID    int64 // 0: no user (a failed login, the system)
	Username  string
	Role      string
	Action    string
	Entity    string
	EntityID  int64
	Before    *string // JSON; nil when there is none
	After     *string
	RequestID string
	IP        string
	PrevHash  string
	Hash      string
}
