// Package findings keeps the life cycle of screening findings (初筛结果):
// re-screening the subjects a change touched inside the change's
// transaction, the daily full run, previews without writing, and dismissal
// by supervisors. The rules themselves are internal/screening's; the rows
// are internal/store's.
package findings

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/screening"
	"radsup/internal/store"
)

// Service runs the screening life cycle on a store.
type Service struct {
	Store *store.Store
	// Thresholds are the rules' numbers; the zero value means
	// screening.DefaultThresholds().
	Thresholds screening.Thresholds
	// Logger receives the daily run's reports; nil means slog.Default().
	Logger *slog.Logger
	// Batch is the number of subjects a full run handles per transaction;
	// 0 means store.FactsBatch.
	Batch int

	// Tests: called after a full run's read of a batch, and before its
	// write (after the changes made since the read were looked up).
	afterRead, beforeWrite func()
}

// RunStats counts what a run did.
type RunStats struct {
	RunID    int64       // the screening_runs row of a full run
	AsOf     domain.Date // the date screened
	Subjects int         // subjects screened
	// Opened counts findings opened, new or reopened; Resolved those
	// resolved; StillOpen those open before and still firing; Dismissed
	// those dismissed and still firing on unchanged facts.
	Opened, Resolved, StillOpen, Dismissed int
	Duration                               time.Duration
}

func (a *RunStats) add(b RunStats) {
	a.Subjects += b.Subjects
	a.Opened += b.Opened
	a.Resolved += b.Resolved
	a.StillOpen += b.StillOpen
	a.Dismissed += b.Dismissed
}

func (s *Service) thresholds() screening.Thresholds {
	if s.Thresholds == (screening.Thresholds{}) {
		return screening.DefaultThresholds()
	}
	return s.Thresholds
}

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

func (s *Service) batch() int { return cmp.Or(s.Batch, store.FactsBatch) }

func (s *Service) reconciler(tx *store.Tx, asOf domain.Date) reconciler {
	return reconciler{asOf: asOf, now: tx.Now(), days: s.thresholds().RectificationDays}
}

// screenList screens the subjects with the given ids.
type screenList func(tx *store.Tx, ids []int64, asOf domain.Date, th screening.Thresholds) ([]screening.Finding, error)

// screenBatch screens the next n subjects after an id, returning their
// findings, how many there were and the last one's id.
type screenBatch func(tx *store.Tx, after int64, n int, asOf domain.Date, th screening.Thresholds) (fs []screening.Finding, count int, last int64, err error)

// kind is one type of subject and how to screen it.
type kind struct {
	index   int // in kinds, and in the subject lists of store.Tx.SubjectsOf
	subject string
	list    screenList
	batch   screenBatch
}

// kinds are the three types of subject, in the order they are screened.
var kinds = []kind{
	{0, screening.SubjectInstitution, screenOf((*store.Tx).InstitutionFactsOf, screening.CheckInstitution),
		screenAfter((*store.Tx).InstitutionFactsAfter, screening.CheckInstitution,
			func(f screening.InstitutionFacts) int64 { return f.Institution.ID })},
	{1, screening.SubjectEquipment, screenOf((*store.Tx).EquipmentFactsOf, screening.CheckEquipment),
		screenAfter((*store.Tx).EquipmentFactsAfter, screening.CheckEquipment,
			func(f screening.EquipmentFacts) int64 { return f.Equipment.ID })},
	{2, screening.SubjectPerson, screenOf((*store.Tx).PersonFactsOf, screening.CheckPerson),
		screenAfter((*store.Tx).PersonFactsAfter, screening.CheckPerson,
			func(f screening.PersonFacts) int64 { return f.Person.ID })},
}

type check[F any] func(F, domain.Date, screening.Thresholds) []screening.Finding

func screenOf[F any](load func(*store.Tx, []int64) ([]F, error), c check[F]) screenList {
	return func(tx *store.Tx, ids []int64, asOf domain.Date, th screening.Thresholds) ([]screening.Finding, error) {
		facts, err := load(tx, ids)
		if err != nil {
			return nil, err
		}
		var out []screening.Finding
		for _, f := range facts {
			out = append(out, c(f, asOf, th)...)
		}
		return out, nil
	}
}

func screenAfter[F any](load func(*store.Tx, int64, int) ([]F, error), c check[F], id func(F) int64) screenBatch {
	return func(tx *store.Tx, after int64, n int, asOf domain.Date, th screening.Thresholds) ([]screening.Finding, int, int64, error) {
		facts, err := load(tx, after, n)
		if err != nil || len(facts) == 0 {
			return nil, 0, after, err
		}
		var out []screening.Finding
		for _, f := range facts {
			out = append(out, c(f, asOf, th)...)
		}
		return out, len(facts), id(facts[len(facts)-1]), nil
	}
}

// Rescreen recomputes, inside the caller's transaction, the findings of the
// subjects that a change to the records (entity, ids) touched (see
// store.Tx.SubjectsOf), and reconciles them with the stored findings of
// exactly those subjects. No audit event is written: the change is audited,
// and the findings follow from it. See AfterChange for the registry's hook.
func (s *Service) Rescreen(tx *store.Tx, entity string, ids []int64, asOf domain.Date) error {
	if err := tx.LockFindings(); err != nil {
		return err
	}
	var touched [3][]int64 // by kind
	for _, id := range ids {
		ins, eq, ppl, err := tx.SubjectsOf(entity, id)
		if err != nil {
			return err
		}
		touched[0], touched[1], touched[2] = append(touched[0], ins...), append(touched[1], eq...), append(touched[2], ppl...)
	}
	for i, k := range kinds {
		if len(touched[i]) == 0 {
			continue
		}
		fs, err := k.list(tx, touched[i], asOf, s.thresholds())
		if err != nil {
			return err
		}
		stored, err := tx.SubjectFindings(k.subject, touched[i])
		if err != nil {
			return err
		}
		if err := s.reconciler(tx, asOf).reconcile(fs, stored).apply(tx, asOf); err != nil {
			return err
		}
	}
	return nil
}

// AfterChange returns a hook for registry.Registry.AfterChange that
// re-screens what each change touched as of today() (nil: the local date).
func (s *Service) AfterChange(today func() domain.Date) func(tx *store.Tx, entity string, ids []int64) error {
	if today == nil {
		today = func() domain.Date { return domain.DateOf(time.Now()) }
	}
	return func(tx *store.Tx, entity string, ids []int64) error { return s.Rescreen(tx, entity, ids, today()) }
}

var errForbidden = &domain.Error{Code: domain.EFORBIDDEN, Message: "error.forbidden"}

// maxReason bounds a dismissal reason, in characters.
const maxReason = 500

// Dismiss marks an open finding dismissed (已核销) with a reason, if
// version is current (store.ErrStale otherwise). Only a user the policy
// lets dismiss findings may (EFORBIDDEN), and a finding about a person only
// one who may also dismiss health findings; the reason is required
// (EINVALID with a field error on "reason"). The dismissal is audited.
func (s *Service) Dismiss(ctx context.Context, actor domain.Actor, user *domain.User, id int64, version int, reason string) error {
	if !auth.Can(user, auth.Dismiss, auth.Finding) {
		return errForbidden
	}
	return s.judge(ctx, actor, user, id, reason, func(tx *store.Tx, reason string) error {
		_, err := tx.DismissFinding(scope(user), id, version, reason)
		return err
	})
}

// Reopen undoes a dismissal (store.ErrConflict if the finding is not
// dismissed, ErrStale if version is not current), with a reason, audited;
// the same users may as may dismiss it.
func (s *Service) Reopen(ctx context.Context, actor domain.Actor, user *domain.User, id int64, version int, reason string) error {
	if !auth.Can(user, auth.Dismiss, auth.Finding) {
		return errForbidden
	}
	return s.judge(ctx, actor, user, id, reason, func(tx *store.Tx, reason string) error {
		_, err := tx.ReopenFinding(scope(user), id, version, reason)
		return err
	})
}

// judge checks a supervisor's reason and runs act on the finding id, if
// user may dismiss findings of its kind, with the findings locked.
func (s *Service) judge(ctx context.Context, actor domain.Actor, user *domain.User, id int64, reason string, act func(*store.Tx, string) error) error {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return domain.FieldErrors{"reason": domain.CodeRequired}.Err()
	case utf8.RuneCountInString(reason) > maxReason:
		return domain.FieldErrors{"reason": domain.CodeTooLong}.Err()
	case domain.HasControlInText(reason):
		return domain.FieldErrors{"reason": domain.CodeControl}.Err()
	}
	return s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if err := tx.LockFindings(); err != nil {
			return err
		}
		f, err := tx.FindFinding(scope(user), id)
		if err != nil {
			return err
		}
		if !CanDismiss(user, f) {
			return errForbidden
		}
		return act(tx, reason)
	})
}

// CanDismiss reports whether the policy lets u dismiss findings of f's
// kind: findings, and for a finding about a person health findings too.
// Whether f is open is the store's to say.
func CanDismiss(u *domain.User, f *domain.Finding) bool {
	return auth.Can(u, auth.Dismiss, auth.Finding) && auth.Can(u, auth.Dismiss, entity(f.Rule))
}

// Report is what a preview found, and how many subjects it screened.
type Report struct {
	Findings []screening.Finding
	Subjects int
}

// Preview returns what the rules find as of asOf, without writing: every
// finding, or with institutionCode those addressed to that institution
// (store.ErrNotFound if there is none with that credit code). A notice is
// due on its deadline; another finding already stored keeps its due date,
// and a new one is due a rectification period after asOf. Sorted by institution, rule
// and subject, as `radsup screen` prints them.
func (s *Service) Preview(ctx context.Context, asOf domain.Date, institutionCode string) (Report, error) {
	var rep Report
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var instID int64
		if institutionCode != "" {
			id, err := institutionByCode(tx, institutionCode)
			if err != nil {
				return err
			}
			instID = id
		}
		var err error
		if rep.Findings, rep.Subjects, err = s.preview(tx, asOf, instID); err != nil {
			return err
		}
		return s.dueDates(tx, asOf, instID, rep.Findings)
	})
	if err != nil {
		return rep, err
	}
	slices.SortFunc(rep.Findings, func(a, b screening.Finding) int {
		return cmp.Or(cmp.Compare(a.Institution, b.Institution), cmp.Compare(a.InstitutionID, b.InstitutionID),
			cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.SubjectType, b.SubjectType), cmp.Compare(a.SubjectKey, b.SubjectKey))
	})
	return rep, nil
}

// dueDates sets the due dates of previewed findings other than notices:
// a stored finding's, or a rectification period after asOf.
func (s *Service) dueDates(tx *store.Tx, asOf domain.Date, instID int64, fs []screening.Finding) error {
	due, err := tx.FindingDueDates(instID)
	if err != nil {
		return err
	}
	for i := range fs {
		if !fs[i].DueOn.IsZero() {
			continue // a notice's own deadline
		}
		if d, ok := due[store.FindingOf(fs[i]).Key()]; ok {
			fs[i].DueOn = d
		} else {
			fs[i].DueOn = asOf.AddDate(0, 0, s.thresholds().RectificationDays)
		}
	}
	return nil
}

// preview screens everything, or the subjects of one institution keeping
// the findings addressed to it, and counts the subjects screened.
func (s *Service) preview(tx *store.Tx, asOf domain.Date, instID int64) ([]screening.Finding, int, error) {
	if instID == 0 {
		return s.previewAll(tx, asOf)
	}
	ids, err := subjectsOf(tx, instID)
	if err != nil {
		return nil, 0, err
	}
	var out []screening.Finding
	subjects := 0
	for i, ids := range ids {
		fs, err := kinds[i].list(tx, ids, asOf, s.thresholds())
		if err != nil {
			return nil, 0, err
		}
		subjects += len(ids)
		for _, f := range fs {
			if f.InstitutionID == instID {
				out = append(out, f)
			}
		}
	}
	return out, subjects, nil
}

// previewAll screens every subject, a batch at a time.
func (s *Service) previewAll(tx *store.Tx, asOf domain.Date) ([]screening.Finding, int, error) {
	var out []screening.Finding
	subjects := 0
	for _, k := range kinds {
		for after := int64(0); ; {
			fs, n, last, err := k.batch(tx, after, s.batch(), asOf, s.thresholds())
			if err != nil {
				return nil, 0, err
			}
			out, after, subjects = append(out, fs...), last, subjects+n
			if n < s.batch() {
				break
			}
		}
	}
	return out, subjects, nil
}

// subjectsOf returns the ids of the subjects of an institution by kind (in
// the order of kinds): itself, its equipment, the people it employs or monitors.
func subjectsOf(tx *store.Tx, instID int64) ([3][]int64, error) {
	ins, eq, ppl, err := tx.SubjectsOf("institution", instID)
	return [3][]int64{ins, eq, ppl}, err
}

func institutionByCode(tx *store.Tx, code string) (int64, error) {
	found, _, err := store.List(tx, store.Institutions, domain.Scope{}, store.Filter{Values: map[string]string{"credit_code": code}, Retired: true})
	if err != nil {
		return 0, err
	}
	for _, inst := range found {
		if inst.CreditCode == code {
			return inst.ID, nil
		}
	}
	return 0, fmt.Errorf("institution %q: %w", code, store.ErrNotFound)
}

// CurrentThresholds returns the thresholds the service screens with.
func (s *Service) CurrentThresholds() screening.Thresholds { return s.thresholds() }
