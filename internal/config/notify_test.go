package config

import (
	"strings"
	"testing"
)

// TestNotifySettings: flags override the environment; the password and
// the SMS token come from the environment only and are never printed; a
// setting that cannot work stops the start.
func TestNotifySettings(t *testing.T) {
	env := map[string]string{"RADSUP_SMTP_ADDR": "smtp.example.cn:587", "RADSUP_SMTP_USER": "notify",
		"RADSUP_SMTP_PASSWORD": "pa55-w0rd", "RADSUP_SMTP_FROM": "notify@example.cn", "RADSUP_SMS_TOKEN": "tok-123",
		"RADSUP_NOTIFY_AT": "06:00"}
	c, _, _, err := Load([]string{"serve", "-smtp-security", "tls", "-smtp-auth", "login", "-sms-url", "https://sms.example.cn/send"},
		func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	n := c.Notify
	if n.SMTPAddr != "smtp.example.cn:587" || n.SMTPSecurity != "tls" || n.SMTPAuth != "login" || n.SMTPPassword != "pa55-w0rd" ||
		n.SMSToken != "tok-123" || n.At != "06:00" || n.SMSURL != "https://sms.example.cn/send" {
		t.Errorf("notify settings %+v", n)
	}
	if s := n.String(); strings.Contains(s, "pa55-w0rd") || strings.Contains(s, "tok-123") {
		t.Errorf("String() shows a secret: %s", s)
	}
	for _, args := range [][]string{
		{"serve", "-notify-at", "7:3"},
		{"serve", "-smtp-addr", "smtp.example.cn", "-smtp-from", "a@b.cn", "-smtp-auth", "none"},
		{"serve", "-smtp-addr", "smtp.example.cn:25", "-smtp-security", "ssl", "-smtp-from", "a@b.cn", "-smtp-auth", "none"},
		{"serve", "-smtp-addr", "smtp.example.cn:25", "-smtp-from", "a@b.cn"}, // plain auth without a user
		{"serve", "-smtp-addr", "smtp.example.cn:25", "-smtp-auth", "none", "-smtp-from", "Office <a@b.cn>"},
		{"serve", "-sms-url", "ftp://x"},
	} {
		if _, _, _, err := Load(args, func(string) string { return "" }); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	if _, _, _, err := Load([]string{"serve", "-smtp-addr", "127.0.0.1:25", "-smtp-security", "none", "-smtp-auth", "none",
		"-smtp-from", "radsup@localhost.localdomain", "-notify-at", "off"}, func(string) string { return "" }); err != nil {
		t.Errorf("a local relay without TLS or login: %v", err)
	}
}
