package notices

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"
)

// The ways of securing the connection to the SMTP server.
const (
	SecurityStartTLS = "starttls" // plain connection upgraded by STARTTLS (port 587); refused if not offered
	SecurityTLS      = "tls"      // TLS from the first byte (port 465)
	SecurityNone     = "none"     // no TLS: a relay on the same machine only
)

// The ways of logging in to the SMTP server.
const (
	AuthNone  = ""
	AuthPlain = "plain"
	AuthLogin = "login"
)

// SMTP sends notices by e-mail through an SMTP server. The password is
// never logged (LogValue leaves it out) and never sent over a connection
// without TLS except to the local machine.
type SMTP struct {
	Addr     string // host:port
	Security string // SecurityStartTLS, SecurityTLS or SecurityNone
	Auth     string // AuthNone, AuthPlain or AuthLogin
	Username string
	Password string
	From     string // the sender's address
	// TLSConfig verifies the server; nil: the system's roots and the
	// host name of Addr.
	TLSConfig *tls.Config
}

// LogValue describes the server without its password.
func (m *SMTP) LogValue() slog.Value {
	return slog.GroupValue(slog.String("addr", m.Addr), slog.String("security", m.Security),
		slog.String("auth", m.Auth), slog.String("username", m.Username), slog.String("from", m.From))
}

// String describes the server without its password.
func (m *SMTP) String() string {
	return fmt.Sprintf("smtp://%s (%s, auth %q, from %s)", m.Addr, m.Security, m.Auth, m.From)
}

// Check reports a setting that cannot work.
func (m *SMTP) Check() error {
	var errs []error
	if _, _, err := net.SplitHostPort(m.Addr); err != nil {
		errs = append(errs, fmt.Errorf("smtp address %q: want host:port", m.Addr))
	}
	if m.Security != SecurityStartTLS && m.Security != SecurityTLS && m.Security != SecurityNone {
		errs = append(errs, fmt.Errorf("smtp security %q: want starttls, tls or none", m.Security))
	}
	if m.Auth != AuthNone && m.Auth != AuthPlain && m.Auth != AuthLogin {
		errs = append(errs, fmt.Errorf("smtp auth %q: want plain, login or none", m.Auth))
	}
	if m.Auth != AuthNone && m.Username == "" {
		errs = append(errs, errors.New("smtp auth needs a user name"))
	}
	if a, err := mail.ParseAddress(m.From); err != nil || a.Address != m.From {
		errs = append(errs, fmt.Errorf("smtp from %q: want an e-mail address", m.From))
	}
	return errors.Join(errs...)
}

// Send delivers one message to one address.
func (m *SMTP) Send(ctx context.Context, to, subject, body string) error {
	host, _, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return err
	}
	msg, err := message(m.From, to, subject, body, time.Now())
	if err != nil {
		return err
	}
	conn, err := (&net.Dialer{Timeout: 30 * time.Second}).DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	tc := m.tlsConfig(host)
	if m.Security == SecurityTLS {
		t := tls.Client(conn, tc)
		if err := t.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("smtp tls: %w", err)
		}
		conn = t
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("radsup"); err != nil {
		return err
	}
	if m.Security == SecurityStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("smtp: the server does not offer STARTTLS")
		}
		if err := c.StartTLS(tc); err != nil {
			return fmt.Errorf("smtp starttls: %w", err)
		}
	}
	if m.Auth != AuthNone {
		if err := c.Auth(m.auth(host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.Mail(m.From); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func (m *SMTP) tlsConfig(host string) *tls.Config {
	if m.TLSConfig != nil {
		c := m.TLSConfig.Clone()
		if c.ServerName == "" {
			c.ServerName = host
		}
		return c
	}
	return &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
}

func (m *SMTP) auth(host string) smtp.Auth {
	if m.Auth == AuthLogin {
		return &loginAuth{host: host, username: m.Username, password: m.Password}
	}
	return smtp.PlainAuth("", m.Username, m.Password, host)
}

// loginAuth is the LOGIN mechanism, which many mail servers of the
// office's providers still ask for. Like smtp.PlainAuth it sends the
// password only over TLS or to the local machine.
type loginAuth struct {
	host, username, password string
	step                     int
}

func (a *loginAuth) Start(s *smtp.ServerInfo) (string, []byte, error) {
	if !s.TLS && !isLocal(s.Name) {
		return "", nil, errors.New("smtp: LOGIN refused over a connection without TLS")
	}
	if s.Name != a.host {
		return "", nil, errors.New("smtp: wrong host name")
	}
	a.step = 0
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	a.step++
	switch a.step {
	case 1:
		return []byte(a.username), nil
	case 2:
		return []byte(a.password), nil
	}
	return nil, fmt.Errorf("smtp: unexpected LOGIN challenge %q", fromServer)
}

func isLocal(name string) bool {
	return name == "localhost" || name == "127.0.0.1" || name == "::1"
}

// message is an RFC 5322 message in UTF-8: the subject encoded as a MIME
// word, the body in base64, so that no line of text can add a header.
func message(from, to, subject, body string, at time.Time) ([]byte, error) {
	for _, a := range []string{from, to} {
		if p, err := mail.ParseAddress(a); err != nil || p.Address != a {
			return nil, fmt.Errorf("not an e-mail address: %q", a)
		}
	}
	id := make([]byte, 12)
	rand.Read(id)
	domain := from[strings.LastIndexByte(from, '@')+1:]
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\n", from, to,
		mime.BEncoding.Encode("UTF-8", strings.NewReplacer("\r", " ", "\n", " ").Replace(subject)),
		at.Format(time.RFC1123Z), hex.EncodeToString(id), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(body, "\n", "\r\n")))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes(), nil
}
