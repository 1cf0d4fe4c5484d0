package gateway

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/sign"
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
