package csrf_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/csrf"
)

var (
	keyOld = bytes.Repeat([]byte{1}, 32)
	keyNew = bytes.Repeat([]byte{2}, 32)
)

type sidKey struct{}

// withSession returns r carrying session id sid, as the session layer
// would put it in the context.
func withSession(r *http.Request, sid string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), sidKey{}, sid))
}

func sessionID(r *http.Request) (string, bool) {
	sid, ok := r.Context().Value(sidKey{}).(string)
	return sid, ok
}

func TestVerify(t *testing.T) {
	p := csrf.New([][]byte{keyNew, keyOld}, sessionID)
	pOld := csrf.New([][]byte{keyOld}, sessionID)
	pOther := csrf.New([][]byte{bytes.Repeat([]byte{3}, 32)}, sessionID)
	good := p.Token("sid-1")
	tests := []struct {
		name  string
		sid   string
		token string
		want  error
	}{
		{"valid", "sid-1", good, nil},
		{"made with the previous key", "sid-1", pOld.Token("sid-1"), nil},
		{"made with an unknown key", "sid-1", pOther.Token("sid-1"), csrf.ErrTokenInvalid},
		{"empty", "sid-1", "", csrf.ErrTokenMissing},
		{"no session", "", good, csrf.ErrNoSession},
		{"other session's token", "sid-2", good, csrf.ErrTokenInvalid},
		{"unmasked secret alone", "sid-1", good[:43], csrf.ErrTokenInvalid},
		{"truncated", "sid-1", good[:len(good)-1], csrf.ErrTokenInvalid},
		{"extended", "sid-1", good + "A", csrf.ErrTokenInvalid},
		{"one character changed", "sid-1", flipChar(good, 50), csrf.ErrTokenInvalid},
		{"pad changed", "sid-1", flipChar(good, 3), csrf.ErrTokenInvalid},
		{"standard base64", "sid-1", strings.Repeat("+", csrf.TokenLen), csrf.ErrTokenInvalid},
		{"newline inside", "sid-1", good[:40] + "\n" + good[41:], csrf.ErrTokenInvalid},
		{"all zero", "sid-1", strings.Repeat("A", csrf.TokenLen), csrf.ErrTokenInvalid},
		{"non-ascii", "sid-1", strings.Repeat("é", csrf.TokenLen/2), csrf.ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := p.Verify(tt.sid, tt.token); err != tt.want {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

// flipChar replaces the character at i with another base64url character.
func flipChar(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func TestTokenMaskedFreshEachCall(t *testing.T) {
	p := csrf.New([][]byte{keyNew}, sessionID)
	seen := map[string]bool{}
	for range 100 {
		tok := p.Token("sid-1")
		if len(tok) != csrf.TokenLen {
			t.Fatalf("token %q has length %d, want %d", tok, len(tok), csrf.TokenLen)
		}
		if seen[tok] {
			t.Fatalf("token %q handed out twice", tok)
		}
		seen[tok] = true
		if err := p.Verify("sid-1", tok); err != nil {
			t.Fatalf("fresh token does not verify: %v", err)
		}
	}
}

// TestSecretIsHMAC checks the unmasked secret against crypto/hmac, which
// pins both the construction and the hand-written HMAC.
func TestSecretIsHMAC(t *testing.T) {
	tests := []struct {
		name string
		key  []byte
		sid  string
	}{
		{"typical", keyNew, "T1sVXhTPk0Bv0bHbZ6hKZc3KX3uWq6qDA8JRBWQbFvM"},
		{"empty-ish id", keyNew, "x"},
		{"long id", keyNew, strings.Repeat("s", 300)},
		{"id at inline limit", keyNew, strings.Repeat("s", 128)},
		{"short key", []byte("k"), "sid"},
		{"block-sized key", bytes.Repeat([]byte{9}, 64), "sid"},
		{"long key", bytes.Repeat([]byte{7}, 100), "sid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := csrf.New([][]byte{tt.key}, sessionID)
			raw := decodeToken(t, p.Token(tt.sid))
			got := make([]byte, 32)
			for i := range got {
				got[i] = raw[i] ^ raw[32+i]
			}
			mac := hmac.New(sha256.New, tt.key)
			mac.Write([]byte(tt.sid))
			if want := mac.Sum(nil); !bytes.Equal(got, want) {
				t.Errorf("secret = %x, want HMAC-SHA256 %x", got, want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	p := csrf.New([][]byte{keyNew, keyOld}, sessionID)
	tok := p.Token("sid-1")
	form := url.Values{"csrf_token": {tok}, "message": {"hi"}}.Encode()
	multi, multiType := multipartBody(t, map[string]string{"csrf_token": tok})
	tests := []struct {
		name    string
		method  string
		target  string
		sid     string // "" means no session
		header  map[string]string
		body    string
		ctype   string
		wantErr error
	}{
		{"get passes", "GET", "/", "", nil, "", "", nil},
		{"head passes", "HEAD", "/", "", nil, "", "", nil},
		{"options passes", "OPTIONS", "/", "", nil, "", "", nil},
		{"trace passes", "TRACE", "/", "", nil, "", "", nil},
		{"valid header", "POST", "/api/chat", "sid-1", map[string]string{"X-CSRF-Token": tok},
			`{"message":"hi"}`, "application/json", nil},
		{"valid header, lowercase name", "DELETE", "/x", "sid-1",
			map[string]string{"x-csrf-token": tok}, "", "", nil},
		{"valid form field", "POST", "/form", "sid-1", nil, form,
			"application/x-www-form-urlencoded", nil},
		{"valid multipart field", "POST", "/form", "sid-1", nil, multi, multiType, nil},
		{"missing", "POST", "/api/chat", "sid-1", nil, `{}`, "application/json",
			csrf.ErrTokenMissing},
		{"empty header", "PUT", "/x", "sid-1", map[string]string{"X-CSRF-Token": ""}, "", "",
			csrf.ErrTokenMissing},
		{"wrong", "POST", "/x", "sid-1", map[string]string{"X-CSRF-Token": "wrong"}, "", "",
			csrf.ErrTokenInvalid},
		{"other session's token", "POST", "/x", "sid-2", map[string]string{"X-CSRF-Token": tok},
			"", "", csrf.ErrTokenInvalid},
		{"token only in url query", "POST", "/x?csrf_token=" + tok, "sid-1", nil, "", "",
			csrf.ErrTokenMissing},
		{"token in query of a form post", "POST", "/x?csrf_token=" + tok, "sid-1", nil,
			"message=hi", "application/x-www-form-urlencoded", csrf.ErrTokenMissing},
		{"form field in a json body is not read", "POST", "/x", "sid-1", nil, form,
			"application/json", csrf.ErrTokenMissing},
		{"text/plain body", "POST", "/x", "sid-1", nil, "csrf_token=" + tok, "text/plain",
			csrf.ErrTokenMissing},
		{"wrong header beats good form", "POST", "/form", "sid-1",
			map[string]string{"X-CSRF-Token": "wrong"}, form,
			"application/x-www-form-urlencoded", csrf.ErrTokenInvalid},
		{"method override header ignored", "POST", "/x", "sid-1",
			map[string]string{"X-HTTP-Method-Override": "GET", "X-Method-Override": "GET"},
			"", "", csrf.ErrTokenMissing},
		{"lowercase method is not safe", "get", "/x", "sid-1", nil, "", "", csrf.ErrTokenMissing},
		{"patch without session", "PATCH", "/x", "", map[string]string{"X-CSRF-Token": tok}, "",
			"", csrf.ErrNoSession},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.ctype != "" {
				r.Header.Set("Content-Type", tt.ctype)
			}
			for k, v := range tt.header {
				r.Header[http.CanonicalHeaderKey(k)] = []string{v}
			}
			if tt.sid != "" {
				r = withSession(r, tt.sid)
			}
			if err := p.Check(r); err != tt.wantErr {
				t.Errorf("Check = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestCheckKeepsBody(t *testing.T) {
	p := csrf.New([][]byte{keyNew}, sessionID)
	tok := p.Token("sid-1")
	form := "csrf_token=" + tok + "&message=hi"
	multi, multiType := multipartBody(t, map[string]string{"csrf_token": tok, "m": "hi"})
	big := form + "&pad=" + strings.Repeat("x", csrf.MaxFormBody)
	tests := []struct {
		name    string
		body    string
		ctype   string
		wantErr error
	}{
		{"urlencoded", form, "application/x-www-form-urlencoded", nil},
		{"urlencoded with charset", form, "application/x-www-form-urlencoded; charset=utf-8", nil},
		{"multipart", multi, multiType, nil},
		{"form over MaxFormBody", big, "application/x-www-form-urlencoded", csrf.ErrTokenMissing},
		{"json", `{"csrf_token":"` + tok + `"}`, "application/json", csrf.ErrTokenMissing},
		{"no content type", form, "", csrf.ErrTokenMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/x", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", tt.ctype)
			r = withSession(r, "sid-1")
			if err := p.Check(r); err != tt.wantErr {
				t.Errorf("Check = %v, want %v", err, tt.wantErr)
			}
			if r.Form != nil || r.PostForm != nil || r.MultipartForm != nil {
				t.Error("Check parsed the form of the caller's request")
			}
			got, err := io.ReadAll(r.Body)
			if err != nil || string(got) != tt.body {
				t.Errorf("body after Check: %d bytes (err %v), want the %d sent",
					len(got), err, len(tt.body))
			}
		})
	}
}

func multipartBody(t *testing.T, fields map[string]string) (body, contentType string) {
	t.Helper()
	var b strings.Builder
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), mw.FormDataContentType()
}

func TestTokenFor(t *testing.T) {
	p := csrf.New([][]byte{keyNew}, sessionID)
	if _, err := p.TokenFor(httptest.NewRequest("GET", "/", nil)); err != csrf.ErrNoSession {
		t.Errorf("TokenFor without session: err = %v, want ErrNoSession", err)
	}
	r := withSession(httptest.NewRequest("GET", "/api/auth/csrf", nil), "sid-1")
	tok, err := p.TokenFor(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Verify("sid-1", tok); err != nil {
		t.Errorf("token from TokenFor does not verify: %v", err)
	}
}

func TestProtectionHandler(t *testing.T) {
	p := csrf.New([][]byte{keyNew}, sessionID)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	tok := p.Token("sid-1")
	tests := []struct {
		name       string
		custom     bool
		token      string
		wantStatus int
		wantError  string
	}{
		{"passes", false, tok, http.StatusNoContent, ""},
		{"default deny", false, "", http.StatusForbidden, "csrf: token missing"},
		{"default deny invalid", false, "bad", http.StatusForbidden, "csrf: token invalid"},
		{"custom deny gets the reason", true, "bad", http.StatusTeapot, "token_invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.custom {
				p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.WriteHeader(http.StatusTeapot)
					label := csrf.Label(csrf.Reason(r))
					json.NewEncoder(w).Encode(map[string]string{"error": label})
				}))
				defer p.SetDenyHandler(nil)
			}
			r := withSession(httptest.NewRequest("POST", "/api/chat", nil), "sid-1")
			r.Header.Set("X-CSRF-Token", tt.token)
			w := httptest.NewRecorder()
			p.Handler(next).ServeHTTP(w, r)
			checkResponse(t, w, tt.wantStatus, tt.wantError)
		})
	}
}

func checkResponse(t *testing.T, w *httptest.ResponseRecorder, status int, errText string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status = %d, want %d", w.Code, status)
	}
	if errText == "" {
		return
	}
	var body struct{ Error string }
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q is not JSON: %v", w.Body, err)
	}
	if body.Error != errText {
		t.Errorf("error = %q, want %q", body.Error, errText)
	}
	ct := w.Header().Get("Content-Type")
	if status == http.StatusForbidden && ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
}

func TestLabelAndReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{csrf.ErrTokenMissing, "token_missing"},
		{csrf.ErrTokenInvalid, "token_invalid"},
		{csrf.ErrCrossOrigin, "cross_origin"},
		{csrf.ErrNoSession, "no_session"},
		{errors.New("other"), ""},
		{nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := csrf.Label(tt.err); got != tt.want {
				t.Errorf("Label(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
	if err := csrf.Reason(httptest.NewRequest("GET", "/", nil)); err != nil {
		t.Errorf("Reason of a request that was not refused = %v", err)
	}
}

func TestZeroProtectionRefuses(t *testing.T) {
	var p csrf.Protection
	tok := csrf.New([][]byte{keyNew}, sessionID).Token("sid-1")
	r := withSession(httptest.NewRequest("POST", "/", nil), "sid-1")
	r.Header.Set(csrf.HeaderName, tok)
	if err := p.Check(r); err == nil {
		t.Error("zero Protection let an unsafe request through")
	}
	if err := p.Verify("sid-1", tok); err == nil {
		t.Error("zero Protection verified a token")
	}
	if _, err := p.TokenFor(r); err == nil {
		t.Error("zero Protection handed out a token")
	}
}

func TestNewPanics(t *testing.T) {
	tests := []struct {
		name string
		keys [][]byte
		fn   func(*http.Request) (string, bool)
	}{
		{"no keys", nil, sessionID},
		{"empty key", [][]byte{keyNew, {}}, sessionID},
		{"no lookup", [][]byte{keyNew}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("New did not panic")
				}
			}()
			csrf.New(tt.keys, tt.fn)
		})
	}
}
