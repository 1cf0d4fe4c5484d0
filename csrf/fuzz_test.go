package csrf_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/csrf"
)

// FuzzVerify feeds arbitrary session ids and tokens to the token parser. It
// must not panic, must answer with one of the package's reasons, and must
// never accept a token that was not made for the session.
func FuzzVerify(f *testing.F) {
	p := csrf.New([][]byte{keyNew, keyOld}, sessionID)
	good := p.Token(benchSID)
	f.Add(benchSID, good)
	f.Add(benchSID, "")
	f.Add("", good)
	f.Add("other", good)
	f.Add(benchSID, good[:85]+"\n")
	f.Add(benchSID, good[:43])
	f.Fuzz(func(t *testing.T, sid, token string) {
		err := p.Verify(sid, token)
		switch err {
		case nil:
			if sid != benchSID || len(token) != csrf.TokenLen {
				t.Fatalf("Verify(%q, %q) accepted a token not made for the session", sid, token)
			}
		case csrf.ErrNoSession, csrf.ErrTokenMissing, csrf.ErrTokenInvalid:
		default:
			t.Fatalf("Verify(%q, %q) = %v, not one of the package's reasons", sid, token, err)
		}
		if sid != "" && p.Verify(sid, p.Token(sid)) != nil {
			t.Fatalf("fresh token for %q does not verify", sid)
		}
	})
}

// FuzzAddTrusted checks that origin validation never panics, and that an
// accepted origin is trusted for the request it names.
func FuzzAddTrusted(f *testing.F) {
	for _, s := range []string{"https://a.example:8443", "http://[::1]:80", "HTTPS://X.Y/",
		"https://a.example?", "javascript:x", "http://%zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, origin string) {
		o, err := csrf.NewOrigins([]string{origin})
		if err != nil {
			return
		}
		r := httptest.NewRequest("POST", "https://app.test/", nil)
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		r.Header.Set("Origin", "https://attacker.invalid")
		if o.Check(r) == nil && origin != "https://attacker.invalid" {
			t.Fatalf("trusting %q let an unrelated origin through", origin)
		}
	})
}

// FuzzCheckForm sends arbitrary bodies and content types through Check. It
// must not panic, must only answer with the package's reasons, and must
// leave the body byte for byte as it came.
func FuzzCheckForm(f *testing.F) {
	p := csrf.New([][]byte{keyNew}, sessionID)
	tok := p.Token(benchSID)
	f.Add("csrf_token="+tok, "application/x-www-form-urlencoded")
	f.Add("--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"+tok+"\r\n--b--\r\n",
		"multipart/form-data; boundary=b")
	f.Add("%zz=&&;", "application/x-www-form-urlencoded")
	f.Add("--b\r\n\r\n", "multipart/form-data; boundary=b")
	f.Fuzz(func(t *testing.T, body, ctype string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		r = withSession(r, benchSID)
		switch err := p.Check(r); err {
		case nil, csrf.ErrTokenMissing, csrf.ErrTokenInvalid:
		default:
			t.Fatalf("Check = %v", err)
		}
		if got, err := io.ReadAll(r.Body); err != nil || string(got) != body {
			t.Fatalf("body changed: %q, %v", got, err)
		}
	})
}
