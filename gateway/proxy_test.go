package gateway

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// backend is a small application server of the kind the gateway protects:
// its own login, an API, and a record of what reached it.
type backend struct {
	mu   sync.Mutex
	seen []http.Header
	ts   *httptest.Server
}

func newBackend(t *testing.T) *backend {
	b := &backend{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth/login", func(w http.ResponseWriter, r *http.Request) {
		var c credentials
		json.NewDecoder(r.Body).Decode(&c)
		w.Header().Set("Content-Type", "application/json")
		if c.Password != "backend-secret" {
			w.WriteHeader(401)
			io.WriteString(w, `{"detail":"bad credentials"}`)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "backend_sid", Value: "b-" + c.Username, Path: "/"})
		io.WriteString(w, `{"username":"`+c.Username+`","role":"member"}`)
	})
	mux.HandleFunc("POST /api/auth/logout", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	})
	echo := func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.seen = append(b.seen, r.Header.Clone())
		b.mu.Unlock()
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"method": r.Method, "path": r.URL.Path, "body": string(body),
			"user": r.Header.Get("X-Bulwark-User")})
	}
	mux.HandleFunc("/api/", echo)
	b.ts = httptest.NewServer(mux)
	t.Cleanup(b.ts.Close)
	return b
}

func (b *backend) last() http.Header {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seen[len(b.seen)-1]
}

func TestProxyEndToEnd(t *testing.T) {
	be := newBackend(t)
	e := newEnv(t, withConfig(func(c *Config) { c.Upstream = be.ts.URL }))
	c := e.client()

	if a := c.do("POST", "/api/items", map[string]string{"name": "x"}, nil); a.status != 403 {
		t.Fatalf("unsafe request before login = %d, want 403", a.status)
	}
	if a := c.do("GET", "/api/items", nil, nil); a.status != 200 || a.str("method") != "GET" {
		t.Fatalf("safe request before login = %d %s", a.status, a.raw)
	}
	a := c.do("POST", "/api/auth/login", map[string]string{"username": "carol", "password": "wrong"}, nil)
	if a.status != 401 || a.str("detail") != "bad credentials" {
		t.Fatalf("failed backend login = %d %s, want the backend's 401", a.status, a.raw)
	}
	if c.cookie() != nil {
		t.Fatal("failed login set a gateway session")
	}

	a = c.do("POST", "/api/auth/login", map[string]string{"username": "carol", "password": "backend-secret"}, nil)
	if a.status != 200 || a.str("csrf_token") == "" || a.header.Get("X-CSRF-Token") == "" {
		t.Fatalf("login = %d %s, want 200 with csrf_token", a.status, a.raw)
	}
	if a.str("role") != "member" {
		t.Errorf("login answer lost the backend's fields: %s", a.raw)
	}
	if !strings.Contains(strings.Join(a.header.Values("Set-Cookie"), ";"), "backend_sid") {
		t.Error("login answer lost the backend's cookie")
	}
	c.token = a.str("csrf_token")

	hdr := map[string]string{"X-CSRF-Token": c.token, "X-Bulwark-User": "admin"}
	a = c.do("POST", "/api/items", map[string]string{"name": "widget"}, hdr)
	if a.status != 200 || a.str("user") != "carol" || !strings.Contains(a.str("body"), "widget") {
		t.Fatalf("forwarded POST = %d %s", a.status, a.raw)
	}
	seen := be.last()
	if strings.Contains(seen.Get("Cookie"), e.cfg.Session.CookieName) {
		t.Error("the gateway's session cookie reached the backend")
	}
	if !strings.Contains(seen.Get("Cookie"), "backend_sid") {
		t.Error("the backend's own cookie did not reach it")
	}
	if seen.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id forwarded")
	}

	if a := c.do("POST", "/api/auth/logout", nil, map[string]string{"X-CSRF-Token": c.token}); a.status != 200 {
		t.Fatalf("logout = %d %s", a.status, a.raw)
	}
	if a := c.do("POST", "/api/items", map[string]string{"name": "x"}, map[string]string{"X-CSRF-Token": c.token}); a.status != 403 {
		t.Fatalf("POST after logout = %d, want 403", a.status)
	}
}

func TestProxyUpstreamDown(t *testing.T) {
	be := newBackend(t)
	url := be.ts.URL
	be.ts.Close()
	e := newEnv(t, withConfig(func(c *Config) { c.Upstream = url }))
	a := e.client().do("GET", "/api/items", nil, nil)
	if a.status != http.StatusBadGateway || a.str("reason") != "upstream_unreachable" {
		t.Fatalf("upstream down = %d %s, want 502 JSON", a.status, a.raw)
	}
}
