package sign

import (
	"net/http"
	"time"
)

// SignAt signs r as [Sign] does, with a fixed time and nonce.
func SignAt(r *http.Request, keyID string, key []byte, now time.Time, nonce string) error {
	return sign(r, keyID, key, now, nonce, DefaultMaxBodyBytes)
}

// SetClock makes v read the time from now.
func (v *Verifier) SetClock(now func() time.Time) { v.now = now }

// ClaimAt claims nonce as [MemoryNonces.Claim] does, at a fixed time.
func (m *MemoryNonces) ClaimAt(now time.Time, nonce string, ttl time.Duration) (bool, error) {
	return m.claim(now, nonce, ttl)
}
