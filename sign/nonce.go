package sign

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// NonceStore remembers nonces for a while, to refuse replays.
type NonceStore interface {
	// Claim records nonce for ttl and reports whether it was new. It
	// must be atomic: of two concurrent claims of one nonce, one wins.
	Claim(ctx context.Context, nonce string, ttl time.Duration) (bool, error)
}

// DefaultMaxNonces is how many nonces a [MemoryNonces] holds when
// MaxEntries is zero, about 100 MB at most.
const DefaultMaxNonces = 1 << 20

// ErrNoncesFull reports a [MemoryNonces] full of unexpired nonces. It
// refuses new claims then, rather than forget a nonce that could be
// replayed.
var ErrNoncesFull = errors.New("sign: nonce store full")

// MemoryNonces is a [NonceStore] in the memory of one process. Each
// receiving process behind a load balancer has its own, so a request could
// be replayed to another instance: use [RedisNonces] there. The zero value
// is ready to use.
type MemoryNonces struct {
	// MaxEntries bounds the nonces held; zero means [DefaultMaxNonces].
	MaxEntries int

	mu        sync.Mutex
	expires   map[string]time.Time
	lastSweep time.Time
}

// Claim implements [NonceStore].
func (m *MemoryNonces) Claim(_ context.Context, nonce string, ttl time.Duration) (bool, error) {
	return m.claim(time.Now(), nonce, ttl)
}

func (m *MemoryNonces) claim(now time.Time, nonce string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.expires == nil {
		m.expires = make(map[string]time.Time)
	}
	if exp, ok := m.expires[nonce]; ok && now.Before(exp) {
		return false, nil
	}
	if len(m.expires) >= m.maxEntries() {
		m.sweep(now)
		if len(m.expires) >= m.maxEntries() {
			return false, ErrNoncesFull
		}
	}
	m.expires[nonce] = now.Add(ttl)
	return true, nil
}

// sweep drops expired nonces, at most once a second: a full store of
// unexpired nonces then costs one pass a second, not one per request.
func (m *MemoryNonces) sweep(now time.Time) {
	if now.Sub(m.lastSweep) < time.Second && !now.Before(m.lastSweep) {
		return
	}
	m.lastSweep = now
	for k, exp := range m.expires {
		if !now.Before(exp) {
			delete(m.expires, k)
		}
	}
}

func (m *MemoryNonces) maxEntries() int {
	if m.MaxEntries > 0 {
		return m.MaxEntries
	}
	return DefaultMaxNonces
}

// RedisNonces is a [NonceStore] in Redis (SET key NX PX ttl), shared by
// every instance using the same server and prefix.
type RedisNonces struct {
	client redis.UniversalClient
	prefix string
}

// NewRedisNonces returns a store that keeps nonce n under prefix+n.
func NewRedisNonces(c redis.UniversalClient, prefix string) *RedisNonces {
	return &RedisNonces{client: c, prefix: prefix}
}

// Claim implements [NonceStore].
func (rn *RedisNonces) Claim(ctx context.Context, nonce string, ttl time.Duration) (bool, error) {
	ok, err := rn.client.SetNX(ctx, rn.prefix+nonce, 1, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redis claim nonce: %w", err)
	}
	return ok, nil
}

var (
	_ NonceStore = (*MemoryNonces)(nil)
	_ NonceStore = (*RedisNonces)(nil)
)
