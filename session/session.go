// Package session keeps browser sessions in sealed cookies backed by a
// server-side store.
//
// A session cookie carries the session id, the user name and two
// timestamps, encrypted and authenticated with XChaCha20-Poly1305 under a
// subkey of the [Keyring]. The cookie alone proves that the server issued
// it; the [Store] says whether it was revoked since (logout). A [Manager]
// ties the two together and sets the cookie with safe attributes.
//
// Package session does not log; it returns errors. A cookie that is absent,
// malformed, forged, expired or revoked gives [ErrNoSession]; any other
// error from [Manager.Load] means the store failed and the request should
// be answered with 503, not treated as anonymous.
package session

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"time"
)

// A Session is one logged-in browser session.
type Session struct {
	ID       string    // random, at least 128 bits, base64url
	User     string    // the name the session was started for
	Created  time.Time // login time, whole seconds
	LastSeen time.Time // last refresh of the cookie, whole seconds
}

// ErrNoSession reports that a request carries no usable session: the cookie
// is absent, malformed, forged, sealed for another cookie name or with a key
// no longer in the ring, expired, or revoked. Errors that wrap it say which.
var ErrNoSession error = noSession("")

// noSession is the type of [ErrNoSession] and of the more precise errors
// that match it with [errors.Is]. Being a string type, values of it are
// returned without allocating.
type noSession string

func (e noSession) Error() string {
	if e == "" {
		return "session: no session"
	}
	return "session: no session: " + string(e)
}

func (e noSession) Is(target error) bool { return target == ErrNoSession }

var (
	errMalformed  error = noSession("malformed cookie")
	errUnopenable error = noSession("cookie does not open with any key")
	errExpired    error = noSession("expired")
	errRevoked    error = noSession("revoked or unknown to the store")
)

// idBytes is the entropy of a session id: 256 bits, twice the minimum that
// OWASP asks for.
const idBytes = 32

// newID returns a fresh session id from crypto/rand.
func newID() string {
	var b [idBytes]byte
	rand.Read(b[:]) // never returns an error; crashes the program if the OS fails
	return base64.RawURLEncoding.EncodeToString(b[:])
}

type contextKey struct{}

// NewContext returns a copy of ctx that carries s.
func NewContext(ctx context.Context, s Session) context.Context {
	return context.WithValue(ctx, contextKey{}, s)
}

// FromContext returns the session stored in ctx by [NewContext], if any.
func FromContext(ctx context.Context) (Session, bool) {
	s, ok := ctx.Value(contextKey{}).(Session)
	return s, ok
}

// IDFromRequest returns the id of the session in r's context, if any. Its
// signature fits [github.com/bulwarkhq/bulwark/csrf.New].
func IDFromRequest(r *http.Request) (string, bool) {
	s, ok := FromContext(r.Context())
	if !ok || s.ID == "" {
		return "", false
	}
	return s.ID, true
}
