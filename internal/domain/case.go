package domain

import (
	"slices"
	"time"
)

// CaseStates are the steps of an administrative penalty case
// (spec/enforcement.md §5), in the order the procedure takes them.
var CaseStates = enum("case_state",
	Option{"opened", "立案", "Opened"},
	Option{"investigated", "调查终结", "Investigated"},
	Option{"notified", "告知", "Notified"},
	Option{"reviewed", "法制审核", "Legal review"},
	Option{"decided", "决定", "Decided"},
	Option{"served", "送达", "Served"},
	Option{"executed", "执行", "Executed"},
	Option{"closed", "结案", "Closed"},
)

// CaseSources are where a case comes from.
var CaseSources = enum("case_source",
	Option{"inspection", "监督检查", "Inspection"},
	Option{"findings", "初筛问题", "Screening findings"},
	Option{"rectification", "逾期未改正", "Rectification not made in time"},
)

// CaseNext returns the state that follows state, or "" after closed. No
// state may be skipped: this is the only step a case can take.
func CaseNext(state string) string {
	for i, o := range CaseStates.Options {
		if o.Key == state && i+1 < len(CaseStates.Options) {
			return CaseStates.Options[i+1].Key
		}
	}
	return ""
}

// CaseStateIndex is the position of a state in the procedure (-1 if unknown).
func CaseStateIndex(state string) int {
	return slices.IndexFunc(CaseStates.Options, func(o Option) bool { return o.Key == state })
}

// Penalty is what a decision imposes under one article: a warning, a fine
// in yuan, the revocation of the practice licence.
type Penalty struct {
	Article string `json:"article"` // a code of the article catalogue
	Warning bool   `json:"warning"`
	Fine    int64  `json:"fine"` // 元; 0 for none
	Revoke  bool   `json:"revoke"`
}

// None reports whether the penalty imposes nothing.
func (p Penalty) None() bool { return !p.Warning && p.Fine == 0 && !p.Revoke }

// Case is an administrative penalty case (案件) against one institution,
// handled by two inspectors and reviewed by a third supervisor. Once
// decided its content is locked; the later steps only add dates.
type Case struct {
	ID              int64     `json:"id"`
	InstitutionID   int64     `json:"institution_id"`
	InstitutionName string    `json:"institution_name"`
	CreditCode      string    `json:"credit_code"`
	Source          string    `json:"source"`
	InspectionID    int64     `json:"inspection_id,omitempty"`
	RectificationID int64     `json:"rectification_id,omitempty"`
	FindingIDs      []int64   `json:"finding_ids"`
	Cause           string    `json:"cause"` // 案由
	Facts           string    `json:"facts"` // 违法事实
	Articles        []string  `json:"articles"`
	Handler1        string    `json:"handler1"`
	Handler2        string    `json:"handler2"`
	State           string    `json:"state"`
	OpenedOn        Date      `json:"opened_on"`
	Investigation   string    `json:"investigation"` // 调查终结报告 in short
	NotifiedOn      Date      `json:"notified_on"`
	Hearing         bool      `json:"hearing"` // the party was told of its right to a hearing
	Reviewer        string    `json:"reviewer"`
	ReviewNote      string    `json:"review_note"`
	Penalties       []Penalty `json:"penalties"`
	Summary         string    `json:"summary"` // the facts in one sentence, for the public page
	DecisionNo      string    `json:"decision_no"`
	DecidedOn       Date      `json:"decided_on"`
	ServedOn        Date      `json:"served_on"`
	Execution       string    `json:"execution"`
	ExecutedOn      Date      `json:"executed_on"`
	ClosedOn        Date      `json:"closed_on"`
	Report1On       Date      `json:"report1_on"` // first report of the 案件查处信息卡
	Report2On       Date      `json:"report2_on"` // second report
	CreatedBy       string    `json:"created_by"`
	Version         int       `json:"version"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Decided reports whether the case has been decided (and is locked).
func (c *Case) Decided() bool { return !c.DecidedOn.IsZero() }

// IsHandler reports whether username handled the case.
func (c *Case) IsHandler(username string) bool {
	return username != "" && (username == c.Handler1 || username == c.Handler2)
}

// Penalised reports whether the decision imposes any penalty.
func (c *Case) Penalised() bool {
	return slices.ContainsFunc(c.Penalties, func(p Penalty) bool { return !p.None() })
}

// TotalFine is the sum of the fines of the decision in yuan.
func (c *Case) TotalFine() int64 {
	var n int64
	for _, p := range c.Penalties {
		n += p.Fine
	}
	return n
}

// ReportDays is how long after served (first report) and closed (second)
// the 案件查处信息卡 is due (一案一卡两次报告).
const ReportDays = 5

// Report1Due is when the first report is due: 5 days after served; zero
// when none is due (not served yet, or a case without a penalty, which is
// reported once at closing).
func (c *Case) Report1Due() Date {
	if c.ServedOn.IsZero() || !c.Penalised() {
		return Date{}
	}
	return c.ServedOn.AddDate(0, 0, ReportDays)
}

// Report2Due is when the second (or only) report is due: 5 days after
// closed; zero before.
func (c *Case) Report2Due() Date {
	if c.ClosedOn.IsZero() {
		return Date{}
	}
	return c.ClosedOn.AddDate(0, 0, ReportDays)
}

// CaseStep is one step of a case: from a state to the next, on a date,
// by whom and when it was recorded.
type CaseStep struct {
	ID     int64     `json:"id"`
	CaseID int64     `json:"case_id"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	On     Date      `json:"on"`
	Note   string    `json:"note"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}
