package notices

import (
	"context"
	"fmt"
	"time"

	"radsup/internal/domain"
	"radsup/internal/store"
)

// maxReason bounds the stored reason of a failure.
const maxReason = 500

// DeliveryRun is what one delivery pass did.
type DeliveryRun struct {
	Sent, Failed, Retry int
}

// Deliver makes the queued deliveries: each attempt is counted before it is
// made (so a delivery is never attempted twice at once, nor more than
// MaxAttempts times), then the delivery is marked sent, or failed with the
// reason once its attempts are spent, or left queued with the reason of
// this failure for the next pass.
func (s *Service) Deliver(ctx context.Context) (DeliveryRun, error) {
	var run DeliveryRun
	var queue []store.QueuedDelivery
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		queue, err = tx.QueuedDeliveries(500)
		return err
	})
	if err != nil {
		return run, err
	}
	for _, q := range queue {
		if ctx.Err() != nil {
			return run, ctx.Err()
		}
		var claimed bool
		err := s.Store.WithTx(ctx, domain.System, func(tx *store.Tx) (err error) {
			claimed, err = tx.ClaimDelivery(q.ID, q.Attempts)
			return err
		})
		if err != nil {
			return run, err
		}
		if !claimed {
			continue
		}
		state, reason := domain.DeliverySent, ""
		if serr := s.send(ctx, q); serr != nil {
			reason = truncate(serr.Error(), maxReason)
			state = domain.DeliveryQueued
			run.Retry++
			if q.Attempts+1 >= s.maxAttempts() {
				state, run.Retry, run.Failed = domain.DeliveryFailed, run.Retry-1, run.Failed+1
			}
			s.logger().Warn("notice delivery failed", "delivery", q.ID, "channel", q.Channel, "attempt", q.Attempts+1, "err", reason)
		} else {
			run.Sent++
		}
		if err := s.Store.WithTx(context.WithoutCancel(ctx), domain.System, func(tx *store.Tx) error {
			return tx.FinishDelivery(q.ID, state, reason)
		}); err != nil {
			return run, err
		}
	}
	return run, nil
}

func (s *Service) send(ctx context.Context, q store.QueuedDelivery) error {
	var to Sender
	switch q.Channel {
	case domain.ChannelEmail:
		to = s.Email
	case domain.ChannelSMS:
		to = s.SMS
	}
	if to == nil {
		return fmt.Errorf("channel %s is not configured", q.Channel)
	}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return to.Send(sctx, q.Address, q.Subject, q.Body)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

func (s *Service) kicks() chan struct{} {
	s.kickOnce.Do(func() { s.kick = make(chan struct{}, 1) })
	return s.kick
}

// Kick asks the running loop to deliver now (after a manual notice).
func (s *Service) Kick() {
	select {
	case s.kicks() <- struct{}{}:
	default:
	}
}

// Run makes the day's digests at the local time at ("07:30") and delivers
// what is queued every interval and when kicked, until ctx is done. A
// server started after that time makes the day's digests at once; one that
// restarts makes none twice (the store keeps one digest per institution
// and day). Errors are logged and tried again at the next pass.
func (s *Service) Run(ctx context.Context, at string, interval time.Duration, now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	clock, err := time.Parse("15:04", at)
	if err != nil {
		s.logger().Error("notices not scheduled", "at", at, "err", err)
		return
	}
	var done domain.Date // the last day whose digests were made by this process
	for {
		t := now()
		day := domain.DateOf(t)
		due := time.Date(t.Year(), t.Month(), t.Day(), clock.Hour(), clock.Minute(), 0, 0, t.Location())
		if !t.Before(due) && !day.Equal(done) {
			if r, err := s.Digest(ctx, day); err != nil {
				if ctx.Err() == nil {
					s.logger().Error("notice digests failed", "day", day.String(), "err", err)
				}
			} else {
				done = day
				s.logger().Info("notice digests", "day", day.String(), "made", r.Made, "present", r.Present, "nothing", r.Nothing)
			}
		}
		if r, err := s.Deliver(ctx); err != nil && ctx.Err() == nil {
			s.logger().Error("notice delivery pass failed", "err", err)
		} else if r != (DeliveryRun{}) {
			s.logger().Info("notice deliveries", "sent", r.Sent, "failed", r.Failed, "retry", r.Retry)
		}
		timer := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-s.kicks():
			timer.Stop()
		case <-timer.C:
		}
	}
}
