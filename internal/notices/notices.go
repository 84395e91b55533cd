// Package notices tells institutions what falls due and what is wrong
// (通知): a digest per institution and day, the office's own notices, an
// in-app list with read and unread, and delivery by e-mail and SMS with
// each delivery's state kept, so that nothing is sent twice.
package notices

import (
	"context"
	"log/slog"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/i18n"
	"radsup/internal/reports"
	"radsup/internal/store"
)

// Sender delivers a notice's text to one address by one channel.
type Sender interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Service makes, lists and delivers notices.
type Service struct {
	Store   *store.Store
	Reports *reports.Service // the deadlines of the institution home; nil: one on Store
	// Email and SMS deliver; nil: the channel is not configured, and no
	// delivery by it is queued.
	Email, SMS Sender
	// MaxAttempts bounds the attempts of one delivery; 0 means 3.
	MaxAttempts int
	// Today is the office's date; nil means the clock's.
	Today  func() domain.Date
	Logger *slog.Logger

	kickOnce sync.Once
	kick     chan struct{} // asks the delivery loop to run now
}

// Limits of a manual notice.
const (
	MaxSubject      = 100  // characters
	MaxBody         = 2000 // characters
	MaxInstitutions = 1000 // institutions of one manual notice
)

func (s *Service) today() domain.Date {
	if s.Today != nil {
		return s.Today()
	}
	return domain.DateOf(time.Now())
}

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Service) maxAttempts() int {
	if s.MaxAttempts <= 0 {
		return 3
	}
	return s.MaxAttempts
}

// List returns the notices the user may read, newest first, with their
// deliveries: an institution user its own institution's, a supervisor all
// (or one institution's).
func (s *Service) List(ctx context.Context, u *domain.User, f store.NoticeFilter) ([]*domain.NoticeMessage, int, error) {
	if !auth.Can(u, auth.Read, auth.Notice) {
		return nil, 0, auth.ErrForbidden
	}
	var out []*domain.NoticeMessage
	var total int
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		out, total, err = tx.Notices(u.Scope(), f)
		return err
	})
	return out, total, err
}

// Unread counts the unread notices of an institution user's institution;
// 0 for everyone else.
func (s *Service) Unread(ctx context.Context, u *domain.User) (int, error) {
	inst := u.Scope().InstitutionID
	if inst == 0 || !auth.Can(u, auth.Update, auth.Notice) {
		return 0, nil
	}
	var n int
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		n, err = tx.UnreadNotices(inst)
		return err
	})
	return n, err
}

// MarkRead marks a notice of the user's institution read (audited).
func (s *Service) MarkRead(ctx context.Context, actor domain.Actor, u *domain.User, id int64) (*domain.NoticeMessage, error) {
	if !auth.Can(u, auth.Update, auth.Notice) {
		return nil, auth.ErrForbidden
	}
	var n *domain.NoticeMessage
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) (err error) {
		n, err = tx.MarkNoticeRead(u.Scope(), id)
		return err
	})
	return n, err
}

// Recipients are the institutions a manual notice goes to: by credit
// code, or every open institution.
type Recipients struct {
	Codes   []string `json:"credit_codes"`
	AllOpen bool     `json:"all_open"`
}

// Send writes a supervisor's notice to each of the institutions, queues
// its deliveries and audits the whole as one act. An unknown credit code
// is refused with the code named.
func (s *Service) Send(ctx context.Context, actor domain.Actor, u *domain.User, to Recipients, subject, body string) ([]*domain.NoticeMessage, error) {
	if !auth.Can(u, auth.Create, auth.Notice) {
		return nil, auth.ErrForbidden
	}
	subject, body = strings.TrimSpace(subject), strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	fe := domain.FieldErrors{}
	checkText(fe, "subject", subject, MaxSubject, false)
	checkText(fe, "body", body, MaxBody, true)
	codes := uniqueCodes(to.Codes)
	switch {
	case len(codes) == 0 && !to.AllOpen:
		fe.Add("institutions", domain.CodeRequired)
	case len(codes) > MaxInstitutions:
		fe.Add("institutions", domain.CodeTooMany)
	case slices.ContainsFunc(codes, domain.HasControl):
		fe.Add("institutions", domain.CodeControl)
	}
	if len(fe) > 0 {
		return nil, fe.Err()
	}
	if subject == "" {
		subject = i18n.T(lang, "notices.manual.subject")
	}
	day := s.today()
	var out []*domain.NoticeMessage
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		ids, err := recipients(tx, codes, to.AllOpen)
		if err != nil {
			return err
		}
		contacts, err := tx.NoticeContacts(ids...)
		if err != nil {
			return err
		}
		for _, id := range ids {
			n := &domain.NoticeMessage{InstitutionID: id, Kind: domain.NoticeManual, Day: day, Subject: subject, Body: body}
			if err := tx.CreateNotice(n, s.addresses(contacts[id])); err != nil {
				return err
			}
			out = append(out, n)
		}
		return tx.Audit(domain.AuditNoticeSend, auth.Notice, 0, map[string]any{"institutions": ids, "subject": subject, "body": body})
	})
	if err != nil {
		return nil, err
	}
	s.Kick()
	return out, nil
}

// recipients resolves the credit codes (or every open institution) to ids.
func recipients(tx *store.Tx, codes []string, allOpen bool) ([]int64, error) {
	if allOpen {
		return tx.OpenInstitutionIDs()
	}
	byCode, err := tx.InstitutionIDsByCode(codes)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(codes))
	for _, c := range codes {
		id, ok := byCode[c]
		if !ok {
			return nil, &domain.Error{Code: domain.EINVALID, Message: "notices.error.unknown_code", Args: []string{c},
				Fields: domain.FieldErrors{"institutions": domain.CodeEnum}}
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// addresses are the addresses of a contact by the channels configured.
func (s *Service) addresses(c domain.NoticeContact) map[string]string {
	m := map[string]string{}
	if s.Email != nil && c.Email != "" {
		m[domain.ChannelEmail] = c.Email
	}
	if s.SMS != nil && c.Phone != "" {
		m[domain.ChannelSMS] = c.Phone
	}
	return m
}

// Contact returns where an institution wants its notices; an institution
// user asks for its own.
func (s *Service) Contact(ctx context.Context, u *domain.User, institutionID int64) (domain.NoticeContact, error) {
	if !auth.Can(u, auth.Read, auth.Notice) {
		return domain.NoticeContact{}, auth.ErrForbidden
	}
	c := domain.NoticeContact{InstitutionID: institutionID}
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if err := store.Visible(tx, "institution", u.Scope(), institutionID); err != nil {
			return err
		}
		cs, err := tx.NoticeContacts(institutionID)
		if v, ok := cs[institutionID]; ok {
			c = v
		}
		return err
	})
	return c, err
}

// mobile is a mainland mobile number, the only kind an SMS reaches.
var mobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// SetContact stores where the user's institution wants its notices: an
// e-mail address and a mobile number, either may be empty (audited).
func (s *Service) SetContact(ctx context.Context, actor domain.Actor, u *domain.User, c domain.NoticeContact) (domain.NoticeContact, error) {
	if !auth.Can(u, auth.Update, auth.Notice) {
		return c, auth.ErrForbidden
	}
	c.Email, c.Phone = strings.TrimSpace(c.Email), strings.TrimSpace(c.Phone)
	fe := domain.FieldErrors{}
	if c.Email != "" {
		a, err := mail.ParseAddress(c.Email)
		if len(c.Email) > 254 || domain.HasControl(c.Email) || err != nil || a.Address != c.Email {
			fe.Add("email", "invalid_email")
		}
	}
	if c.Phone != "" && !mobile.MatchString(c.Phone) {
		fe.Add("phone", "sms_phone")
	}
	if len(fe) > 0 {
		return c, fe.Err()
	}
	err := s.Store.WithTx(ctx, actor, func(tx *store.Tx) error {
		if err := store.Visible(tx, "institution", u.Scope(), c.InstitutionID); err != nil {
			return err
		}
		return tx.PutNoticeContact(c)
	})
	return c, err
}

// checkText adds a field error when a text is missing (if required), too
// long or holds control characters other than line breaks.
func checkText(fe domain.FieldErrors, field, v string, max int, required bool) {
	switch {
	case v == "" && required:
		fe.Add(field, domain.CodeRequired)
	case utf8.RuneCountInString(v) > max:
		fe.Add(field, domain.CodeTooLong)
	case domain.HasControlInText(v) || field == "subject" && strings.ContainsAny(v, "\r\n\t"):
		fe.Add(field, domain.CodeControl)
	}
}

// uniqueCodes splits and trims credit codes, keeping the first of each.
func uniqueCodes(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range in {
		for _, c := range strings.FieldsFunc(v, func(r rune) bool {
			return r == ',' || r == '，' || r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == '、'
		}) {
			c = strings.ToUpper(strings.TrimSpace(c))
			if c != "" && !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}
