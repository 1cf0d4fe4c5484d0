package sign_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/sign"
)

// wireRequest is the JSON form of a request that the examples read and
// write, one per line.
type wireRequest struct {
	Method  string            `json:"method"`
	Target  string            `json:"target"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body"`
}

// interpreters lists the example programs and the interpreter for each,
// skipping the test when the interpreter is not installed.
func interpreters(t *testing.T) map[string][]string {
	dir := filepath.Join("..", "examples", "signing")
	all := map[string][]string{
		"python": {"python3", filepath.Join(dir, "sign.py")},
		"node":   {"node", filepath.Join(dir, "sign.mjs")},
	}
	found := map[string][]string{}
	for name, argv := range all {
		if _, err := exec.LookPath(argv[0]); err != nil {
			t.Logf("%s not found; install it to check the %s example", argv[0], name)
			continue
		}
		found[name] = argv
	}
	if len(found) == 0 {
		t.Skip("neither python3 nor node is installed; install one to run the cross-language tests")
	}
	return found
}

// run runs an example with stdin and returns its output and exit code.
func run(t *testing.T, argv []string, stdin []byte, args ...string) ([]byte, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], append(argv[1:], args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	code := cmd.ProcessState.ExitCode()
	if err != nil && code <= 0 {
		t.Fatalf("%v: %v\n%s", argv, err, stderr.Bytes())
	}
	if stderr.Len() > 0 {
		t.Logf("%v stderr: %s", argv, stderr.Bytes())
	}
	return out, code
}

var crossCases = []struct {
	name, method, target string
	body                 []byte
}{
	{"get root", "GET", "/", nil},
	{"post json", "POST", "/api/chat", []byte(`{"message":"h\u00e9llo"}`)},
	{"query to sort", "GET", "/api/x?z=1&a=b+c&a=%7e&flag&=e&a=%2B", nil},
	{"escaped path", "DELETE", "/files/a%2fb/c%20d/%E2%82%AC", nil},
	{"binary body", "PUT", "/blob?v=1", []byte{0, 1, 2, 0xff, '\n', '\r'}},
}

// jsonLines encodes requests one per line.
func jsonLines(t *testing.T, reqs []wireRequest) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, r := range reqs {
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// decodeLines decodes one JSON value per line of out into a new T each.
func decodeLines[T any](t *testing.T, out []byte, want int) []T {
	t.Helper()
	var vals []T
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var v T
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("output %q: %v", out, err)
		}
		vals = append(vals, v)
	}
	if len(vals) != want {
		t.Fatalf("got %d output lines, want %d: %s", len(vals), want, out)
	}
	return vals
}

// TestForeignSignGoVerifies has each example sign every case in one run,
// then checks the signatures in Go, and that changing the method or the
// body breaks them.
func TestForeignSignGoVerifies(t *testing.T) {
	key := []byte("cross-language-test-key-32bytes!")
	for name, argv := range interpreters(t) {
		t.Run(name, func(t *testing.T) {
			var reqs []wireRequest
			for _, tc := range crossCases {
				reqs = append(reqs, wireRequest{Method: tc.method, Target: tc.target,
					Body: base64.StdEncoding.EncodeToString(tc.body)})
			}
			out, code := run(t, argv, jsonLines(t, reqs), "sign", "--key-id", "svc-1",
				"--key", hex.EncodeToString(key))
			if code != 0 {
				t.Fatalf("sign exited %d: %s", code, out)
			}
			signedReqs := decodeLines[wireRequest](t, out, len(crossCases))
			for i, tc := range crossCases {
				t.Run(tc.name, func(t *testing.T) {
					w := signedReqs[i]
					check := func(method string, body []byte) error {
						r := httptest.NewRequest(method, w.Target, bytes.NewReader(body))
						for k, v := range w.Headers {
							r.Header.Set(k, v)
						}
						v := &sign.Verifier{Keys: sign.Keys{"svc-1": key}}
						return v.Check(r)
					}
					if err := check(tc.method, tc.body); err != nil {
						t.Fatalf("Go refused the %s signature: %v", name, err)
					}
					if err := check("PATCH", tc.body); err == nil {
						t.Fatal("Go accepted a request with a changed method")
					}
					if err := check(tc.method, append(tc.body, 'x')); err == nil {
						t.Fatal("Go accepted a request with a changed body")
					}
				})
			}
		})
	}
}

// TestGoSignForeignVerifies signs every case in Go and has each example
// verify them, followed by the same requests with a changed path, in one
// run.
func TestGoSignForeignVerifies(t *testing.T) {
	key := []byte("cross-language-test-key-32bytes!")
	var good, bad []wireRequest
	for _, tc := range crossCases {
		r := httptest.NewRequest(tc.method, tc.target, bytes.NewReader(tc.body))
		if err := sign.Sign(r, "svc-1", key); err != nil {
			t.Fatal(err)
		}
		w := wireRequest{Method: tc.method, Target: tc.target, Headers: map[string]string{},
			Body: base64.StdEncoding.EncodeToString(tc.body)}
		for k := range r.Header {
			w.Headers[k] = r.Header.Get(k)
		}
		good = append(good, w)
		w.Target = strings.Replace(w.Target, "/", "/x", 1)
		bad = append(bad, w)
	}
	type verdict struct {
		OK     bool   `json:"ok"`
		Reason string `json:"reason"`
	}
	// Further refusals, checked after the good and the bad requests: the
	// first good request again, one without its nonce, one under a key id
	// the verifier does not know.
	noNonce := good[1]
	noNonce.Headers = maps.Clone(noNonce.Headers)
	delete(noNonce.Headers, sign.HeaderNonce)
	other := httptest.NewRequest("GET", "/", nil)
	if err := sign.Sign(other, "svc-9", key); err != nil {
		t.Fatal(err)
	}
	unknown := wireRequest{Method: "GET", Target: "/", Headers: map[string]string{}}
	for k := range other.Header {
		unknown.Headers[k] = other.Header.Get(k)
	}
	extra := []wireRequest{good[0], noNonce, unknown}
	extraReasons := []string{"replayed", "missing", "unknown_key"}
	for name, argv := range interpreters(t) {
		t.Run(name, func(t *testing.T) {
			in := jsonLines(t, slices.Concat(good, bad, extra))
			out, code := run(t, argv, in, "verify", "--key", "svc-1="+hex.EncodeToString(key))
			if code != 1 {
				t.Errorf("verify exited %d, want 1 (some requests tampered)", code)
			}
			verdicts := decodeLines[verdict](t, out, 2*len(crossCases)+len(extra))
			for i, want := range extraReasons {
				if v := verdicts[2*len(crossCases)+i]; v.OK || v.Reason != want {
					t.Errorf("%s: extra request %d: %+v, want %s", name, i, v, want)
				}
			}
			for i, tc := range crossCases {
				t.Run(tc.name, func(t *testing.T) {
					if v := verdicts[i]; !v.OK {
						t.Fatalf("%s refused the Go signature: %s", name, v.Reason)
					}
					v := verdicts[len(crossCases)+i]
					if v.OK || v.Reason != "bad_signature" {
						t.Fatalf("%s on a changed path: %+v, want bad_signature", name, v)
					}
				})
			}
		})
	}
}

func TestForeignSelftest(t *testing.T) {
	for name, argv := range interpreters(t) {
		t.Run(name, func(t *testing.T) {
			if out, code := run(t, argv, nil, "selftest"); code != 0 {
				t.Fatalf("selftest exited %d: %s", code, out)
			}
		})
	}
}

// TestCanonicalAgreesAcrossLanguages signs a few hundred generated targets
// full of escapes, separators and non-ASCII bytes with the Go canonical
// form, and has each example verify them: any difference in how the
// languages canonicalise shows up as a refused signature.
func TestCanonicalAgreesAcrossLanguages(t *testing.T) {
	key := []byte("cross-language-test-key-32bytes!")
	pieces := []string{"a", "Z", "0", "9", "-", ".", "_", "~", "%", "%2", "%2f", "%2F", "%41",
		"%zz", "%E2%82%AC", "+", "=", "&", "/", "?", ";", " ", ":", "@", "!", "'", "(", "*",
		",", "[", "#", "\u00e9", "\u20ac", "f", "F"}
	rng := rand.New(rand.NewPCG(1, 2))
	var reqs []wireRequest
	for range 300 {
		var b strings.Builder
		b.WriteString("/")
		for range rng.IntN(24) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		target := b.String()
		path, query, _ := strings.Cut(target, "?")
		ts, nonce := "1767225600", fmt.Sprintf("%032x", len(reqs))
		digest := sign.BodySHA256(nil)
		m := hmac.New(sha256.New, key)
		m.Write([]byte(sign.Canonical("svc-1", ts, nonce, "GET", path, query, digest)))
		reqs = append(reqs, wireRequest{Method: "GET", Target: target, Headers: map[string]string{
			sign.HeaderKeyID: "svc-1", sign.HeaderTimestamp: ts, sign.HeaderNonce: nonce,
			sign.HeaderDigest: digest, sign.HeaderSignature: hex.EncodeToString(m.Sum(nil)),
		}})
	}
	type verdict struct {
		OK     bool   `json:"ok"`
		Reason string `json:"reason"`
	}
	for name, argv := range interpreters(t) {
		t.Run(name, func(t *testing.T) {
			out, code := run(t, argv, jsonLines(t, reqs), "verify", "--now", "1767225600",
				"--key", "svc-1="+hex.EncodeToString(key))
			verdicts := decodeLines[verdict](t, out, len(reqs))
			for i, v := range verdicts {
				if !v.OK {
					t.Errorf("%s refused %q (%s): canonical forms differ", name, reqs[i].Target,
						v.Reason)
				}
			}
			if code != 0 {
				t.Errorf("verify exited %d", code)
			}
		})
	}
}
