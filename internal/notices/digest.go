package notices

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/reports"
	"radsup/internal/screening"
	"radsup/internal/stats"
	"radsup/internal/store"
)

// DigestDays is the look-ahead of the daily digest: what falls due within
// it, as the institution home's first window shows it.
const DigestDays = 30

// lang is the language of the notices' text: they are letters to the
// institutions, in Chinese.
const lang = i18n.Default

// DigestRun is what one day's digest run did.
type DigestRun struct {
	Day     domain.Date `json:"day"`
	Made    int         `json:"made"`    // digests made
	Present int         `json:"present"` // made before (another server, before a restart)
	Nothing int         `json:"nothing"` // institutions with nothing due and nothing wrong
}

// Digest makes the day's digest of every open institution that has
// something falling due within DigestDays or an open finding, and queues
// its deliveries. A digest is made once per institution and day: run again
// (after a restart, on a second server), it makes nothing new and queues
// nothing twice.
func (s *Service) Digest(ctx context.Context, day domain.Date) (*DigestRun, error) {
	run := &DigestRun{Day: day}
	var ids []int64
	var contacts map[int64]domain.NoticeContact
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		if ids, err = tx.OpenInstitutionIDs(); err != nil {
			return err
		}
		contacts, err = tx.NoticeContacts()
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return run, err
		}
		n, err := s.digestOf(ctx, id, day)
		if err != nil {
			return run, err
		}
		if n == nil {
			run.Nothing++
			continue
		}
		err = s.Store.WithTx(ctx, domain.System, func(tx *store.Tx) error {
			return tx.CreateNotice(n, s.addresses(contacts[id]))
		})
		switch {
		case errors.Is(err, store.ErrConflict):
			run.Present++
		case err != nil:
			return run, err
		default:
			run.Made++
		}
	}
	if run.Made > 0 {
		err = s.Store.WithTx(ctx, domain.System, func(tx *store.Tx) error {
			return tx.Audit(domain.AuditNoticeDigest, "notice", 0, run)
		})
	}
	return run, err
}

// digestOf composes an institution's digest of the day, nil when nothing
// falls due and nothing is wrong. It names kinds of deadline and rules with
// their numbers, never a person: the text travels by e-mail and SMS.
func (s *Service) digestOf(ctx context.Context, institutionID int64, day domain.Date) (*domain.NoticeMessage, error) {
	own := &domain.User{Username: domain.System.Username, Role: domain.RoleInstitution, InstitutionID: institutionID}
	rep := s.Reports
	if rep == nil {
		rep = &reports.Service{Store: s.Store, Today: s.Today}
	}
	h, err := rep.InstitutionHome(ctx, own, institutionID, day, DigestDays)
	if err != nil {
		return nil, err
	}
	var open []store.RuleCount
	var name string
	err = s.Store.View(ctx, func(tx *store.Tx) (err error) {
		inst, err := store.Find(tx, store.Institutions, domain.Scope{}, institutionID)
		if err != nil {
			return err
		}
		name = inst.Name
		open, err = tx.OpenFindingsByRule(institutionID)
		return err
	})
	if err != nil || len(h.Due) == 0 && len(open) == 0 {
		return nil, err
	}
	return &domain.NoticeMessage{InstitutionID: institutionID, Kind: domain.NoticeDigest, Day: day,
		Subject: digestSubject(day, len(h.Due), open), Body: digestBody(name, day, h.Due, open)}, nil
}

func findingCount(open []store.RuleCount) int {
	n := 0
	for _, c := range open {
		n += c.N
	}
	return n
}

func digestSubject(day domain.Date, due int, open []store.RuleCount) string {
	return i18n.T(lang, "notices.digest.subject", day.String(), due, findingCount(open))
}

// digestBody lists the deadlines by kind (how many, the earliest) and the
// open findings by rule.
func digestBody(name string, day domain.Date, due []stats.DueItem, open []store.RuleCount) string {
	var b strings.Builder
	fmt.Fprintln(&b, i18n.T(lang, "notices.digest.greeting", name))
	fmt.Fprintln(&b, i18n.T(lang, "notices.digest.intro", day.String()))
	if len(due) > 0 {
		fmt.Fprintln(&b)
		fmt.Fprintln(&b, i18n.T(lang, "notices.digest.due", DigestDays, len(due)))
		for _, k := range stats.DueKinds {
			var n int
			var first domain.Date
			for _, x := range due {
				if x.Kind == k {
					if n == 0 || x.DueOn.Before(first) {
						first = x.DueOn
					}
					n++
				}
			}
			if n > 0 {
				fmt.Fprintln(&b, i18n.T(lang, "notices.digest.due_kind", i18n.T(lang, "insthome.kind."+k), n, first.String()))
			}
		}
	}
	if len(open) > 0 {
		fmt.Fprintln(&b)
		fmt.Fprintln(&b, i18n.T(lang, "notices.digest.open", findingCount(open)))
		for _, c := range open {
			fmt.Fprintln(&b, i18n.T(lang, "notices.digest.open_rule", screening.SeverityLabel(lang, screening.Severity(c.Severity)),
				screening.Title(lang, c.Rule), c.N))
		}
	}
	fmt.Fprintln(&b)
	b.WriteString(i18n.T(lang, "notices.digest.closing"))
	return b.String()
}
