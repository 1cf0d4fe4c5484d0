package session_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/session"
)

func TestHandler(t *testing.T) {
	clk := newClock()
	ring := mustKeyring(t, keyA)
	m := mustManager(t, ring, session.NewMemoryStore(), session.Config{Now: clk.Now})
	broken := mustManager(t, ring, brokenStore{}, session.Config{Now: clk.Now})
	custom := mustManager(t, ring, brokenStore{}, session.Config{Now: clk.Now})
	var failure error
	custom.SetErrorHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		failure = session.Failure(r)
		w.WriteHeader(http.StatusTeapot)
	}))
	s, withCookie := login(t, m, "alice")

	tests := []struct {
		name       string
		m          *session.Manager
		cookie     bool
		advance    time.Duration
		wantStatus int
		wantUser   string // "" means next saw no session
		wantCookie bool   // a refreshed cookie was set
	}{
		{"no cookie", m, false, 0, http.StatusOK, "", false},
		{"fresh session", m, true, 0, http.StatusOK, "alice", false},
		{"stale last seen", m, true, 2 * time.Minute, http.StatusOK, "alice", true},
		{"store down", broken, true, 0, http.StatusServiceUnavailable, "", false},
		{"store down, custom handler", custom, true, 0, http.StatusTeapot, "", false},
		{"store down, no cookie", broken, false, 0, http.StatusOK, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.Advance(tt.advance)
			var seen string
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got, ok := session.FromContext(r.Context())
				if ok && got.ID != s.ID {
					t.Errorf("next saw session %q, want %q", got.ID, s.ID)
				}
				seen = got.User
			})
			r := httptest.NewRequest("GET", "/", nil)
			if tt.cookie {
				r.Header.Set("Cookie", withCookie.Header.Get("Cookie"))
			}
			w := httptest.NewRecorder()
			tt.m.Handler(next).ServeHTTP(w, r)
			if w.Code != tt.wantStatus || seen != tt.wantUser {
				t.Errorf("status %d, next saw user %q; want %d, %q",
					w.Code, seen, tt.wantStatus, tt.wantUser)
			}
			if got := len(w.Result().Cookies()) == 1; got != tt.wantCookie {
				t.Errorf("cookie set: %v, want %v", got, tt.wantCookie)
			}
			if tt.wantStatus == http.StatusServiceUnavailable &&
				!strings.Contains(w.Body.String(), `"error":"session store unavailable"`) {
				t.Errorf("503 body = %q", w.Body)
			}
		})
	}
	if !errors.Is(failure, errStoreDown) {
		t.Errorf("Failure in the error handler = %v, want the store's error", failure)
	}
}
