package sign

import (
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Errors returned by [Verifier.Check]; the error may wrap one of them with
// detail, so compare with errors.Is.
var (
	ErrMissing      = errors.New("sign: signature headers missing")
	ErrMalformed    = errors.New("sign: signature headers malformed")
	ErrUnknownKey   = errors.New("sign: unknown key id")
	ErrExpired      = errors.New("sign: timestamp outside the allowed window")
	ErrBadSignature = errors.New("sign: bad signature")
	ErrBodyDigest   = errors.New("sign: body does not match its digest")
	ErrBodyTooLarge = errors.New("sign: body too large")
	ErrReplayed     = errors.New("sign: nonce already used")
	ErrNonceStore   = errors.New("sign: nonce store failed")
)

// Keyring finds the key for a key id.
type Keyring interface {
	Key(id string) (key []byte, ok bool)
}

// Keys is a fixed [Keyring]. To rotate, add the new key under a new id,
// move the senders to it, then remove the old one.
type Keys map[string][]byte

// Key implements [Keyring].
func (k Keys) Key(id string) ([]byte, bool) {
	key, ok := k[id]
	return key, ok
}

// Verifier checks signed requests. Keys must be set; the other fields have
// usable zero values. Set the fields before first use; afterwards a
// Verifier is safe for concurrent use.
//
// A request passes when all five headers are well formed, the key id is
// known, the timestamp lies within Window of the receiver's clock, the
// signature matches, the body matches its digest and the nonce has not
// been seen under that key id within the window. The nonce is recorded only
// once everything else has passed, so unsigned traffic cannot use up
// nonces.
type Verifier struct {
	Keys Keyring
	// Nonces remembers nonces; nil means a [MemoryNonces] owned by this
	// Verifier, which is enough for one process.
	Nonces NonceStore
	// Window is how far a timestamp may lie from now, either way; zero
	// means [DefaultWindow].
	Window time.Duration
	// MaxBodyBytes bounds the body read; zero means [DefaultMaxBodyBytes].
	MaxBodyBytes int64
	// Deny answers a refused request in [Verifier.Handler]; nil means
	// [DenyJSON].
	Deny func(w http.ResponseWriter, r *http.Request, err error)

	once   sync.Once
	nonces NonceStore
	now    func() time.Time // for tests; nil means time.Now
}

// Check verifies r and returns nil when it is correctly signed. It reads
// the body, bounded by MaxBodyBytes, and puts it back for the next handler.
func (v *Verifier) Check(r *http.Request) error {
	v.once.Do(v.init)
	h := r.Header
	keyID, ts := h.Get(HeaderKeyID), h.Get(HeaderTimestamp)
	nonce, digest, sig := h.Get(HeaderNonce), h.Get(HeaderDigest), h.Get(HeaderSignature)
	if keyID == "" || ts == "" || nonce == "" || digest == "" || sig == "" {
		return ErrMissing
	}
	unix, ok := parseTimestamp(ts)
	gotMAC, err := hex.DecodeString(sig)
	if !ok || err != nil || len(gotMAC) != 32 || !validNonce(nonce) || !validDigest(digest) {
		return ErrMalformed
	}
	if v.Keys == nil {
		return ErrUnknownKey
	}
	key, ok := v.Keys.Key(keyID)
	if !ok {
		return ErrUnknownKey
	}
	now, window := v.clock(), v.window()
	age := now.Sub(time.Unix(unix, 0))
	if age > window || age < -window {
		return fmt.Errorf("%w: %v off", ErrExpired, age.Round(time.Second))
	}
	path, query := splitTarget(r)
	if !hmac.Equal(gotMAC, mac(key, Canonical(keyID, ts, nonce, r.Method, path, query, digest))) {
		return ErrBadSignature
	}
	body, err := takeBody(&r.Body, v.maxBody())
	if err != nil {
		return err
	}
	if BodySHA256(body) != digest {
		return ErrBodyDigest
	}
	ttl := window - age + time.Second
	fresh, err := v.nonces.Claim(r.Context(), keyID+":"+nonce, ttl)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNonceStore, err)
	}
	if !fresh {
		return ErrReplayed
	}
	return nil
}

// Handler returns a handler that passes correctly signed requests to next
// and answers the others with the Deny function.
func (v *Verifier) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := v.Check(r); err != nil {
			deny := v.Deny
			if deny == nil {
				deny = DenyJSON
			}
			deny(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// DenyJSON answers a refused request with a JSON body such as
// {"error": "invalid request signature", "reason": "expired"} and the
// status from [Status].
func DenyJSON(w http.ResponseWriter, _ *http.Request, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(Status(err))
	json.NewEncoder(w).Encode(struct {
		Error  string `json:"error"`
		Reason string `json:"reason"`
	}{"invalid request signature", Reason(err)})
}

// Status returns the HTTP status for an error from [Verifier.Check]: 413
// for a body too large, 503 when the nonce store failed, 401 otherwise.
func Status(err error) int {
	switch {
	case errors.Is(err, ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrNonceStore):
		return http.StatusServiceUnavailable
	}
	return http.StatusUnauthorized
}

// Reason returns a short word for an error from [Verifier.Check], safe to
// show to the caller and to log: missing, malformed, unknown_key, expired,
// bad_signature, body_digest, body_too_large, replayed, nonce_store or
// error.
func Reason(err error) string {
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return r.word
		}
	}
	return "error"
}

var reasons = []struct {
	err  error
	word string
}{
	{ErrMissing, "missing"},
	{ErrMalformed, "malformed"},
	{ErrUnknownKey, "unknown_key"},
	{ErrExpired, "expired"},
	{ErrBadSignature, "bad_signature"},
	{ErrBodyDigest, "body_digest"},
	{ErrBodyTooLarge, "body_too_large"},
	{ErrReplayed, "replayed"},
	{ErrNonceStore, "nonce_store"},
}

func (v *Verifier) init() {
	v.nonces = v.Nonces
	if v.nonces == nil {
		v.nonces = &MemoryNonces{}
	}
}

func (v *Verifier) clock() time.Time {
	if v.now != nil {
		return v.now()
	}
	return time.Now()
}

func (v *Verifier) window() time.Duration {
	if v.Window > 0 {
		return v.Window
	}
	return DefaultWindow
}

func (v *Verifier) maxBody() int64 {
	if v.MaxBodyBytes > 0 {
		return v.MaxBodyBytes
	}
	return DefaultMaxBodyBytes
}

// parseTimestamp accepts 1 to 12 decimal digits.
func parseTimestamp(s string) (int64, bool) {
	if len(s) > 12 || !allBytes(s, isDigit) {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// validNonce accepts 16 to 128 bytes of A-Z a-z 0-9 - _.
func validNonce(s string) bool {
	return len(s) >= 16 && len(s) <= 128 && allBytes(s, func(c byte) bool {
		return unreserved(c) && c != '.' && c != '~'
	})
}

// validDigest accepts 64 lowercase hex digits.
func validDigest(s string) bool {
	return len(s) == 64 && allBytes(s, func(c byte) bool {
		return isDigit(c) || 'a' <= c && c <= 'f'
	})
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func allBytes(s string, ok func(byte) bool) bool {
	for i := range len(s) {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

var _ Keyring = Keys(nil)
