package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrInvalidBackoff reports a [Backoff] that cannot be enforced.
var ErrInvalidBackoff = errors.New("ratelimit: invalid backoff")

// Backoff is a lockout policy for repeated failures, such as failed logins.
// The After-th failure locks the key for Base, each further failure doubles
// the lock up to Max, and the count is forgotten once the key has seen no
// failure for Forget (or for the lock, when that is longer).
type Backoff struct {
	After  int
	Base   time.Duration
	Max    time.Duration
	Forget time.Duration
}

// Recommended policies for logins: a username is locked after 5 failures,
// a client address after 20 (several users may share one address behind a
// NAT). Both locks start at one second and double up to 15 minutes.
var (
	LoginUserBackoff = Backoff{After: 5, Base: time.Second, Max: 15 * time.Minute, Forget: time.Hour}
	LoginIPBackoff   = Backoff{After: 20, Base: time.Second, Max: 15 * time.Minute, Forget: time.Hour}
)

// Valid reports whether b can be enforced (durations of at least a
// millisecond, Max no shorter than Base); the error wraps
// [ErrInvalidBackoff].
func (b Backoff) Valid() error {
	if b.After < 1 || b.Base < time.Millisecond || b.Max < b.Base || b.Forget < time.Millisecond {
		return fmt.Errorf("%w: after %d base %v max %v forget %v",
			ErrInvalidBackoff, b.After, b.Base, b.Max, b.Forget)
	}
	return nil
}

// Lock returns the lock that follows the failures-th failure: zero below
// After, then Base, 2×Base, 4×Base… up to Max.
func (b Backoff) Lock(failures int) time.Duration {
	if failures < b.After {
		return 0
	}
	lock := b.Base
	for range failures - b.After {
		if lock >= b.Max/2 {
			return b.Max
		}
		lock *= 2
	}
	return min(lock, b.Max)
}

// keep is how long the failure count of a key is remembered after a
// failure that set the given lock.
func (b Backoff) keep(lock time.Duration) time.Duration { return max(b.Forget, lock) }

// Failures counts failures per key and locks keys out according to a
// [Backoff]. Implementations are [MemoryFailures] and [RedisFailures]; both
// are safe for concurrent use. An error means the store failed.
type Failures interface {
	// Locked returns how long key stays locked; zero when it may try.
	Locked(ctx context.Context, key string) (time.Duration, error)
	// Fail records a failure of key and returns the lock it now serves.
	Fail(ctx context.Context, key string, b Backoff) (time.Duration, error)
	// Reset forgets the failures of key.
	Reset(ctx context.Context, key string) error
}
