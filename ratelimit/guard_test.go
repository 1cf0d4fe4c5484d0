package ratelimit_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/ratelimit"
)

type failing struct{}

func (failing) Allow(context.Context, string, ratelimit.Limit) (ratelimit.Decision, error) {
	return ratelimit.Decision{}, errors.New("store down")
}

func TestGuard(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	byIP := func(r *http.Request) string { return "test:" + ratelimit.ClientIP(r, nil).String() }
	g := &ratelimit.Guard{
		Limiter: ratelimit.NewMemory(0),
		Limit:   ratelimit.Limit{Rate: 2, Per: time.Hour},
		Key:     byIP,
	}
	h := g.Handler(ok)
	steps := []struct {
		name, remote string
		status       int
		remaining    string
		retryAfter   string
		body         string
	}{
		{"first", "192.0.2.1:1", 204, "1", "", ""},
		{"second", "192.0.2.1:2", 204, "0", "", ""},
		{"third denied", "192.0.2.1:3", 429, "0", "1800",
			`{"error":"too many requests","retry_after_s":1800}` + "\n"},
		{"other client", "192.0.2.2:1", 204, "1", "", ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = s.remote
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != s.status || w.Header().Get("RateLimit-Remaining") != s.remaining ||
				w.Header().Get("Retry-After") != s.retryAfter || w.Body.String() != s.body {
				t.Fatalf("got %d remaining %q retry %q body %q", w.Code,
					w.Header().Get("RateLimit-Remaining"), w.Header().Get("Retry-After"), w.Body)
			}
		})
	}
	t.Run("empty key passes uncounted", func(t *testing.T) {
		g := &ratelimit.Guard{Limiter: failing{}, Limit: ratelimit.PerMinute(1),
			Key: func(*http.Request) string { return "" }}
		w := httptest.NewRecorder()
		g.Handler(ok).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		if w.Code != 204 || w.Header().Get("RateLimit-Limit") != "" {
			t.Fatalf("status %d, headers %v", w.Code, w.Header())
		}
	})
	t.Run("store failure fails closed", func(t *testing.T) {
		g := &ratelimit.Guard{Limiter: failing{}, Limit: ratelimit.PerMinute(1), Key: byIP}
		w := httptest.NewRecorder()
		g.Handler(ok).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		if w.Code != 503 || w.Header().Get("Retry-After") != "1" {
			t.Fatalf("status %d, headers %v", w.Code, w.Header())
		}
	})
	t.Run("store failure with FailOpen passes", func(t *testing.T) {
		g := &ratelimit.Guard{Limiter: ratelimit.FailOpen(failing{}, nil),
			Limit: ratelimit.PerMinute(1), Key: byIP}
		w := httptest.NewRecorder()
		g.Handler(ok).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		if w.Code != 204 {
			t.Fatalf("status %d", w.Code)
		}
	})
}
