// Package sign authenticates service-to-service HTTP requests with
// HMAC-SHA256. The sender signs the method, path, query, a digest of the
// body, a timestamp and a random nonce under a shared key named by a key
// id; the receiver checks the signature, the time window and that the nonce
// has not been seen before.
//
// [Sign] signs one request and [Transport] signs every request an
// http.Client sends; [Verifier] checks requests, alone or as middleware.
// The string that is signed is given by [Canonical]; docs/scaling.md shows
// it byte by byte so that other languages can sign and verify too.
//
// The signature does not cover the host, the scheme or any header besides
// its own: give each receiving service its own key so that a request
// signed for one cannot be replayed to another within the window.
package sign

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names. Each request carries all five.
const (
	HeaderKeyID     = "X-Bulwark-Key-Id"
	HeaderTimestamp = "X-Bulwark-Timestamp"
	HeaderNonce     = "X-Bulwark-Nonce"
	HeaderDigest    = "X-Bulwark-Content-SHA256"
	HeaderSignature = "X-Bulwark-Signature"
)

const (
	// DefaultWindow is how far a timestamp may lie from the receiver's
	// clock, in either direction.
	DefaultWindow = 5 * time.Minute
	// DefaultMaxBodyBytes bounds the body that is read to be digested.
	DefaultMaxBodyBytes = 10 << 20
	// MinKeyBytes is the shortest key [Sign] accepts.
	MinKeyBytes = 16
)

// ErrWeakKey reports a key shorter than [MinKeyBytes] or a key id that is
// not 1 to 64 of the bytes A-Z a-z 0-9 . _ -.
var ErrWeakKey = errors.New("sign: key shorter than 16 bytes or bad key id")

// Sign signs r in place with key, named keyID, at the current time and
// with a fresh nonce: it sets the five X-Bulwark headers. It reads the
// body (at most [DefaultMaxBodyBytes], or it fails with [ErrBodyTooLarge])
// and puts it back, setting GetBody and ContentLength, so that r can still
// be sent. Call it after the last change to the method, URL or body.
func Sign(r *http.Request, keyID string, key []byte) error {
	nonce, err := newNonce()
	if err != nil {
		return err
	}
	return sign(r, keyID, key, time.Now(), nonce, DefaultMaxBodyBytes)
}

func sign(r *http.Request, keyID string, key []byte, now time.Time, nonce string,
	maxBody int64) error {
	if len(key) < MinKeyBytes || !validKeyID(keyID) {
		return ErrWeakKey
	}
	body, err := takeBody(&r.Body, maxBody)
	if err != nil {
		return fmt.Errorf("sign request: %w", err)
	}
	if r.Body != nil {
		r.ContentLength = int64(len(body))
		r.GetBody = func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(body)), nil
		}
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	digest := BodySHA256(body)
	path, query := splitTarget(r)
	msg := Canonical(keyID, ts, nonce, r.Method, path, query, digest)
	h := r.Header
	if h == nil {
		h = make(http.Header)
		r.Header = h
	}
	h.Set(HeaderKeyID, keyID)
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderNonce, nonce)
	h.Set(HeaderDigest, digest)
	h.Set(HeaderSignature, hex.EncodeToString(mac(key, msg)))
	return nil
}

func mac(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	io.WriteString(m, msg)
	return m.Sum(nil)
}

// newNonce returns 16 random bytes in lowercase hex.
func newNonce() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("read nonce: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// splitTarget returns the raw path and query of the request target r is
// (or was) sent with.
func splitTarget(r *http.Request) (path, query string) {
	path, query, _ = strings.Cut(r.URL.RequestURI(), "?")
	return path, query
}

// takeBody reads *body completely, closes it and replaces it with a reader
// over the same bytes. It fails with [ErrBodyTooLarge] past max bytes.
func takeBody(body *io.ReadCloser, max int64) ([]byte, error) {
	if *body == nil || *body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(*body, max+1))
	(*body).Close()
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(b)) > max {
		return nil, ErrBodyTooLarge
	}
	*body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

func validKeyID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := range len(id) {
		c := id[i]
		if !(unreserved(c) && c != '~') {
			return false
		}
	}
	return true
}
