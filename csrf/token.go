package csrf

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"io"
	"mime"
	"net/http"
	"sync/atomic"
)

// Where a request may carry its token. The header is looked up under its
// canonical form, so reading it does not allocate.
const (
	HeaderName = "X-CSRF-Token"
	FormField  = "csrf_token"
	headerKey  = "X-Csrf-Token"
)

const (
	secretLen   = sha256.Size
	tokenRawLen = 2 * secretLen
	// TokenLen is the length of every token [Protection.Token] returns:
	// a 32-byte pad and the 32-byte masked secret, base64url without
	// padding.
	TokenLen = (tokenRawLen*8 + 5) / 6
)

var tokenEncoding = base64.RawURLEncoding.Strict()

// Protection is the token layer. Every request whose method is not GET,
// HEAD, OPTIONS or TRACE must carry the token of its session in the
// X-CSRF-Token header or, when the header is absent, in the csrf_token
// field of a form body. The URL query is never read, and method-override
// headers are ignored: the method checked is the one the server routes by.
//
// The per-session secret is HMAC-SHA256(key, session id). Tokens hand it out
// XORed with a fresh 32-byte random pad, so two tokens for one session never
// look alike, and verification accepts a secret made with any key of the
// ring, so tokens survive a key rotation.
//
// Security limits: a token is only as secret as the pages that carry it; an
// XSS on the origin can read it and forge requests. Tokens do not expire on
// their own: one is valid exactly as long as its session. To find the form
// field, a form body of up to [MaxFormBody] bytes is held in memory; the
// handler behind still reads it in full.
//
// Make a Protection with [New]. The zero value has no keys and no session
// lookup: it refuses every unsafe request, and its Token method panics.
type Protection struct {
	keys      []macKey // current first
	sessionID func(*http.Request) (string, bool)
	deny      atomic.Pointer[http.Handler]
}

// New returns a Protection that signs with keys[0] and verifies with every
// key, and finds the session of a request with sessionID (for instance
// session.IDFromRequest). New panics if keys is empty, a key is empty or
// sessionID is nil: those are programming errors.
func New(keys [][]byte, sessionID func(*http.Request) (string, bool)) *Protection {
	if len(keys) == 0 || sessionID == nil {
		panic("csrf: New needs at least one key and a session lookup")
	}
	p := &Protection{sessionID: sessionID}
	for _, k := range keys {
		if len(k) == 0 {
			panic("csrf: New given an empty key")
		}
		p.keys = append(p.keys, newMACKey(k))
	}
	return p
}

// Token returns a token for the session id, masked with a fresh random pad:
// every call gives a different string, and all of them verify.
func (p *Protection) Token(sessionID string) string {
	if len(p.keys) == 0 {
		panic("csrf: Token called on a Protection made without New")
	}
	var raw [tokenRawLen]byte
	rand.Read(raw[:secretLen]) // never returns an error
	secret := p.keys[0].sum(sessionID)
	for i := range secret {
		raw[secretLen+i] = raw[i] ^ secret[i]
	}
	var enc [TokenLen]byte
	tokenEncoding.Encode(enc[:], raw[:])
	return string(enc[:])
}

// TokenFor returns a fresh token for the session of r, as found by the
// lookup given to [New]. It fails with [ErrNoSession] when r has none. This
// is the helper for services that render the token into their own pages.
func (p *Protection) TokenFor(r *http.Request) (string, error) {
	if p.sessionID == nil {
		return "", ErrNoSession
	}
	id, ok := p.sessionID(r)
	if !ok || id == "" {
		return "", ErrNoSession
	}
	return p.Token(id), nil
}

// Verify checks token against the session id. It returns [ErrNoSession]
// for an empty id, [ErrTokenMissing] for an empty token and
// [ErrTokenInvalid] for any other token that was not made for this session
// with a key of the ring. Comparisons take the same time whichever byte
// differs.
func (p *Protection) Verify(sessionID, token string) error {
	switch {
	case sessionID == "":
		return ErrNoSession
	case token == "":
		return ErrTokenMissing
	case len(token) != TokenLen:
		return ErrTokenInvalid
	}
	var enc [TokenLen]byte
	copy(enc[:], token)
	var raw [tokenRawLen]byte
	// Decode skips CR and LF, so a token holding them decodes short.
	if n, err := tokenEncoding.Decode(raw[:], enc[:]); err != nil || n != tokenRawLen {
		return ErrTokenInvalid
	}
	var got [secretLen]byte
	for i := range got {
		got[i] = raw[i] ^ raw[secretLen+i]
	}
	// Stopping at the first key that matches tells a timing observer only
	// which key made a valid token, which is no secret; each comparison
	// itself takes constant time.
	for i := range p.keys {
		want := p.keys[i].sum(sessionID)
		if subtle.ConstantTimeCompare(got[:], want[:]) == 1 {
			return nil
		}
	}
	return ErrTokenInvalid
}

// Check decides whether r may proceed. Safe methods (GET, HEAD, OPTIONS,
// TRACE) always may. Any other method needs a session ([ErrNoSession]) and
// its token in the X-CSRF-Token header or, only when that header is absent
// or empty, in the csrf_token field of an urlencoded or multipart form body
// (see [MaxFormBody]). Check leaves r's body readable and its form unparsed.
func (p *Protection) Check(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return nil
	}
	if p.sessionID == nil {
		return ErrNoSession
	}
	id, ok := p.sessionID(r)
	if !ok || id == "" {
		return ErrNoSession
	}
	var token string
	if v := r.Header[headerKey]; len(v) > 0 {
		token = v[0]
	}
	if token == "" {
		token = formToken(r)
	}
	return p.Verify(id, token)
}

// MaxFormBody is the largest form body, in bytes, that [Protection.Check]
// reads a csrf_token field from. Larger requests must send the token in the
// X-CSRF-Token header.
const MaxFormBody = 1 << 20

// formToken returns the csrf_token field of r's body when the body is an
// urlencoded or multipart form of at most MaxFormBody bytes. The form is
// parsed from a copy of the body on a copy of r: r.Body is replaced by a
// reader that yields the same bytes, and r's form fields stay unparsed, so
// handlers and proxies behind the check see the request as it came.
func formToken(r *http.Request) string {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" && ct != "multipart/form-data" ||
		r.Body == nil || r.Body == http.NoBody {
		return ""
	}
	buf, err := io.ReadAll(io.LimitReader(r.Body, MaxFormBody+1))
	r.Body = replayBody{io.MultiReader(bytes.NewReader(buf), r.Body), r.Body}
	if err != nil || len(buf) > MaxFormBody {
		return ""
	}
	cp := *r
	cp.Body = io.NopCloser(bytes.NewReader(buf))
	cp.Form, cp.PostForm, cp.MultipartForm = nil, nil, nil
	token := cp.PostFormValue(FormField)
	if cp.MultipartForm != nil {
		cp.MultipartForm.RemoveAll()
	}
	return token
}

// replayBody reads the bytes formToken consumed, then the rest of the
// original body, and closes the original.
type replayBody struct {
	io.Reader
	io.Closer
}

// Handler returns a handler that serves next when [Protection.Check] allows
// the request, and calls the deny handler otherwise.
func (p *Protection) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := p.Check(r); err != nil {
			deny(p.deny.Load(), w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// SetDenyHandler sets the handler for refused requests; [Reason] gives it
// the cause. With nil (the default) refusals get a 403 with a JSON body
// {"error": "csrf: token missing"} and the like. It is safe to call
// concurrently with requests.
func (p *Protection) SetDenyHandler(h http.Handler) {
	if h == nil {
		p.deny.Store(nil)
		return
	}
	p.deny.Store(&h)
}
