package gateway

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/sign"
	"github.com/redis/go-redis/v9"
)

func TestChatRateLimit(t *testing.T) {
	e := newEnv(t, withConfig(func(c *Config) {
		c.RateLimits.Chat = LimitConfig{Rate: 3, Per: Duration(time.Minute)}
	}))
	c := e.client()
	c.login("alice")
	for i := range 3 {
		a := c.chat("hello")
		if a.status != 200 {
			t.Fatalf("chat %d = %d %s", i, a.status, a.raw)
		}
		if a.header.Get("RateLimit-Limit") == "" {
			t.Errorf("chat %d without RateLimit headers", i)
		}
	}
	a := c.chat("hello")
	if a.status != http.StatusTooManyRequests || a.str("reason") != "rate_limited" {
		t.Fatalf("fourth chat = %d %s, want 429", a.status, a.raw)
	}
	if a.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Another session has its own chat budget.
	b := e.client()
	b.login("bob")
	if a := b.chat("hello"); a.status != 200 {
		t.Errorf("other session's chat = %d, want 200", a.status)
	}
}

func TestProxySignsForwardedRequests(t *testing.T) {
	key := []byte("upstream signing key, 32 bytes!!")
	v := &sign.Verifier{Keys: sign.Keys{"gw1": key}, Nonces: &sign.MemoryNonces{}}
	var verified, refused int
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := v.Check(r); err != nil {
			refused++
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		verified++
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	}))
	defer backend.Close()
	e := newEnv(t, withConfig(func(c *Config) {
		c.Upstream = backend.URL
		c.Signing.KeyID = "gw1"
	}), func(_ *Config, o *Options) { o.SigningKey = key })
	c := e.client()
	a := c.do("POST", "/api/auth/login", map[string]string{"username": "carol", "password": "x"}, nil)
	c.token = a.str("csrf_token")
	if a := c.do("POST", "/api/notes?b=2&a=1", map[string]string{"text": "signed"}, map[string]string{"X-CSRF-Token": c.token}); a.status != 200 {
		t.Fatalf("signed POST = %d %s", a.status, a.raw)
	}
	if a := c.do("GET", "/api/notes", nil, map[string]string{"X-Bulwark-Signature": "forged"}); a.status != 200 {
		t.Fatalf("signed GET = %d %s", a.status, a.raw)
	}
	if verified != 3 || refused != 0 {
		t.Errorf("backend verified %d and refused %d requests, want 3 and 0", verified, refused)
	}
}

func TestWAF(t *testing.T) {
	e := newEnv(t, withConfig(func(c *Config) { c.WAF = WAFConfig{Rules: "crs", Paranoia: 1} }))
	c := e.client()
	c.login("alice")
	a := c.do("GET", "/api/auth/csrf?q=%3Cscript%3Ealert(1)%3C/script%3E", nil, nil)
	if a.status != 400 || a.str("layer") != "waf" {
		t.Fatalf("XSS in the query = %d %s, want 400 from the WAF", a.status, a.raw)
	}
	if a := c.chat("What is the capital of France?"); a.status != 200 {
		t.Fatalf("plain chat through the WAF = %d %s", a.status, a.raw)
	}
}

// TestRedisOneRoundTrip counts the commands Redis receives for a chat
// request once sessions and limits share it: one pipeline carries the
// session check and every rate-limit decision.
func TestRedisOneRoundTrip(t *testing.T) {
	u := os.Getenv("REDIS_URL")
	if u == "" {
		t.Skip("REDIS_URL is not set: start redis-server and export REDIS_URL (.ci/run does both)")
	}
	e := newEnv(t, withConfig(func(c *Config) {
		c.RedisURL, c.Session.Store, c.RedisPrefix = u, "redis", "onetrip-"+rand.Text()[:8]+":"
		c.RateLimits.OnStoreError = "closed"
	}))
	c := e.client()
	c.login("alice")
	c.chat("warm up the script cache")

	var pipelines, single atomic.Int32
	e.srv.Gateway.d.Batch.Client.AddHook(countHook{&pipelines, &single})
	if a := c.chat("hello"); a.status != 200 {
		t.Fatalf("chat = %d %s", a.status, a.raw)
	}
	if p, s := pipelines.Load(), single.Load(); p != 1 || s != 0 {
		t.Fatalf("a chat request made %d pipelines and %d single calls, want 1 and 0", p, s)
	}
	for range 3 { // chat limit is 30/min with burst 10: still allowed, still one trip each
		c.chat("hello again")
	}
	if a := c.do("GET", "/api/auth/csrf", nil, nil); a.status != 200 || a.header.Get("RateLimit-Limit") == "" {
		t.Fatalf("GET with limits = %d %v", a.status, a.header)
	}
}

// countHook counts pipelines and single commands sent to Redis.
type countHook struct{ pipelines, single *atomic.Int32 }

func (h countHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.single.Add(1)
		return next(ctx, cmd)
	}
}
func (h countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.pipelines.Add(1)
		return next(ctx, cmds)
	}
}
