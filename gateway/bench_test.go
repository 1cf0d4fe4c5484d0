package gateway

// Benchmarks of the whole chain, in process. Compare runs with benchstat:
//
//	go test -run='^$' -bench=Chain -benchmem -count=10 ./gateway > old.txt
//	go test -run='^$' -bench=Chain -benchmem -count=10 ./gateway > new.txt
//	benchstat old.txt new.txt
//
// With REDIS_URL set, the Redis variants run too.

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

func benchChain(b *testing.B, redisURL string) {
	e := newEnv(b, withConfig(func(c *Config) {
		if redisURL != "" {
			c.RedisURL, c.Session.Store, c.RedisPrefix = redisURL, "redis", "bench:"
		}
		c.RateLimits.Chat = LimitConfig{Rate: 1 << 20, Per: Duration(time.Second)}
		c.RateLimits.PerIP = LimitConfig{Rate: 1 << 20, Per: Duration(time.Second)}
		c.RateLimits.PerSession = LimitConfig{Rate: 1 << 20, Per: Duration(time.Second)}
	}))
	c := e.client()
	c.login("alice")
	cookie := c.cookie()
	h := e.srv.HTTP.Handler
	body := `{"message":"What is the capital of France, and why is it famous?"}`
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("POST", "/api/chat", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-CSRF-Token", c.token)
		r.AddCookie(cookie)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("chat = %d %s", w.Code, w.Body)
		}
	}
}

func BenchmarkChainMemory(b *testing.B) { benchChain(b, "") }

func BenchmarkChainRedis(b *testing.B) {
	u := os.Getenv("REDIS_URL")
	if u == "" {
		b.Skip("REDIS_URL is not set")
	}
	benchChain(b, u)
}
