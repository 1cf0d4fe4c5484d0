// Compare before and after a change with
//
//	go test -run='^$' -bench=. -benchmem -count=10 ./csrf > old.txt
//	(change, then the same into new.txt)
//	benchstat old.txt new.txt
package csrf_test

import (
	"net/http/httptest"
	"testing"

	"github.com/bulwarkhq/bulwark/csrf"
)

// A session id as package session makes them: 32 random bytes, base64url.
const benchSID = "T1sVXhTPk0Bv0bHbZ6hKZc3KX3uWq6qDA8JRBWQbFvM"

func BenchmarkToken(b *testing.B) {
	p := csrf.New([][]byte{keyNew, keyOld}, sessionID)
	b.ReportAllocs()
	for b.Loop() {
		p.Token(benchSID)
	}
}

func BenchmarkVerify(b *testing.B) {
	tests := []struct {
		name string
		keys [][]byte
	}{
		{"one key", [][]byte{keyNew}},
		{"two keys", [][]byte{keyNew, keyOld}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			p := csrf.New(tt.keys, sessionID)
			tok := p.Token(benchSID)
			b.ReportAllocs()
			for b.Loop() {
				if err := p.Verify(benchSID, tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheck is the per-request cost of the token layer on an unsafe
// request with the token in the header, the gateway's hot path.
func BenchmarkCheck(b *testing.B) {
	p := csrf.New([][]byte{keyNew, keyOld}, sessionID)
	r := withSession(httptest.NewRequest("POST", "/api/chat", nil), benchSID)
	r.Header.Set(csrf.HeaderName, p.Token(benchSID))
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Check(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOriginsCheck(b *testing.B) {
	o, err := csrf.NewOrigins([]string{"https://trusted.example.com"})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest("POST", "https://app.test/api/chat", nil)
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.Header.Set("Origin", "https://app.test")
	b.ReportAllocs()
	for b.Loop() {
		if err := o.Check(r); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHotPathsDoNotAllocate locks the zero-allocation paths; a regression
// fails go test, not only the benchmarks.
func TestHotPathsDoNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("-race makes sync.Pool drop items at random; run without -race to count allocations")
	}
	p := csrf.New([][]byte{keyNew, keyOld}, sessionID)
	tok := p.Token(benchSID)
	post := withSession(httptest.NewRequest("POST", "/api/chat", nil), benchSID)
	post.Header.Set(csrf.HeaderName, tok)
	bad := withSession(httptest.NewRequest("POST", "/api/chat", nil), benchSID)
	bad.Header.Set(csrf.HeaderName, tok[:10]+"x"+tok[11:])
	forged := tok[:40] + "AAAA" + tok[44:]
	get := httptest.NewRequest("GET", "/", nil)
	o := &csrf.Origins{}
	sameOrigin := httptest.NewRequest("POST", "https://app.test/api/chat", nil)
	sameOrigin.Header.Set("Sec-Fetch-Site", "same-origin")

	tests := []struct {
		name string
		fn   func()
	}{
		{"Verify valid", func() { p.Verify(benchSID, tok) }},
		{"Verify invalid", func() { p.Verify(benchSID, forged) }},
		{"Verify malformed", func() { p.Verify(benchSID, "short") }},
		{"Check header", func() { p.Check(post) }},
		{"Check bad header", func() { p.Check(bad) }},
		{"Check safe method", func() { p.Check(get) }},
		{"Origins same-origin", func() { o.Check(sameOrigin) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := testing.AllocsPerRun(100, tt.fn); n != 0 {
				t.Errorf("%v allocations per run, want 0", n)
			}
		})
	}
	// Token returns a new string, so one allocation is the floor.
	if n := testing.AllocsPerRun(100, func() { p.Token(benchSID) }); n != 1 {
		t.Errorf("Token: %v allocations per run, want 1", n)
	}
}
