package session_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/session"
)

// Fixed secrets for tests; real ones come from SESSION_SECRET_KEY.
var (
	keyA = bytes.Repeat([]byte("a"), session.MinKeyLen)
	keyB = bytes.Repeat([]byte("b"), session.MinKeyLen)
	keyC = bytes.Repeat([]byte("c"), session.MinKeyLen)
)

// clock is a settable time source safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func mustKeyring(t testing.TB, current []byte, previous ...[]byte) *session.Keyring {
	t.Helper()
	k, err := session.NewKeyring(current, previous...)
	if err != nil {
		t.Fatalf("NewKeyring: %v", err)
	}
	return k
}

func mustManager(t testing.TB, k *session.Keyring, st session.Store,
	cfg session.Config) *session.Manager {
	t.Helper()
	m, err := session.NewManager(k, st, cfg)
	if err != nil {
		t.Fatalf("NewManager: %v", err)
	}
	return m
}

// clockedManager returns a manager with default settings, a memory store,
// the given clock and a ring holding only key.
func clockedManager(t testing.TB, clk *clock, key []byte) *session.Manager {
	t.Helper()
	cfg := session.Config{Now: clk.Now}
	return mustManager(t, mustKeyring(t, key), session.NewMemoryStore(), cfg)
}

// login starts a session for user through m and returns it with the
// request that would carry its cookie next.
func login(t testing.TB, m *session.Manager, user string) (session.Session, *http.Request) {
	t.Helper()
	w := httptest.NewRecorder()
	s, err := m.Start(w, httptest.NewRequest("POST", "/api/auth/login", nil), user)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	for _, c := range w.Result().Cookies() {
		r.AddCookie(c)
	}
	return s, r
}
