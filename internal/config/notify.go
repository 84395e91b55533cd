package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// Notify holds the settings of notices to institutions: when the daily
// digest is made, the SMTP server that sends e-mail and the SMS gateway.
// Passwords and tokens are read from the environment (a flag would show in
// the process list) and are never printed.
type Notify struct {
	At           string // the office's time (Config.Zone) of the daily digest, HH:MM, or "off"
	SMTPAddr     string // host:port; "" means no e-mail
	SMTPSecurity string // starttls, tls or none
	SMTPAuth     string // plain, login or none
	SMTPUser     string
	SMTPPassword string // from RADSUP_SMTP_PASSWORD only
	SMTPFrom     string // the sender's address
	SMSURL       string // the SMS gateway's URL; "" means no SMS
	SMSToken     string // from RADSUP_SMS_TOKEN only
}

// String describes the settings without the password and the token.
func (n Notify) String() string {
	return fmt.Sprintf("notify at %s, smtp %q (%s, auth %s, user %q, from %q), sms %q", n.At, n.SMTPAddr, n.SMTPSecurity,
		n.SMTPAuth, n.SMTPUser, n.SMTPFrom, n.SMSURL)
}

// notifyEnv lists the environment variable of each notice setting.
var notifyEnv = map[string]string{
	"notify-at": "RADSUP_NOTIFY_AT", "smtp-addr": "RADSUP_SMTP_ADDR", "smtp-security": "RADSUP_SMTP_SECURITY",
	"smtp-auth": "RADSUP_SMTP_AUTH", "smtp-user": "RADSUP_SMTP_USER", "smtp-from": "RADSUP_SMTP_FROM", "sms-url": "RADSUP_SMS_URL",
}

func defaultNotify() Notify { return Notify{At: "07:30", SMTPSecurity: "starttls", SMTPAuth: "plain"} }

func (n *Notify) applyEnv(getenv func(string) string) {
	for name, p := range map[string]*string{"notify-at": &n.At, "smtp-addr": &n.SMTPAddr, "smtp-security": &n.SMTPSecurity,
		"smtp-auth": &n.SMTPAuth, "smtp-user": &n.SMTPUser, "smtp-from": &n.SMTPFrom, "sms-url": &n.SMSURL} {
		if v := strings.TrimSpace(getenv(notifyEnv[name])); v != "" {
			*p = v
		}
	}
	if v := getenv("RADSUP_SMTP_PASSWORD"); v != "" {
		n.SMTPPassword = v
	}
	if v := strings.TrimSpace(getenv("RADSUP_SMS_TOKEN")); v != "" {
		n.SMSToken = v
	}
}

func (n *Notify) flags(fs *flag.FlagSet) {
	fs.StringVar(&n.At, "notify-at", n.At, "with serve: the office's time (-zone) of the daily digest of notices, HH:MM, or off ($RADSUP_NOTIFY_AT)")
	fs.StringVar(&n.SMTPAddr, "smtp-addr", n.SMTPAddr, "with serve: SMTP server for notices by e-mail, host:port; none: no e-mail ($RADSUP_SMTP_ADDR; password in $RADSUP_SMTP_PASSWORD)")
	fs.StringVar(&n.SMTPSecurity, "smtp-security", n.SMTPSecurity, "with serve: starttls, tls (implicit, port 465) or none (a local relay) ($RADSUP_SMTP_SECURITY)")
	fs.StringVar(&n.SMTPAuth, "smtp-auth", n.SMTPAuth, "with serve: SMTP login: plain, login or none ($RADSUP_SMTP_AUTH)")
	fs.StringVar(&n.SMTPUser, "smtp-user", n.SMTPUser, "with serve: SMTP user name ($RADSUP_SMTP_USER)")
	fs.StringVar(&n.SMTPFrom, "smtp-from", n.SMTPFrom, "with serve: the sender's e-mail address of notices ($RADSUP_SMTP_FROM)")
	fs.StringVar(&n.SMSURL, "sms-url", n.SMSURL, "with serve: SMS gateway URL taking a JSON POST; none: no SMS ($RADSUP_SMS_URL; token in $RADSUP_SMS_TOKEN)")
}

// validate reports a notice setting that cannot work.
func (n *Notify) validate() error {
	var errs []error
	if n.At != "off" {
		if t, err := time.Parse("15:04", n.At); err != nil || t.Format("15:04") != n.At {
			errs = append(errs, fmt.Errorf("-notify-at %q: want a time HH:MM such as 07:30, or off", n.At))
		}
	}
	if n.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(n.SMTPAddr); err != nil {
			errs = append(errs, fmt.Errorf("-smtp-addr %q: want host:port such as smtp.example.cn:587", n.SMTPAddr))
		}
		if n.SMTPSecurity != "starttls" && n.SMTPSecurity != "tls" && n.SMTPSecurity != "none" {
			errs = append(errs, fmt.Errorf("-smtp-security %q: want starttls, tls or none", n.SMTPSecurity))
		}
		if n.SMTPAuth != "plain" && n.SMTPAuth != "login" && n.SMTPAuth != "none" {
			errs = append(errs, fmt.Errorf("-smtp-auth %q: want plain, login or none", n.SMTPAuth))
		}
		if n.SMTPAuth != "none" && n.SMTPUser == "" {
			errs = append(errs, errors.New("-smtp-user: an SMTP login needs a user name (or -smtp-auth none)"))
		}
		if a, err := mail.ParseAddress(n.SMTPFrom); err != nil || a.Address != n.SMTPFrom {
			errs = append(errs, fmt.Errorf("-smtp-from %q: want an e-mail address", n.SMTPFrom))
		}
	}
	if n.SMSURL != "" {
		if u, err := url.Parse(n.SMSURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("-sms-url %q: want an http(s) URL", n.SMSURL))
		}
	}
	return errors.Join(errs...)
}
