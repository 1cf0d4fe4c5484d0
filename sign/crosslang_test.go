package sign_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/sign"
)

// wireRequest is the JSON form of a request that the examples read and
// write.
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

func TestForeignSignGoVerifies(t *testing.T) {
	key := []byte("cross-language-test-key-32bytes!")
	for name, argv := range interpreters(t) {
		for _, tc := range crossCases {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				in, _ := json.Marshal(wireRequest{Method: tc.method, Target: tc.target,
					Body: base64.StdEncoding.EncodeToString(tc.body)})
				out, code := run(t, argv, in, "sign", "--key-id", "svc-1", "--key", hex.EncodeToString(key))
				if code != 0 {
					t.Fatalf("sign exited %d: %s", code, out)
				}
				var w wireRequest
				if err := json.Unmarshal(out, &w); err != nil {
					t.Fatalf("sign output %q: %v", out, err)
				}
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
	}
}

func TestGoSignForeignVerifies(t *testing.T) {
	key := []byte("cross-language-test-key-32bytes!")
	keyArg := "svc-1=" + hex.EncodeToString(key)
	for name, argv := range interpreters(t) {
		for _, tc := range crossCases {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				r := httptest.NewRequest(tc.method, tc.target, bytes.NewReader(tc.body))
				if err := sign.Sign(r, "svc-1", key); err != nil {
					t.Fatal(err)
				}
				w := wireRequest{Method: tc.method, Target: tc.target, Headers: map[string]string{},
					Body: base64.StdEncoding.EncodeToString(tc.body)}
				for k := range r.Header {
					w.Headers[k] = r.Header.Get(k)
				}
				in, _ := json.Marshal(w)
				if out, code := run(t, argv, in, "verify", "--key", keyArg); code != 0 {
					t.Fatalf("%s refused the Go signature: %s", name, out)
				}
				w.Target = strings.Replace(w.Target, "/", "/x", 1)
				in, _ = json.Marshal(w)
				out, code := run(t, argv, in, "verify", "--key", keyArg)
				if code != 1 || !strings.Contains(string(out), "bad_signature") {
					t.Fatalf("%s on a changed path: exit %d %s, want 1 bad_signature", name, code, out)
				}
			})
		}
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
