package notices

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// HTTPGateway sends notices by SMS through a gateway that takes a JSON
// POST {"to": "13812345678", "text": "…"} and answers 2xx when it accepted
// the message. The text is the notice's subject: the details are in the
// portal. Token, if set, is sent as a bearer token and never logged.
type HTTPGateway struct {
	URL    string
	Token  string
	Client *http.Client // nil: one with a 30 s timeout
}

// Send posts one message to the gateway.
func (g *HTTPGateway) Send(ctx context.Context, to, subject, _ string) error {
	body, err := json.Marshal(map[string]string{"to": to, "text": subject})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if g.Token != "" {
		req.Header.Set("Authorization", "Bearer "+g.Token)
	}
	c := g.Client
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("sms gateway: %w", err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("sms gateway: %s %q", resp.Status, msg)
	}
	return nil
}
