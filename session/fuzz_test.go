package session_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/session"
)

// FuzzOpen feeds arbitrary cookie values to the decoder. Nothing may panic,
// every failure must match ErrNoSession (a 5xx would be wrong), and only
// values sealed under the test key may open. Fuzz workers run in their own
// processes with their own seals, so the check is on the content: the one
// session ever sealed under keyA.
func FuzzOpen(f *testing.F) {
	clk := newClock()
	m := clockedManager(f, clk, keyA)
	want := testSession(clk.Now())
	good, err := m.Seal(want)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{good, "", "AAAA", good[:len(good)-1], good + "A",
		strings.Repeat("A", len(good)), good[:30] + "\r\n" + good[32:], "=" + good[1:]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		s, err := m.Open(v)
		if err != nil {
			if !errors.Is(err, session.ErrNoSession) {
				t.Fatalf("Open(%q) = %v, not ErrNoSession", v, err)
			}
			return
		}
		if s.ID != want.ID || s.User != want.User || s.Created.Unix() != want.Created.Unix() {
			t.Fatalf("Open(%q) accepted a value that was never sealed: %+v", v, s)
		}
	})
}

// FuzzSealOpen seals arbitrary session fields and checks that whatever
// Seal accepts comes back unchanged from Open.
func FuzzSealOpen(f *testing.F) {
	clk := newClock()
	m := clockedManager(f, clk, keyA)
	f.Add("id", "alice", int64(60), int64(0))
	f.Add(strings.Repeat("i", 64), strings.Repeat("u", 128), int64(0), int64(0))
	f.Add("\x00", "\xff\xfe", int64(-5), int64(1<<40))
	f.Fuzz(func(t *testing.T, id, user string, age, idle int64) {
		now := clk.Now()
		s := session.Session{ID: id, User: user,
			Created:  now.Add(-time.Duration(age) * time.Second),
			LastSeen: now.Add(-time.Duration(idle) * time.Second)}
		v, err := m.Seal(s)
		if err != nil {
			return
		}
		got, err := m.Open(v)
		if err != nil {
			if !errors.Is(err, session.ErrNoSession) {
				t.Fatalf("Open(Seal(%+v)) = %v, not ErrNoSession", s, err)
			}
			return // out of the timeouts
		}
		if got.ID != s.ID || got.User != s.User || got.Created.Unix() != s.Created.Unix() ||
			got.LastSeen.Unix() != s.LastSeen.Unix() {
			t.Fatalf("Open(Seal(%+v)) = %+v", s, got)
		}
	})
}
