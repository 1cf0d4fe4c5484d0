package ratelimit

import (
	"context"
	"sync"
	"time"
)

// MemoryFailures is a [Failures] store kept in the memory of one process.
// It tracks up to MaxKeys keys (zero means [DefaultMaxKeys]); when full, it
// drops forgotten keys in a random sample or else the sampled key whose
// count would be forgotten soonest, so a flood of fresh keys can shorten
// the memory of others. The zero value is ready to use.
type MemoryFailures struct {
	MaxKeys int

	mu      sync.Mutex
	entries map[string]failure
}

type failure struct {
	count  int
	until  time.Time // end of the lock
	forget time.Time // when the count is dropped
}

// Locked implements [Failures].
func (m *MemoryFailures) Locked(_ context.Context, key string) (time.Duration, error) {
	return m.locked(time.Now(), key), nil
}

// Fail implements [Failures]. It fails only on an invalid policy.
func (m *MemoryFailures) Fail(_ context.Context, key string, b Backoff) (time.Duration, error) {
	if err := b.Valid(); err != nil {
		return 0, err
	}
	return m.fail(time.Now(), key, b), nil
}

// Reset implements [Failures].
func (m *MemoryFailures) Reset(_ context.Context, key string) error {
	m.mu.Lock()
	delete(m.entries, key)
	m.mu.Unlock()
	return nil
}

func (m *MemoryFailures) locked(now time.Time, key string) time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.entries[key]
	if !ok || !now.Before(f.until) {
		return 0
	}
	return f.until.Sub(now)
}

func (m *MemoryFailures) fail(now time.Time, key string, b Backoff) time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.entries == nil {
		m.entries = make(map[string]failure)
	}
	f, ok := m.entries[key]
	if ok && !now.Before(f.forget) {
		f, ok = failure{}, false
	}
	if !ok && len(m.entries) >= m.maxKeys() {
		m.evict(now)
	}
	f.count++
	lock := b.Lock(f.count)
	if lock > 0 {
		f.until = now.Add(lock)
	}
	f.forget = now.Add(b.keep(lock))
	m.entries[key] = f
	return lock
}

func (m *MemoryFailures) maxKeys() int {
	if m.MaxKeys <= 0 {
		return DefaultMaxKeys
	}
	return m.MaxKeys
}

func (m *MemoryFailures) evict(now time.Time) {
	var soonest string
	var soonestAt time.Time
	dropped, seen := 0, 0
	for k, f := range m.entries {
		if !now.Before(f.forget) {
			delete(m.entries, k)
			dropped++
		} else if soonest == "" || f.forget.Before(soonestAt) {
			soonest, soonestAt = k, f.forget
		}
		if seen++; seen == evictSample {
			break
		}
	}
	if dropped == 0 && soonest != "" {
		delete(m.entries, soonest)
	}
}

// Len reports how many keys are tracked.
func (m *MemoryFailures) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}

var _ Failures = (*MemoryFailures)(nil)
