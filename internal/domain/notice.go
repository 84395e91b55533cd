package domain

import "time"

// The kinds of notice (通知).
const (
	NoticeDigest = "digest" // the daily digest: what falls due, what is wrong
	NoticeManual = "manual" // written by a supervisor
)

// The channels a notice is delivered by.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
)

// The states of a delivery: queued, then sent or failed (with the reason).
const (
	DeliveryQueued = "queued"
	DeliverySent   = "sent"
	DeliveryFailed = "failed"
)

// NoticeMessage is a notice to one institution, read in its portal and delivered
// by the channels it has given an address for.
type NoticeMessage struct {
	ID            int64      `json:"id"`
	InstitutionID int64      `json:"institution_id"`
	Institution   string     `json:"institution"` // its name
	Kind          string     `json:"kind"`
	Day           Date       `json:"day"`
	Subject       string     `json:"subject"`
	Body          string     `json:"body"`
	CreatedBy     string     `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
	ReadAt        time.Time  `json:"read_at,omitzero"`
	ReadBy        string     `json:"read_by,omitempty"`
	Deliveries    []Delivery `json:"deliveries"`
}

// Delivery is a notice's delivery by one channel.
type Delivery struct {
	ID            int64     `json:"id"`
	NoticeID      int64     `json:"notice_id"`
	InstitutionID int64     `json:"-"`
	Channel       string    `json:"channel"`
	Address       string    `json:"address"`
	State         string    `json:"state"`
	Attempts      int       `json:"attempts"`
	Reason        string    `json:"reason,omitempty"`
	SentAt        time.Time `json:"sent_at,omitzero"`
}

// NoticeContact is where an institution wants its notices: an e-mail
// address and a mobile number; either may be empty.
type NoticeContact struct {
	InstitutionID int64  `json:"institution_id"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
}
