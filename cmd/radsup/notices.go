package main

import (
	"context"
	"log/slog"
	"time"

	"radsup/internal/config"
	"radsup/internal/domain"
	"radsup/internal/notices"
	"radsup/internal/store"
)

// deliveryInterval is how often queued notices are delivered (and failed
// deliveries tried again) besides right after a manual notice.
const deliveryInterval = time.Minute

// newNotices makes the notices' service with the channels configured: an
// SMTP server, an SMS gateway, or neither (notices are then shown in the
// portal only).
func newNotices(s *store.Store, today func() domain.Date, cfg config.Notify, logger *slog.Logger) *notices.Service {
	n := &notices.Service{Store: s, Today: today, Logger: logger}
	if cfg.SMTPAddr != "" {
		auth := cfg.SMTPAuth
		if auth == "none" {
			auth = notices.AuthNone
		}
		n.Email = &notices.SMTP{Addr: cfg.SMTPAddr, Security: cfg.SMTPSecurity, Auth: auth, Username: cfg.SMTPUser,
			Password: cfg.SMTPPassword, From: cfg.SMTPFrom}
	}
	if cfg.SMSURL != "" {
		n.SMS = &notices.HTTPGateway{URL: cfg.SMSURL, Token: cfg.SMSToken}
	}
	return n
}

// startNotices runs the daily digest and the deliveries in the background
// until Close, unless -notify-at is off.
func (m *Main) startNotices(ctx context.Context) {
	if m.Config.Notify.At == "off" {
		return
	}
	nctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	m.stopNotices, m.notified = stop, make(chan struct{})
	m.Logger.Info("notices", "config", m.Config.Notify.String())
	go func() {
		defer close(m.notified)
		m.Notices.Run(nctx, m.Config.Notify.At, deliveryInterval, time.Now)
	}()
}
