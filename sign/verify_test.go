package sign_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/sign"
)

var (
	key1 = []byte("0123456789abcdef0123456789abcdef")
	key2 = []byte("fedcba9876543210fedcba9876543210")
	t0   = time.Unix(1767225600, 0) // 2026-01-01T00:00:00Z
)

const nonce = "00112233445566778899aabbccddeeff"

// signed returns a request signed with key under keyID at t0.
func signed(t testing.TB, keyID string, key []byte) *http.Request {
	t.Helper()
	r := httptest.NewRequest("POST", "/api/v1/run?b=2&a=1", strings.NewReader(`{"q":1}`))
	if err := sign.SignAt(r, keyID, key, t0, nonce); err != nil {
		t.Fatal(err)
	}
	return r
}

func verifier(at time.Time) *sign.Verifier {
	v := &sign.Verifier{Keys: sign.Keys{"k1": key1, "k2": key2}}
	v.SetClock(func() time.Time { return at })
	return v
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		at     time.Time
		keyID  string
		key    []byte
		change func(r *http.Request)
		want   error
	}{
		{name: "valid", want: nil},
		{name: "second key (rotation)", keyID: "k2", key: key2, want: nil},
		{name: "4m59s late", at: t0.Add(299 * time.Second), want: nil},
		{name: "4m59s early", at: t0.Add(-299 * time.Second), want: nil},
		{name: "expired", at: t0.Add(6 * time.Minute), want: sign.ErrExpired},
		{name: "future-dated", at: t0.Add(-6 * time.Minute), want: sign.ErrExpired},
		{name: "wrong key", key: key2, want: sign.ErrBadSignature},
		{name: "unknown key id", keyID: "k9", want: sign.ErrUnknownKey},
		{name: "tampered method", change: func(r *http.Request) { r.Method = "PUT" },
			want: sign.ErrBadSignature},
		{name: "tampered path", change: func(r *http.Request) { r.URL.Path = "/api/v1/rum" },
			want: sign.ErrBadSignature},
		{name: "tampered query value", change: func(r *http.Request) { r.URL.RawQuery = "b=2&a=2" },
			want: sign.ErrBadSignature},
		{name: "added query parameter",
			change: func(r *http.Request) { r.URL.RawQuery = "b=2&a=1&admin=1" },
			want:   sign.ErrBadSignature},
		{name: "reordered query is the same",
			change: func(r *http.Request) { r.URL.RawQuery = "a=1&b=2" },
			want:   nil},
		{name: "tampered body", change: func(r *http.Request) {
			r.Body = io.NopCloser(strings.NewReader(`{"q":2}`))
		}, want: sign.ErrBodyDigest},
		{name: "tampered key id header", change: setHeader(sign.HeaderKeyID, "k2"),
			want: sign.ErrBadSignature},
		{name: "tampered timestamp header", change: setHeader(sign.HeaderTimestamp, "1767225601"),
			want: sign.ErrBadSignature},
		{name: "tampered nonce header",
			change: setHeader(sign.HeaderNonce, "00112233445566778899aabbccddeefe"),
			want:   sign.ErrBadSignature},
		{name: "tampered digest header",
			change: setHeader(sign.HeaderDigest, sign.BodySHA256([]byte(`{"q":2}`))),
			want:   sign.ErrBadSignature},
		{name: "tampered signature header", change: func(r *http.Request) {
			s := []byte(r.Header.Get(sign.HeaderSignature))
			s[0] ^= 1
			r.Header.Set(sign.HeaderSignature, string(s))
		}, want: sign.ErrBadSignature},
		{name: "missing key id", change: delHeader(sign.HeaderKeyID), want: sign.ErrMissing},
		{name: "missing timestamp", change: delHeader(sign.HeaderTimestamp), want: sign.ErrMissing},
		{name: "missing nonce", change: delHeader(sign.HeaderNonce), want: sign.ErrMissing},
		{name: "missing digest", change: delHeader(sign.HeaderDigest), want: sign.ErrMissing},
		{name: "missing signature", change: delHeader(sign.HeaderSignature), want: sign.ErrMissing},
		{name: "malformed timestamp", change: setHeader(sign.HeaderTimestamp, "-1"),
			want: sign.ErrMalformed},
		{name: "malformed signature", change: setHeader(sign.HeaderSignature, "zz"),
			want: sign.ErrMalformed},
		{name: "short nonce", change: setHeader(sign.HeaderNonce, "abc"), want: sign.ErrMalformed},
		{name: "uppercase digest", change: func(r *http.Request) {
			r.Header.Set(sign.HeaderDigest, strings.ToUpper(r.Header.Get(sign.HeaderDigest)))
		}, want: sign.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keyID, key, at := "k1", key1, t0
			if tt.keyID != "" {
				keyID = tt.keyID
			}
			if tt.key != nil {
				key = tt.key
			}
			if !tt.at.IsZero() {
				at = tt.at
			}
			r := signed(t, keyID, key)
			if tt.change != nil {
				tt.change(r)
			}
			err := verifier(at).Check(r)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Check() = %v, want %v", err, tt.want)
			}
		})
	}
}

func setHeader(name, value string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set(name, value) }
}

func delHeader(name string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Del(name) }
}

func TestCheckReplay(t *testing.T) {
	v := verifier(t0)
	if err := v.Check(signed(t, "k1", key1)); err != nil {
		t.Fatalf("first: %v", err)
	}
	if err := v.Check(signed(t, "k1", key1)); !errors.Is(err, sign.ErrReplayed) {
		t.Fatalf("replay: %v, want ErrReplayed", err)
	}
	// The same nonce under another key id is another nonce.
	if err := v.Check(signed(t, "k2", key2)); err != nil {
		t.Fatalf("same nonce, other key: %v", err)
	}
}

// TestCheckBadDoesNotBurnNonce checks that a forged request carrying a
// nonce does not stop the genuine request with that nonce.
func TestCheckBadDoesNotBurnNonce(t *testing.T) {
	v := verifier(t0)
	forged := signed(t, "k1", key1)
	forged.URL.Path = "/elsewhere"
	if err := v.Check(forged); !errors.Is(err, sign.ErrBadSignature) {
		t.Fatalf("forged: %v", err)
	}
	if err := v.Check(signed(t, "k1", key1)); err != nil {
		t.Fatalf("genuine after forged: %v", err)
	}
}

func TestCheckBody(t *testing.T) {
	t.Run("restored for the next handler", func(t *testing.T) {
		r := signed(t, "k1", key1)
		if err := verifier(t0).Check(r); err != nil {
			t.Fatal(err)
		}
		if b, _ := io.ReadAll(r.Body); string(b) != `{"q":1}` {
			t.Fatalf("body after Check = %q", b)
		}
	})
	t.Run("too large", func(t *testing.T) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(make([]byte, 2048)))
		if err := sign.SignAt(r, "k1", key1, t0, nonce); err != nil {
			t.Fatal(err)
		}
		v := verifier(t0)
		v.MaxBodyBytes = 1024
		if err := v.Check(r); !errors.Is(err, sign.ErrBodyTooLarge) {
			t.Fatalf("Check() = %v, want ErrBodyTooLarge", err)
		}
	})
	t.Run("empty body", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/healthz", nil)
		if err := sign.SignAt(r, "k1", key1, t0, nonce); err != nil {
			t.Fatal(err)
		}
		if err := verifier(t0).Check(r); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSignRejectsWeakKey(t *testing.T) {
	tests := []struct {
		name  string
		keyID string
		key   []byte
	}{
		{"short key", "k1", []byte("short")},
		{"empty key id", "", key1},
		{"key id with colon", "a:b", key1},
		{"long key id", strings.Repeat("k", 65), key1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if err := sign.Sign(r, tt.keyID, tt.key); !errors.Is(err, sign.ErrWeakKey) {
				t.Fatalf("Sign() = %v, want ErrWeakKey", err)
			}
		})
	}
}

func TestHandler(t *testing.T) {
	var got string
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = string(b)
	})
	t.Run("passes a signed request with its body", func(t *testing.T) {
		w := httptest.NewRecorder()
		verifier(t0).Handler(next).ServeHTTP(w, signed(t, "k1", key1))
		if w.Code != 200 || got != `{"q":1}` {
			t.Fatalf("status %d body seen %q", w.Code, got)
		}
	})
	t.Run("denies with JSON", func(t *testing.T) {
		w := httptest.NewRecorder()
		verifier(t0.Add(time.Hour)).Handler(next).ServeHTTP(w, signed(t, "k1", key1))
		want := `{"error":"invalid request signature","reason":"expired"}` + "\n"
		ct := w.Header().Get("Content-Type")
		if w.Code != 401 || w.Body.String() != want || ct != "application/json" {
			t.Fatalf("status %d body %q", w.Code, w.Body)
		}
	})
	t.Run("custom deny", func(t *testing.T) {
		v := verifier(t0)
		var reason string
		v.Deny = func(w http.ResponseWriter, r *http.Request, err error) {
			reason = sign.Reason(err)
			w.WriteHeader(http.StatusTeapot)
		}
		w := httptest.NewRecorder()
		v.Handler(next).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		if w.Code != http.StatusTeapot || reason != "missing" {
			t.Fatalf("status %d reason %q", w.Code, reason)
		}
	})
}

func TestStatusAndReason(t *testing.T) {
	tests := []struct {
		err    error
		status int
		reason string
	}{
		{sign.ErrMissing, 401, "missing"},
		{sign.ErrReplayed, 401, "replayed"},
		{sign.ErrBodyTooLarge, 413, "body_too_large"},
		{errors.Join(sign.ErrNonceStore, context.DeadlineExceeded), 503, "nonce_store"},
		{errors.New("other"), 401, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			if s, r := sign.Status(tt.err), sign.Reason(tt.err); s != tt.status || r != tt.reason {
				t.Fatalf("Status, Reason = %d, %q; want %d, %q", s, r, tt.status, tt.reason)
			}
		})
	}
}

// FuzzCheck feeds arbitrary header values and targets to the verifier: it
// must never panic nor accept a request it did not sign.
func FuzzCheck(f *testing.F) {
	f.Add("k1", "1767225600", nonce, strings.Repeat("a", 64), strings.Repeat("0", 64), "/?a=1")
	f.Add("k9", "99999999999999", "x", "", "zz", "/%zz")
	f.Fuzz(func(t *testing.T, keyID, ts, n, digest, sig, target string) {
		r, err := http.NewRequest("POST", "http://x"+target, strings.NewReader("body"))
		if err != nil {
			return
		}
		for k, v := range map[string]string{sign.HeaderKeyID: keyID, sign.HeaderTimestamp: ts,
			sign.HeaderNonce: n, sign.HeaderDigest: digest, sign.HeaderSignature: sig} {
			r.Header.Set(k, v)
		}
		if err := verifier(t0).Check(r); err == nil {
			t.Fatalf("accepted a forged request: %v", r.Header)
		}
	})
}
