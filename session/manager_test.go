package session_test

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/session"
)

// brokenStore fails every call, as a store does when Redis is down.
type brokenStore struct{}

var errStoreDown = errors.New("store down")

func (brokenStore) Put(context.Context, session.Session, time.Duration) error {
	return errStoreDown
}
func (brokenStore) Alive(context.Context, string) (bool, error) { return false, errStoreDown }
func (brokenStore) Revoke(context.Context, string, time.Duration) error {
	return errStoreDown
}
func (brokenStore) Close() error { return nil }

func TestNewManagerConfig(t *testing.T) {
	k := mustKeyring(t, keyA)
	st := session.NewMemoryStore()
	tests := []struct {
		name    string
		k       *session.Keyring
		st      session.Store
		cfg     session.Config
		wantErr bool
	}{
		{"defaults", k, st, session.Config{}, false},
		{"prefixed name", k, st, session.Config{CookieName: "__Host-sid"}, false},
		{"no keyring", nil, st, session.Config{}, true},
		{"no store", k, nil, session.Config{}, true},
		{"bad cookie name", k, st, session.Config{CookieName: "a b;c"}, true},
		{"negative idle", k, st, session.Config{IdleTimeout: -time.Minute}, true},
		{"absolute shorter than idle", k, st,
			session.Config{IdleTimeout: time.Hour, AbsoluteTimeout: time.Minute}, true},
		{"refresh not shorter than idle", k, st,
			session.Config{IdleTimeout: time.Minute, RefreshAfter: time.Minute}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := session.NewManager(tt.k, tt.st, tt.cfg)
			if (err != nil) != tt.wantErr {
				t.Errorf("NewManager error = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func TestStartGivesFreshID(t *testing.T) {
	clk := newClock()
	st := session.NewMemoryStore()
	m := mustManager(t, mustKeyring(t, keyA), st, session.Config{Now: clk.Now})
	earlier, withCookie := login(t, m, "alice")
	valid, err := withCookie.Cookie("bulwark_session")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		cookie string
	}{
		{"no cookie", ""},
		{"garbage cookie", "planted-by-attacker"},
		{"attacker id as cookie", earlier.ID},
		{"valid session cookie", valid.Value},
	}
	seen := map[string]bool{earlier.ID: true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/auth/login", nil)
			if tt.cookie != "" {
				r.Header.Set("Cookie", "bulwark_session="+tt.cookie)
			}
			s, err := m.Start(httptest.NewRecorder(), r, "bob")
			if err != nil {
				t.Fatal(err)
			}
			if seen[s.ID] {
				t.Fatalf("Start reused id %q", s.ID)
			}
			seen[s.ID] = true
			raw, err := base64.RawURLEncoding.DecodeString(s.ID)
			if err != nil || len(raw) < 16 {
				t.Errorf("id %q holds %d random bytes (err %v), want at least 16",
					s.ID, len(raw), err)
			}
			if s.User != "bob" || !s.Created.Equal(clk.Now()) || !s.LastSeen.Equal(s.Created) {
				t.Errorf("Start = %+v", s)
			}
		})
	}
	if _, err := m.Load(withCookie); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("session from before the new login still loads (err %v), want it revoked", err)
	}
}

func TestCookieAttributes(t *testing.T) {
	tests := []struct {
		name       string
		secure     bool
		tls        bool
		url        string
		wantName   string
		wantSecure bool
	}{
		{"plain http", false, false, "http://app.test/", "bulwark_session", false},
		{"tls request", false, true, "https://app.test/", "__Host-bulwark_session", true},
		{"configured secure", true, false, "http://app.test/", "__Host-bulwark_session", true},
		{"https url without tls is not trusted", false, false, "https://app.test/",
			"bulwark_session", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustManager(t, mustKeyring(t, keyA), session.NewMemoryStore(),
				session.Config{Secure: tt.secure})
			r := httptest.NewRequest("POST", tt.url, nil)
			if !tt.tls {
				r.TLS = nil
			} else if r.TLS == nil {
				r.TLS = &tls.ConnectionState{}
			}
			w := httptest.NewRecorder()
			if _, err := m.Start(w, r, "alice"); err != nil {
				t.Fatal(err)
			}
			cookies := w.Result().Cookies()
			if len(cookies) != 1 {
				t.Fatalf("Start set %d cookies, want 1", len(cookies))
			}
			c := cookies[0]
			if c.Name != tt.wantName || c.Secure != tt.wantSecure {
				t.Errorf("cookie %q secure=%v, want %q secure=%v",
					c.Name, c.Secure, tt.wantName, tt.wantSecure)
			}
			lax := c.SameSite == http.SameSiteLaxMode
			if !c.HttpOnly || !lax || c.Path != "/" || c.Domain != "" {
				t.Errorf("cookie attributes: %s", c.String())
			}
			if c.MaxAge <= 0 || c.MaxAge > int((12*time.Hour).Seconds()) {
				t.Errorf("Max-Age %d, want within the absolute timeout", c.MaxAge)
			}
			// The cookie comes back under the same name and loads.
			next := httptest.NewRequest("GET", tt.url, nil)
			next.TLS = r.TLS
			next.AddCookie(c)
			if _, err := m.Load(next); err != nil {
				t.Errorf("Load after Start: %v", err)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	clk := newClock()
	st := session.NewMemoryStore()
	m := mustManager(t, mustKeyring(t, keyA), st, session.Config{Now: clk.Now})
	s, withCookie := login(t, m, "alice")
	value := withCookie.Header.Get("Cookie")

	revoked, revokedReq := login(t, m, "carol")
	if err := m.End(httptest.NewRecorder(), revokedReq, revoked); err != nil {
		t.Fatal(err)
	}
	brokenM := mustManager(t, mustKeyring(t, keyA), brokenStore{}, session.Config{Now: clk.Now})

	tests := []struct {
		name     string
		m        *session.Manager
		cookies  []string
		tls      bool
		wantUser string
		wantErr  error // nil, ErrNoSession, or errStoreDown
	}{
		{"no cookie", m, nil, false, "", session.ErrNoSession},
		{"valid", m, []string{value}, false, "alice", nil},
		{"garbage before valid", m, []string{"bulwark_session=junk", value}, false, "alice", nil},
		{"revoked", m, []string{revokedReq.Header.Get("Cookie")}, false, "", session.ErrNoSession},
		{"unprefixed cookie over tls", m, []string{value}, true, "", session.ErrNoSession},
		{"store down", brokenM, []string{value}, false, "", errStoreDown},
		{"store down but no cookie", brokenM, nil, false, "", session.ErrNoSession},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for _, c := range tt.cookies {
				r.Header.Add("Cookie", c)
			}
			got, err := tt.m.Load(r)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("Load: %v", err)
			case tt.wantErr == nil:
				if got.ID != s.ID || got.User != tt.wantUser {
					t.Errorf("Load = %+v, want %s's session", got, tt.wantUser)
				}
			case !errors.Is(err, tt.wantErr):
				t.Errorf("Load error = %v, want %v", err, tt.wantErr)
			case tt.wantErr == errStoreDown && errors.Is(err, session.ErrNoSession):
				t.Errorf("store failure %v looks like ErrNoSession: no 503 possible", err)
			}
		})
	}
}

func TestRefresh(t *testing.T) {
	clk := newClock()
	m := clockedManager(t, clk, keyA)
	s, r := login(t, m, "alice")

	// Within RefreshAfter: no new cookie.
	clk.Advance(30 * time.Second)
	w := httptest.NewRecorder()
	got, err := m.Refresh(w, r, s)
	if err != nil || len(w.Result().Cookies()) != 0 || !got.LastSeen.Equal(s.LastSeen) {
		t.Fatalf("early Refresh set %d cookies, LastSeen %v, err %v; want no change",
			len(w.Result().Cookies()), got.LastSeen, err)
	}

	// Stay active with refreshes for longer than the idle timeout.
	for range 3 {
		clk.Advance(20 * time.Minute)
		cur, err := m.Load(r)
		if err != nil {
			t.Fatalf("Load of a refreshed session: %v", err)
		}
		w := httptest.NewRecorder()
		if _, err := m.Refresh(w, r, cur); err != nil {
			t.Fatal(err)
		}
		cookies := w.Result().Cookies()
		if len(cookies) != 1 {
			t.Fatalf("stale Refresh set %d cookies, want 1", len(cookies))
		}
		r = httptest.NewRequest("GET", "/", nil)
		r.AddCookie(cookies[0])
	}

	// Then go idle.
	clk.Advance(31 * time.Minute)
	if _, err := m.Load(r); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("Load after idling = %v, want ErrNoSession", err)
	}
}

func TestEnd(t *testing.T) {
	tests := []struct {
		name    string
		store   session.Store
		id      string
		wantErr bool
	}{
		{"memory store", session.NewMemoryStore(), "some-id", false},
		{"store down", brokenStore{}, "some-id", true},
		{"no session, store down", brokenStore{}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustManager(t, mustKeyring(t, keyA), tt.store, session.Config{})
			now := time.Now()
			s := session.Session{ID: tt.id, User: "alice", Created: now, LastSeen: now}
			w := httptest.NewRecorder()
			err := m.End(w, httptest.NewRequest("POST", "/api/auth/logout", nil), s)
			if (err != nil) != tt.wantErr {
				t.Errorf("End error = %v, want error %v", err, tt.wantErr)
			}
			cookies := w.Result().Cookies()
			if len(cookies) != 1 || cookies[0].MaxAge >= 0 || cookies[0].Value != "" {
				t.Errorf("End cookies = %v, want one deletion", cookies)
			}
			if !tt.wantErr && s.ID != "" {
				if alive, _ := tt.store.Alive(context.Background(), s.ID); alive {
					t.Error("session still alive in the store after End")
				}
			}
		})
	}
}

func TestContext(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	if id, ok := session.IDFromRequest(r); ok {
		t.Errorf("IDFromRequest without session = %q, true", id)
	}
	s := session.Session{ID: "abc", User: "alice"}
	r = r.WithContext(session.NewContext(r.Context(), s))
	if id, ok := session.IDFromRequest(r); !ok || id != "abc" {
		t.Errorf("IDFromRequest = %q, %v; want abc, true", id, ok)
	}
	if got, ok := session.FromContext(r.Context()); !ok || got != s {
		t.Errorf("FromContext = %+v, %v", got, ok)
	}
}
