package gateway

import (
	"net/http"
	"strings"
	"testing"
)

// TestRestart checks what survives a restart of the gateway with the
// persistent store: sessions with the same key, revocations, and old
// sessions under a rotated key; another key drops them.
func TestRestart(t *testing.T) {
	dir := t.TempDir()
	keyA := []byte("key A key A key A key A key A 32")
	keyB := []byte("key B key B key B key B key B 32")

	e1 := newEnv(t, withDataDir(dir), withKeys(keyA))
	kept, dead := e1.client(), e1.client()
	kept.login("alice")
	dead.login("bob")
	keptCookie, deadCookie := kept.cookie().Value, dead.cookie().Value
	if a := dead.do("POST", "/api/auth/logout", nil, map[string]string{"X-CSRF-Token": dead.token}); a.status != 200 {
		t.Fatalf("logout: %d", a.status)
	}
	e1.close()

	tests := []struct {
		name     string
		keys     envOption
		cookie   string
		token    string
		wantChat int
	}{
		{"same key keeps the session", withKeys(keyA), keptCookie, kept.token, 200},
		{"same key keeps logged-out sessions dead", withKeys(keyA), deadCookie, dead.token, 403},
		{"rotated key keeps old sessions readable", withKeys(keyB, keyA), keptCookie, kept.token, 200},
		{"another key drops sessions", withKeys(keyB), keptCookie, kept.token, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, withDataDir(dir), tt.keys)
			defer e.close()
			c := e.client()
			c.setCookie(tt.cookie)
			c.token = tt.token
			if a := c.chat("after restart"); a.status != tt.wantChat {
				t.Fatalf("chat = %d, want %d (%s)", a.status, tt.wantChat, a.raw)
			}
		})
	}

	// After rotation, a new login is sealed with the new key only.
	e := newEnv(t, withDataDir(dir), withKeys(keyB, keyA))
	c := e.client()
	c.login("alice")
	cookie, token := c.cookie().Value, c.token
	e.close()
	old := newEnv(t, withDataDir(dir), withKeys(keyA))
	oc := old.client()
	oc.setCookie(cookie)
	oc.token = token
	if a := oc.chat("x"); a.status != 403 {
		t.Errorf("cookie sealed with the new key opened under the old key alone: %d", a.status)
	}
}

func TestLoginThrottled(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	var last answer
	for i := 0; i < 10; i++ {
		last = c.do("POST", "/api/auth/login", map[string]string{"username": "alice", "password": "wrong"}, nil)
		if last.status == http.StatusTooManyRequests {
			break
		}
		if last.status != 401 {
			t.Fatalf("attempt %d: %d %s", i, last.status, last.raw)
		}
	}
	if last.status != http.StatusTooManyRequests {
		t.Fatalf("10 failed logins never got 429")
	}
	if last.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// The right password is refused too while locked: the lock does not
	// look at the password.
	a := c.do("POST", "/api/auth/login", map[string]string{"username": "alice", "password": "alice-password"}, nil)
	if a.status != http.StatusTooManyRequests {
		t.Errorf("right password during lock = %d, want 429", a.status)
	}
	if a.header.Get("Cache-Control") != "no-store" {
		t.Errorf("login answer Cache-Control = %q, want no-store", a.header.Get("Cache-Control"))
	}
}

func TestGatewayOwes(t *testing.T) {
	e := newEnv(t, withConfig(func(c *Config) { c.BodyLimit = 1024 }))
	c := e.client()
	c.login("alice")
	t.Run("body limit", func(t *testing.T) {
		a := c.chat(strings.Repeat("x", 2000))
		if a.status != http.StatusRequestEntityTooLarge || a.str("reason") != "body_too_large" {
			t.Fatalf("oversized chat = %d %s", a.status, a.raw)
		}
	})
	t.Run("headers", func(t *testing.T) {
		a := c.do("GET", "/healthz", nil, nil)
		for _, h := range []string{"X-Request-Id", "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
			if a.header.Get(h) == "" {
				t.Errorf("missing %s", h)
			}
		}
		if !strings.Contains(a.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("CSP without frame-ancestors: %q", a.header.Get("Content-Security-Policy"))
		}
	})
	t.Run("json errors everywhere", func(t *testing.T) {
		for _, req := range []struct{ method, path string }{{"GET", "/api/chat"}, {"POST", "/api/auth/login"}} {
			a := c.do(req.method, req.path, "{bad json", map[string]string{"X-CSRF-Token": c.token})
			if a.body == nil || a.str("error") == "" {
				t.Errorf("%s %s = %d %q, want a JSON error", req.method, req.path, a.status, a.raw)
			}
		}
	})
	t.Run("unauthenticated chat", func(t *testing.T) {
		anon := e.client()
		if a := anon.chat("hi"); a.status != 403 {
			t.Errorf("anonymous chat = %d, want 403", a.status)
		}
	})
}

func TestPanicRecovered(t *testing.T) {
	e := newEnv(t)
	g := e.srv.Gateway
	h := g.observe(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := newRecorder()
	h.ServeHTTP(rec, mustRequest(t, "GET", "/x"))
	if rec.status != 500 || !strings.Contains(rec.body.String(), `"internal error"`) {
		t.Fatalf("panic answer = %d %q", rec.status, rec.body.String())
	}
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func mustRequest(t *testing.T, method, target string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, "http://127.0.0.1"+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
