package enforcement

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/store"
)

// NewCase is what a case (立案) is opened from: an institution (by id or
// credit code, or the inspection's or rectification's), where it comes
// from (a signed inspection, open findings, a rectification not made in
// time), the cause and facts, the articles cited and the two handlers
// (承办人).
type NewCase struct {
	InstitutionID   int64
	CreditCode      string
	Source          string // inspection, findings or rectification
	InspectionID    int64
	RectificationID int64
	FindingIDs      []int64
	Cause           string
	Facts           string
	Articles        []string
	Handlers        [2]string
	OpenedOn        domain.Date
}

func caseErr(key string, args ...string) error {
	return &domain.Error{Code: domain.EINVALID, Message: key, Args: args}
}

func caseConflict(key string, args ...string) error {
	return &domain.Error{Code: domain.ECONFLICT, Message: key, Args: args}
}

// checkArticles checks the cited article codes: known, not repeated, one
// to five of them.
func checkArticles(codes []string) error {
	if len(codes) == 0 {
		return fieldErr("articles", domain.CodeRequired)
	}
	if len(codes) > 5 {
		return fieldErr("articles", domain.CodeTooMany)
	}
	for i, c := range codes {
		if _, ok := ArticleOf(c); !ok {
			return caseErr("case.error.no_article", c)
		}
		if slices.Contains(codes[:i], c) {
			return caseErr("case.error.article_twice", c)
		}
	}
	return nil
}

// OpenCase opens a case (立案) in the state opened.
func (s *Service) OpenCase(ctx context.Context, actor domain.Actor, u *domain.User, in NewCase) (*domain.Case, error) {
	if !auth.Can(u, auth.Create, auth.Case) {
		return nil, auth.ErrForbidden
	}
	in.Cause, in.Facts = strings.TrimSpace(in.Cause), strings.TrimSpace(in.Facts)
	if !domain.CaseSources.Has(in.Source) {
		return nil, fieldErr("source", domain.CodeEnum)
	}
	if err := checkText("cause", in.Cause, 200, true); err != nil {
		return nil, err
	}
	if err := checkText("facts", in.Facts, 4000, true); err != nil {
		return nil, err
	}
	if err := checkArticles(in.Articles); err != nil {
		return nil, err
	}
	if len(in.FindingIDs) > 200 {
		return nil, fieldErr("findings", domain.CodeTooMany)
	}
	if in.OpenedOn.IsZero() {
		in.OpenedOn = s.today()
	}
	if err := s.checkDate(in.OpenedOn); err != nil {
		return nil, err
	}
	c := &domain.Case{Source: in.Source, Cause: in.Cause, Facts: in.Facts, Articles: in.Articles, OpenedOn: in.OpenedOn,
		CreatedBy: u.Username}
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if in.Source == "inspection" {
			x, err := tx.Inspection(domain.Scope{}, in.InspectionID, false)
			if store.IsNotFound(err) {
				return fieldErr("inspection", "no_inspection")
			}
			if err != nil {
				return err
			}
			if !x.Locked() {
				return caseErr("case.error.inspection_unsigned")
			}
			c.InspectionID, in.InstitutionID = x.ID, x.InstitutionID
			if in.Handlers[0] == "" && in.Handlers[1] == "" {
				in.Handlers = [2]string{x.Inspector1, x.Inspector2}
			}
		}
		if in.Source == "rectification" {
			if err := s.fromRectification(tx, c, &in); err != nil {
				return err
			}
		}
		if in.InstitutionID == 0 && strings.TrimSpace(in.CreditCode) != "" {
			id, _, err := tx.InstitutionIDByCode(domain.NormalizeCreditCode(in.CreditCode))
			if store.IsNotFound(err) {
				return fieldErr("institution", "no_institution")
			}
			if err != nil {
				return err
			}
			in.InstitutionID = id
		}
		if in.InstitutionID == 0 {
			return fieldErr("institution", domain.CodeRequired)
		}
		if _, err := store.Find(tx, store.Institutions, domain.Scope{}, in.InstitutionID); store.IsNotFound(err) {
			return fieldErr("institution", "no_institution")
		} else if err != nil {
			return err
		}
		if in.Source == "findings" && len(in.FindingIDs) == 0 {
			return fieldErr("findings", domain.CodeRequired)
		}
		for _, id := range in.FindingIDs {
			f, err := tx.FindFinding(domain.Scope{}, id)
			if store.IsNotFound(err) || err == nil && f.InstitutionID != in.InstitutionID {
				return caseErr("case.error.finding_elsewhere", strconv.FormatInt(id, 10))
			}
			if err != nil {
				return err
			}
			if !slices.Contains(c.FindingIDs, id) {
				c.FindingIDs = append(c.FindingIDs, id)
			}
		}
		a, b := strings.TrimSpace(in.Handlers[0]), strings.TrimSpace(in.Handlers[1])
		switch {
		case a == "":
			return fieldErr("handler1", domain.CodeRequired)
		case b == "":
			return fieldErr("handler2", domain.CodeRequired)
		case a == b:
			return fieldErr("handler2", "same_inspector")
		}
		if err := eligible(tx, a, in.InstitutionID, "handler1"); err != nil {
			return err
		}
		if err := eligible(tx, b, in.InstitutionID, "handler2"); err != nil {
			return err
		}
		c.InstitutionID, c.Handler1, c.Handler2 = in.InstitutionID, a, b
		return tx.CreateCase(c)
	})
	return c, err
}

// CaseList selects cases for a list.
type CaseList struct {
	InstitutionID int64
	State         string
	Decided, Open bool
	Limit         int
}

// Cases lists the cases the reader may see, newest first: an institution
// user only its own decided ones.
func (s *Service) Cases(ctx context.Context, u *domain.User, l CaseList) ([]*domain.Case, error) {
	if !auth.Can(u, auth.Read, auth.Case) {
		return nil, auth.ErrForbidden
	}
	if l.State != "" && !domain.CaseStates.Has(l.State) {
		return nil, fieldErr("state", domain.CodeEnum)
	}
	var out []*domain.Case
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Cases(u.Scope(), store.CaseFilter{InstitutionID: l.InstitutionID, State: l.State, Decided: l.Decided,
			Open: l.Open, Limit: l.Limit})
		return err
	})
	return out, err
}

// CaseView is a case with its steps, its institution, the articles it
// cites and what the reader may do next.
type CaseView struct {
	Case        *domain.Case
	Steps       []domain.CaseStep
	Institution *domain.Institution
	Articles    []Article
	// Next is the state the case may move to ("" once closed).
	Next string
	// MayStep: the reader may take the case to Next (for reviewed: the
	// reader may review it, not having handled it).
	MayStep bool
	// MayEdit: the reader may change the cause, facts and articles.
	MayEdit bool
	// MayReport: the reader may record a report of the 案件查处信息卡.
	MayReport bool
}

// Case returns a case the reader may see.
func (s *Service) Case(ctx context.Context, u *domain.User, id int64) (*CaseView, error) {
	if !auth.Can(u, auth.Read, auth.Case) {
		return nil, auth.ErrForbidden
	}
	v := &CaseView{}
	var investigators []string
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		if v.Case, err = tx.Case(u.Scope(), id, false); err != nil {
			return err
		}
		if v.Steps, err = tx.CaseSteps(id); err != nil {
			return err
		}
		if investigators, err = handledBy(tx, v.Case); err != nil {
			return err
		}
		v.Institution, err = store.Find(tx, store.Institutions, domain.Scope{}, v.Case.InstitutionID)
		return err
	})
	if err != nil {
		return nil, err
	}
	c := v.Case
	for _, code := range c.Articles {
		if a, ok := ArticleOf(code); ok {
			v.Articles = append(v.Articles, a)
		}
	}
	v.Next = domain.CaseNext(c.State)
	switch {
	case v.Next == "reviewed":
		v.MayStep = auth.Can(u, auth.Review, auth.Case) && !slices.Contains(investigators, u.Username)
	case v.Next != "":
		v.MayStep = auth.Can(u, auth.Update, auth.Case)
	}
	v.MayEdit = auth.Can(u, auth.Update, auth.Case) && (c.State == "opened" || c.State == "investigated")
	v.MayReport = auth.Can(u, auth.Update, auth.Case) && (!c.Report1Due().IsZero() && c.Report1On.IsZero() ||
		!c.Report2Due().IsZero() && c.Report2On.IsZero())
	return v, nil
}

// handledBy is who handled a case and so may not review it: its two
// handlers and whoever took its investigated or notified step.
func handledBy(tx *store.Tx, c *domain.Case) ([]string, error) {
	out := []string{c.Handler1, c.Handler2}
	for _, to := range []string{"investigated", "notified"} {
		who, err := tx.CaseStepper(c.ID, to)
		if err != nil {
			return nil, err
		}
		out = append(out, who...)
	}
	return out, nil
}

// CaseEdit is what may change in a case before the party is notified.
type CaseEdit struct {
	Cause, Facts string
	Articles     []string
}

// EditCase changes a case's cause, facts and articles at its version. Once
// the party has been notified they are fixed; once decided the case is
// locked.
func (s *Service) EditCase(ctx context.Context, actor domain.Actor, u *domain.User, id int64, e CaseEdit, version int) (*domain.Case, error) {
	if !auth.Can(u, auth.Update, auth.Case) {
		return nil, auth.ErrForbidden
	}
	e.Cause, e.Facts = strings.TrimSpace(e.Cause), strings.TrimSpace(e.Facts)
	if err := checkText("cause", e.Cause, 200, true); err != nil {
		return nil, err
	}
	if err := checkText("facts", e.Facts, 4000, true); err != nil {
		return nil, err
	}
	if err := checkArticles(e.Articles); err != nil {
		return nil, err
	}
	var out *domain.Case
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		c, err := tx.Case(domain.Scope{}, id, true)
		if err != nil {
			return err
		}
		if c.Decided() {
			return caseConflict("case.error.locked")
		}
		if c.State != "opened" && c.State != "investigated" {
			return caseConflict("case.error.notified_fixed")
		}
		c.Cause, c.Facts, c.Articles = e.Cause, e.Facts, e.Articles
		if err := tx.UpdateCase(c, version, domain.AuditUpdate); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

// Step is what taking a case to its next state records.
type Step struct {
	To   string      // the next state; any other is refused
	On   domain.Date // the date of the act; zero: today
	Note string      // investigated: the conclusion; notified: what was told; reviewed: the opinion; executed: how
	// Penalties are the proposed (notified) or decided penalties.
	Penalties []domain.Penalty
	// Summary is the facts in one sentence for the public page (decided).
	Summary string
}

// checkPenalties checks each penalty against its article: cited by the
// case, allowed by the article, a fine within its legal range.
func checkPenalties(c *domain.Case, ps []domain.Penalty) error {
	if len(ps) == 0 {
		return fieldErr("penalties", domain.CodeRequired)
	}
	var seen []string
	for _, p := range ps {
		a, ok := ArticleOf(p.Article)
		if !ok || !slices.Contains(c.Articles, p.Article) {
			return caseErr("case.error.article_not_cited", p.Article)
		}
		if slices.Contains(seen, p.Article) {
			return caseErr("case.error.article_twice", p.Article)
		}
		seen = append(seen, p.Article)
		switch {
		case p.Warning && !a.Warning:
			return caseErr("case.error.no_warning", a.Title())
		case p.Revoke && !a.Revoke:
			return caseErr("case.error.no_revoke", a.Title())
		case p.Fine != 0 && !a.Fine:
			return caseErr("case.error.no_fine", a.Title())
		case p.Fine < 0 || p.Fine != 0 && (p.Fine < a.MinFine || p.Fine > a.MaxFine):
			msg := "case.error.fine_range"
			if a.MinFine == 0 {
				msg = "case.error.fine_max"
			}
			return &domain.Error{Code: domain.EINVALID, Message: msg,
				Args:   []string{a.Title(), strconv.FormatInt(p.Fine, 10), strconv.FormatInt(a.MinFine, 10), strconv.FormatInt(a.MaxFine, 10)},
				Fields: domain.FieldErrors{"fine": "fine_range"}}
		}
	}
	return nil
}

// idLike finds what looks like a citizen ID number (18 characters, the
// last a digit or X) or any long run of digits.
var idLike = regexp.MustCompile(`[0-9]{15,17}[0-9Xx]`)

// checkSummary keeps natural persons out of the public sentence: no ID
// number, no name of anyone the institution employs.
func checkSummary(summary string, names []string) error {
	if err := checkText("summary", summary, 200, true); err != nil {
		return err
	}
	if strings.ContainsAny(summary, "\r\n") {
		return fieldErr("summary", domain.CodeControl)
	}
	if idLike.MatchString(domain.Clean(summary)) {
		return caseErr("case.error.summary_id_number")
	}
	for _, n := range names {
		if len([]rune(n)) >= 2 && strings.Contains(summary, n) {
			return caseErr("case.error.summary_name", n)
		}
	}
	return nil
}

// TakeStep moves a case at version to its next state. No state may be
// skipped or repeated; a decision needs the legal review; the review is
// by a supervisor who did not handle the case; a fine must be within its
// article's range. Each step is kept and audited.
func (s *Service) TakeStep(ctx context.Context, actor domain.Actor, u *domain.User, id int64, st Step, version int) (*domain.Case, error) {
	perm := auth.Update
	if st.To == "reviewed" {
		perm = auth.Review
	}
	if !auth.Can(u, perm, auth.Case) {
		return nil, auth.ErrForbidden
	}
	if !domain.CaseStates.Has(st.To) || st.To == "opened" {
		return nil, fieldErr("to", domain.CodeEnum)
	}
	st.Note, st.Summary = strings.TrimSpace(st.Note), strings.TrimSpace(st.Summary)
	if err := checkText("note", st.Note, 2000, st.To == "investigated" || st.To == "reviewed" || st.To == "executed"); err != nil {
		return nil, err
	}
	if st.On.IsZero() {
		st.On = s.today()
	}
	if s.today().Before(st.On) {
		return nil, fieldErr("on", "future_date")
	}
	var out *domain.Case
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		c, err := tx.Case(domain.Scope{}, id, true)
		if err != nil {
			return err
		}
		if c.Version != version {
			return store.ErrStale
		}
		from := c.State
		// A heavier penalty than the one notified needs a new 告知: the case
		// goes back to notified and is reviewed again.
		renotify := st.To == "notified" && (from == "notified" || from == "reviewed")
		if next := domain.CaseNext(from); st.To != next && !renotify {
			switch {
			case st.To == "decided" && domain.CaseStateIndex(from) < domain.CaseStateIndex("reviewed"):
				return caseConflict("case.error.no_review")
			case next == "":
				return caseConflict("case.error.closed")
			default:
				return caseConflict("case.error.skip", domain.CaseStates.Label(from), domain.CaseStates.Label(next),
					domain.CaseStates.Label(st.To))
			}
		}
		if steps, err := tx.CaseSteps(id); err != nil {
			return err
		} else if last := steps[len(steps)-1].On; st.On.Before(last) {
			return caseErr("case.error.date_before", last.String())
		}
		switch st.To {
		case "investigated":
			c.Investigation = st.Note
		case "notified":
			if err := checkPenalties(c, st.Penalties); err != nil {
				return err
			}
			c.Penalties, c.NotifiedOn = st.Penalties, st.On
			c.Hearing = c.TotalFine() >= HearingThreshold || slices.ContainsFunc(c.Penalties, func(p domain.Penalty) bool { return p.Revoke })
			if renotify {
				c.Reviewer, c.ReviewNote = "", ""
			}
		case "reviewed":
			who, err := handledBy(tx, c)
			if err != nil {
				return err
			}
			if slices.Contains(who, u.Username) {
				return &domain.Error{Code: domain.EFORBIDDEN, Message: "case.error.reviewer_handled", Args: []string{u.Username}}
			}
			c.Reviewer, c.ReviewNote = u.Username, st.Note
		case "decided":
			if c.Reviewer == "" {
				return caseConflict("case.error.no_review")
			}
			if err := checkPenalties(c, st.Penalties); err != nil {
				return err
			}
			if err := notHeavier(c.Penalties, st.Penalties); err != nil {
				return err
			}
			names, err := tx.InstitutionPeopleNames(c.InstitutionID)
			if err != nil {
				return err
			}
			if err := checkSummary(st.Summary, names); err != nil {
				return err
			}
			c.Penalties, c.Summary, c.DecidedOn = st.Penalties, st.Summary, st.On
			if c.DecisionNo, err = s.decisionNumber(tx, c); err != nil {
				return err
			}
		case "served":
			c.ServedOn = st.On
		case "executed":
			c.Execution, c.ExecutedOn = st.Note, st.On
		case "closed":
			c.ClosedOn = st.On
		}
		c.State = st.To
		if err := tx.UpdateCase(c, version, domain.AuditCaseStep); err != nil {
			return err
		}
		if err := tx.StepCase(id, from, st.To, st.On, st.Note, u.Username); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

// decisionNumber issues the number of a case's 行政处罚决定书 (type 罚)
// inside the deciding transaction: no gap, never reused.
func (s *Service) decisionNumber(tx *store.Tx, c *domain.Case) (string, error) {
	d, err := s.IssueDocument(tx, DocPenalty, "case", c.ID)
	if err != nil {
		return "", err
	}
	return d.Number, nil
}

// ReportCard records that the 案件查处信息卡 of a case was reported upward:
// the first report (which 1, due 5 days after served) or the second
// (which 2, due 5 days after closed).
func (s *Service) ReportCard(ctx context.Context, actor domain.Actor, u *domain.User, id int64, which int, on domain.Date, version int) (*domain.Case, error) {
	if !auth.Can(u, auth.Update, auth.Case) {
		return nil, auth.ErrForbidden
	}
	if on.IsZero() {
		on = s.today()
	}
	if s.today().Before(on) {
		return nil, fieldErr("on", "future_date")
	}
	var out *domain.Case
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		c, err := tx.Case(domain.Scope{}, id, true)
		if err != nil {
			return err
		}
		switch {
		case which == 1 && c.Report1Due().IsZero(), which == 2 && c.Report2Due().IsZero():
			return caseConflict("case.error.report_not_due")
		case which == 1 && !c.Report1On.IsZero(), which == 2 && !c.Report2On.IsZero():
			return caseConflict("case.error.reported")
		case which == 1:
			c.Report1On = on
		case which == 2:
			c.Report2On = on
		default:
			return fieldErr("which", domain.CodeEnum)
		}
		if err := tx.UpdateCase(c, version, domain.AuditCaseReport); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

// CaseTask is one case on the supervisor's to-do list: waiting for its
// next step, or a report of its card due (overdue when past).
type CaseTask struct {
	Case    *domain.Case
	Next    string      // the next state, when the task is a step
	Report  int         // 1 or 2 when the task is a report
	DueOn   domain.Date // for a report
	Overdue bool
}

// CaseTasks lists the open work on cases: every case not closed waits for
// its next step, and every report not made is due; overdue reports first.
func (s *Service) CaseTasks(ctx context.Context, u *domain.User) ([]CaseTask, error) {
	if !auth.Can(u, auth.Update, auth.Case) {
		return nil, nil
	}
	var cases []*domain.Case
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		cases, err = tx.Cases(domain.Scope{}, store.CaseFilter{Limit: 2000})
		return err
	})
	if err != nil {
		return nil, err
	}
	today := s.today()
	var reports, steps []CaseTask
	for _, c := range cases {
		if due := c.Report1Due(); !due.IsZero() && c.Report1On.IsZero() {
			reports = append(reports, CaseTask{Case: c, Report: 1, DueOn: due, Overdue: due.Before(today)})
		}
		if due := c.Report2Due(); !due.IsZero() && c.Report2On.IsZero() {
			reports = append(reports, CaseTask{Case: c, Report: 2, DueOn: due, Overdue: due.Before(today)})
		}
		if next := domain.CaseNext(c.State); next != "" {
			steps = append(steps, CaseTask{Case: c, Next: next})
		}
	}
	slices.SortStableFunc(reports, func(a, b CaseTask) int { return strings.Compare(a.DueOn.String(), b.DueOn.String()) })
	return append(reports, steps...), nil
}

// PublicPenalty is a decided penalty as the public page shows it (一公开):
// the unit, the facts in one sentence, the articles, the penalty and the
// date. Never a natural person.
type PublicPenalty struct {
	DecisionNo string      `json:"decision_no"`
	Name       string      `json:"name"`
	CreditCode string      `json:"credit_code"`
	Facts      string      `json:"facts"`
	Articles   []string    `json:"articles"`
	Penalty    string      `json:"penalty"`
	Date       domain.Date `json:"date"`
}

// PublicPenalties lists the decided penalties for the public page.
func (s *Service) PublicPenalties(ctx context.Context) ([]PublicPenalty, error) {
	var cases []*domain.Case
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		cases, err = tx.Cases(domain.Scope{}, store.CaseFilter{Decided: true, Limit: 2000})
		return err
	})
	out := make([]PublicPenalty, 0, len(cases))
	for _, c := range cases {
		p := PublicPenalty{DecisionNo: c.DecisionNo, Name: c.InstitutionName, CreditCode: c.CreditCode, Facts: c.Summary,
			Articles: []string{}, Penalty: PenaltyText(c.Penalties), Date: c.DecidedOn}
		for _, pe := range c.Penalties {
			if a, ok := ArticleOf(pe.Article); ok {
				p.Articles = append(p.Articles, a.Title())
			}
		}
		out = append(out, p)
	}
	return out, err
}

// PenaltyText words a decision's penalties in Chinese: 警告，罚款人民币3000元.
func PenaltyText(ps []domain.Penalty) string {
	var warn, revoke bool
	var fine int64
	for _, p := range ps {
		warn, revoke, fine = warn || p.Warning, revoke || p.Revoke, fine+p.Fine
	}
	var parts []string
	if warn {
		parts = append(parts, "警告")
	}
	if fine > 0 {
		parts = append(parts, fmt.Sprintf("罚款人民币%d元", fine))
	}
	if revoke {
		parts = append(parts, "吊销《医疗机构执业许可证》")
	}
	if len(parts) == 0 {
		return "不予行政处罚"
	}
	return strings.Join(parts, "，")
}
