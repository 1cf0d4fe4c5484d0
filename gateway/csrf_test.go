package gateway

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

// TestCSRFMatrix runs every row of the CSRF and session matrix against a
// running server.
func TestCSRFMatrix(t *testing.T) {
	e := newEnv(t)
	alice := e.client()
	alice.login("alice")
	bob := e.client()
	bob.login("bob")
	// A second session of alice's, to test a token of another session.
	alice2 := e.client()
	alice2.login("alice")
	// A session that logs out, keeping its cookie and token.
	gone := e.client()
	gone.login("alice")
	goneCookie, goneToken := gone.cookie().Value, gone.token
	if a := gone.do("POST", "/api/auth/logout", nil, map[string]string{"X-CSRF-Token": gone.token}); a.status != 200 {
		t.Fatalf("logout: %d %s", a.status, a.raw)
	}
	gone.setCookie(goneCookie)

	msg := map[string]string{"message": "hello"}
	sameOrigin := map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": e.ts.URL}
	tests := []struct {
		name   string
		c      *client
		path   string
		body   any
		hdr    map[string]string
		status int
		reason string
	}{
		{"missing token", alice, "/api/chat", msg, nil, 403, "token_missing"},
		{"empty token", alice, "/api/chat", msg, map[string]string{"X-CSRF-Token": ""}, 403, "token_missing"},
		{"wrong token", alice, "/api/chat", msg, map[string]string{"X-CSRF-Token": strings.Repeat("A", 86)}, 403, "token_invalid"},
		{"garbage token", alice, "/api/chat", msg, map[string]string{"X-CSRF-Token": "not a token!"}, 403, "token_invalid"},
		{"other user's token", alice, "/api/chat", msg, map[string]string{"X-CSRF-Token": bob.token}, 403, "token_invalid"},
		{"other session's token", alice, "/api/chat", msg, map[string]string{"X-CSRF-Token": alice2.token}, 403, "token_invalid"},
		{"token after logout", gone, "/api/chat", msg, map[string]string{"X-CSRF-Token": goneToken}, 403, "no_session"},
		{"token only in URL query", alice, "/api/chat?csrf_token=" + url.QueryEscape(alice.token), msg, nil, 403, "token_missing"},
		{"valid token, same origin", alice, "/api/chat", msg, merge(sameOrigin, "X-CSRF-Token", alice.token), 200, ""},
		{"valid token, no fetch metadata", alice, "/api/chat", msg, map[string]string{"X-CSRF-Token": alice.token}, 200, ""},
		{"valid token, cross-site", alice, "/api/chat", msg,
			map[string]string{"X-CSRF-Token": alice.token, "Sec-Fetch-Site": "cross-site"}, 403, "cross_origin"},
		{"valid token, foreign origin", alice, "/api/chat", msg,
			map[string]string{"X-CSRF-Token": alice.token, "Origin": "https://evil.example"}, 403, "cross_origin"},
		{"login cross-site", e.client(), "/api/auth/login", map[string]string{"username": "alice", "password": "alice-password"},
			map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "cross_origin"},
		{"login foreign origin", e.client(), "/api/auth/login", map[string]string{"username": "alice", "password": "alice-password"},
			map[string]string{"Origin": "https://evil.example"}, 403, "cross_origin"},
		{"method override header ignored", alice, "/api/chat", msg,
			map[string]string{"X-HTTP-Method-Override": "GET"}, 403, "token_missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.c.do("POST", tt.path, tt.body, tt.hdr)
			if a.status != tt.status {
				t.Fatalf("status = %d, want %d (%s)", a.status, tt.status, a.raw)
			}
			if tt.reason != "" && a.str("reason") != tt.reason {
				t.Errorf("reason = %q, want %q", a.str("reason"), tt.reason)
			}
			if a.status >= 400 && a.str("request_id") == "" {
				t.Errorf("error answer without request_id: %s", a.raw)
			}
		})
	}
}

func merge(m map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func TestSafeMethodsNeedNoToken(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.login("alice")
	for _, path := range []string{"/api/auth/csrf", "/healthz", "/metrics"} {
		if a := c.do("GET", path, nil, nil); a.status != 200 {
			t.Errorf("GET %s = %d, want 200", path, a.status)
		}
	}
	a := c.do("GET", "/api/auth/csrf", nil, nil)
	if a.str("csrf_token") == "" || a.str("csrf_token") == c.token {
		t.Errorf("GET /api/auth/csrf token = %q, want a fresh masking", a.str("csrf_token"))
	}
	// The fresh masking works as well as the first one.
	c.token = a.str("csrf_token")
	if a := c.chat("hi"); a.status != 200 {
		t.Errorf("chat with re-masked token = %d %s", a.status, a.raw)
	}
}

func TestFormToken(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.login("alice")
	a := c.do("POST", "/api/auth/logout", url.Values{"csrf_token": {c.token}}, nil)
	if a.status != 200 {
		t.Fatalf("form logout = %d %s", a.status, a.raw)
	}
	if a := c.do("GET", "/api/auth/csrf", nil, nil); a.status != 401 {
		t.Errorf("after logout GET /api/auth/csrf = %d, want 401", a.status)
	}
}

// TestBadCookies checks that a cookie that does not open is no session,
// never a 500.
func TestBadCookies(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.login("alice")
	good := c.cookie().Value
	raw, _ := base64.RawURLEncoding.DecodeString(good)
	flip := append([]byte(nil), raw...)
	flip[len(flip)/2] ^= 1
	other := newEnv(t, withKeys([]byte("another key of thirty-two bytes!")))
	oc := other.client()
	oc.login("alice")

	tests := map[string]string{
		"tampered":  base64.RawURLEncoding.EncodeToString(flip),
		"truncated": good[:len(good)-5],
		"wrong key": oc.cookie().Value,
		"garbage":   "%%%not-base64%%%",
		"empty":     "",
		"huge":      strings.Repeat("A", 3000),
		"padded":    good + "==",
	}
	for name, v := range tests {
		t.Run(name, func(t *testing.T) {
			bad := e.client()
			bad.setCookie(v)
			if a := bad.do("GET", "/api/auth/csrf", nil, nil); a.status != 401 {
				t.Errorf("GET /api/auth/csrf = %d, want 401 (%s)", a.status, a.raw)
			}
			bad.token = c.token
			if a := bad.chat("hi"); a.status != 403 {
				t.Errorf("chat = %d, want 403 (%s)", a.status, a.raw)
			}
		})
	}
}

// TestNoFixation plants a valid session cookie in a victim's browser; after
// the victim logs in, the planted cookie is worthless.
func TestNoFixation(t *testing.T) {
	e := newEnv(t)
	attacker := e.client()
	attacker.login("bob")
	planted, plantedToken := attacker.cookie().Value, attacker.token

	victim := e.client()
	victim.setCookie(planted)
	victim.login("alice")
	if victim.cookie().Value == planted {
		t.Fatal("login kept the planted cookie")
	}
	if a := victim.chat("hi"); a.status != 200 || !strings.Contains(a.str("reply"), "alice") {
		t.Fatalf("victim chat = %d %s", a.status, a.raw)
	}
	attacker.setCookie(planted)
	attacker.token = plantedToken
	if a := attacker.chat("hi"); a.status != 403 {
		t.Errorf("planted cookie after victim login = %d, want 403", a.status)
	}
}
