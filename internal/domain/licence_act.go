package domain

import (
	"time"
	"unicode/utf8"
)

// LicenceAct is one act of the office on a licence (spec/licence.md):
// 发证, 校验, 变更, 注销, 暂停. Acts are recorded, never overwritten; the
// licence's current state follows from them.
type LicenceAct struct {
	ID         int64     `json:"id"`
	LicenceID  int64     `json:"licence_id"`
	Kind       string    `json:"kind"`
	On         Date      `json:"on"`
	Result     string    `json:"result"`   // 校验: pass, deferred, fail
	NextDue    Date      `json:"next_due"` // 发证, 校验: the next 校验 due date
	Until      Date      `json:"until"`    // 暂停: the last day (zero: until lifted by a later act)
	DocumentNo string    `json:"document_no"`
	Note       string    `json:"note"` // the reason, what changed
	RecordedBy string    `json:"recorded_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// The kinds of licence acts.
const (
	ActIssue   = "issue"   // 发证
	ActCheck   = "check"   // 校验
	ActChange  = "change"  // 变更
	ActCancel  = "cancel"  // 注销
	ActSuspend = "suspend" // 暂缓校验 / 暂停
)

// LicenceActKinds lists the kinds of licence acts an office records.
var LicenceActKinds = []string{ActIssue, ActCheck, ActChange, ActCancel, ActSuspend}

// The results of a 校验.
const (
	CheckPass     = "pass"     // 合格
	CheckDeferred = "deferred" // 暂缓校验
	CheckFail     = "fail"     // 不合格
)

// Validate checks an act: its kind, its date (not after today), the result
// and next due date of a check, a document number for the acts that need
// one, bounded texts without control characters.
func (a *LicenceAct) Validate(today Date) FieldErrors {
	fe := FieldErrors{}
	known := false
	for _, k := range LicenceActKinds {
		known = known || a.Kind == k
	}
	if !known {
		fe.Add("kind", CodeEnum)
	}
	switch {
	case a.On.IsZero():
		fe.Add("on", CodeRequired)
	case a.On.After(today):
		fe.Add("on", CodeFuture)
	}
	if a.Kind == ActCheck {
		if a.Result != CheckPass && a.Result != CheckDeferred && a.Result != CheckFail {
			fe.Add("result", CodeEnum)
		}
		if a.Result == CheckPass && !a.NextDue.After(a.On) {
			fe.Add("next_due", CodeRequired)
		}
	}
	if a.Kind == ActSuspend && !a.Until.IsZero() && a.Until.Before(a.On) {
		fe.Add("until", CodeEndBeforeStart)
	}
	if (a.Kind == ActCancel || a.Kind == ActChange || a.Kind == ActCheck) && a.DocumentNo == "" {
		fe.Add("document_no", CodeRequired)
	}
	if (a.Kind == ActCancel || a.Kind == ActSuspend || a.Kind == ActChange) && a.Note == "" {
		fe.Add("note", CodeRequired)
	}
	for k, v := range map[string]string{"document_no": a.DocumentNo, "note": a.Note} {
		switch {
		case utf8.RuneCountInString(v) > 500:
			fe.Add(k, CodeTooLong)
		case HasControlInText(v):
			fe.Add(k, CodeControl)
		}
	}
	return fe
}

// LicenceInForce reports whether a licence stands as of asOf given its
// acts: not cancelled on or before asOf, not suspended over asOf (a
// suspension without an end lasts until a later passed check lifts it). A
// deferred check (暂缓校验) suspends too.
func LicenceInForce(acts []*LicenceAct, licenceID int64, asOf Date) bool {
	var stop *LicenceAct // the latest act that stops or lifts, on or before asOf
	for _, a := range acts {
		if a.LicenceID != licenceID || a.On.After(asOf) {
			continue
		}
		switch {
		case a.Kind == ActCancel:
			return false
		case a.Kind == ActSuspend && (a.Until.IsZero() || !a.Until.Before(asOf)),
			a.Kind == ActCheck && a.Result == CheckDeferred,
			a.Kind == ActCheck && a.Result == CheckPass:
			if stop == nil || !a.On.Before(stop.On) {
				stop = a
			}
		}
	}
	return stop == nil || stop.Kind == ActCheck && stop.Result == CheckPass
}
