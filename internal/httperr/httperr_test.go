package httperr

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"radsup/internal/domain"
)

// A database fault is answered 503 (507 for a full disk) with its own
// sentence and the code EUNAVAILABLE, never as an internal error.
func TestUnavailableAnswers(t *testing.T) {
	for _, c := range []struct {
		key    string
		status int
	}{
		{"error.unavailable", http.StatusServiceUnavailable},
		{"error.read_only", http.StatusServiceUnavailable},
		{StorageFullKey, http.StatusInsufficientStorage},
	} {
		err := fmt.Errorf("store: commit: %w: driver text", &domain.Error{Code: domain.EUNAVAILABLE, Message: c.key})
		a := Of(err)
		if a.Status != c.status || a.Code != domain.EUNAVAILABLE || a.Key != c.key {
			t.Errorf("%s: answer = %+v, want %d EUNAVAILABLE", c.key, a, c.status)
		}
		zh := a.Text("zh-CN")
		if zh == "" || zh == c.key || !strings.Contains(zh, "管理员") || strings.Contains(zh, "driver") {
			t.Errorf("%s: Chinese text %q", c.key, zh)
		}
	}
}
