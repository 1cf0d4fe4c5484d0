package sign

import (
	"fmt"
	"net/http"
	"time"
)

// Transport is an http.RoundTripper that signs each request with Key,
// named KeyID, before passing it to Base (nil means
// http.DefaultTransport). The request it is given is left unchanged apart
// from its body, which is read.
type Transport struct {
	Base  http.RoundTripper
	KeyID string
	Key   []byte
	// MaxBodyBytes bounds the body signed; zero means
	// [DefaultMaxBodyBytes].
	MaxBodyBytes int64
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	out := r.Clone(r.Context())
	nonce, err := newNonce()
	if err == nil {
		err = sign(out, t.KeyID, t.Key, time.Now(), nonce, t.maxBody())
	}
	if err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, fmt.Errorf("sign transport: %w", err)
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(out)
}

func (t *Transport) maxBody() int64 {
	if t.MaxBodyBytes > 0 {
		return t.MaxBodyBytes
	}
	return DefaultMaxBodyBytes
}

var _ http.RoundTripper = (*Transport)(nil)
