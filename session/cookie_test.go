package session_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/session"
)

func testSession(now time.Time) session.Session {
	return session.Session{
		ID:       strings.Repeat("i", 43),
		User:     "alice",
		Created:  now.Add(-5 * time.Minute),
		LastSeen: now.Add(-time.Minute),
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	clk := newClock()
	m := clockedManager(t, clk, keyA)
	tests := []struct {
		name string
		s    session.Session
	}{
		{"typical", testSession(clk.Now())},
		{"empty user", session.Session{ID: "x", Created: clk.Now(), LastSeen: clk.Now()}},
		{"longest fields", session.Session{
			ID:       strings.Repeat("z", 64),
			User:     strings.Repeat("ü", session.MaxUserLen/2),
			Created:  clk.Now().Add(-time.Hour),
			LastSeen: clk.Now(),
		}},
		{"binary user", session.Session{ID: "id", User: "\x00\xff;=\n",
			Created: clk.Now(), LastSeen: clk.Now()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := m.Seal(tt.s)
			if err != nil {
				t.Fatalf("Seal: %v", err)
			}
			got, err := m.Open(v)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if got.ID != tt.s.ID || got.User != tt.s.User ||
				!got.Created.Equal(tt.s.Created.Truncate(time.Second)) ||
				!got.LastSeen.Equal(tt.s.LastSeen.Truncate(time.Second)) {
				t.Errorf("Open(Seal(s)) = %+v, want %+v", got, tt.s)
			}
			if v2, _ := m.Seal(tt.s); v2 == v {
				t.Error("two seals of one session gave the same value; nonce reused")
			}
		})
	}
}

func TestSealRefuses(t *testing.T) {
	clk := newClock()
	m := clockedManager(t, clk, keyA)
	now := clk.Now()
	tests := []struct {
		name string
		s    session.Session
	}{
		{"empty id", session.Session{Created: now, LastSeen: now}},
		{"long id", session.Session{ID: strings.Repeat("i", 65), Created: now, LastSeen: now}},
		{"long user", session.Session{ID: "i", User: strings.Repeat("u", session.MaxUserLen+1),
			Created: now, LastSeen: now}},
		{"seen before created", session.Session{ID: "i", Created: now,
			LastSeen: now.Add(-time.Hour)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if v, err := m.Seal(tt.s); err == nil {
				t.Errorf("Seal = %q, want an error", v)
			}
		})
	}
}

func TestOpenRefusesBadCookies(t *testing.T) {
	clk := newClock()
	m := clockedManager(t, clk, keyA)
	good, err := m.Seal(testSession(clk.Now()))
	if err != nil {
		t.Fatal(err)
	}
	other := clockedManager(t, clk, keyB)
	wrongKey, _ := other.Seal(testSession(clk.Now()))
	renamed := mustManager(t, mustKeyring(t, keyA), session.NewMemoryStore(),
		session.Config{Now: clk.Now, CookieName: "other_cookie"})
	wrongName, _ := renamed.Seal(testSession(clk.Now()))

	raw, err := base64.RawURLEncoding.DecodeString(good)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 0x01
		return base64.RawURLEncoding.EncodeToString(b)
	}
	version2 := append([]byte{2}, raw[1:]...)

	tests := []struct {
		name, value string
	}{
		{"empty", ""},
		{"garbage", "not a cookie at all"},
		{"short base64", "AAAA"},
		{"padded base64", good + "=="},
		{"standard alphabet", strings.NewReplacer("-", "+", "_", "/").Replace(good) + "+/"},
		{"newline inside", good[:40] + "\n" + good[40:]},
		{"non-base64 byte", good[:len(good)-1] + "*"},
		{"oversized", strings.Repeat("A", 4096)},
		{"truncated by one", good[:len(good)-1]},
		{"truncated by half", good[:len(good)/2]},
		{"tampered version", base64.RawURLEncoding.EncodeToString(version2)},
		{"tampered key id", flip(2)},
		{"tampered nonce", flip(10)},
		{"tampered ciphertext", flip(30)},
		{"tampered tag", flip(len(raw) - 1)},
		{"wrong key", wrongKey},
		{"wrong cookie name as additional data", wrongName},
		{"all zero", base64.RawURLEncoding.EncodeToString(make([]byte, len(raw)))},
		{"unicode", strings.Repeat("é", 60)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := m.Open(tt.value)
			if !errors.Is(err, session.ErrNoSession) {
				t.Errorf("Open = %+v, %v; want ErrNoSession", s, err)
			}
		})
	}
	if _, err := m.Open(good); err != nil {
		t.Fatalf("the untampered cookie does not open: %v", err)
	}
}

func TestOpenTimeouts(t *testing.T) {
	cfg := session.Config{IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 12 * time.Hour}
	tests := []struct {
		name     string
		created  time.Duration // before the start time
		lastSeen time.Duration // before the start time
		advance  time.Duration
		wantErr  bool
	}{
		{"fresh", 0, 0, 0, false},
		{"idle just inside", 0, 0, 30 * time.Minute, false},
		{"idle exceeded", 0, 0, 30*time.Minute + time.Second, true},
		{"active but absolute exceeded", 12 * time.Hour, time.Minute, time.Second, true},
		{"active at absolute limit", 12 * time.Hour, time.Minute, 0, false},
		{"created in the future", -time.Hour, -time.Hour, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			cfg.Now = clk.Now
			m := mustManager(t, mustKeyring(t, keyA), session.NewMemoryStore(), cfg)
			now := clk.Now()
			v, err := m.Seal(session.Session{ID: "id", User: "u",
				Created: now.Add(-tt.created), LastSeen: now.Add(-tt.lastSeen)})
			if err != nil {
				t.Fatal(err)
			}
			clk.Advance(tt.advance)
			_, err = m.Open(v)
			if tt.wantErr && !errors.Is(err, session.ErrNoSession) {
				t.Errorf("Open = %v, want ErrNoSession", err)
			}
			if !tt.wantErr && err != nil {
				t.Errorf("Open = %v, want a session", err)
			}
		})
	}
}

func TestKeyRotation(t *testing.T) {
	clk := newClock()
	cfg := session.Config{Now: clk.Now}
	s := testSession(clk.Now())
	seal := func(k *session.Keyring) string {
		v, err := mustManager(t, k, session.NewMemoryStore(), cfg).Seal(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	sealedA := seal(mustKeyring(t, keyA))
	sealedBA := seal(mustKeyring(t, keyB, keyA))

	tests := []struct {
		name   string
		ring   *session.Keyring
		value  string
		opens  bool
		reason string
	}{
		{"old key still opens after rotation", mustKeyring(t, keyB, keyA), sealedA, true, ""},
		{"new key seals after rotation", mustKeyring(t, keyB), sealedBA, true, ""},
		{"new cookie is not sealed with the old key", mustKeyring(t, keyA), sealedBA, false, ""},
		{"dropped key no longer opens", mustKeyring(t, keyB, keyC), sealedA, false, ""},
		{"list of previous keys", mustKeyring(t, keyC, keyB, keyA), sealedA, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustManager(t, tt.ring, session.NewMemoryStore(), cfg)
			_, err := m.Open(tt.value)
			if tt.opens && err != nil {
				t.Errorf("Open = %v, want a session", err)
			}
			if !tt.opens && !errors.Is(err, session.ErrNoSession) {
				t.Errorf("Open = %v, want ErrNoSession", err)
			}
		})
	}
}
