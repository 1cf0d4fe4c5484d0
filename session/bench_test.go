// Compare before and after a change with
//
//	go test -run='^$' -bench=. -benchmem -count=10 ./session > old.txt
//	(change, then the same into new.txt)
//	benchstat old.txt new.txt
package session_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/session"
)

// benchManager returns a manager and a cookie value it sealed, for a
// session shaped like a real one: a 43-character id and a short user name.
func benchManager(tb testing.TB, previous ...[]byte) (*session.Manager, string) {
	clk := newClock()
	m := mustManager(tb, mustKeyring(tb, keyA, previous...), session.NewMemoryStore(),
		session.Config{Now: clk.Now})
	s := testSession(clk.Now())
	v, err := m.Seal(s)
	if err != nil {
		tb.Fatal(err)
	}
	return m, v
}

func BenchmarkSeal(b *testing.B) {
	m, _ := benchManager(b)
	s := testSession(newClock().Now())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Seal(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	tests := []struct {
		name string
		ring func() (*session.Manager, string)
	}{
		{"current key", func() (*session.Manager, string) { return benchManager(b) }},
		{"previous key", func() (*session.Manager, string) {
			_, v := benchManager(b) // sealed under keyA
			return mustManager(b, mustKeyring(b, keyB, keyA), session.NewMemoryStore(),
				session.Config{Now: newClock().Now}), v
		}},
		{"forged", func() (*session.Manager, string) {
			m, v := benchManager(b)
			return m, tamper(v)
		}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			m, v := tt.ring()
			b.ReportAllocs()
			for b.Loop() {
				m.Open(v)
			}
		})
	}
}

// BenchmarkLoad is the per-request cost of a session: cookie parsing,
// opening and the store lookup, for each store.
func BenchmarkLoad(b *testing.B) {
	stores := []struct {
		name string
		open func(b *testing.B) session.Store
	}{
		{"memory", func(b *testing.B) session.Store { return session.NewMemoryStore() }},
		{"bolt", func(b *testing.B) session.Store {
			st, err := session.OpenBoltStore(filepath.Join(b.TempDir(), "s.db"))
			if err != nil {
				b.Fatal(err)
			}
			return st
		}},
		{"redis", func(b *testing.B) session.Store {
			url := os.Getenv("REDIS_URL")
			if url == "" {
				b.Skip("REDIS_URL is not set; point it at a disposable Redis to run this case")
			}
			prefix := "bulwark-bench:" + b.Name() + ":"
			st, err := session.OpenRedisStore(context.Background(), url, prefix)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { deleteKeys(b, url, prefix) })
			return st
		}},
	}
	for _, tt := range stores {
		b.Run(tt.name, func(b *testing.B) {
			st := tt.open(b)
			defer st.Close()
			m := mustManager(b, mustKeyring(b, keyA), st, session.Config{})
			_, r := login(b, m, "alice")
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Load(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestOpenAllocations locks the allocations of Open: refusing a cookie
// allocates nothing, and opening one allocates only the string that holds
// the id and the user name.
func TestOpenAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("-race makes sync.Pool drop items at random; run without -race to count allocations")
	}
	m, v := benchManager(t)
	tests := []struct {
		name  string
		value string
		want  float64
	}{
		{"valid", v, 1},
		{"forged", tamper(v), 0},
		{"malformed", "not base64!", 0},
		{"oversized", strings.Repeat("A", 5000), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := testing.AllocsPerRun(100, func() { m.Open(tt.value) }); n != tt.want {
				t.Errorf("%v allocations per Open, want %v", n, tt.want)
			}
		})
	}
}

// tamper changes one character in the middle of a cookie value, so that it
// still decodes but no longer authenticates.
func tamper(v string) string {
	i := len(v) / 2
	c := byte('A')
	if v[i] == 'A' {
		c = 'B'
	}
	return v[:i] + string(c) + v[i+1:]
}
