package notices_test

import (
	"context"
	"encoding/base64"
	"errors"
	"mime"
	"net/mail"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"radsup/internal/auth"
	"radsup/internal/domain"
	"radsup/internal/notices"
	"radsup/internal/store"
	"radsup/internal/store/storetest"
)

// district has institution A with a licence whose 校验 falls due in ten
// days and an open violation, B with nothing due and nothing wrong, and
// their accounts.
type district struct {
	s          *store.Store
	day        domain.Date
	a, b       *domain.Institution
	sup, userA *domain.User
	userB      *domain.User
}

func newDistrict(t *testing.T) *district {
	t.Helper()
	d := &district{s: storetest.Open(t)}
	err := d.s.WithTx(context.Background(), domain.System, func(tx *store.Tx) error {
		d.day = domain.DateOf(tx.Now())
		d.a, d.b = storetest.Institution(t, tx), storetest.Institution(t, tx)
		storetest.Licence(t, tx, d.a.ID, func(l *domain.Licence) { l.ValidUntil = d.day.AddDate(0, 0, 10) })
		storetest.Licence(t, tx, d.b.ID)
		eq := storetest.Equipment(t, tx, d.a.ID)
		if err := tx.PutFinding(&domain.Finding{Rule: "EQP-ACCEPTANCE-MISSING", Severity: domain.Violation, SubjectType: "equipment",
			SubjectKey: eq.SerialNo, SubjectID: eq.ID, InstitutionID: d.a.ID, InstitutionCode: d.a.CreditCode,
			Template: "EQP-ACCEPTANCE-MISSING", Status: "open", DueOn: d.day, FirstSeen: d.day, LastSeen: d.day}); err != nil {
			return err
		}
		d.sup = storetest.User(t, tx, domain.RoleSupervisor, 0)
		d.userA = storetest.User(t, tx, domain.RoleInstitution, d.a.ID)
		d.userB = storetest.User(t, tx, domain.RoleInstitution, d.b.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (d *district) service(email notices.Sender) *notices.Service {
	return &notices.Service{Store: d.s, Email: email, Today: func() domain.Date { return d.day }}
}

func (d *district) setContact(t *testing.T, svc *notices.Service, u *domain.User, inst int64, email string) {
	t.Helper()
	if _, err := svc.SetContact(context.Background(), domain.ActorOf(u, "", ""), u,
		domain.NoticeContact{InstitutionID: inst, Email: email, Phone: "13812345678"}); err != nil {
		t.Fatal(err)
	}
}

func mailer(m *mailbox, security, authMech string) *notices.SMTP {
	return &notices.SMTP{Addr: m.Addr, Security: security, Auth: authMech, Username: mailUser, Password: mailPassword,
		From: "radsup@office.example", TLSConfig: m.Client}
}

// bodyOf decodes a received message's subject and base64 body.
func bodyOf(t *testing.T, r received) (string, string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(string(r.Data)))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(readAll(t, msg)), ""))
	if err != nil {
		t.Fatal(err)
	}
	return subject, string(b)
}

func readAll(t *testing.T, msg *mail.Message) string {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := msg.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

func deliveries(t *testing.T, d *district, u *domain.User) []domain.Delivery {
	t.Helper()
	ns, _, err := d.service(nil).List(context.Background(), u, store.NoticeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []domain.Delivery
	for _, n := range ns {
		out = append(out, n.Deliveries...)
	}
	return out
}

// TestDigestByMail: the day's digest of A reaches a real SMTP server over
// STARTTLS with PLAIN authentication; it names the licence's 校验 and the
// open violation, and no person; B, with nothing to say, gets none.
func TestDigestByMail(t *testing.T) {
	d := newDistrict(t)
	box := startMailbox(t, false, false)
	svc := d.service(mailer(box, notices.SecurityStartTLS, notices.AuthPlain))
	d.setContact(t, svc, d.userA, d.a.ID, "fangshe@a.example")
	d.setContact(t, svc, d.userB, d.b.ID, "fangshe@b.example")
	ctx := context.Background()
	run, err := svc.Digest(ctx, d.day)
	if err != nil {
		t.Fatal(err)
	}
	if run.Made != 1 || run.Nothing != 1 || run.Present != 0 {
		t.Fatalf("digest run %+v, want 1 made (A), 1 with nothing (B)", run)
	}
	dr, err := svc.Deliver(ctx)
	if err != nil || dr.Sent != 1 {
		t.Fatalf("deliver: %+v, %v; want 1 sent", dr, err)
	}
	got := box.messages()
	if len(got) != 1 {
		t.Fatalf("%d messages received, want 1", len(got))
	}
	m := got[0]
	if m.To != "fangshe@a.example" || m.From != "radsup@office.example" || m.User != mailUser || !m.TLS {
		t.Errorf("received %+v: want to A's address, from the office, authenticated, over TLS", m)
	}
	subject, body := bodyOf(t, m)
	if !strings.Contains(subject, "1 项即将到期，1 项问题待整改") {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{d.a.Name, "放射诊疗许可证校验", d.day.AddDate(0, 0, 10).String(), "[违法]", "1 项"} {
		if !strings.Contains(body, want) {
			t.Errorf("digest body lacks %q:\n%s", want, body)
		}
	}
	ds := deliveries(t, d, d.sup)
	if len(ds) != 1 || ds[0].State != domain.DeliverySent || ds[0].Attempts != 1 || ds[0].SentAt.IsZero() {
		t.Errorf("deliveries %+v, want one sent at the first attempt", ds)
	}
}

// TestDigestNotSentTwiceAfterRestart: a restarted server (a new service on
// the same database) makes the day's digests again and delivers again:
// nothing new is made and the SMTP server receives nothing more. A
// delivery queued before the restart is sent once after it.
func TestDigestNotSentTwiceAfterRestart(t *testing.T) {
	d := newDistrict(t)
	box := startMailbox(t, false, false)
	first := d.service(mailer(box, notices.SecurityStartTLS, notices.AuthPlain))
	d.setContact(t, first, d.userA, d.a.ID, "fangshe@a.example")
	ctx := context.Background()
	if _, err := first.Digest(ctx, d.day); err != nil {
		t.Fatal(err)
	}
	// The server stops here, before delivering.
	second := d.service(mailer(box, notices.SecurityStartTLS, notices.AuthPlain))
	run, err := second.Digest(ctx, d.day)
	if err != nil {
		t.Fatal(err)
	}
	if run.Made != 0 || run.Present != 1 {
		t.Fatalf("after a restart: %+v, want nothing made, A's digest present", run)
	}
	for range 2 {
		if _, err := second.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
	}
	third := d.service(mailer(box, notices.SecurityStartTLS, notices.AuthPlain))
	if _, err := third.Digest(ctx, d.day); err != nil {
		t.Fatal(err)
	}
	if _, err := third.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(box.messages()); n != 1 {
		t.Errorf("%d messages received over two restarts, want 1", n)
	}
	if n := storetest.Count(t, d.s, "notices WHERE kind = 'digest'"); n != 1 {
		t.Errorf("%d digests stored, want 1", n)
	}
	// The next day is a new digest.
	d.day = d.day.AddDate(0, 0, 1)
	if run, err := third.Digest(ctx, d.day); err != nil || run.Made != 1 {
		t.Errorf("next day: %+v, %v; want a new digest", run, err)
	}
}

// TestDeliveryRetriesBounded: a server that refuses the recipient is tried
// MaxAttempts times, then the delivery is failed with the server's reason,
// which never holds the password.
func TestDeliveryRetriesBounded(t *testing.T) {
	d := newDistrict(t)
	box := startMailbox(t, true, false)
	box.rejectTo = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable"}
	svc := d.service(mailer(box, notices.SecurityTLS, notices.AuthLogin))
	d.setContact(t, svc, d.userA, d.a.ID, "nobody@a.example")
	ctx := context.Background()
	if _, err := svc.Digest(ctx, d.day); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := svc.Deliver(ctx); err != nil {
			t.Fatalf("pass %d: %v", i, err)
		}
	}
	if n := box.rcpts(); n != 3 {
		t.Errorf("the server saw %d attempts, want 3", n)
	}
	ds := deliveries(t, d, d.sup)
	if len(ds) != 1 || ds[0].State != domain.DeliveryFailed || ds[0].Attempts != 3 ||
		!strings.Contains(ds[0].Reason, "mailbox unavailable") || strings.Contains(ds[0].Reason, mailPassword) {
		t.Errorf("deliveries %+v, want one failed after 3 attempts with the server's reason", ds)
	}
}

// TestSMTPModes: implicit TLS with LOGIN delivers; STARTTLS asked of a
// server that does not offer it fails without sending the password; a
// wrong password fails with a reason that does not hold it.
func TestSMTPModes(t *testing.T) {
	ctx := context.Background()
	tlsBox := startMailbox(t, true, false)
	if err := mailer(tlsBox, notices.SecurityTLS, notices.AuthLogin).Send(ctx, "a@b.example", "主题", "正文"); err != nil {
		t.Fatalf("implicit TLS, LOGIN: %v", err)
	}
	if m := tlsBox.messages(); len(m) != 1 || !m[0].TLS || m[0].User != mailUser {
		t.Errorf("implicit TLS: received %+v", m)
	}
	plain := startMailbox(t, false, true)
	err := mailer(plain, notices.SecurityStartTLS, notices.AuthPlain).Send(ctx, "a@b.example", "主题", "正文")
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("STARTTLS not offered: %v, want a refusal", err)
	}
	local := mailer(plain, notices.SecurityNone, notices.AuthNone)
	if err := local.Send(ctx, "a@b.example", "主题", "正文"); err != nil {
		t.Errorf("no TLS, no auth, local relay: %v", err)
	}
	wrong := mailer(tlsBox, notices.SecurityTLS, notices.AuthPlain)
	wrong.Password = "not-the-password"
	err = wrong.Send(ctx, "a@b.example", "主题", "正文")
	if err == nil || strings.Contains(err.Error(), "not-the-password") {
		t.Errorf("wrong password: %v", err)
	}
	if s := wrong.String(); strings.Contains(s, "not-the-password") {
		t.Errorf("String() shows the password: %s", s)
	}
}

// TestManualNotice: a supervisor writes to A and B at once (one audit
// event); each institution sees only its own, marks it read once, and
// cannot read the other's; institution users cannot send.
func TestManualNotice(t *testing.T) {
	d := newDistrict(t)
	svc := d.service(nil)
	ctx := context.Background()
	sup := domain.ActorOf(d.sup, "", "")
	if _, err := svc.Send(ctx, sup, d.sup, notices.Recipients{}, "", "正文"); !isField(err, "institutions") {
		t.Errorf("no institution: %v", err)
	}
	if _, err := svc.Send(ctx, sup, d.sup, notices.Recipients{Codes: []string{d.a.CreditCode}}, "", "正文\x00"); !isField(err, "body") {
		t.Errorf("control character: %v", err)
	}
	if _, err := svc.Send(ctx, domain.ActorOf(d.userA, "", ""), d.userA, notices.Recipients{Codes: []string{d.b.CreditCode}}, "", "正文"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("institution user sends: %v, want forbidden", err)
	}
	if _, err := svc.Send(ctx, sup, d.sup, notices.Recipients{Codes: []string{d.a.CreditCode, "91410102NOSUCH0000"}}, "", "正文"); !isField(err, "institutions") {
		t.Errorf("unknown credit code: %v", err)
	}
	before := storetest.Count(t, d.s, "audit_events WHERE action = ?", domain.AuditNoticeSend)
	ns, err := svc.Send(ctx, sup, d.sup, notices.Recipients{Codes: []string{d.a.CreditCode + "，" + strings.ToLower(d.b.CreditCode), d.a.CreditCode}}, "", "请于本月底前报送年度评估报告。\n谢谢。")
	if err != nil || len(ns) != 2 {
		t.Fatalf("send: %d notices, %v; want 2", len(ns), err)
	}
	if n := storetest.Count(t, d.s, "audit_events WHERE action = ?", domain.AuditNoticeSend); n != before+1 {
		t.Errorf("%d audit events of the send, want 1", n-before)
	}
	mine, _, err := svc.List(ctx, d.userA, store.NoticeFilter{})
	if err != nil || len(mine) != 1 || mine[0].InstitutionID != d.a.ID || mine[0].Subject != "卫生监督所通知" {
		t.Fatalf("A's list: %v, %v", mine, err)
	}
	if n, _ := svc.Unread(ctx, d.userA); n != 1 {
		t.Errorf("A unread %d, want 1", n)
	}
	aID := mine[0].ID
	if _, err := svc.MarkRead(ctx, domain.ActorOf(d.userB, "", ""), d.userB, aID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B reads A's notice: %v, want not found", err)
	}
	if _, err := svc.MarkRead(ctx, sup, d.sup, aID); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("supervisor marks read: %v, want forbidden", err)
	}
	n, err := svc.MarkRead(ctx, domain.ActorOf(d.userA, "", ""), d.userA, aID)
	if err != nil || n.ReadBy != d.userA.Username || n.ReadAt.IsZero() {
		t.Fatalf("A reads: %+v, %v", n, err)
	}
	if n, _ := svc.Unread(ctx, d.userA); n != 0 {
		t.Errorf("A unread %d after reading, want 0", n)
	}
	all, _, _ := svc.List(ctx, d.sup, store.NoticeFilter{})
	if len(all) != 2 {
		t.Errorf("supervisor sees %d notices, want 2", len(all))
	}
}

// TestContactChecked: a bad address or a landline is refused; an
// institution user sets only its own.
func TestContactChecked(t *testing.T) {
	d := newDistrict(t)
	svc := d.service(nil)
	ctx := context.Background()
	act := domain.ActorOf(d.userA, "", "")
	for _, c := range []domain.NoticeContact{
		{InstitutionID: d.a.ID, Email: "不是邮箱"},
		{InstitutionID: d.a.ID, Email: "A <a@b.example>"},
		{InstitutionID: d.a.ID, Email: "a@b.example\r\nBcc: x@y.example"},
		{InstitutionID: d.a.ID, Phone: "0371-12345678"},
	} {
		if _, err := svc.SetContact(ctx, act, d.userA, c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if _, err := svc.SetContact(ctx, act, d.userA, domain.NoticeContact{InstitutionID: d.b.ID, Email: "a@b.example"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("A sets B's contact: %v, want not found", err)
	}
}

func isField(err error, field string) bool {
	var de *domain.Error
	if errors.As(err, &de) {
		_, ok := de.Fields[field]
		return ok
	}
	return false
}
