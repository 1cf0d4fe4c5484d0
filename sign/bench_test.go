// Benchmarks for signing and verifying. To compare a change:
//
//	go test -run='^$' -bench=. -benchmem -count=10 ./sign > old.txt
//	(make the change)
//	go test -run='^$' -bench=. -benchmem -count=10 ./sign > new.txt
//	benchstat old.txt new.txt

package sign_test

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/sign"
)

func BenchmarkSign(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 1024)
	r := httptest.NewRequest("POST", "/api/chat?stream=1", nil)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := sign.Sign(r, "k1", key1); err != nil {
			b.Fatal(err)
		}
	}
}

// acceptAll is a NonceStore that never sees a replay, so that one signed
// request can be checked again and again.
type acceptAll struct{}

func (acceptAll) Claim(context.Context, string, time.Duration) (bool, error) { return true, nil }

func BenchmarkCheck(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 1024)
	r := httptest.NewRequest("POST", "/api/chat?stream=1", bytes.NewReader(body))
	if err := sign.Sign(r, "k1", key1); err != nil {
		b.Fatal(err)
	}
	v := &sign.Verifier{Keys: sign.Keys{"k1": key1}, Nonces: acceptAll{}}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if err := v.Check(r); err != nil {
			b.Fatal(err)
		}
	}
}
