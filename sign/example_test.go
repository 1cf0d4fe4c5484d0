package sign_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/sign"
)

// The worked example of docs/scaling.md; the Python and Node examples
// check the same vector.
const (
	exampleKeyID     = "gw-2026-01"
	exampleKey       = "bulwark-example-key-do-not-use!!"
	exampleTarget    = "/api/v1/scripts/run?lang=python&b=caf%c3%a9&a=x+y&a=1"
	exampleBody      = `{"code":"print(1)"}`
	exampleCanonical = "BULWARK-HMAC-SHA256\n" +
		"gw-2026-01\n" +
		"1767225600\n" +
		"00112233445566778899aabbccddeeff\n" +
		"POST\n" +
		"/api/v1/scripts/run\n" +
		"a=1&a=x%20y&b=caf%C3%A9&lang=python\n" +
		"5042e249312efe2f73490958fe0ff77c27bc08a69a2c190b612876a721784b27"
	exampleSignature = "dae2f0729549103c86508c09620e1699fc20ef3e20fcdc610805f78092080f71"
)

func TestWorkedExample(t *testing.T) {
	r := httptest.NewRequest("POST", exampleTarget, strings.NewReader(exampleBody))
	if err := sign.SignAt(r, exampleKeyID, []byte(exampleKey), t0, nonce); err != nil {
		t.Fatal(err)
	}
	path, query, _ := strings.Cut(exampleTarget, "?")
	got := sign.Canonical(exampleKeyID, "1767225600", nonce, "POST", path, query,
		r.Header.Get(sign.HeaderDigest))
	if got != exampleCanonical {
		t.Fatalf("canonical string:\n%q\nwant\n%q", got, exampleCanonical)
	}
	if s := r.Header.Get(sign.HeaderSignature); s != exampleSignature {
		t.Fatalf("signature %s, want %s", s, exampleSignature)
	}
}

func ExampleSign() {
	r, _ := http.NewRequest("POST", "http://backend.internal/api/chat",
		strings.NewReader(`{"message":"hi"}`))
	if err := sign.Sign(r, "gw-2026-01", []byte("a random key of 32 bytes or more")); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Header.Get(sign.HeaderKeyID), len(r.Header.Get(sign.HeaderSignature)))
	// Output: gw-2026-01 64
}

func ExampleVerifier() {
	v := &sign.Verifier{Keys: sign.Keys{
		"gw-2025-12": []byte("the previous key, still accepted"),
		"gw-2026-01": []byte("a random key of 32 bytes or more"),
	}}
	backend := v.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "signed by", r.Header.Get(sign.HeaderKeyID))
	}))
	r := httptest.NewRequest("GET", "/api/status", nil)
	sign.Sign(r, "gw-2026-01", []byte("a random key of 32 bytes or more"))
	w := httptest.NewRecorder()
	backend.ServeHTTP(w, r)
	fmt.Print(w.Body)
	// Output: signed by gw-2026-01
}
