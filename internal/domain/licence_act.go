package domain

import (
	"strings"
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

// LicenceActKindEnum and CheckResults are the kinds of acts and the
// results of a 校验 as spreadsheets write them (许可证记录).
var (
	LicenceActKindEnum = enum("licence_act_kind",
		Option{ActIssue, "发证", "Issue"},
		Option{ActCheck, "校验", "Periodic check"},
		Option{ActChange, "变更", "Change"},
		Option{ActCancel, "注销", "Cancellation"},
		Option{ActSuspend, "暂停", "Suspension"},
	)
	CheckResults = enum("check_result",
		Option{CheckPass, "合格", "Passed"},
		Option{CheckDeferred, "暂缓校验", "Deferred"},
		Option{CheckFail, "不合格", "Failed"},
	)
)

// LicenceActFields describe an act's fields as the 许可证记录 sheet holds
// them, keyed as its JSON; the licence it is on is named by its
// institution's credit code and its number. The natural key of an act in a
// workbook is credit code + licence number + kind + date.
var LicenceActFields = []Field{
	{Key: "kind", ZH: "事项", EN: "Act", Type: EnumField, Enum: LicenceActKindEnum, Required: true},
	{Key: "on", ZH: "事项日期", EN: "Date", Type: DateField, Required: true},
	{Key: "result", ZH: "校验结论", EN: "Check result", Type: EnumField, Enum: CheckResults},
	{Key: "next_due", ZH: "下次校验日期", EN: "Next check due", Type: DateField},
	{Key: "until", ZH: "暂停至", EN: "Suspended until", Type: DateField},
	{Key: "document_no", ZH: "文书编号", EN: "Document no.", Type: Text, Code: true},
	{Key: "note", ZH: "事由或变更内容", EN: "Reason or change", Type: Text},
}

// SetActField sets field key of a to a canonical value (a date as
// 2006-01-02, an enumeration's key); it reports whether key is one of
// LicenceActFields and the value reads as its type.
func (a *LicenceAct) SetActField(key, v string) bool {
	date := func(d *Date) bool {
		if v == "" {
			*d = Date{}
			return true
		}
		p, err := ParseDate(v)
		*d = p
		return err == nil
	}
	switch key {
	case "kind":
		a.Kind = v
	case "on":
		return date(&a.On)
	case "result":
		a.Result = v
	case "next_due":
		return date(&a.NextDue)
	case "until":
		return date(&a.Until)
	case "document_no":
		a.DocumentNo = v
	case "note":
		a.Note = v
	default:
		return false
	}
	return true
}

// ActField returns field key of a as a canonical value ("" for none).
func (a *LicenceAct) ActField(key string) string {
	date := func(d Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	switch key {
	case "kind":
		return a.Kind
	case "on":
		return date(a.On)
	case "result":
		return a.Result
	case "next_due":
		return date(a.NextDue)
	case "until":
		return date(a.Until)
	case "document_no":
		return a.DocumentNo
	case "note":
		return a.Note
	}
	return ""
}

// Tidy trims an act's texts (as typed otherwise: a document number keeps
// its full-width brackets) and clears the values its kind does not carry:
// a result only on a 校验, a next due date on a 发证 or 校验, an end only on
// a 暂停. The office's form, the API and an import tidy alike.
func (a *LicenceAct) Tidy() {
	a.DocumentNo, a.Note = strings.TrimSpace(a.DocumentNo), strings.TrimSpace(a.Note)
	if a.Kind != ActCheck {
		a.Result = ""
	}
	if a.Kind != ActCheck && a.Kind != ActIssue {
		a.NextDue = Date{}
	}
	if a.Kind != ActSuspend {
		a.Until = Date{}
	}
}

// SameAct reports whether two acts record the same thing: kind, date,
// result, dates and texts (not who recorded them, nor when).
func SameAct(a, b *LicenceAct) bool {
	return a.Kind == b.Kind && a.On.Equal(b.On) && a.Result == b.Result && a.NextDue.Equal(b.NextDue) &&
		a.Until.Equal(b.Until) && a.DocumentNo == b.DocumentNo && a.Note == b.Note
}

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
