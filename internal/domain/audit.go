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

// The actions of audit events. Every action written is one of these, and
// each has a label in every language (locales/audit, "audit.action.KEY").
const (
	AuditCreate         = "create"
	AuditUpdate         = "update"
	AuditRetire         = "retire"
	AuditRestore        = "restore"
	AuditImport         = "import"
	AuditExport         = "export"
	AuditReveal         = "reveal"
	AuditAccess         = "access"
	AuditDenied         = "denied"
	AuditLogin          = "login"
	AuditLoginPassword  = "login_password"
	AuditLoginFailed    = "login_failed"
	AuditLoginThrottled = "login_throttled"
	AuditLogout         = "logout"
	AuditSessionRenewed = "session_renewed"
	AuditSessionExpired = "session_expired"
	AuditLockout        = "lockout"
	AuditUnlock         = "unlock"
	AuditPassword       = "password"
	AuditRevoke         = "revoke"
	AuditTOTPEnrol      = "totp_enrol"
	AuditTOTPReset      = "totp_reset"
	AuditSettings       = "settings"
	AuditDismiss        = "dismiss"
	AuditReopen         = "reopen"
	AuditVerify         = "audit_verify"
	AuditPrune          = "audit_prune"
	AuditDemoLoad       = "demo_load"
	AuditDraw           = "draw"     // a plan's 双随机 draw, frozen
	AuditSign           = "sign"     // an inspector's signature of an inspection record
	AuditAmend          = "amend"    // a correction of a signed inspection record
	AuditUpload         = "upload"   // an evidence file, an attachment
	AuditIssue          = "issue"    // a numbered enforcement document issued
	AuditRespond        = "respond"  // an institution's answer to a rectification
	AuditClose          = "close"    // a supervisor's confirmation that closes a rectification
	AuditApprove        = "approve"  // a change request approved (and applied)
	AuditReject         = "reject"   // a change request rejected
	AuditWithdraw       = "withdraw" // a change request withdrawn by its institution
	AuditDownload       = "download" // an attachment read
)

// The audit actions of cases (spec/enforcement.md §5).
const (
	AuditCaseStep   = "case_step"   // a case's step to its next state
	AuditCaseReport = "case_report" // a case's 案件查处信息卡 reported upward
)

// The actions of notices (通知).
const (
	AuditNoticeSend   = "notice_send"   // a supervisor's notice to institutions
	AuditNoticeRead   = "notice_read"   // a notice read by its institution
	AuditNoticeDigest = "notice_digest" // the day's digests made
)

// AuditActions lists every action of audit events.
var AuditActions = []string{
	AuditCreate, AuditUpdate, AuditRetire, AuditRestore, AuditImport, AuditExport, AuditReveal, AuditAccess,
	AuditDenied, AuditLogin, AuditLoginPassword, AuditLoginFailed, AuditLoginThrottled, AuditLogout,
	AuditSessionRenewed, AuditSessionExpired, AuditLockout, AuditUnlock, AuditPassword, AuditRevoke,
	AuditTOTPEnrol, AuditTOTPReset, AuditSettings, AuditDismiss, AuditReopen, AuditVerify, AuditPrune, AuditDemoLoad,
	AuditDraw, AuditSign, AuditAmend, AuditUpload,
	AuditIssue, AuditRespond, AuditClose,
	AuditCaseStep, AuditCaseReport,
	AuditNoticeSend, AuditNoticeRead, AuditNoticeDigest,
	AuditApprove, AuditReject, AuditWithdraw, AuditDownload,
}
