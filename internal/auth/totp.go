package auth

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP (RFC 6238): six digits, 30-second steps, SHA-1 — what every
// authenticator app reads from a QR code — accepting one step of clock
// drift either way. A code is accepted once: the step used is stored.
const (
	totpPeriod = 30
	totpSkew   = 1
	totpIssuer = "radsup 放射卫生在线监管"
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Skew: 0, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Enrolment is a new second factor waiting for its first code.
type Enrolment struct {
	Secret string // base32, as typed into an app without a camera
	URL    string // otpauth:// URL
	QR     string // the URL as a PNG data: URL, for an <img>
}

// NewEnrolment makes a secret for the user.
func NewEnrolment(username string) (*Enrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: username, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, err
	}
	return enrolmentOf(key)
}

// EnrolmentOf rebuilds the enrolment of a secret (the form posts it back).
func EnrolmentOf(username, secret string) (*Enrolment, error) {
	v := url.Values{"secret": {secret}, "issuer": {totpIssuer}, "period": {"30"}, "digits": {"6"}, "algorithm": {"SHA1"}}
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + totpIssuer + ":" + username, RawQuery: v.Encode()}
	key, err := otp.NewKeyFromURL(u.String())
	if err != nil {
		return nil, err
	}
	return enrolmentOf(key)
}

func enrolmentOf(key *otp.Key) (*Enrolment, error) {
	img, err := key.Image(200, 200)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return &Enrolment{Secret: key.Secret(), URL: key.URL(), QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())}, nil
}

// TOTPStep returns the time step of a valid code for secret at now (within
// the allowed drift), or 0 if the code is not valid.
func TOTPStep(secret, code string, now time.Time) int64 {
	code = strings.TrimSpace(code)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" || secret == "" {
		return 0
	}
	step := now.Unix() / totpPeriod
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		at := time.Unix((step+d)*totpPeriod, 0)
		if ok, err := totp.ValidateCustom(code, secret, at, totpOpts); err == nil && ok {
			return step + d
		}
	}
	return 0
}

// TOTPCode returns the code of secret at t (for tests and the enrolment check).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOpts)
}
